// Which executor runs a batch: SLURM where `sbatch` is on PATH, else the embedded local one.
import { findOnPath } from '../slurm/detect.js';
import type { Scheduler } from '../slurm/scheduler.js';
import { SlurmScheduler } from '../slurm/slurmScheduler.js';
import type { SlurmSchedulerOptions } from '../slurm/slurmScheduler.js';
import { LocalScheduler } from './localScheduler.js';
import type { LocalSchedulerOptions } from './localScheduler.js';

/** As asked on the command line (`--executor`) or in settings. */
export type ExecutorChoice = 'slurm' | 'local' | 'auto';

export function resolveExecutorKind(choice: ExecutorChoice = 'auto', path?: string): 'slurm' | 'local' {
  if (choice !== 'auto') return choice;
  return findOnPath('sbatch', path) !== undefined ? 'slurm' : 'local';
}

export interface CreateSchedulerOptions {
  /** PATH to look for sbatch in (default: this process's). */
  path?: string;
  slurm?: SlurmSchedulerOptions;
  local?: LocalSchedulerOptions;
}

export function createScheduler(choice: ExecutorChoice = 'auto', options: CreateSchedulerOptions = {}): Scheduler {
  return resolveExecutorKind(choice, options.path) === 'slurm'
    ? new SlurmScheduler(options.slurm)
    : new LocalScheduler(options.local);
}
