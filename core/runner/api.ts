// The library API for scripts and the extension, in the shape batch SDKs use: open a batch,
// `submitMany`, `poll` for counts, `wait` until done, `summary` of results and failures.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BatchModel, Diagnostic } from '../batchfile/index.js';
import { Severity, createNodeDiskView, validateBatchfile } from '../batchfile/index.js';
import { createScheduler } from '../executors/chooseExecutor.js';
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import type { JobStatus } from '../status.js';
import { isFinal } from '../status.js';
import { selectJobs } from '../truth/jobSelection.js';
import { summarise } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';
import { readBatchTruth } from '../truth/truth.js';
import { keyOf } from '../ledger/jobKey.js';
import { ledgerPathFor } from '../ledger/ledger.js';
import { launchBatch, resolveMaxActive } from './launch.js';

export class BatchfileErrors extends Error {
  constructor(
    readonly file: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(`${file}: ${diagnostics.length} error(s), e.g. ${diagnostics[0]?.message ?? ''}`);
  }
}

export interface BatchOptions {
  readonly executor?: ExecutorChoice;
  /** Most jobs pending or running at once (default: 200 on SLURM, the core count locally). */
  readonly maxActive?: number;
  readonly restartFailed?: boolean;
  /** Rerun these jobs (names as `--job` takes them) and what depends on them, whatever their status, at the next launch. */
  readonly rerun?: readonly string[];
  readonly ledger?: string;
  readonly name?: string;
  readonly message?: string;
  readonly tags?: readonly string[];
}

export interface BatchCounts {
  readonly total: number;
  readonly completed: number;
  readonly failed: number;
  readonly pending: number;
  readonly running: number;
}

export interface JobResult {
  readonly basename: string;
  /** The job's folder: with the basename, what names the job (molecule folders reuse step names). */
  readonly directory: string;
  readonly status: JobStatus;
  readonly jobId: string | null;
  readonly cause: string | null;
}

export interface BatchSummary extends BatchCounts {
  readonly results: readonly JobResult[];
  /** Failed, broken and cancelled jobs, with why. */
  readonly failures: readonly JobResult[];
}

export interface WaitOptions {
  /** Seconds; when it passes, `wait` resolves with the summary so far (the jobs go on). */
  readonly timeout?: number;
  /** Seconds between polls at the fastest (default 5 on SLURM, 1 locally); slower while nothing changes. */
  readonly pollInterval?: number;
  /** Called after every poll with the counts. */
  readonly onPoll?: (counts: BatchCounts) => void;
}

export class Batch {
  private results: JobResult[] = [];
  private rerunLeft: readonly string[];

  private constructor(
    readonly file: string,
    readonly model: BatchModel,
    private readonly rootPath: string,
    private readonly options: BatchOptions,
  ) {
    this.rerunLeft = options.rerun ?? [];
  }

  /** Reads and validates a batchfile; throws BatchfileErrors when it has errors. */
  static async open(file: string, options: BatchOptions = {}): Promise<Batch> {
    const path = resolve(file);
    const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
    const { model, diagnostics } = validateBatchfile(text, { batchfilePath: path, disk: createNodeDiskView() });
    const errors = diagnostics.filter((d) => d.severity === Severity.Error);
    if (errors.length > 0) throw new BatchfileErrors(path, errors);
    if (!model.rootPath) throw new BatchfileErrors(path, []);
    return new Batch(path, model, model.rootPath, options);
  }

  /** One look at every job (disk + one poll of the scheduler): the counts now. */
  async poll(): Promise<BatchCounts> {
    const truth = await readBatchTruth({
      model: this.model,
      ledgerPath: ledgerPathFor(this.file, this.options.ledger),
      scheduler: createScheduler(this.options.executor ?? 'auto'),
    });
    this.results = truth.jobs.map((job) => ({ basename: job.basename, directory: job.directory, status: job.status, jobId: job.jobId, cause: job.cause }));
    return countsOf(truth.summary);
  }

  /**
   * Runs the batch until every job is final (or the timeout passes): submits jobs in dependency order
   * within the throttle, exactly like `batchman run` — one runner per batch, resumable, recorded.
   */
  async wait(options: WaitOptions = {}): Promise<BatchSummary> {
    return this.launch(options);
  }

  /**
   * Submits the named job if it is ready (its upstream jobs succeeded); returns its scheduler id. The name is a
   * basename only one job has, or FOLDER/BASENAME as `--job` takes it.
   */
  async submit(name: string): Promise<string | null> {
    const selection = selectJobs(this.model, [name]);
    const ambiguous = selection.ambiguous[0];
    if (ambiguous) throw new RangeError(`\`${name}\` is ${ambiguous.candidates.length} jobs: name one of ${ambiguous.candidates.join(', ')}`);
    await this.launch({ timeout: 0 }, selection.keys);
    return this.results.find((result) => selection.keys.has(keyOf(result)))?.jobId ?? null;
  }

  /** Submits every job that is ready now, within the throttle, and returns the counts; waits for nothing. */
  async submitMany(): Promise<BatchCounts> {
    return this.launch({ timeout: 0 });
  }

  private async launch(options: WaitOptions, onlyJobs?: ReadonlySet<string>): Promise<BatchSummary> {
    const rerunJobs = this.takeRerun();
    const abort = new AbortController();
    const timer = options.timeout === undefined ? undefined : setTimeout(() => abort.abort(), options.timeout * 1000);
    try {
      await launchBatch({
        batchfilePath: this.file,
        model: this.model,
        rootPath: this.rootPath,
        executor: this.options.executor ?? 'auto',
        maxActive: (executor) => this.options.maxActive ?? resolveMaxActive('auto', executor),
        ...(options.pollInterval !== undefined ? { pollFloorMs: options.pollInterval * 1000 } : {}),
        ...(onlyJobs ? { onlyJobs } : {}),
        restartFailed: this.options.restartFailed ?? false,
        ...(rerunJobs ? { rerunJobs } : {}),
        tags: this.options.tags ?? [],
        ...(this.options.name !== undefined ? { name: this.options.name } : {}),
        ...(this.options.message !== undefined ? { message: this.options.message } : {}),
        ...(this.options.ledger !== undefined ? { ledger: this.options.ledger } : {}),
        commandOptions: { api: true },
        signal: abort.signal,
        onUpdate: (update) => {
          this.results = update.rows.map((row) => ({ basename: row.basename, directory: row.directory, status: row.status, jobId: row.jobId < 0 ? null : String(row.jobId), cause: row.cause ?? null }));
          options.onPoll?.(countsOf(update.summary));
        },
      });
      return this.summary();
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** The keys of the jobs `rerun` names, once (a later `wait` goes on, it does not rerun again); a name that is no job's or several jobs' is a RangeError. */
  private takeRerun(): ReadonlySet<string> | undefined {
    const names = this.rerunLeft;
    this.rerunLeft = [];
    if (names.length === 0) return undefined;
    const selection = selectJobs(this.model, names);
    const bad = [...selection.unknown, ...selection.ambiguous.map((entry) => entry.name)];
    if (bad.length > 0) throw new RangeError(`rerun: not one job of ${this.file}: ${bad.join(', ')}`);
    return selection.keys;
  }

  /** The last known results (from the latest `poll` or `wait`). */
  summary(): BatchSummary {
    const counts = countsOf(summarise(this.results.map((result) => result.status)));
    const failures = this.results.filter((result) => result.status === 'failed' || result.status === 'broken_dependency' || result.status === 'cancelled');
    return { ...counts, results: [...this.results], failures };
  }

  /** True when every job is final. */
  get done(): boolean {
    return this.results.length > 0 && this.results.every((result) => isFinal(result.status));
  }
}

function countsOf(summary: StatusSummary): BatchCounts {
  return {
    total: summary.total,
    completed: summary.succeeded,
    failed: summary.failed + summary.broken_dependency + summary.cancelled,
    pending: summary.pending + summary.not_started,
    running: summary.running,
  };
}
