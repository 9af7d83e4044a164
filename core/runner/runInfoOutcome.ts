// Writes how an attempt ended into its run_info.json, so the folder tells its own story after the ledger moves on
// (a restart archives the folder with it as `<dir>_history_N`, and the dashboard reads every attempt's history).
import type { LedgerRow } from '../ledger/ledger.js';
import { updateRunInfo } from '../ledger/runInfo.js';

export async function recordAttemptEnd(directory: string, basename: string, program: string, row: LedgerRow): Promise<void> {
  await updateRunInfo(directory, basename, program, (info) => ({
    ...info,
    status: row.status,
    ...(row.jobId >= 0 ? { jobId: row.jobId } : {}),
    ...(row.submittedAt !== undefined ? { submittedAt: row.submittedAt } : {}),
    ...(row.startedAt !== undefined ? { startedAt: row.startedAt } : {}),
    ...(row.endedAt !== undefined ? { endedAt: row.endedAt } : {}),
    ...(row.exitCode !== undefined ? { exitCode: row.exitCode } : {}),
    ...(row.cause !== undefined ? { cause: row.cause } : {}),
    ...(row.slurmState !== undefined ? { slurmState: row.slurmState } : {}),
  }));
}
