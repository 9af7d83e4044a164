// A bounded cache of ended jobs' results for the views (tree tooltips, the batchfile's hover): loaded in the background
// with few reads at a time, re-read only when the output's size or mtime changed, answered within a time budget.
import { join } from 'node:path';
import { programById } from '../programs/catalog.js';
import { readJobResults } from './jobResults.js';
import type { ResultsJob } from './jobResults.js';
import { fileStamp, readResultsFile, resultsFromFile } from './resultsFile.js';
import type { JobResults } from './types.js';

interface Stamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a loader read: the results (null: none to show) and the output's stamp they are of. */
export interface LoadedResults {
  readonly results: JobResults | null;
  readonly stamp: Stamp | undefined;
}

/** Reads a job's results; given what it read last, it may answer that again when the output is unchanged. */
export type ResultsLoader = (job: ResultsJob, previous: LoadedResults | undefined) => Promise<LoadedResults>;

/** The output's name, or undefined for a program with no results parser. */
function outputName(job: ResultsJob): string | undefined {
  const program = programById(job.program);
  return program?.results ? `${job.basename}${program.outputExtension}` : undefined;
}

/** `{basename}.json` while it is current, else the output parsed (nothing written: a view never writes a job's folder). */
export const parseWhenNeeded: ResultsLoader = async (job, previous) => {
  const name = outputName(job);
  const stamp = name === undefined ? undefined : await fileStamp(join(job.directory, name));
  if (!stamp) return { results: null, stamp: undefined };
  if (previous?.stamp && previous.stamp.size === stamp.size && previous.stamp.mtimeMs === stamp.mtimeMs) return previous;
  const read = await readJobResults(job, { writeFile: false });
  return { results: read.results, stamp };
};

/**
 * Only a current `{basename}.json` (what the runner, `batchman results` or CCBatchMan wrote when the job ended): a small
 * file, so even a folder whose output is a 200 MB log answers at once, and a job still running (no file, or one older
 * than its output) shows no results.
 */
export const recordedOnly: ResultsLoader = async (job) => {
  const name = outputName(job);
  const stamp = name === undefined ? undefined : await fileStamp(join(job.directory, name));
  if (name === undefined || !stamp) return { results: null, stamp: undefined };
  const file = await readResultsFile(job.directory, job.basename).catch(() => undefined);
  return { results: (file && resultsFromFile(file, { name, ...stamp })) ?? null, stamp };
};

export interface ResultsCacheOptions {
  readonly load?: ResultsLoader;
  /** Jobs kept (least recently used dropped first); default 256. */
  readonly capacity?: number;
  /** Loads at once; default 2 (a parse is CPU-bound). */
  readonly concurrency?: number;
  /** An answer younger than this is not checked against the disk again; default 5 s. */
  readonly freshMs?: number;
  readonly now?: () => number;
}

interface Entry {
  loaded: LoadedResults;
  at: number;
}

export class ResultsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<LoadedResults>>();
  private readonly queue: (() => void)[] = [];
  private active = 0;
  private readonly load: ResultsLoader;
  private readonly capacity: number;
  private readonly concurrency: number;
  private readonly freshMs: number;
  private readonly now: () => number;

  constructor(options: ResultsCacheOptions = {}) {
    this.load = options.load ?? parseWhenNeeded;
    this.capacity = options.capacity ?? 256;
    this.concurrency = options.concurrency ?? 2;
    this.freshMs = options.freshMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** What is known now without waiting: results, null (none), or undefined (not read yet). */
  peek(job: ResultsJob): JobResults | null | undefined {
    return this.entries.get(keyOf(job))?.loaded.results;
  }

  /**
   * The job's results within `budgetMs`: a fresh answer at once, else the read (started now, or joined when one is under
   * way) if it ends in time, else what was known before (undefined when nothing was). The read goes on after the
   * budget, so the next ask finds it. Never throws.
   */
  async get(job: ResultsJob, budgetMs: number): Promise<JobResults | null | undefined> {
    const key = keyOf(job);
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.at < this.freshMs) {
      this.touch(key, entry);
      return entry.loaded.results;
    }
    const reading = this.read(key, job, entry?.loaded);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), Math.max(0, budgetMs));
    });
    try {
      const loaded = await Promise.race([reading, late]);
      return loaded === undefined ? entry?.loaded.results : loaded.results;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Jobs held now (for tests and the bound). */
  get size(): number {
    return this.entries.size;
  }

  private read(key: string, job: ResultsJob, previous: LoadedResults | undefined): Promise<LoadedResults> {
    const under = this.loading.get(key);
    if (under) return under;
    const reading = this.slot()
      .then(() => this.load(job, previous))
      .catch((): LoadedResults => ({ results: null, stamp: undefined }))
      .then((loaded) => {
        this.touch(key, { loaded, at: this.now() });
        return loaded;
      })
      .finally(() => {
        this.loading.delete(key);
        this.active--;
        this.queue.shift()?.();
      });
    this.loading.set(key, reading);
    return reading;
  }

  private slot(): Promise<void> {
    if (this.active < this.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.active++;
        resolve();
      }),
    );
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}

function keyOf(job: ResultsJob): string {
  return `${job.program}\0${job.directory}\0${job.basename}`;
}
