// Writes a decided status into a ledger row, with the times it implies.
import type { LedgerRow } from '../ledger/ledger.js';
import { isFinal } from '../status.js';
import type { Decision } from './decide.js';

/** Writes a decided status into a ledger row, stamping when it started or ended. */
export function recordTransition(row: LedgerRow, next: Decision, slurmState: string | undefined, at: string): void {
  if (slurmState !== undefined) row.slurmState = slurmState;
  if (next.exitCode !== undefined) row.exitCode = next.exitCode;
  if (next.status === row.status) return;
  row.status = next.status;
  if (next.cause !== undefined) row.cause = next.cause;
  else delete row.cause;
  if (next.status === 'running') row.startedAt ??= at;
  if (isFinal(next.status)) row.endedAt ??= at;
}

/**
 * A job that ran between two polls was never seen running, so it has no start time and shows no elapsed time. The
 * scheduler's elapsed time for it (from accounting) gives the start: the end as noticed minus that span.
 */
export function backfillStart(row: LedgerRow, elapsedSeconds: number | undefined): void {
  // 0 s: it never ran (cancelled while pending) or too briefly to tell; no start is better than a made-up one
  if (row.startedAt !== undefined || row.endedAt === undefined || elapsedSeconds === undefined || elapsedSeconds <= 0) return;
  const start = Date.parse(row.endedAt) - elapsedSeconds * 1000;
  if (Number.isFinite(start)) row.startedAt = new Date(start).toISOString();
}
