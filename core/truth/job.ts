// The one shape of a job, from the truth `status` reports to what the views show: each later shape extends the
// earlier. Plain data with no Node imports, so the dashboard's page may take its row type from here.
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';

/** A status a job reached and when (ISO 8601). */
export interface JobEvent {
  status: JobStatus;
  at: string;
}

/** What `status` knows of a job: its key order is `status --json`'s (DESIGN §5), which prints it as it is. */
export interface JobTruth {
  basename: string;
  directory: string;
  program: string;
  status: JobStatus;
  /** Scheduler id, or null before submission. */
  jobId: string | null;
  slurmState: string | null;
  /** Why SLURM holds it (squeue's reason), while it is queued or running. */
  reason: string | null;
  /** SLURM-style `M:SS`, `H:MM:SS` or `D-HH:MM:SS`. */
  elapsed: string | null;
  exitCode: number | null;
  cause: string | null;
  /** The newest status change, derived from the times (`lastEventOf`). */
  lastEvent: JobEvent | null;
}

/**
 * What the views show of a job: the truth with the ledger's times and attempts instead of the last event, which a view
 * derives when it needs it (`lastEventOf`): the poller moves a view's status, and a stored event would go stale.
 */
export interface JobView extends Omit<JobTruth, 'lastEvent'> {
  /** ISO 8601. */
  submittedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  restarts: number;
}

/** A job's last event: it ended, started or was submitted, whichever its status says last happened. */
export function lastEventOf(job: {
  status: JobStatus;
  submittedAt?: string | null | undefined;
  startedAt?: string | null | undefined;
  endedAt?: string | null | undefined;
}): JobEvent | null {
  const at = isFinal(job.status) ? job.endedAt : job.status === 'running' ? job.startedAt : job.submittedAt;
  return at ? { status: job.status, at } : null;
}

/**
 * Whether two jobs of the same shape hold the same values, key by key; a nested object (the last event) is compared
 * one level down. Generic so a field added to a shape is compared without anyone listing it.
 */
export function sameJob<T extends object>(a: T, b: T): boolean {
  return sameFields(a, b, true);
}

function sameFields(a: object, b: object, nested: boolean): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    keys++;
    const x = left[key];
    const y = right[key];
    if (x === y) continue;
    if (!nested || typeof x !== 'object' || typeof y !== 'object' || x === null || y === null || !sameFields(x, y, false)) return false;
  }
  for (const key in right) if (--keys < 0 || !(key in left)) return false;
  return keys === 0;
}
