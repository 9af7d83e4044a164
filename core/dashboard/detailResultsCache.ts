// The job detail's results kept per output file, so a chosen job's detail read again on every refresh does not parse a 200 MB log again each time.
import { stat } from 'node:fs/promises';
import type { FileStamp } from '../ledger/fileStamps.js';
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';

/** What identifies the output's content closely enough: a growing log changes size and mtime; a new file has another inode. */
interface OutputStamp extends FileStamp {
  readonly ino: number;
  readonly dev: number;
}

interface Entry<T> {
  readonly stamp: OutputStamp;
  readonly value: T;
  /** Epoch ms when the read began (what the value is as of). */
  readonly readAt: number;
  /** How long the read took: a dear parse is repeated less often. */
  readonly parseMs: number;
  /** Read after the job had ended: only such a read is a final one. */
  readonly final: boolean;
}

export interface DetailResultsJob {
  readonly status: JobStatus;
}

export interface CachedDetailResults<T> {
  readonly value: T;
  /** Epoch ms of the read the value comes from. */
  readonly readAt: number;
  /** False when the output has grown since that read (a running job's read held back): the detail states its age. */
  readonly current: boolean;
}

export interface DetailResultsCacheOptions {
  /** Epoch ms; the tests give a clock they move. */
  clock?: () => number;
  /** Outputs kept (each may hold a trajectory of 100,000 atoms). */
  maxEntries?: number;
  /** A running job's grown output is parsed again at most once per max(minIntervalMs, parseFactor × the last parse). */
  minIntervalMs?: number;
  parseFactor?: number;
}

export const DETAIL_RESULTS_MAX_ENTRIES = 4;
export const DETAIL_RESULTS_MIN_INTERVAL_MS = 10_000;
export const DETAIL_RESULTS_PARSE_FACTOR = 10;

/**
 * The last results read per output file, by size, mtime and inode. An unchanged output is never parsed again. A
 * running job's output that only grew is parsed again at most once per max(10 s, 10 × the last parse's duration),
 * the last results shown meanwhile with their age: the parsers read a file whole (they cannot resume at an offset),
 * and the detail is asked for again on every poll tick while a job runs. An ended job's results are always read from
 * the output as it is (a final read once it ends); a shrunk or replaced output is read afresh. Reads of the same
 * output under way are shared rather than run twice.
 */
export class DetailResultsCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly reading = new Map<string, { final: boolean; promise: Promise<CachedDetailResults<T>> }>();
  private readonly clock: () => number;
  private readonly maxEntries: number;
  private readonly minIntervalMs: number;
  private readonly parseFactor: number;

  constructor(options: DetailResultsCacheOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.maxEntries = Math.max(1, options.maxEntries ?? DETAIL_RESULTS_MAX_ENTRIES);
    this.minIntervalMs = options.minIntervalMs ?? DETAIL_RESULTS_MIN_INTERVAL_MS;
    this.parseFactor = options.parseFactor ?? DETAIL_RESULTS_PARSE_FACTOR;
  }

  /** The results of the output at `outputPath`, from `read` (the whole parse) or kept; a missing output is not kept. */
  async get(outputPath: string, job: DetailResultsJob, read: () => Promise<T>): Promise<CachedDetailResults<T>> {
    const final = isFinal(job.status);
    const stamp = await stampOf(outputPath);
    const entry = this.entries.get(outputPath);
    if (!stamp) {
      this.entries.delete(outputPath);
      const readAt = this.clock();
      return { value: await read(), readAt, current: true };
    }
    if (entry && sameStamp(entry.stamp, stamp) && (entry.final || !final)) {
      this.touch(outputPath, entry);
      return { value: entry.value, readAt: entry.readAt, current: true };
    }
    if (entry && !final && grew(entry.stamp, stamp) && this.clock() - entry.readAt < Math.max(this.minIntervalMs, this.parseFactor * entry.parseMs)) {
      this.touch(outputPath, entry);
      return { value: entry.value, readAt: entry.readAt, current: false };
    }
    const under = this.reading.get(outputPath);
    if (under && (under.final || !final)) return under.promise;
    const promise = this.readNow(outputPath, stamp, final, read);
    const reading = { final, promise };
    this.reading.set(outputPath, reading);
    try {
      return await promise;
    } finally {
      if (this.reading.get(outputPath) === reading) this.reading.delete(outputPath);
    }
  }

  /** How many outputs are kept (for the tests: the cache stays bounded). */
  get size(): number {
    return this.entries.size;
  }

  private async readNow(outputPath: string, stamp: OutputStamp, final: boolean, read: () => Promise<T>): Promise<CachedDetailResults<T>> {
    // The stamp taken before the read: bytes written during it make the next ask see a grown file, never a current one.
    const readAt = this.clock();
    const value = await read();
    const parseMs = Math.max(0, this.clock() - readAt);
    this.touch(outputPath, { stamp, value, readAt, parseMs, final });
    return { value, readAt, current: true };
  }

  /** Most recently used last; the oldest goes past the bound. */
  private touch(outputPath: string, entry: Entry<T>): void {
    this.entries.delete(outputPath);
    this.entries.set(outputPath, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

async function stampOf(path: string): Promise<OutputStamp | undefined> {
  try {
    const { size, mtimeMs, ino, dev } = await stat(path);
    return { size, mtimeMs, ino, dev };
  } catch {
    return undefined;
  }
}

function sameStamp(a: OutputStamp, b: OutputStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;
}

/** The same file, only longer: what a running program's output does. Anything else (shrunk, replaced) is read afresh. */
function grew(before: OutputStamp, now: OutputStamp): boolean {
  return now.ino === before.ino && now.dev === before.dev && now.size > before.size;
}
