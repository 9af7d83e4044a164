// Crash safety around submission: an intent is written before sbatch, so a runner killed between
// sbatch and the ledger write can find its job again instead of submitting it twice.
import { writeFileAtomic, writeFileAtomicIfChanged } from '../fsAtomic.js';
import { readRunInfo, readRunInfoNow, newRunInfo, runInfoPath, serializeRunInfo, writeRunInfo } from '../ledger/runInfo.js';
import type { RunInfo } from '../ledger/runInfo.js';
import { listSlurmOutputIds } from '../programs/files.js';
import type { QueueEntry } from '../slurm/squeue.js';

const INTENT_KEY = 'submitting_since';

/** Writes the intent, durable (file and folder fsynced) before it returns; returns the run_info.json it wrote. */
export async function writeSubmitIntent(directory: string, basename: string, program: string, at: string): Promise<RunInfo> {
  const info = readRunInfoNow(directory) ?? newRunInfo(directory, basename, program);
  const written: RunInfo = { ...info, extra: { ...(info.extra ?? {}), [INTENT_KEY]: at } };
  // Written without comparing first: the intent's time is new, so the content always differs.
  await writeFileAtomic(runInfoPath(directory), serializeRunInfo(written), { blocking: true });
  return written;
}

export async function readSubmitIntent(directory: string): Promise<string | undefined> {
  return submitIntentOf(await readRunInfo(directory).catch(() => undefined));
}

/** The intent a run_info.json already read holds, if any. */
export function submitIntentOf(info: RunInfo | undefined): string | undefined {
  const value = info?.extra?.[INTENT_KEY];
  return typeof value === 'string' ? value : undefined;
}

/** sbatch certainly did not create the job (it refused it): the intent goes, so nobody looks for the job. */
export async function clearSubmitIntent(directory: string): Promise<void> {
  const info = await readRunInfo(directory).catch(() => undefined);
  if (info?.extra?.[INTENT_KEY] === undefined) return;
  const extra = { ...info.extra };
  delete extra[INTENT_KEY];
  // If the rename is lost, the intent is back and the job looked for (and not found) once more: its data is enough.
  await writeRunInfo(directory, { ...info, extra }, { durability: 'data', blocking: true });
}

/**
 * Records the submitted attempt in run_info.json and clears the intent. `withIntent` is the run_info.json the intent
 * wrote (the runner writes nothing else there between), which spares reading it again.
 */
export async function recordSubmission(directory: string, basename: string, program: string, jobId: number, at: string, restarts: number, withIntent?: RunInfo): Promise<void> {
  const info: RunInfo = withIntent ?? readRunInfoNow(directory) ?? newRunInfo(directory, basename, program);
  const extra = { ...(info.extra ?? {}) };
  delete extra[INTENT_KEY];
  const next = serializeRunInfo({ ...info, jobId, status: 'pending', submittedAt: at, restarts, extra });
  // Data fsynced, folder not: a lost rename leaves the durable intent, which finds the job again (ARCHITECTURE, decisions).
  // After the intent, the content differs for sure; otherwise (a resumed runner recording an adopted job) it may not.
  if (withIntent !== undefined) await writeFileAtomic(runInfoPath(directory), next, { durability: 'data', blocking: true });
  else await writeFileAtomicIfChanged(runInfoPath(directory), next, { durability: 'data', blocking: true });
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
