// The scheduler contract the runner and the poller use; SLURM implements it, a local executor can too.
import type { AccountingRecord } from './sacct.js';
import type { SbatchRefusal } from './sbatchAnswers.js';
import type { QueueEntry } from './squeue.js';

export interface SubmitOptions {
  /** The job's working directory (its files and `slurm-{id}.out` go there). */
  cwd: string;
  jobName?: string;
  /** More scheduler arguments, e.g. `--dependency=afterok:12`, `--time=10`, `--mem=2G`. */
  extraArgs?: readonly string[];
}

export interface SubmitResult {
  jobId: string;
  /** The cluster name when sbatch printed `ID;cluster`. */
  cluster?: string;
}

export interface QueueSnapshot {
  /** Every job of the user the scheduler still lists, finished ones included while it keeps them. */
  entries: QueueEntry[];
  /** When the answer arrived (ms since the epoch, from the caller's clock when it has one). */
  at: number;
}

export interface AccountingResult {
  /** False when the scheduler keeps no accounting (sacct without slurmdbd): nothing can be asked. */
  available: boolean;
  /** Records by the id that was asked for. Ids the accounting does not know are absent. */
  records: Map<string, AccountingRecord>;
}

export type SchedulerErrorKind =
  /** The command exited non-zero (controller down, permission denied…). */
  | 'failed'
  /** The command did not answer in time and was killed. */
  | 'timeout'
  /** The command answered something that is not in the expected format. */
  | 'garbled'
  /** The command could not be started (not installed, not executable). */
  | 'unavailable';

export class SchedulerError extends Error {
  override readonly name = 'SchedulerError';
  constructor(
    readonly kind: SchedulerErrorKind,
    readonly command: string,
    message: string,
    /**
     * For a submission: what the failure means for the job (wait, fail it, or find out whether it exists), so the
     * runner acts on the scheduler's classification and never parses its text. Absent: the submission could not
     * even be attempted (the command does not run), which is the runner's problem, not the job's.
     */
    readonly refusal?: SbatchRefusal,
  ) {
    super(message);
  }
}

/** What a batch runner and the poller need from a scheduler. Every method is ONE command call. */
export interface Scheduler {
  readonly kind: 'slurm' | 'local';
  submit(scriptPath: string, options: SubmitOptions): Promise<SubmitResult>;
  /** All of the user's jobs in one call. Throws SchedulerError; never guesses. */
  queue(): Promise<QueueSnapshot>;
  /** End records of many jobs in one call. Throws SchedulerError when the call fails. */
  accounting(ids: readonly string[]): Promise<AccountingResult>;
  /** Cancels many jobs in one call. */
  cancel(ids: readonly string[]): Promise<void>;
}
