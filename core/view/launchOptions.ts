// What a launch from VS Code asks the CLI for: the options picked in the quick picks, as `batchman run` arguments
// (the runner always starts detached, so the batch outlives the window), and the cancel arguments.
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import { DEFAULT_LEDGER_NAME } from '../ledger/ledger.js';

export interface LaunchOptions {
  executor: ExecutorChoice;
  jobs: number | 'auto';
  restartFailed: boolean;
  /** With restartFailed: only these jobs. */
  restartJobs?: readonly string[];
  /** Run these jobs and what depends on them again, whatever their status (`--rerun`). */
  rerunJobs?: readonly string[];
  name?: string;
  message?: string;
  tags: readonly string[];
  /** The ledger's name beside the batchfile (the default is not passed). */
  ledgerName?: string;
}

export function runArgs(batchfilePath: string, options: LaunchOptions): string[] {
  const args = ['run', batchfilePath, '--detach', '--executor', options.executor, '-j', String(options.jobs)];
  if (options.restartFailed) args.push('-r');
  if (options.restartFailed) for (const job of options.restartJobs ?? []) args.push(`--job=${job}`);
  for (const job of options.rerunJobs ?? []) args.push(`--rerun=${job}`);
  // `--opt=value`: a value that starts with `-` (a message, a tag) is not read as an option
  if (options.name?.trim()) args.push(`--name=${options.name.trim()}`);
  if (options.message?.trim()) args.push(`--message=${options.message.trim()}`);
  for (const tag of options.tags) args.push(`--tag=${tag}`);
  args.push(...ledgerArgs(options.ledgerName));
  return args;
}

/** Every job of the batch, or the named ones. */
export function cancelArgs(batchfilePath: string, jobs: readonly string[] = [], ledgerName?: string): string[] {
  return ['cancel', batchfilePath, ...jobs.map((job) => `--job=${job}`), ...ledgerArgs(ledgerName)];
}

function ledgerArgs(ledgerName: string | undefined): string[] {
  return ledgerName && ledgerName !== DEFAULT_LEDGER_NAME ? [`--ledger=${ledgerName}`] : [];
}

/** Tags typed as `a, b c`: split on commas and white space, empty ones and repeats dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((tag) => tag !== ''))];
}

/** A max-parallel-jobs answer: `auto` or a whole number ≥ 1; anything else is undefined. */
export function parseJobs(text: string): number | 'auto' | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'auto') return 'auto';
  const n = Number(trimmed);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** The options of the batch's previous launch (its record's command_options), for "restart failed". */
export function previousLaunchOptions(commandOptions: Record<string, unknown> | undefined): Pick<LaunchOptions, 'executor' | 'jobs'> {
  const executor = commandOptions?.executor;
  const jobs = commandOptions?.jobs;
  return {
    executor: executor === 'slurm' || executor === 'local' || executor === 'auto' ? executor : 'auto',
    jobs: typeof jobs === 'number' && Number.isInteger(jobs) && jobs >= 1 ? jobs : 'auto',
  };
}
