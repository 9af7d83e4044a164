// The batch's jobs as the ledger knows them, taken from a parsed batchfile.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import type { RebuildJob } from '../ledger/rebuild.js';

/** Jobs that can be run at all: a name and a known program (others are validation errors). */
export function runnableJobs(model: BatchModel): ResolvedJob[] {
  return model.jobs.filter((job) => job.basename !== '' && job.program !== undefined && model.jobsByBasename.get(job.basename)?.[0] === job.index);
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
