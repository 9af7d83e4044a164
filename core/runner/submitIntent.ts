// A submission's record in its folder, and finding a job a submission may have created (by its folder in the queue, or
// by the slurm-<id>.out it left): what the batch's journal of intents (submitJournal.ts) is settled with.
import { updateRunInfo } from '../ledger/runInfo.js';
import type { RunInfo } from '../ledger/runInfo.js';
import { listSlurmOutputIds } from '../programs/files.js';
import type { QueueEntry } from '../slurm/squeue.js';

// The key an older Batchman wrote its intent under, in run_info.json itself (now the batch's journal holds intents).
const LEGACY_INTENT_KEY = 'submitting_since';

/** The intent an older Batchman left in a run_info.json already read, if any. */
export function submitIntentOf(info: RunInfo | undefined): string | undefined {
  const value = info?.extra?.[LEGACY_INTENT_KEY];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Records the submitted attempt in run_info.json (where CCBatchMan looks for the job id), dropping any intent an older
 * Batchman left there. Not fsynced (ARCHITECTURE, decisions): until the ledger holds the id durably, the journal's
 * intent finds the job again.
 */
export async function recordSubmission(directory: string, basename: string, program: string, jobId: number, at: string, restarts: number): Promise<void> {
  await updateRunInfo(directory, basename, program, (info) => {
    const extra = { ...(info.extra ?? {}) };
    delete extra[LEGACY_INTENT_KEY];
    return { ...info, jobId, status: 'pending', submittedAt: at, restarts, extra };
  });
}

/**
 * The scheduler's newest job for this folder newer than `afterId` (an earlier attempt of the same job may still be
 * listed as ended). One listed under this job name is preferred; the name alone never decides, as a script may name
 * itself (`#SBATCH -J`) and SLURM gets a sanitised name, while a folder holds one job (its run_info.json).
 */
export function findSubmitted(entries: readonly QueueEntry[], directory: string, name?: string, afterId = Number.NEGATIVE_INFINITY): QueueEntry | undefined {
  const matches = entries.filter((entry) => entry.workDir === directory && Number.parseInt(entry.id, 10) > afterId);
  const named = (entry: QueueEntry) => (name !== undefined && entry.name === name ? 1 : 0);
  return matches.sort((a, b) => named(b) - named(a) || Number.parseInt(b.id, 10) - Number.parseInt(a.id, 10))[0];
}

/**
 * A job that already ran and left the queue still left its `slurm-<id>.out` in its folder: the newest id above
 * `afterId`, if any.
 */
export async function findOutputId(directory: string, afterId: number): Promise<number | undefined> {
  const ids = (await listSlurmOutputIds(directory).catch(() => [])).filter((id) => id > afterId);
  return ids.at(-1);
}
