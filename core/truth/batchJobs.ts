// The batch's jobs as the ledger knows them, taken from a parsed batchfile.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { RebuildJob } from '../ledger/rebuild.js';

const runnableByModel = new WeakMap<BatchModel, { jobs: ResolvedJob[]; byKey: Map<string, ResolvedJob> }>();

/**
 * Jobs that can be run at all: a name and a known program, the first row of each folder and basename (others are
 * validation errors). The same basename in two folders is two jobs.
 */
export function runnableJobs(model: BatchModel): ResolvedJob[] {
  return [...runnable(model).jobs];
}

/** The batch's runnable jobs by key (`keyOfModelJob`: folder and basename). */
export function jobsByKey(model: BatchModel): ReadonlyMap<string, ResolvedJob> {
  return runnable(model).byKey;
}

function runnable(model: BatchModel): { jobs: ResolvedJob[]; byKey: Map<string, ResolvedJob> } {
  let found = runnableByModel.get(model);
  if (!found) {
    const byKey = new Map<string, ResolvedJob>();
    for (const job of model.jobs) {
      if (job.basename === '' || job.program === undefined) continue;
      const key = keyOfModelJob(job);
      if (!byKey.has(key)) byKey.set(key, job);
    }
    found = { jobs: [...byKey.values()], byKey };
    runnableByModel.set(model, found);
  }
  return found;
}

export function ledgerJobs(model: BatchModel): RebuildJob[] {
  return runnableJobs(model).map((job) => {
    const coords = job.pipes.find((pipe) => pipe.kind === 'coords' && !pipe.noTransfer);
    const orbitals = job.pipes.find((pipe) => pipe.kind === 'orbitals' && !pipe.noTransfer);
    return {
      basename: job.basename,
      directory: job.path,
      program: job.programName,
      ...(coords ? { coordsFrom: coords.command.dir!.text, xyzFilename: coords.fileName } : {}),
      ...(orbitals ? { orbitalsFrom: orbitals.command.dir!.text, gbwFilename: orbitals.fileName } : {}),
    };
  });
}
