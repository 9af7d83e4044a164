// The dashboard's batch state (SCHEDULE / RUNNING / TERMINATING / DONE / ERROR) and progress, derived from the jobs'
// statuses and the record's status. Pure and DOM-free: the host and the webview bundle both use it.
import type { DashboardBatchState, DashboardRecordStatus } from '../protocol.js';
import type { JobStatus } from '../../status.js';
import { summarise } from '../../truth/summary.js';
import type { StatusSummary } from '../../truth/summary.js';

/** Jobs that ended without succeeding: they make a finished batch an ERROR. */
const UNSUCCESSFUL: readonly JobStatus[] = ['failed', 'broken_dependency', 'cancelled'];

/**
 * - SCHEDULE: no job has started yet (none running, none ended), or the batch has no jobs while its runner works;
 * - RUNNING: some job runs or has ended while others have not;
 * - TERMINATING: every job is final but the record is still `in_progress` (the runner is writing its last ledger);
 * - DONE: every job is final and succeeded, and the record is closed (or there is none);
 * - ERROR: every job is final and at least one did not succeed (failed, blocked or cancelled), or the runner
 *   ended with an internal error while nothing is left to run.
 * A `lost` record (runner dead) does not keep a batch TERMINATING: nobody is writing any more.
 */
export function deriveBatchState(summary: StatusSummary, recordStatus: DashboardRecordStatus | null): DashboardBatchState {
  const final = finalCount(summary);
  if (summary.total === 0) return recordStatus === 'in_progress' ? 'SCHEDULE' : recordStatus === 'internal_error' ? 'ERROR' : 'DONE';
  if (final < summary.total) return summary.running === 0 && final === 0 ? 'SCHEDULE' : 'RUNNING';
  if (recordStatus === 'in_progress') return 'TERMINATING';
  const unsuccessful = UNSUCCESSFUL.reduce((sum, status) => sum + summary[status], 0);
  return unsuccessful > 0 || recordStatus === 'internal_error' ? 'ERROR' : 'DONE';
}

export function deriveBatchStateOf(statuses: Iterable<JobStatus>, recordStatus: DashboardRecordStatus | null): DashboardBatchState {
  return deriveBatchState(summarise(statuses), recordStatus);
}

/** What the progress bar shows: final of total, with succeeded and failed (failed + blocked) counts. */
export interface BatchProgress {
  total: number;
  final: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  running: number;
  pending: number;
  /** 0…1; 0 for an empty batch. */
  fraction: number;
}

export function batchProgress(summary: StatusSummary): BatchProgress {
  const final = finalCount(summary);
  return {
    total: summary.total,
    final,
    succeeded: summary.succeeded,
    failed: summary.failed + summary.broken_dependency,
    cancelled: summary.cancelled,
    running: summary.running,
    pending: summary.pending,
    fraction: summary.total === 0 ? 0 : final / summary.total,
  };
}

function finalCount(summary: StatusSummary): number {
  return summary.succeeded + summary.failed + summary.broken_dependency + summary.cancelled;
}

/** How the header's badge looks: its colour says how things stand, its text says it in words. */
export type BatchStateTone = 'idle' | 'running' | 'finishing' | 'done' | 'warning' | 'error';

export interface BatchStateWords {
  text: string;
  tone: BatchStateTone;
}

/**
 * The batch's state and its launch's status as one phrase, so the header never shows a red ERROR beside "completed"
 * or a SCHEDULE on a batch never launched: `never launched`, `running`, `finished with failures`, `runner lost, jobs
 * still queued`… The counts themselves are the progress line's.
 */
export function batchStateWords(summary: StatusSummary, recordStatus: DashboardRecordStatus | null): BatchStateWords {
  const state = deriveBatchState(summary, recordStatus);
  const final = finalCount(summary);
  const active = summary.running + summary.pending > 0;
  const failures = summary.failed + summary.broken_dependency > 0;
  const ended = (): BatchStateWords =>
    failures
      ? { text: 'finished with failures', tone: 'error' }
      : summary.cancelled > 0
        ? { text: 'finished, some jobs cancelled', tone: 'warning' }
        : { text: 'finished, every job succeeded', tone: 'done' };
  switch (recordStatus) {
    case null:
      // no launch recorded (never launched, or a ledger written elsewhere): the jobs alone say how things stand
      if (final === 0 && !active) return { text: 'never launched', tone: 'idle' };
      if (active) return { text: 'running (no launch recorded)', tone: 'running' };
      return final === summary.total ? ended() : { text: 'partly run, no launch recorded', tone: 'warning' };
    case 'in_progress':
      if (state === 'SCHEDULE') return { text: 'launched, no job started yet', tone: 'running' };
      if (state === 'TERMINATING') return { text: 'finishing: every job ended', tone: 'finishing' };
      return { text: 'running', tone: 'running' };
    case 'completed':
      return final === summary.total ? ended() : { text: `finished, ${summary.total - final} job${summary.total - final === 1 ? '' : 's'} not run`, tone: 'warning' };
    case 'canceled':
      return active ? { text: 'cancelled, jobs still stopping', tone: 'warning' } : { text: 'cancelled', tone: 'warning' };
    case 'internal_error':
      return { text: active ? 'runner stopped by an internal error, jobs still queued' : 'runner stopped by an internal error', tone: 'error' };
    case 'lost':
      return active ? { text: 'runner lost, jobs still queued', tone: 'warning' } : final === summary.total ? ended() : { text: 'runner lost before the end', tone: 'warning' };
  }
}
