// Writes how an attempt ended into its run_info.json, so the folder tells its own story after the ledger moves on
// (a restart archives the folder with it as `<dir>_history_N`, and the dashboard reads every attempt's history).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fsAtomic.js';
import type { LedgerRow } from '../ledger/ledger.js';
import { newRunInfo, parseRunInfo, runInfoPath, serializeRunInfo } from '../ledger/runInfo.js';
import type { RunInfo } from '../ledger/runInfo.js';

export async function recordAttemptEnd(directory: string, basename: string, program: string, row: LedgerRow): Promise<void> {
  // Read once: the text just read says whether anything changed (every ended job passes here, 100 a tick in a big batch).
  // Synchronous read and write: a small file, and the asynchronous calls cost several times the CPU.
  const path = runInfoPath(directory);
  const text = readOrUndefined(path);
  const info: RunInfo = (text !== undefined ? parsedOrUndefined(text, path) : undefined) ?? newRunInfo(directory, basename, program);
  const next = serializeRunInfo({
    ...info,
    status: row.status,
    ...(row.jobId >= 0 ? { jobId: row.jobId } : {}),
    ...(row.submittedAt !== undefined ? { submittedAt: row.submittedAt } : {}),
    ...(row.startedAt !== undefined ? { startedAt: row.startedAt } : {}),
    ...(row.endedAt !== undefined ? { endedAt: row.endedAt } : {}),
    ...(row.exitCode !== undefined ? { exitCode: row.exitCode } : {}),
    ...(row.cause !== undefined ? { cause: row.cause } : {}),
    ...(row.slurmState !== undefined ? { slurmState: row.slurmState } : {}),
  });
  // Not fsynced (ARCHITECTURE, decisions): how the attempt ended is the ledger's and the outputs' to tell again.
  if (next !== text) await writeFileAtomic(path, next, { durability: 'rebuildable' });
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A damaged run_info.json is written afresh rather than failing the job's end. */
function parsedOrUndefined(text: string, path: string): RunInfo | undefined {
  try {
    return parseRunInfo(text, path);
  } catch {
    return undefined;
  }
}
