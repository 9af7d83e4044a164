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
 * The scheduler's own record of when the job ran replaces what a poll stamped: a job that started and ended between
 * two polls was stamped only when its end was noticed. An end is taken only once the row is final, so a record read
 * while the job still runs cannot end it early. An ended job that ran 0 s (SLURM gives one cancelled while pending its
 * cancel time as Start) gets no start, as in backfillStart.
 */
export function recordSchedulerTimes(row: LedgerRow, times: { startedAt?: string; endedAt?: string; elapsedSeconds?: number }): void {
  const neverRan = isFinal(row.status) && times.elapsedSeconds === 0;
  if (times.startedAt !== undefined && row.status !== 'not_started' && !neverRan) row.startedAt = wholeSecondTime(times.startedAt, row.startedAt, row.submittedAt);
  if (times.endedAt !== undefined && isFinal(row.status)) row.endedAt = wholeSecondTime(times.endedAt, row.endedAt, row.startedAt ?? row.submittedAt);
}

/**
 * The scheduler's records count whole seconds: a time noticed within that second is the finer reading and is kept,
 * and a record never puts a job's start before its submission (or its end before its start), which the truncation
 * alone would do for a job that started in the second it was submitted.
 */
function wholeSecondTime(recorded: string, noticed: string | undefined, notBefore: string | undefined): string {
  const at = Date.parse(recorded);
  if (!Number.isFinite(at)) return noticed ?? recorded;
  const seen = noticed !== undefined ? Date.parse(noticed) : Number.NaN;
  if (Number.isFinite(seen) && seen >= at && seen < at + 1000) return noticed!;
  const floor = notBefore !== undefined ? Date.parse(notBefore) : Number.NaN;
  return Number.isFinite(floor) && at < floor ? notBefore! : recorded;
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
