// Which jobs a user names on the command line (`cancel --job`, `run -r --job`): a basename that only one job has, the
// job's folder as the batchfile writes it, or FOLDER/BASENAME; a name several jobs answer to is refused, not guessed.
import { posix } from 'node:path';
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import { runnableJobs } from './batchJobs.js';

export interface JobSelection {
  /** The chosen jobs' keys (`keyOfModelJob`), one per name that named exactly one job. */
  keys: Set<string>;
  /** Names no job answers to. */
  unknown: string[];
  /** Names several jobs answer to, with a name for each that is its own. */
  ambiguous: { name: string; candidates: string[] }[];
}

/** Resolves the names against the batch's jobs. */
export function selectJobs(model: BatchModel, names: readonly string[]): JobSelection {
  const jobs = runnableJobs(model);
  const selection: JobSelection = { keys: new Set(), unknown: [], ambiguous: [] };
  for (const name of names) {
    const matches = jobs.filter((job) => answersTo(job, name, model.rootPath));
    if (matches.length === 1) selection.keys.add(keyOfModelJob(matches[0]!));
    else if (matches.length === 0) selection.unknown.push(name);
    else selection.ambiguous.push({ name, candidates: matches.map((job) => jobSelector(job, model.rootPath, true)) });
  }
  return selection;
}

/**
 * A name on the command line that is this job's alone: its basename when no other job of the batch has it, else
 * FOLDER/BASENAME with FOLDER relative to the root (as the batchfile writes it; `./` for the root itself).
 */
export function jobSelector(job: { readonly path: string; readonly basename: string }, rootPath: string | undefined, shared: boolean): string {
  if (!shared) return job.basename;
  const folder = folderName(job.path, rootPath);
  return `${folder === '.' ? '.' : folder}/${job.basename}`;
}

/** `jobSelector` for a job known by its resolved folder and basename, with the batch's jobs to tell it apart from. */
export function selectorAmong(
  job: { readonly directory: string; readonly basename: string },
  jobs: readonly { readonly basename: string }[],
  rootPath: string | undefined,
): string {
  const shared = jobs.filter((other) => other.basename === job.basename).length > 1;
  return jobSelector({ path: job.directory, basename: job.basename }, rootPath, shared);
}

function answersTo(job: ResolvedJob, name: string, rootPath: string | undefined): boolean {
  if (name === job.basename) return true;
  const wanted = trimSlashes(name);
  const folders = folderNames(job, rootPath);
  // The folder alone names the job: a folder holds one job (its run_info.json), as in CCBatchMan.
  if (folders.has(normalised(wanted))) return true;
  const cut = wanted.lastIndexOf('/');
  return cut >= 0 && wanted.slice(cut + 1) === job.basename && folders.has(normalised(wanted.slice(0, cut) || '/'));
}

/** The ways a job's folder may be written: as the batchfile has it, and relative to the root. */
function folderNames(job: ResolvedJob, rootPath: string | undefined): Set<string> {
  return new Set([normalised(job.directory), folderName(job.path, rootPath), job.path]);
}

/** The folder relative to the root (`.` for the root), or the whole path when it is outside the root. */
function folderName(path: string, rootPath: string | undefined): string {
  if (rootPath === undefined || !posix.isAbsolute(path)) return normalised(path);
  const relative = posix.relative(rootPath, path);
  if (relative === '') return '.';
  return relative.startsWith('../') || relative === '..' ? path : relative;
}

function normalised(folder: string): string {
  if (folder === '') return '.';
  return trimSlashes(posix.normalize(folder)) || '/';
}

function trimSlashes(text: string): string {
  return text.length > 1 ? text.replace(/\/+$/, '') : text;
}
