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

/**
 * The counts in words, the zero ones left out — `4/6 succeeded`, `1 failed`, `1 broken dependency`, `1 cancelled`,
 * `2 running`, `3 pending`, `5 not started` (only while some job has started) — as every view says them: the tree, the
 * status bar, notifications, the dashboard's header and history and `run`'s last line say the same words.
 */
export function summaryParts(s: StatusSummary): string[] {
  const parts = [`${s.succeeded}/${s.total} succeeded`];
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.broken_dependency > 0) parts.push(`${s.broken_dependency} broken dependency`);
  if (s.cancelled > 0) parts.push(`${s.cancelled} cancelled`);
  if (s.running > 0) parts.push(`${s.running} running`);
  if (s.pending > 0) parts.push(`${s.pending} pending`);
  if (s.not_started > 0 && s.not_started < s.total) parts.push(`${s.not_started} not started`);
  return parts;
}

/** `4/6 succeeded, 1 failed, 1 broken dependency`: the one phrasing of a batch's counts. */
export function summaryText(s: StatusSummary): string {
  return summaryParts(s).join(', ');
}
