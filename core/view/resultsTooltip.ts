// What an ended job computed, as the Markdown lines of a tree tooltip and of the batchfile's hover over its row:
// final energy, G, imaginary frequencies, the optimisation, problems (escaped: an output's text is not ours).
import { escapeMarkdown } from '../markdown.js';
import type { ResultsJob } from '../results/jobResults.js';
import type { JobResults } from '../results/types.js';
import type { JobStatus } from '../status.js';

/** A job whose results a view shows: one that ran and ended (succeeded, failed, cancelled); undefined for any other. */
export function endedResultsJob(job: { readonly status: JobStatus; readonly directory: string; readonly basename: string; readonly program: string }): ResultsJob | undefined {
  const ran = job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';
  return ran ? { directory: job.directory, basename: job.basename, program: job.program } : undefined;
}

/** Problems shown at most; the rest are counted. */
const MAX_PROBLEMS = 5;
/** A problem's text is cut here (an output can hold anything). */
const MAX_PROBLEM_CHARS = 200;

/** Hartree with 6 decimals (µHartree: what the parsers agree with cclib to); an ASCII minus, so it copies as a number. */
export function hartree(value: number): string {
  return `${value.toFixed(6)} Eh`;
}

/** The lines (each ends with two spaces: a Markdown line break), empty when the results hold nothing to say. */
export function resultsLines(results: JobResults): string[] {
  const lines: string[] = [];
  const row = (name: string, value: string): void => void lines.push(`${name}: ${value}  `);
  if (results.finalEnergy !== null) row('Final energy', hartree(results.finalEnergy));
  if (results.gibbs !== null) row('G', hartree(results.gibbs));
  if (results.imaginaryFrequencies !== null) row('Imaginary frequencies', String(results.imaginaryFrequencies));
  const opt = results.optimization;
  if (opt) row('Optimisation', `${opt.converged ? 'converged' : 'not converged'} after ${opt.steps} step${opt.steps === 1 ? '' : 's'}`);
  const problems = results.problems.slice(0, MAX_PROBLEMS).map((problem) => escapeMarkdown(problem.length > MAX_PROBLEM_CHARS ? `${problem.slice(0, MAX_PROBLEM_CHARS)}…` : problem));
  const more = results.problems.length - problems.length;
  if (problems.length > 0) row('Problems', `${problems.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`);
  return lines;
}
