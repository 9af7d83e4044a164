// SLURM's command paths handed to the CLI and the runner through the environment (BATCHMAN_SBATCH, …), so a site's
// wrappers or an install off PATH reach a detached runner exactly as the extension's settings name them.
import { accessSync, constants } from 'node:fs';
import { findOnPath } from './detect.js';
import { DEFAULT_SLURM_COMMANDS } from './slurmScheduler.js';
import type { SlurmCommands, SlurmTimeouts } from './slurmScheduler.js';

export const SLURM_COMMAND_ENV: Readonly<Record<keyof SlurmCommands, string>> = {
  sbatch: 'BATCHMAN_SBATCH',
  squeue: 'BATCHMAN_SQUEUE',
  sacct: 'BATCHMAN_SACCT',
  scancel: 'BATCHMAN_SCANCEL',
};

/** sacctmgr is no scheduler call (only `-j auto` asks it, once per launch), so it has its own variable. */
export const SACCTMGR_ENV = 'BATCHMAN_SACCTMGR';

/** sacctmgr as the environment names it, else undefined (the plain name on PATH). */
export function sacctmgrFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[SACCTMGR_ENV]?.trim() || undefined;
}

const NAMES = Object.keys(SLURM_COMMAND_ENV) as (keyof SlurmCommands)[];

/** The commands the environment names (empty values ignored). */
export function slurmCommandsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SlurmCommands> {
  const commands: Partial<SlurmCommands> = {};
  for (const name of NAMES) {
    const value = env[SLURM_COMMAND_ENV[name]]?.trim();
    if (value) commands[name] = value;
  }
  return commands;
}

/** The variables that hand these commands on; the default names need none. */
export function slurmCommandsEnv(commands: Partial<SlurmCommands> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of NAMES) {
    const value = commands?.[name];
    if (value !== undefined && value !== DEFAULT_SLURM_COMMANDS[name]) env[SLURM_COMMAND_ENV[name]] = value;
  }
  return env;
}

/** Whether a command runs: a path is checked as it is, a bare name on PATH. */
export function commandExists(command: string, path?: string): boolean {
  if (!command.includes('/')) return findOnPath(command, path) !== undefined;
  try {
    accessSync(command, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How long sbatch may take before its answer counts as lost, in seconds (a site with a slow controller sets more). */
export const SBATCH_TIMEOUT_ENV = 'BATCHMAN_SBATCH_TIMEOUT';

/** The timeouts the environment sets; an empty, non-numeric or non-positive value is ignored. */
export function slurmTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SlurmTimeouts> {
  const seconds = Number(env[SBATCH_TIMEOUT_ENV]?.trim() || Number.NaN);
  return Number.isFinite(seconds) && seconds > 0 ? { submit: Math.round(seconds * 1000) } : {};
}
