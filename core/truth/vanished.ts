// When a job the scheduler no longer knows has vanished: in no queue, no accounting record, no end marker in its
// output, and no sign of life for as long as the runner waits before it calls a job lost.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The cause a vanished job fails with, in `status` and `run` alike (CCBatchMan calls such a job failed). */
export const VANISHED_CAUSE = 'vanished';

/** How long a job may be unknown to the scheduler before it is vanished: the runner's grace and `status`'s. */
export const VANISHED_AFTER_MS = 10 * 60_000;

/**
 * The newest sign of life of a job's attempt, in ms since the epoch: when it was submitted or started, and the newest
 * change of a file in its folder (its output, slurm-<id>.out, run_info.json). A read-only `status` has no memory of
 * when the job went missing; the folder's own times say how long it has been silent.
 */
export async function lastSignOfLife(folder: string, times: readonly (string | undefined)[]): Promise<number> {
  let newest = -Infinity;
  for (const time of times) {
    const at = time === undefined ? NaN : Date.parse(time);
    if (Number.isFinite(at)) newest = Math.max(newest, at);
  }
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return newest;
  }
  for (const name of names) {
    try {
      newest = Math.max(newest, (await stat(join(folder, name))).mtimeMs);
    } catch {
      // gone meanwhile: no sign of life
    }
  }
  return newest;
}
