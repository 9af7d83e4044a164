// Which jobs may start now: not started, and every upstream job named by a coords or orbitals pipe succeeded. The
// runner keeps this (and the counts by status) as it goes, in its BatchRows: a pass looks again only at the rows it
// handed out and at the jobs right downstream of them, never at every job of a 10,000-job batch.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { JobStatus } from '../status.js';
import { summarise } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';

/** `rows` by job key (`keyOfModelJob`); the runner's BatchRows answer from what they keep. */
export function readyJobs(model: BatchModel, jobs: readonly ResolvedJob[], rows: ReadonlyMap<string, LedgerRow>): ResolvedJob[] {
  if (rows instanceof BatchRows && rows.model === model && rows.tracking) return rows.readyIn(jobs);
  return jobs.filter((job) => {
    if (rows.get(keyOfModelJob(job))?.status !== 'not_started') return false;
    return job.pipes.every((pipe) => pipe.upstream === undefined || rows.get(keyOfModelJob(model.jobs[pipe.upstream]!))?.status === 'succeeded');
  });
}

/** Jobs submitted and not ended; the runner's BatchRows answer from their kept counts instead of looking at every row. */
export function activeCount(rows: Iterable<LedgerRow> | ReadonlyMap<string, LedgerRow>): number {
  if (rows instanceof BatchRows && rows.tracking) return rows.active;
  const each: Iterable<LedgerRow> = rows instanceof Map ? rows.values() : (rows as Iterable<LedgerRow>);
  let active = 0;
  for (const row of each) if (row.status === 'pending' || row.status === 'running') active++;
  return active;
}

const isActive = (status: JobStatus | undefined) => status === 'pending' || status === 'running';

/**
 * A batch's rows by job key that note which rows were handed out: whoever changes a row got it with `get` first (the
 * decision path, submissions, cancels), so the keys handed out since a reader last looked are the rows that may have
 * changed. Each reader (readiness here, the ledger writer, the dependency walk, the poller's watch list) takes its own
 * `changes()` set and empties it once it has looked. Iterating reads without noting.
 */
export class BatchRows extends Map<string, LedgerRow> {
  private readonly readers: Set<string>[] = [];
  private readonly ownChanges: Set<string>;
  /** Model indices of each key (a key twice in the batchfile is one row: its duplicates' downstream jobs count too). */
  private readonly indicesOfKey = new Map<string, number[]>();
  /** Per model index: its key, the keys of its pipes' upstream jobs, whether it may start now. */
  private readonly keyOfIndex: (string | undefined)[];
  private readonly upstreamKeys: (readonly string[])[];
  private readonly ready: Uint8Array;
  private readyCount = 0;
  /** The status each key was last counted with. */
  private readonly counted = new Map<string, JobStatus>();
  private counts: StatusSummary = summarise([]);
  private trackingNow = false;

  constructor(
    readonly model: BatchModel,
    entries: Iterable<readonly [string, LedgerRow]>,
  ) {
    super(entries);
    this.ownChanges = this.changes();
    this.keyOfIndex = model.jobs.map((job) => (job.basename === '' || job.program === undefined ? undefined : keyOfModelJob(job)));
    this.upstreamKeys = model.jobs.map((job) => job.pipes.flatMap((pipe) => (pipe.upstream === undefined ? [] : [keyOfModelJob(model.jobs[pipe.upstream]!)])));
    this.ready = new Uint8Array(model.jobs.length);
    for (const job of model.jobs) {
      const key = this.keyOfIndex[job.index];
      if (key === undefined) continue;
      const list = this.indicesOfKey.get(key);
      if (list) list.push(job.index);
      else this.indicesOfKey.set(key, [job.index]);
    }
  }

  /** The row of this key, noted as handed out (it may change). */
  override get(key: string): LedgerRow | undefined {
    const row = super.get(key);
    if (row !== undefined) for (const reader of this.readers) reader.add(key);
    return row;
  }

  /** The row of this key for reading only: not noted. */
  peek(key: string): LedgerRow | undefined {
    return super.get(key);
  }

  /** A new reader's set of the keys handed out from now on; the reader empties it once it has looked. */
  changes(): Set<string> {
    const set = new Set<string>();
    this.readers.push(set);
    return set;
  }

  /** Every row as changed, for every reader (after the runner's start, which changes rows freely). */
  touchAll(): void {
    for (const key of this.keys()) for (const reader of this.readers) reader.add(key);
  }

  /** Readiness and counts are kept from now on (counted afresh from every row once). */
  startTracking(): void {
    this.counted.clear();
    this.counts = summarise([]);
    this.ready.fill(0);
    this.readyCount = 0;
    this.ownChanges.clear();
    for (const [key, row] of this.entries()) this.count(key, row.status);
    for (const key of this.keys()) for (const index of this.indicesOfKey.get(key) ?? []) this.refreshReady(index);
    this.trackingNow = true;
  }

  get tracking(): boolean {
    return this.trackingNow;
  }

  /** Jobs of `jobs` that may start now, in their order. */
  readyIn(jobs: readonly ResolvedJob[]): ResolvedJob[] {
    this.settle();
    if (this.readyCount === 0) return [];
    return jobs.filter((job) => this.ready[job.index] === 1);
  }

  /** Jobs submitted and not ended. */
  get active(): number {
    this.settle();
    return this.counts.pending + this.counts.running;
  }

  /** Counts by status of every row. */
  summary(): StatusSummary {
    this.settle();
    return { ...this.counts };
  }

  /** True when every row is final. */
  get allFinal(): boolean {
    const s = this.summary();
    return s.succeeded + s.failed + s.broken_dependency + s.cancelled === s.total;
  }

  /** Looks again at the rows handed out since the last look: their counts, and readiness of them and their downstream. */
  private settle(): void {
    if (!this.trackingNow || this.ownChanges.size === 0) return;
    for (const key of this.ownChanges) {
      const row = super.get(key);
      if (row === undefined || row.status === this.counted.get(key)) continue;
      this.count(key, row.status);
      for (const index of this.indicesOfKey.get(key) ?? []) {
        this.refreshReady(index);
        for (const downstream of this.model.downstream[index] ?? []) this.refreshReady(downstream);
      }
    }
    this.ownChanges.clear();
  }

  private count(key: string, status: JobStatus): void {
    const before = this.counted.get(key);
    if (before === undefined) this.counts.total++;
    else this.counts[before]--;
    this.counts[status]++;
    this.counted.set(key, status);
  }

  private refreshReady(index: number): void {
    const key = this.keyOfIndex[index];
    const row = key === undefined ? undefined : super.get(key);
    const ready = row?.status === 'not_started' && this.upstreamKeys[index]!.every((upstream) => super.get(upstream)?.status === 'succeeded') ? 1 : 0;
    this.readyCount += ready - this.ready[index]!;
    this.ready[index] = ready;
  }
}

/** Whether a row holds a job the scheduler is running or will run. */
export function isActiveRow(row: LedgerRow | undefined): boolean {
  return isActive(row?.status);
}
