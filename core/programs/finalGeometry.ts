// Final geometries where the next job expects them: a successful run's last geometry written as CCBatchMan writes
// it (`{basename}.xyz`), after the run, or before a downstream job when an earlier runner could not.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchModel, ResolvedJob } from '../batchfile/model.js';
import { isErrno } from '../fsAtomic.js';
import { PROGRAMS } from './catalog.js';

export type FinalGeometryJob = Pick<ResolvedJob, 'basename' | 'path' | 'program'>;

/**
 * After the job succeeded: its program's final geometry written into its folder (Gaussian optimisations; the other
 * programs write theirs themselves). The path written, undefined when there is nothing to write.
 */
export async function writeFinalGeometry(job: FinalGeometryJob): Promise<string | undefined> {
  const final = job.program ? PROGRAMS[job.program.id].finalGeometry : undefined;
  return final?.write(job.path, job.basename);
}

/**
 * Before `job` takes its coords pipes: each upstream job that should have left a final geometry and has not (it
 * succeeded while no runner watched, or under an earlier version) gets it now. Upstream jobs have succeeded, or
 * the job would not be ready. Returns the paths written.
 */
export async function ensureUpstreamFinalGeometries(model: BatchModel, job: ResolvedJob): Promise<string[]> {
  const written: string[] = [];
  for (const pipe of job.pipes) {
    if (pipe.kind !== 'coords' || pipe.noTransfer || pipe.upstream === undefined) continue;
    const upstream = model.jobs[pipe.upstream];
    const final = upstream?.program ? PROGRAMS[upstream.program.id].finalGeometry : undefined;
    if (!upstream || !final || final.fileName(upstream.basename) !== pipe.fileName) continue;
    if (await exists(join(upstream.path, pipe.fileName))) continue;
    const path = await final.write(upstream.path, upstream.basename);
    if (path !== undefined) written.push(path);
  }
  return written;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
