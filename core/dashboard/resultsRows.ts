// Host side of the dashboard's Results tab: every job's results read as `batchman results` reads them (readBatchResults,
// writing nothing: a view only reads), flattened to the small rows the page shows, and the CSV the export writes.
import { keyOf } from '../ledger/jobKey.js';
import { readBatchResults } from '../results/batchResults.js';
import type { ResultsRow } from '../results/batchResults.js';
import { HARTREE_TO_KCAL } from '../results/types.js';
import type { JobStatus } from '../status.js';
import type { BatchView } from '../view/batchTree.js';
import { jobLabels } from '../view/jobLabel.js';
import type { DashboardResultRow } from './protocol.js';

/**
 * Every job of the view's batch with its results, statuses as the view has them. `writeFiles: false`: a panel that is
 * looked at must not change job folders; the runner writes `{basename}.json` when a job ends and `batchman results`
 * for the others, and a current file is what lets a second read skip the parse.
 */
export function readViewResults(view: Pick<BatchView, 'jobs'>): Promise<ResultsRow[]> {
  return readBatchResults(
    view.jobs.map((job) => ({ basename: job.basename, directory: job.directory, program: job.program, status: job.status })),
    { writeFiles: false },
  );
}

/** The page's rows: key and label as the run table has them, energies in Hartree, nothing the table does not show. */
export function dashboardResultRows(rows: readonly ResultsRow[], rootPath: string | null): DashboardResultRow[] {
  const labels = jobLabels(rows, rootPath);
  return rows.map((row, index) => {
    const results = row.results;
    return {
      key: keyOf(row),
      label: labels[index]!,
      basename: row.basename,
      directory: row.directory,
      program: row.program,
      status: row.status as JobStatus,
      hasOutput: results !== null,
      finalEnergy: results?.finalEnergy ?? null,
      relativeEnergy: row.relativeEnergyKcal === null ? null : row.relativeEnergyKcal / HARTREE_TO_KCAL,
      gibbs: results?.gibbs ?? null,
      method: results?.method ?? null,
      imaginaryFrequencies: results?.imaginaryFrequencies ?? null,
      optimization: results?.optimization ? { steps: results.optimization.steps, converged: results.optimization.converged } : null,
      wallSeconds: results?.wallSeconds ?? null,
      problems: results ? [...results.problems] : [],
    };
  });
}
