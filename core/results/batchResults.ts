// A batch's results: every job's, read a few folders at a time, with the relative energies and the flat row the table and CSV show.
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import { readJobResults } from './jobResults.js';
import { relativeEnergiesKcal } from './relative.js';
import type { JobResults, JobResultsRow } from './types.js';

export interface BatchJobForResults {
  readonly basename: string;
  /** The resolved job folder. */
  readonly directory: string;
  readonly program: string;
  readonly status: JobStatus;
}

/** A job's row with its relative energy (kcal/mol, see relativeEnergiesKcal). */
export interface ResultsRow extends JobResultsRow {
  readonly relativeEnergyKcal: number | null;
}

const PARALLEL_READS = 16;

/** Reads every job's results; `{basename}.json` is written for jobs that have ended when it is missing or stale. */
export async function readBatchResults(jobs: readonly BatchJobForResults[], options: { writeFiles: boolean } = { writeFiles: true }): Promise<ResultsRow[]> {
  const results: (JobResults | null)[] = new Array<JobResults | null>(jobs.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index]!;
      const read = await readJobResults(job, { writeFile: options.writeFiles && isFinal(job.status) });
      results[index] = read.results;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, jobs.length) }, worker));
  const relative = relativeEnergiesKcal(jobs.map((job, index) => ({ program: job.program, results: results[index]! })));
  return jobs.map((job, index) => ({
    basename: job.basename,
    directory: job.directory,
    program: job.program,
    status: job.status,
    results: results[index]!,
    relativeEnergyKcal: relative[index]!,
  }));
}

/** The columns of the table and the CSV, in order; `basename` first. */
export const RESULT_COLUMNS = [
  'basename', 'directory', 'program', 'status', 'final_energy_hartree', 'relative_energy_kcal_mol', 'gibbs_hartree',
  'imaginary_frequencies', 'optimization_steps', 'optimization_converged', 'wall_seconds', 'normal_termination', 'problems',
] as const;

export type ResultColumn = (typeof RESULT_COLUMNS)[number];

/** One row's cells as plain values (null where unknown). */
export function flatRow(row: ResultsRow): Record<ResultColumn, string | number | boolean | null> {
  const results = row.results;
  return {
    basename: row.basename,
    directory: row.directory,
    program: row.program,
    status: row.status,
    final_energy_hartree: results?.finalEnergy ?? null,
    relative_energy_kcal_mol: row.relativeEnergyKcal,
    gibbs_hartree: results?.gibbs ?? null,
    imaginary_frequencies: results?.imaginaryFrequencies ?? null,
    optimization_steps: results?.optimization?.steps ?? null,
    optimization_converged: results?.optimization ? results.optimization.converged : null,
    wall_seconds: results?.wallSeconds ?? null,
    normal_termination: results ? results.normalTermination : null,
    problems: results ? results.problems.join('; ') : null,
  };
}
