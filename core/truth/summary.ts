// Counts of jobs by status, as `status --json` and the status bar show them.
import type { JobStatus } from '../status.js';

export interface StatusSummary {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
  not_started: number;
  broken_dependency: number;
  cancelled: number;
}

export function summarise(statuses: Iterable<JobStatus>): StatusSummary {
  const summary: StatusSummary = { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0, not_started: 0, broken_dependency: 0, cancelled: 0 };
  for (const status of statuses) {
    summary.total++;
    summary[status]++;
  }
  return summary;
}
