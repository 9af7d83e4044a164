// The job status an output's verdict stands for, one reading for the ledger's rebuild and the decision path alike.
import { CAUSES } from '../programs/markers.js';
import type { Outcome } from '../programs/outcome.js';
import type { JobStatus } from '../status.js';

/**
 * A final verdict's status: SLURM's own `CANCELLED AT` in slurm-*.out (scancel) is a cancel, not a failure of the job
 * — read the same way whichever path reads it first, so two reads in a row agree. Undefined while nothing ended.
 */
export function statusOfVerdict(outcome: Pick<Outcome, 'status' | 'cause'>): JobStatus | undefined {
  if (outcome.status === 'succeeded') return 'succeeded';
  if (outcome.status !== 'failed') return undefined;
  return outcome.cause === CAUSES.cancelled ? 'cancelled' : 'failed';
}
