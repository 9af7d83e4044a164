// How features name a job to the user: its basename, plus its folder when another job shares the name.
import type { BatchModel, ResolvedJob } from '../model.js';

/** Whether another job has this basename: CCBatchMan's generators reuse step names in every molecule folder. */
export function sharesBasename(model: BatchModel, job: ResolvedJob): boolean {
  const named = model.jobsByBasename.get(job.basename);
  return named !== undefined && named.length > 1;
}

/** A job is its folder + basename: `opt` alone is ambiguous when every molecule folder has an `opt`. */
export function jobLabel(model: BatchModel, job: ResolvedJob): string {
  return sharesBasename(model, job) ? `${job.basename} in ${job.directory || '(root)'}` : job.basename;
}
