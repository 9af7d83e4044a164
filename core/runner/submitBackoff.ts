// When the runner may call sbatch again after the cluster said "not now": growing, jittered waits, capped.

export interface SubmitBackoffOptions {
  /** The first wait after a refusal (default 5 s, the poller's floor). */
  readonly firstMs?: number;
  /** The longest wait (default 60 s, the poller's ceiling): a freed limit is never noticed later than a poll would. */
  readonly ceilingMs?: number;
  /** Growth per refusal in a row (default 2). */
  readonly factor?: number;
  /**
   * The part of each wait that is random (default 0.5: a wait lies in [d/2, d]), so runners of many users refused
   * at the same moment do not all come back at the same moment.
   */
  readonly jitter?: number;
  /** In [0, 1); injectable so tests know each wait exactly. */
  readonly random?: () => number;
}

/**
 * One batch's submission back-off. `refused` starts (or lengthens) a wait; `slotFreed` ends it at once, because a job
 * of the batch that ended is room the cluster just gave back; `accepted` forgets the refusals.
 */
export class SubmitBackoff {
  private readonly firstMs: number;
  private readonly ceilingMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private refusalsInARow = 0;
  private notBefore = Number.NEGATIVE_INFINITY;

  constructor(options: SubmitBackoffOptions = {}) {
    this.firstMs = Math.max(0, options.firstMs ?? 5_000);
    this.ceilingMs = Math.max(this.firstMs, options.ceilingMs ?? 60_000);
    this.factor = Math.max(1, options.factor ?? 2);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.random = options.random ?? Math.random;
  }

  /** A refusal at `now`: returns when sbatch may be asked again. */
  refused(now: number): number {
    const full = Math.min(this.ceilingMs, this.firstMs * this.factor ** this.refusalsInARow);
    this.refusalsInARow++;
    const wait = full * (1 - this.jitter * this.random());
    this.notBefore = now + wait;
    return this.notBefore;
  }

  /** A job of the batch ended: try at once (a later refusal still waits longer than the last one). */
  slotFreed(): void {
    this.notBefore = Number.NEGATIVE_INFINITY;
  }

  /** sbatch took a job: the next refusal starts from the first wait again. */
  accepted(): void {
    this.refusalsInARow = 0;
    this.notBefore = Number.NEGATIVE_INFINITY;
  }

  mayTry(now: number): boolean {
    return now >= this.notBefore;
  }

  /** Milliseconds until sbatch may be asked again (0 when it may be now). */
  remainingMs(now: number): number {
    return Math.max(0, this.notBefore - now);
  }

  /** Refusals since the last accepted submission. */
  get refusals(): number {
    return this.refusalsInARow;
  }
}
