// The batch's jobs as the ledger knows them, taken from a parsed batchfile.
import type { BatchModel, PipeLink, ResolvedJob } from '../batchfile/index.js';
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
  // Built field by field from the kept list (no copy of it, no spread per job): a 10,000-job batch makes 10,000.
  const jobs = runnable(model).jobs;
  const result = new Array<RebuildJob>(jobs.length);
  for (let index = 0; index < jobs.length; index++) {
    const job = jobs[index]!;
    const entry: RebuildJob = { basename: job.basename, directory: job.path, program: job.programName };
    let coords: PipeLink | undefined;
    let orbitals: PipeLink | undefined;
    for (const pipe of job.pipes) {
      if (pipe.noTransfer) continue;
      if (pipe.kind === 'coords') coords ??= pipe;
      else if (pipe.kind === 'orbitals') orbitals ??= pipe;
    }
    if (coords) {
      entry.coordsFrom = coords.command.dir!.text;
      entry.xyzFilename = coords.fileName;
    }
    if (orbitals) {
      entry.orbitalsFrom = orbitals.command.dir!.text;
      entry.gbwFilename = orbitals.fileName;
    }
    result[index] = entry;
  }
  return result;
}
