// A failed job's evidence kept in one place, where CCBatchMan keeps it: its output and SLURM's output copied
// to `fail_output/<job folder relative to the root, / as __>/`.
import { access, mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { BatchModel, ResolvedJob } from '../batchfile/model.js';
import { isErrno } from '../fsAtomic.js';
import { jobFiles, listSlurmOutputIds, slurmOutputName } from '../programs/files.js';
import { copyFileAtomic } from '../programs/pipeTransfer.js';

/** The folder under the root that collects failed jobs' outputs (CCBatchMan's name). */
export const FAIL_OUTPUT_DIR = 'fail_output';

export type FailedJob = Pick<ResolvedJob, 'basename' | 'path' | 'program'>;

/** The batch's root: its absolute path, and its text as the batchfile's first line writes it. */
export interface FailOutputRoot {
  readonly path: string;
  /** `root_directory=` as written; CCBatchMan's folder names depend on whether it ends with `/`. */
  readonly written?: string;
}

/** The root of a batch as fail_output/ needs it. */
export function failOutputRoot(model: BatchModel, rootPath: string): FailOutputRoot {
  const written = model.document.root?.value?.text;
  return written === undefined ? { path: rootPath } : { path: rootPath, written };
}

/**
 * The name CCBatchMan gives a failed job's folder under fail_output/: the job folder with the root's text cut off
 * its start (`os.path.commonprefix`) and every `/` as `__`. The `/` after a root written without a trailing slash
 * stays, so with `root_directory=/calcs` the job in `mol1/opt` is `__mol1__opt`, with `root_directory=/calcs/` it is
 * `mol1__opt`. The root's own folder is `__`. A folder outside the root (CCBatchMan would write outside it) is named
 * by its whole path, `__scratch__other__opt`, still under the root. Control characters become `_`.
 */
export function failOutputName(root: FailOutputRoot, jobPath: string): string {
  const relative = posix.relative(root.path, jobPath);
  const inside = relative === '' || (relative !== '..' && !relative.startsWith('../') && !posix.isAbsolute(relative));
  const cut = !inside ? jobPath : relative !== '' && (root.written ?? '').endsWith('/') ? relative : `/${relative}`;
  // eslint-disable-next-line no-control-regex -- control characters are what must go
  return cut.replace(/\/+$/, '').replaceAll('/', '__').replace(/[\u0000-\u001f\u007f]/g, '_') || '__';
}

/** `<root>/fail_output/<failOutputName>`. */
export function failOutputDirectory(root: FailOutputRoot | string, jobPath: string): string {
  const resolved = typeof root === 'string' ? { path: root } : root;
  return join(resolved.path, FAIL_OUTPUT_DIR, failOutputName(resolved, jobPath));
}

/**
 * Copies the job's program output (`{basename}.log` / `.out`) and its `slurm-{jobId}.out` (every
 * `slurm-*.out` when no id is given) into the job's folder under `<root>/fail_output/` (the names CCBatchMan
 * gives them), replacing copies from an earlier failure. Files that do not exist are skipped. Returns the paths
 * written.
 */
export async function copyFailureOutput(root: FailOutputRoot | string, job: FailedJob, jobId?: number): Promise<string[]> {
  const names: string[] = [];
  if (job.program) names.push(jobFiles(job.program.id, job.basename).output);
  if (jobId !== undefined && jobId >= 0) names.push(slurmOutputName(jobId));
  else names.push(...(await listSlurmOutputIds(job.path)).map(slurmOutputName));

  const target = failOutputDirectory(root, job.path);
  const copied: string[] = [];
  for (const name of [...new Set(names)]) {
    const destination = join(target, name);
    const source = join(job.path, name);
    try {
      await access(source);
      await mkdir(target, { recursive: true });
      await copyFileAtomic(source, destination);
      copied.push(destination);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) continue;
      throw error;
    }
  }
  return copied;
}
