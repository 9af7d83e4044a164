// The files of a job folder: input, output and submit script per program, and SLURM's `slurm-{id}.out`.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { PROGRAMS } from './catalog.js';
import type { ProgramId } from './catalog.js';

export interface JobFiles {
  /** `{basename}.gjf` / `.inp` / `.xyz` / `.py` / `.sh`. */
  input: string;
  /** `{basename}.log` (Gaussian) or `{basename}.out`. */
  output: string;
  /** `{basename}.sh`; for a shell job it is also the input. */
  submitScript: string;
}

/** File names (not paths) of a job's input, output and submit script. */
export function jobFiles(program: ProgramId, basename: string): JobFiles {
  const info = PROGRAMS[program];
  return {
    input: `${basename}${info.inputExtension}`,
    output: `${basename}${info.outputExtension}`,
    submitScript: `${basename}.sh`,
  };
}

/** Absolute paths of a job's files inside its folder. */
export function jobPaths(program: ProgramId, jobDirectory: string, basename: string): JobFiles {
  const files = jobFiles(program, basename);
  return {
    input: join(jobDirectory, files.input),
    output: join(jobDirectory, files.output),
    submitScript: join(jobDirectory, files.submitScript),
  };
}

/** SLURM's default output file name for a job, `slurm-{id}.out`. */
export function slurmOutputName(jobId: number): string {
  return `slurm-${jobId}.out`;
}

/** Job ids of the `slurm-{id}.out` files in a folder, ascending (the last is the latest attempt). */
export async function listSlurmOutputIds(jobDirectory: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(jobDirectory);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return [];
    throw error;
  }
  return names
    .map((name) => /^slurm-(\d+)\.out$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .filter(Number.isSafeInteger)
    .sort((a, b) => a - b);
}
