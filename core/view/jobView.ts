// What the Batches view shows of one job, built from the core's truth: ledger rows, the poller's observations and
// `readBatchTruth`'s answer. Plain data, compared key by key so the tree refreshes only jobs that changed.
import { NO_JOB_ID } from '../ledger/ledger.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { JobObservation } from '../slurm/poller.js';
import { slurmStateMeaning } from '../slurm/states.js';
import { isFinal } from '../status.js';
import { sameJob } from '../truth/job.js';
import type { JobTruth, JobView } from '../truth/job.js';

export type { JobView } from '../truth/job.js';

/** A job of the batchfile that the ledger does not know yet: what its row will say before it is submitted. */
export function notStartedJob(job: { basename: string; directory: string; program: string }): JobView {
  return jobViewFromRow({ jobId: NO_JOB_ID, basename: job.basename, directory: job.directory, status: 'not_started', program: job.program });
}

export function jobViewFromRow(row: LedgerRow): JobView {
  const startedAt = row.startedAt ?? null;
  const endedAt = row.endedAt ?? null;
  return {
    basename: row.basename,
    directory: row.directory,
    program: row.program,
    status: row.status,
    jobId: row.jobId === NO_JOB_ID ? null : String(row.jobId),
    slurmState: row.slurmState ?? null,
    reason: null,
    elapsed: isFinal(row.status) ? spanBetween(startedAt, endedAt) : null,
    exitCode: row.exitCode ?? null,
    cause: row.cause ?? null,
    submittedAt: row.submittedAt ?? null,
    startedAt,
    endedAt,
    restarts: row.restarts ?? 0,
  };
}

/** `readBatchTruth`'s job, with the ledger row's times when it is at hand. */
export function jobViewFromTruth(truth: JobTruth, row?: LedgerRow): JobView {
  const base = row ? jobViewFromRow(row) : notStartedJob(truth);
  // a view derives its last event from its own times
  const { lastEvent: _derived, ...known } = truth;
  return { ...base, ...known, elapsed: truth.elapsed ?? base.elapsed };
}

/**
 * What the poller's observation shows over a view. While SLURM says pending or running, that is the status. Once SLURM
 * says the job ended, its state and exit code are noted but the status is left as it was: whether it succeeded is the
 * program output's call, which the caller asks of the decision path (`applyObservations`). `unknown` changes nothing.
 */
export function overlayObservation(job: JobView, observation: JobObservation): JobView {
  if (observation.jobId !== job.jobId) return job;
  const next: JobView = { ...job };
  if (observation.slurmState !== undefined) next.slurmState = observation.slurmState;
  next.reason = observation.inQueue && observation.reason !== undefined && observation.reason !== 'None' ? observation.reason : null;
  if (observation.elapsed !== undefined) next.elapsed = observation.elapsed;
  if (observation.exitCode !== undefined) next.exitCode = observation.exitCode;
  if (observation.status !== 'unknown' && !observation.final && !isFinal(job.status)) {
    next.status = observation.status;
  }
  return next;
}

/** Whether the observation says the job ended, so its outcome must be decided from its output. */
export function observationEnded(observation: JobObservation): boolean {
  return observation.final && observation.slurmState !== undefined && slurmStateMeaning(observation.slurmState).final;
}

/** Whether the tree would show the two alike: every key of the shape compared, none listed here. */
export function sameJobView(a: JobView, b: JobView): boolean {
  return sameJob(a, b);
}

/** A job that can be cancelled: submitted and not ended. */
export function isActive(job: JobView): boolean {
  return job.jobId !== null && (job.status === 'pending' || job.status === 'running');
}

/** `M:SS`, `H:MM:SS` or `D-HH:MM:SS` like SLURM prints, between two ISO times; null when either is missing. */
export function spanBetween(from: string | null, to: string | null): string | null {
  if (from === null || to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return null;
  return formatSpan(Math.round(ms / 1000));
}

export function formatSpan(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (days > 0) return `${days}-${two(hours)}:${two(minutes)}:${two(seconds)}`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(seconds)}`;
  return `${minutes}:${two(seconds)}`;
}
