// Crash safety around submission: an intent is written before sbatch, so a runner killed between
// sbatch and the ledger write can find its job again instead of submitting it twice.
import { readRunInfo, newRunInfo, writeRunInfo } from '../ledger/runInfo.js';
import type { RunInfo } from '../ledger/runInfo.js';
import type { QueueEntry } from '../slurm/squeue.js';

const INTENT_KEY = 'submitting_since';

export async function writeSubmitIntent(directory: string, basename: string, program: string, at: string): Promise<void> {
  const info = (await readRunInfo(directory).catch(() => undefined)) ?? newRunInfo(directory, basename, program);
  await writeRunInfo(directory, { ...info, extra: { ...(info.extra ?? {}), [INTENT_KEY]: at } });
}

export async function readSubmitIntent(directory: string): Promise<string | undefined> {
  const info = await readRunInfo(directory).catch(() => undefined);
  const value = info?.extra?.[INTENT_KEY];
  return typeof value === 'string' ? value : undefined;
}

/** Records the submitted attempt in run_info.json and clears the intent. */
export async function recordSubmission(directory: string, basename: string, program: string, jobId: number, at: string, restarts: number): Promise<void> {
  const info: RunInfo = (await readRunInfo(directory).catch(() => undefined)) ?? newRunInfo(directory, basename, program);
  const extra = { ...(info.extra ?? {}) };
  delete extra[INTENT_KEY];
  await writeRunInfo(directory, {
    ...info,
    jobId,
    status: 'pending',
    submittedAt: at,
    restarts,
    extra,
  });
}

/** The scheduler's job for this folder, newest first, submitted no earlier than the intent. */
export function findSubmitted(entries: readonly QueueEntry[], directory: string): QueueEntry | undefined {
  const matches = entries.filter((entry) => entry.workDir === directory);
  return matches.sort((a, b) => Number.parseInt(b.id, 10) - Number.parseInt(a.id, 10))[0];
}
