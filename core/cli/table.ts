// Renders the jobs of a batch as a plain-text table for terminals.
import type { BatchTruth, JobTruth } from '../truth/truth.js';

/** What the table shows: a status's truth, or the runner's rows as it goes. */
export interface TableInput {
  readonly jobs: readonly Pick<JobTruth, 'basename' | 'status' | 'jobId' | 'slurmState' | 'elapsed' | 'cause' | 'reason'>[];
  readonly summary: BatchTruth['summary'];
  readonly stale?: string;
  readonly recoveredLedger?: BatchTruth['recoveredLedger'];
}

// SCHEDULER: the state SLURM or the local executor reports (`status --json` keeps its `slurmState` key)
const COLUMNS = ['JOB', 'STATUS', 'ID', 'SCHEDULER', 'ELAPSED', 'CAUSE / REASON'] as const;

export function renderTruthTable(file: string, truth: TableInput): string {
  const rows = truth.jobs.map((job) => [
    job.basename,
    job.status,
    job.jobId ?? '-',
    job.slurmState ?? '-',
    job.elapsed ?? '-',
    job.cause ?? (job.reason && job.reason !== 'None' ? job.reason : ''),
  ]);
  const widths = COLUMNS.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ').trimEnd();
  const s = truth.summary;
  const parts = [`${s.succeeded}/${s.total} succeeded`];
  for (const key of ['failed', 'broken_dependency', 'cancelled', 'running', 'pending', 'not_started'] as const) if (s[key] > 0) parts.push(`${s[key]} ${key.replace('_', ' ')}`);
  const notes = [truth.stale ? `stale: ${truth.stale}` : '', truth.recoveredLedger ? `ledger was unreadable (${truth.recoveredLedger.reason}); rebuilt from the job folders` : ''].filter(Boolean);
  return [`${file}: ${parts.join(', ')}`, ...notes, '', line(COLUMNS), ...rows.map(line)].join('\n');
}
