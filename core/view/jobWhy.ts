// Why a job stands where it does, in a word the views show beside its status: the cause of an ended job, SLURM's
// pending reason (`Resources`, `Priority`, `QOSMaxSubmitJobPerUserLimit`) of a waiting one. DOM- and Node-free: the
// dashboard page uses it too.
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';

interface WhyOf {
  readonly status: JobStatus;
  readonly cause: string | null;
  readonly reason: string | null;
}

/** The cause or the reason, or null when there is none or it only repeats the status (`cancelled · CANCELLED`). */
export function jobWhy(job: WhyOf): string | null {
  const why = isFinal(job.status) ? job.cause : job.reason;
  if (why === null || why === '' || why === 'None') return null;
  const said = why.toLowerCase().replace(/_/g, ' ');
  const status = job.status.replace('_', ' ');
  return said === status || said.startsWith(`${status} by `) ? null : why;
}
