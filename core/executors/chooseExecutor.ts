// Which executor runs a batch: SLURM where `sbatch` runs (as named by BATCHMAN_SBATCH or the settings, else on
// PATH), else the embedded local one.
import { commandExists, slurmCommandsFromEnv, slurmTimeoutsFromEnv } from '../slurm/commandsEnv.js';
import type { Scheduler } from '../slurm/scheduler.js';
import { SlurmScheduler } from '../slurm/slurmScheduler.js';
import type { SlurmSchedulerOptions } from '../slurm/slurmScheduler.js';
import { LocalScheduler } from './localScheduler.js';
import type { LocalSchedulerOptions } from './localScheduler.js';

/** As asked on the command line (`--executor`) or in settings. */
export type ExecutorChoice = 'slurm' | 'local' | 'auto';

export interface ExecutorLookup {
  /** PATH to look for sbatch in (default: this process's). */
  path?: string;
  /** sbatch as configured (default: BATCHMAN_SBATCH, else `sbatch`). */
  sbatch?: string;
}

export function resolveExecutorKind(choice: ExecutorChoice = 'auto', lookup: ExecutorLookup = {}): 'slurm' | 'local' {
  if (choice !== 'auto') return choice;
  const sbatch = lookup.sbatch ?? slurmCommandsFromEnv().sbatch ?? 'sbatch';
  return commandExists(sbatch, lookup.path) ? 'slurm' : 'local';
}

export interface CreateSchedulerOptions {
  /** PATH to look for sbatch in (default: this process's). */
  path?: string;
  slurm?: SlurmSchedulerOptions;
  local?: LocalSchedulerOptions;
}

/** The SLURM commands are the options' (the extension's settings), else the environment's, else the plain names. */
export function createScheduler(choice: ExecutorChoice = 'auto', options: CreateSchedulerOptions = {}): Scheduler {
  const commands = { ...slurmCommandsFromEnv(), ...options.slurm?.commands };
  const lookup: ExecutorLookup = { ...(options.path !== undefined ? { path: options.path } : {}), ...(commands.sbatch !== undefined ? { sbatch: commands.sbatch } : {}) };
  return resolveExecutorKind(choice, lookup) === 'slurm'
    ? new SlurmScheduler({ ...options.slurm, commands, timeouts: { ...slurmTimeoutsFromEnv(), ...options.slurm?.timeouts } })
    : new LocalScheduler(options.local);
}
