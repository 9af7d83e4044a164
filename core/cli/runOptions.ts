// Parses `batchman run` options: what was asked (kept verbatim for the record) and what it means.
import { parseArgs } from 'node:util';
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import { UsageError } from './usage.js';

export interface RunOptions {
  readonly file: string;
  readonly jobs: number | 'auto';
  readonly restartFailed: boolean;
  /** `--job NAME` (with -r): restart only the named jobs. */
  readonly restartJobs: string[];
  /** `--rerun NAME`: rerun the named jobs and what depends on them, whatever their status. */
  readonly rerunJobs: string[];
  readonly executor: ExecutorChoice;
  readonly name?: string;
  readonly message?: string;
  readonly tags: string[];
  readonly detach: boolean;
  readonly ledger?: string;
}

export function parseRunOptions(args: readonly string[]): RunOptions {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      jobs: { type: 'string', short: 'j', default: 'auto' },
      restart: { type: 'boolean', short: 'r', default: false },
      job: { type: 'string', multiple: true, default: [] },
      rerun: { type: 'string', multiple: true, default: [] },
      executor: { type: 'string', default: 'auto' },
      name: { type: 'string' },
      message: { type: 'string' },
      tag: { type: 'string', multiple: true, default: [] },
      detach: { type: 'boolean', default: false },
      ledger: { type: 'string', short: 'l' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('run takes exactly one FILE');
  const jobs = values.jobs === 'auto' ? 'auto' : Number(values.jobs);
  if (jobs !== 'auto' && !(Number.isInteger(jobs) && jobs >= 1)) throw new UsageError(`-j takes a whole number ≥ 1 or "auto", not "${values.jobs}"`);
  if (values.job.length > 0 && !values.restart) throw new UsageError('--job names the jobs to restart: it needs -r');
  if (!['slurm', 'local', 'auto'].includes(values.executor)) throw new UsageError(`--executor is slurm, local or auto, not "${values.executor}"`);
  return {
    file: positionals[0]!,
    jobs,
    restartFailed: values.restart,
    restartJobs: values.job,
    rerunJobs: values.rerun,
    executor: values.executor as ExecutorChoice,
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.message !== undefined ? { message: values.message } : {}),
    tags: values.tag,
    detach: values.detach,
    ...(values.ledger !== undefined ? { ledger: values.ledger } : {}),
  };
}
