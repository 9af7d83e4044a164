// Decides a job's status from what the scheduler says of it and, once it ended, from the program's output.
import type { LedgerRow } from '../ledger/ledger.js';
import { statusOfVerdict } from '../ledger/outcomeStatus.js';
import { readOutcome } from '../programs/outcome.js';
import { slurmStateMeaning } from '../slurm/states.js';
import type { JobStatus } from '../status.js';

export interface Decision {
  status: JobStatus;
  cause?: string;
  exitCode?: number;
}

export interface SchedulerView {
  /** SLURM's state (`RUNNING`, `CANCELLED by 0`…); absent when neither squeue nor sacct knows the job. */
  state?: string;
  exitCode?: number;
}

/**
 * The scheduler's end state says THAT a job ended; the output says HOW: COMPLETED is success only
 * when the program's markers are there. A job the scheduler no longer knows is never guessed failed.
 */
export async function decideStatus(
  job: { basename: string; directory: string; program: string },
  row: LedgerRow,
  view: SchedulerView,
): Promise<Decision> {
  const query = { program: job.program, jobDirectory: job.directory, basename: job.basename, jobId: row.jobId };
  if (view.state === undefined) {
    const outcome = await readOutcome(query);
    const status = statusOfVerdict(outcome);
    if (status !== undefined) return { status, ...(outcome.cause ? { cause: outcome.cause } : {}) };
    return { status: row.status };
  }
  const meaning = slurmStateMeaning(view.state);
  if (!meaning.final) return { status: meaning.status };
  const exitCode = view.exitCode;
  if (meaning.status === 'cancelled') return { status: 'cancelled', cause: meaning.cause ?? 'CANCELLED', ...(exitCode !== undefined ? { exitCode } : {}) };
  const outcome = await readOutcome({ ...query, slurmEndState: view.state, ...(exitCode !== undefined ? { exitCode } : {}) });
  const status: JobStatus = statusOfVerdict(outcome) ?? 'failed';
  return { status, ...(outcome.cause ? { cause: outcome.cause } : {}), ...(exitCode !== undefined ? { exitCode } : {}) };
}
