// How the views name a job: its basename, and its folder beside it when another job of the batch has the same
// basename (`opt · mol1/opt`): CCBatchMan's generators reuse step names in every molecule folder.
import { keyOf } from '../ledger/jobKey.js';

interface NamedJob {
  readonly basename: string;
  readonly directory: string;
}

/** Each job's label, in order. */
export function jobLabels(jobs: readonly NamedJob[], rootPath: string | null | undefined): string[] {
  const counts = new Map<string, number>();
  for (const job of jobs) counts.set(job.basename, (counts.get(job.basename) ?? 0) + 1);
  return jobs.map((job) => jobLabel(job, (counts.get(job.basename) ?? 0) > 1, rootPath));
}

/** Labels by job key, for views that look jobs up by key. */
export function jobLabelsByKey(jobs: readonly NamedJob[], rootPath: string | null | undefined): Map<string, string> {
  const labels = jobLabels(jobs, rootPath);
  return new Map(jobs.map((job, index) => [keyOf(job), labels[index]!]));
}

/** `opt`, or `opt · mol1/opt` when the basename is shared: the folder relative to the root, or whole outside it. */
export function jobLabel(job: NamedJob, shared: boolean, rootPath: string | null | undefined): string {
  return shared ? `${job.basename} · ${folderUnderRoot(job.directory, rootPath)}` : job.basename;
}

/** A job folder as the batchfile writes it: relative to the root (`.` for the root itself), whole outside it. */
export function folderUnderRoot(directory: string, rootPath: string | null | undefined): string {
  if (!rootPath) return directory;
  const root = rootPath.endsWith('/') ? rootPath : `${rootPath}/`;
  if (directory === rootPath || `${directory}/` === root) return '.';
  return directory.startsWith(root) ? directory.slice(root.length) : directory;
}
