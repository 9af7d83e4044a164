// One poller for every watched job of every batch: ONE squeue per tick, at most ONE sacct, adaptive pace.
import { systemClock } from './clock.js';
import type { Clock, TimerHandle } from './clock.js';
import { Emitter } from './events.js';
import type { Event } from './events.js';
import { accountingTimes } from './sacct.js';
import type { AccountingRecord } from './sacct.js';
import type { Scheduler } from './scheduler.js';
import type { QueueEntry } from './squeue.js';
import { failureCause, slurmStateMeaning } from './states.js';
import type { SlurmStatus } from './states.js';

/**
 * What the poller knows of one job. A new object replaces it whenever anything but the elapsed
 * time changes; `elapsed`, `elapsedSeconds` and `observedAt` alone are refreshed in place.
 */
export interface JobObservation {
  jobId: string;
  /**
   * `unknown`: the job is not (or no longer) in squeue and accounting has not told its fate yet;
   * NOT a failure — the program output or a later sacct answer decides.
   */
  status: SlurmStatus | 'unknown';
  /** SLURM's state as last seen (`RUNNING`, `CANCELLED by 0`); kept when the job leaves squeue. */
  slurmState?: string;
  /** squeue's reason (`Priority`, `Dependency`, `DependencyNeverSatisfied`, `None`…). */
  reason?: string;
  elapsed?: string;
  elapsedSeconds?: number;
  /** From sacct once the job has ended: when it started and ended (ISO 8601), the scheduler's record over when a poll noticed. */
  startedAt?: string;
  endedAt?: string;
  /** From sacct once the job has ended (squeue does not show exit codes). */
  exitCode?: number;
  signal?: number;
  /** Why it failed or was cancelled: TIMEOUT, OUT_OF_MEMORY, CANCELLED, `exit code 3`… */
  cause?: string;
  cancelledBy?: string;
  name?: string;
  workDir?: string;
  /** SLURM says it has ended (succeeded, failed or cancelled). */
  final: boolean;
  /** In the last successful squeue answer. */
  inQueue: boolean;
  /** Where status and cause come from. */
  source: 'squeue' | 'sacct' | 'none';
  /** Clock time of the answer this observation comes from. */
  observedAt: number;
}

export interface JobChange {
  jobId: string;
  /** Every watched batch the job belongs to. */
  batchIds: readonly string[];
  previous: JobObservation | undefined;
  current: JobObservation;
}

export interface JobsChangedEvent {
  at: number;
  changes: readonly JobChange[];
}

/** Sent once when a command starts failing and once when it works again. */
export interface PollerHealthEvent {
  command: 'squeue' | 'sacct';
  ok: boolean;
  /** Why it failed (absent on recovery). */
  reason?: string;
  at: number;
}

export interface StaleInfo {
  reason: string;
  /** When squeue first failed. */
  since: number;
}

export interface PollerOptions {
  scheduler: Pick<Scheduler, 'queue' | 'accounting'>;
  clock?: Clock;
  /** Shortest interval between regular ticks (default 5 s). */
  floorMs?: number;
  /** Longest interval (default 60 s), for quiet periods and for backing off a failing squeue. */
  ceilingMs?: number;
  /** Interval multiplier per quiet tick or failed tick (default 2). */
  growth?: number;
  /** Smallest gap between the starts of two ticks, even when nudged repeatedly (default 1 s). */
  nudgeGapMs?: number;
  /** Interval multiplier while nothing shows the results (default 4). */
  hiddenFactor?: number;
  /** Most ids in one sacct call; the rest wait for the next tick (default 1000). */
  maxAccountingIds?: number;
  /** After this many sacct answers without a final record, a job is no longer asked about (default 10). */
  maxAccountingAttempts?: number;
  /** Where listener exceptions go (default: ignored). */
  onListenerError?: (error: unknown) => void;
}

export interface PollerStats {
  ticks: number;
  squeueCalls: number;
  sacctCalls: number;
  /** The current adaptive interval (before the hidden factor). */
  intervalMs: number;
  nextTickAt: number | undefined;
  /** Parse + diff time of the last tick, ms (excludes waiting for the commands). */
  lastProcessMs: number | undefined;
}

interface Tracked {
  jobId: string;
  batches: Set<string>;
  observation: JobObservation | undefined;
  /** A final sacct record: the job's fate as far as SLURM knows. */
  accounting: AccountingRecord | undefined;
  accountingMisses: number;
  /** The queue entry from the last successful squeue, when the job was in it. */
  entry: QueueEntry | undefined;
  /** The first tick whose squeue answer can know this job (a job watched mid-tick waits for the next). */
  firstTick: number;
  /** The last tick whose squeue answer listed the job (cheaper than a set of ids per tick). */
  seenTick: number;
}

const DEFAULTS = {
  floorMs: 5_000,
  ceilingMs: 60_000,
  growth: 2,
  nudgeGapMs: 1_000,
  hiddenFactor: 4,
  maxAccountingIds: 1_000,
  maxAccountingAttempts: 10,
};

export class Poller {
  private readonly scheduler: Pick<Scheduler, 'queue' | 'accounting'>;
  private readonly clock: Clock;
  private readonly config: typeof DEFAULTS;
  private readonly onListenerError: ((error: unknown) => void) | undefined;
  private readonly tracked = new Map<string, Tracked>();
  private readonly batches = new Map<string, Set<string>>();
  private readonly changedEmitter = new Emitter<JobsChangedEvent>();
  private readonly healthEmitter = new Emitter<PollerHealthEvent>();

  private interval: number;
  private visible = true;
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private rerunAfterFlight = false;
  private lastTickStart = Number.NEGATIVE_INFINITY;
  private accountingAvailable = true;
  private staleInfo: StaleInfo | undefined;
  private sacctFailing = false;
  private disposed = false;
  private readonly counters = { ticks: 0, squeueCalls: 0, sacctCalls: 0, lastProcessMs: undefined as number | undefined };

  /** Jobs whose observation changed in a tick (elapsed time alone is not a change). */
  readonly onDidChangeJobs: Event<JobsChangedEvent> = this.changedEmitter.event;
  /** squeue or sacct started failing (once) or works again. */
  readonly onDidChangeHealth: Event<PollerHealthEvent> = this.healthEmitter.event;

  constructor(options: PollerOptions) {
    this.scheduler = options.scheduler;
    this.clock = options.clock ?? systemClock;
    this.onListenerError = options.onListenerError;
    const pick = (key: keyof typeof DEFAULTS): number => options[key] ?? DEFAULTS[key];
    this.config = {
      floorMs: pick('floorMs'),
      ceilingMs: Math.max(pick('ceilingMs'), pick('floorMs')),
      growth: Math.max(1, pick('growth')),
      nudgeGapMs: pick('nudgeGapMs'),
      hiddenFactor: Math.max(1, pick('hiddenFactor')),
      maxAccountingIds: Math.max(1, pick('maxAccountingIds')),
      maxAccountingAttempts: pick('maxAccountingAttempts'),
    };
    this.interval = this.config.floorMs;
  }

  /** Follows these jobs for this batch (adds to what is already watched) and polls soon. */
  watch(batchId: string, jobIds: Iterable<string>): void {
    if (this.disposed) return;
    let batch = this.batches.get(batchId);
    if (!batch) this.batches.set(batchId, (batch = new Set()));
    let added = false;
    for (const jobId of jobIds) {
      batch.add(jobId);
      let tracked = this.tracked.get(jobId);
      if (!tracked) {
        tracked = {
          jobId,
          batches: new Set(),
          observation: undefined,
          accounting: undefined,
          accountingMisses: 0,
          entry: undefined,
          firstTick: this.counters.ticks + (this.inFlight ? 1 : 0),
          seenTick: -1,
        };
        this.tracked.set(jobId, tracked);
        added = true;
      }
      tracked.batches.add(batchId);
    }
    if (added) this.nudge();
  }

  /** Stops following these jobs for this batch, or the whole batch when no ids are given. */
  unwatch(batchId: string, jobIds?: Iterable<string>): void {
    const batch = this.batches.get(batchId);
    if (!batch) return;
    const ids = jobIds ? [...jobIds] : [...batch];
    for (const jobId of ids) {
      batch.delete(jobId);
      const tracked = this.tracked.get(jobId);
      if (!tracked) continue;
      tracked.batches.delete(batchId);
      if (tracked.batches.size === 0) this.tracked.delete(jobId);
    }
    if (batch.size === 0) this.batches.delete(batchId);
    if (this.tracked.size === 0) this.clearTimer();
  }

  /** Something just happened (a submit, a cancel): poll now, then at the floor interval again. */
  nudge(): void {
    if (this.disposed) return;
    this.interval = this.config.floorMs;
    if (this.inFlight) {
      this.rerunAfterFlight = true;
      return;
    }
    this.scheduleAt(Math.max(this.clock.now(), this.lastTickStart + this.config.nudgeGapMs));
  }

  /** Slows polling down (by hiddenFactor) while nobody looks; speeds it up again when shown. */
  setVisible(visible: boolean): void {
    if (this.visible === visible) return;
    this.visible = visible;
    if (this.disposed || this.tracked.size === 0 || this.inFlight) return;
    const next = Math.max(this.clock.now(), this.lastTickStart + this.effectiveInterval());
    this.clearTimer();
    this.scheduleAt(next);
  }

  /** Polls now (or joins the poll in flight) and resolves when it is done. */
  pollNow(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.clearTimer();
    return this.startTick();
  }

  /** Resolves when no poll is in flight (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  get(jobId: string): JobObservation | undefined {
    return this.tracked.get(jobId)?.observation;
  }

  /** The observations of a batch's jobs (jobs not polled yet are absent). */
  batchJobs(batchId: string): Map<string, JobObservation> {
    const result = new Map<string, JobObservation>();
    for (const jobId of this.batches.get(batchId) ?? []) {
      const observation = this.tracked.get(jobId)?.observation;
      if (observation) result.set(jobId, observation);
    }
    return result;
  }

  /** Set while squeue fails: every observation is then the last known one, not a fresh answer. */
  get stale(): StaleInfo | undefined {
    return this.staleInfo;
  }

  get watchedJobCount(): number {
    return this.tracked.size;
  }

  get stats(): PollerStats {
    return {
      ticks: this.counters.ticks,
      squeueCalls: this.counters.squeueCalls,
      sacctCalls: this.counters.sacctCalls,
      intervalMs: this.interval,
      nextTickAt: this.timerAt,
      lastProcessMs: this.counters.lastProcessMs,
    };
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.changedEmitter.dispose();
    this.healthEmitter.dispose();
  }

  // ------------------------------------------------------------------ scheduling

  private effectiveInterval(): number {
    return this.visible ? this.interval : this.interval * this.config.hiddenFactor;
  }

  private scheduleAt(at: number): void {
    if (this.disposed || this.tracked.size === 0) return;
    // an earlier tick already planned wins
    if (this.timer !== undefined && this.timerAt !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      void this.startTick();
    }, Math.max(0, at - this.clock.now()));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
  }

  private startTick(): Promise<void> {
    // a tick never rejects: anything unexpected is handled like a failed squeue (stale, back off)
    const flight = this.tick()
      .catch((error: unknown) => this.queueFailed(errorMessage(error)))
      .finally(() => {
        this.inFlight = undefined;
        this.afterTick();
      });
    this.inFlight = flight;
    return flight;
  }

  private afterTick(): void {
    if (this.disposed || this.tracked.size === 0) return;
    if (this.rerunAfterFlight) {
      this.rerunAfterFlight = false;
      this.scheduleAt(Math.max(this.clock.now(), this.lastTickStart + this.config.nudgeGapMs));
      return;
    }
    if (this.staleInfo === undefined && this.allSettled()) return; // nothing left to learn until watch/nudge
    this.scheduleAt(this.lastTickStart + this.effectiveInterval());
  }

  /** Every job's fate is as known as it will get: no reason to keep asking. */
  private allSettled(): boolean {
    for (const tracked of this.tracked.values()) {
      const observation = tracked.observation;
      if (!observation) return false;
      if (tracked.accounting) continue;
      if (!this.accountingAvailable || tracked.accountingMisses >= this.config.maxAccountingAttempts) {
        if (observation.final || !observation.inQueue) continue;
        return false;
      }
      return false;
    }
    return true;
  }

  private grow(): void {
    this.interval = Math.min(this.config.ceilingMs, Math.max(this.interval, this.config.floorMs) * this.config.growth);
  }

  // ------------------------------------------------------------------ one tick

  private async tick(): Promise<void> {
    if (this.disposed || this.tracked.size === 0) return;
    this.lastTickStart = this.clock.now();
    this.counters.ticks++;

    let entries: QueueEntry[];
    let at: number;
    this.counters.squeueCalls++;
    try {
      const snapshot = await this.scheduler.queue();
      entries = snapshot.entries;
      at = this.clock.now();
    } catch (error) {
      this.queueFailed(errorMessage(error));
      return;
    }
    if (this.disposed) return;
    if (this.staleInfo !== undefined) {
      this.staleInfo = undefined;
      this.fireHealth({ command: 'squeue', ok: true, at });
    }

    const started = performance.now();
    this.matchQueue(entries);
    this.counters.lastProcessMs = performance.now() - started;

    await this.askAccounting();
    if (this.disposed) return;

    const diffStart = performance.now();
    const changes = this.diff(at);
    this.counters.lastProcessMs += performance.now() - diffStart;

    if (changes.length > 0) {
      this.interval = this.config.floorMs;
      this.changedEmitter.fire({ at, changes }, this.onListenerError);
    } else {
      this.grow();
    }
  }

  private queueFailed(reason: string): void {
    this.grow();
    if (this.staleInfo !== undefined) return; // reported once until it recovers
    const at = this.clock.now();
    this.staleInfo = { reason, since: at };
    this.fireHealth({ command: 'squeue', ok: false, reason, at });
  }

  /** Attaches each watched job's queue entry and marks it seen in this tick. */
  private matchQueue(entries: readonly QueueEntry[]): void {
    const tick = this.counters.ticks;
    for (const entry of entries) {
      const tracked = this.tracked.get(entry.id);
      if (!tracked || tracked.firstTick > tick) continue;
      tracked.entry = entry;
      tracked.seenTick = tick;
    }
  }

  /** ONE sacct for jobs that left squeue or ended there, whose end record is not known yet. */
  private async askAccounting(): Promise<void> {
    if (!this.accountingAvailable) return;
    const ids: string[] = [];
    const tick = this.counters.ticks;
    for (const tracked of this.tracked.values()) {
      if (tracked.firstTick > tick) continue;
      if (tracked.accounting || tracked.accountingMisses >= this.config.maxAccountingAttempts) continue;
      const inQueue = tracked.seenTick === tick;
      if (inQueue && !slurmStateMeaning(tracked.entry?.state ?? '').final) continue;
      ids.push(tracked.jobId);
      if (ids.length >= this.config.maxAccountingIds) break;
    }
    if (ids.length === 0) return;
    this.counters.sacctCalls++;
    let result;
    try {
      result = await this.scheduler.accounting(ids);
    } catch (error) {
      if (!this.sacctFailing) {
        this.sacctFailing = true;
        this.fireHealth({ command: 'sacct', ok: false, reason: errorMessage(error), at: this.clock.now() });
      }
      return;
    }
    if (this.sacctFailing) {
      this.sacctFailing = false;
      this.fireHealth({ command: 'sacct', ok: true, at: this.clock.now() });
    }
    if (!result.available) {
      this.accountingAvailable = false;
      return;
    }
    for (const id of ids) {
      const tracked = this.tracked.get(id);
      if (!tracked) continue;
      const record = result.records.get(id);
      // accounting may lag behind the controller (still RUNNING there): ask again next tick
      if (record && slurmStateMeaning(record.state).final) tracked.accounting = record;
      else tracked.accountingMisses++;
    }
  }

  private diff(at: number): JobChange[] {
    const changes: JobChange[] = [];
    const tick = this.counters.ticks;
    for (const tracked of this.tracked.values()) {
      if (tracked.firstTick > tick) continue;
      const previous = tracked.observation;
      const inQueue = tracked.seenTick === tick;
      if (!inQueue) tracked.entry = undefined;
      if (previous && refreshInPlace(tracked, inQueue, previous, at)) continue;
      const current = observe(tracked, inQueue, previous, at);
      tracked.observation = current;
      if (!previous || significantlyDifferent(previous, current)) {
        changes.push({ jobId: tracked.jobId, batchIds: [...tracked.batches], previous, current });
      }
    }
    return changes;
  }

  private fireHealth(event: PollerHealthEvent): void {
    this.healthEmitter.fire(event, this.onListenerError);
  }
}

/**
 * The common case on a big cluster: a job still in squeue with nothing but its elapsed time changed.
 * Its observation is refreshed in place instead of rebuilt (no allocation for 10,000 running jobs).
 */
function refreshInPlace(tracked: Tracked, inQueue: boolean, previous: JobObservation, at: number): boolean {
  const entry = tracked.entry;
  if (!inQueue || !entry || tracked.accounting || previous.source !== 'squeue' || !previous.inQueue) return false;
  if (entry.state !== previous.slurmState || entry.reason !== previous.reason) return false;
  if (entry.name !== previous.name || entry.workDir !== previous.workDir) return false;
  previous.elapsed = entry.elapsed;
  previous.elapsedSeconds = entry.elapsedSeconds;
  previous.observedAt = at;
  return true;
}

/** Builds a job's observation from its queue entry, its end record and what was known before. */
function observe(tracked: Tracked, inQueue: boolean, previous: JobObservation | undefined, at: number): JobObservation {
  const entry = inQueue ? tracked.entry : undefined;
  const record = tracked.accounting;
  const observation: JobObservation = {
    jobId: tracked.jobId,
    status: 'unknown',
    final: false,
    inQueue,
    source: 'none',
    observedAt: at,
  };
  if (entry) {
    observation.name = entry.name;
    observation.workDir = entry.workDir;
    observation.reason = entry.reason;
    observation.elapsed = entry.elapsed;
    if (entry.elapsedSeconds !== undefined) observation.elapsedSeconds = entry.elapsedSeconds;
  } else if (previous) {
    copyIfDefined(observation, previous, 'name', 'workDir', 'reason', 'elapsed', 'elapsedSeconds');
  }

  if (record) {
    const meaning = slurmStateMeaning(record.state);
    observation.status = meaning.status;
    observation.final = true;
    observation.source = 'sacct';
    observation.slurmState = record.state;
    if (record.exitCode !== undefined) observation.exitCode = record.exitCode;
    if (record.signal !== undefined) observation.signal = record.signal;
    const exit = record.exitCode !== undefined ? { exitCode: record.exitCode, signal: record.signal ?? 0 } : undefined;
    const cause = failureCause(meaning, exit);
    if (cause !== undefined) observation.cause = cause;
    if (meaning.cancelledBy !== undefined) observation.cancelledBy = meaning.cancelledBy;
    observation.elapsed = record.elapsed;
    if (record.elapsedSeconds !== undefined) observation.elapsedSeconds = record.elapsedSeconds;
    Object.assign(observation, accountingTimes(record));
    return observation;
  }
  if (entry) {
    const meaning = slurmStateMeaning(entry.state);
    observation.status = meaning.status;
    observation.final = meaning.final;
    observation.source = 'squeue';
    observation.slurmState = entry.state;
    const cause = failureCause(meaning);
    if (cause !== undefined) observation.cause = cause;
    return observation;
  }
  // Not in squeue and no end record: a job that ended in squeue keeps that fate; anything else is
  // unknown (never failed) until accounting or the program output says.
  if (previous?.final && previous.source === 'squeue') {
    return { ...previous, inQueue: false, observedAt: at };
  }
  if (previous?.slurmState !== undefined) observation.slurmState = previous.slurmState;
  return observation;
}

function copyIfDefined<K extends keyof JobObservation>(target: JobObservation, source: JobObservation, ...keys: K[]): void {
  for (const key of keys) {
    if (source[key] !== undefined) target[key] = source[key];
  }
}

function significantlyDifferent(a: JobObservation, b: JobObservation): boolean {
  return (
    a.status !== b.status ||
    a.slurmState !== b.slurmState ||
    a.reason !== b.reason ||
    a.exitCode !== b.exitCode ||
    a.signal !== b.signal ||
    a.cause !== b.cause ||
    a.final !== b.final ||
    a.inQueue !== b.inQueue ||
    a.source !== b.source ||
    a.name !== b.name ||
    a.workDir !== b.workDir
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
