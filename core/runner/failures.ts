// A failed job's evidence kept in one place: its output and SLURM's output copied to `fail_output/<basename>/`.
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedJob } from '../batchfile/model.js';
import { isErrno } from '../fsAtomic.js';
import { jobFiles, listSlurmOutputIds, slurmOutputName } from '../programs/files.js';
import { copyFileAtomic } from '../programs/pipeTransfer.js';

/** The folder under the root that collects failed jobs' outputs (CCBatchMan's name). */
export const FAIL_OUTPUT_DIR = 'fail_output';

export type FailedJob = Pick<ResolvedJob, 'basename' | 'path' | 'program'>;

/** `<root>/fail_output/<basename>`; a `/` or control character in the basename becomes `_`. */
export function failOutputDirectory(rootPath: string, basename: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what must go
  const safe = basename.replace(/[/\u0000-\u001f\u007f]/g, '_');
  return join(rootPath, FAIL_OUTPUT_DIR, safe === '' || safe === '.' || safe === '..' ? `_${safe}` : safe);
}

/**
 * Copies the job's program output (`{basename}.log` / `.out`) and its `slurm-{jobId}.out` (every
 * `slurm-*.out` when no id is given) into `<rootPath>/fail_output/<basename>/`, replacing copies from
 * an earlier failure. Files that do not exist are skipped. Returns the paths written.
 */
export async function copyFailureOutput(rootPath: string, job: FailedJob, jobId?: number): Promise<string[]> {
  const names: string[] = [];
  if (job.program) names.push(jobFiles(job.program.id, job.basename).output);
  if (jobId !== undefined && jobId >= 0) names.push(slurmOutputName(jobId));
  else names.push(...(await listSlurmOutputIds(job.path)).map(slurmOutputName));

  const target = failOutputDirectory(rootPath, job.basename);
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
