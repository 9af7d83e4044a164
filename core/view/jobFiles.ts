// Which file "open output" and "open input" mean for a job: the program's own names, else SLURM's output.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { programById } from '../programs/catalog.js';
import type { JobView } from './jobView.js';

export interface JobFile {
  path: string;
  exists: boolean;
}

/** `{basename}` + the program's output extension when it exists; else the job's `slurm-{id}.out` (this attempt's, or the newest). */
export function jobOutputFile(job: Pick<JobView, 'basename' | 'directory' | 'program' | 'jobId'>): JobFile {
  const program = programById(job.program);
  const own = join(job.directory, `${job.basename}${program?.outputExtension ?? '.out'}`);
  if (isFile(own)) return { path: own, exists: true };
  if (job.jobId !== null) {
    const slurm = join(job.directory, `slurm-${job.jobId}.out`);
    if (isFile(slurm)) return { path: slurm, exists: true };
  }
  const newest = newestSlurmOutput(job.directory);
  return newest ? { path: newest, exists: true } : { path: own, exists: false };
}

/** `{basename}` + the program's input extension (`.gjf`, `.inp`, `.xyz`, `.py`, `.sh`). */
export function jobInputFile(job: Pick<JobView, 'basename' | 'directory' | 'program'>): JobFile {
  const program = programById(job.program);
  const path = join(job.directory, `${job.basename}${program?.inputExtension ?? '.sh'}`);
  return { path, exists: isFile(path) };
}

function newestSlurmOutput(dir: string): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    if (!/^slurm-\d+\.out$/.test(name)) continue;
    const path = join(dir, name);
    try {
      const mtime = statSync(path).mtimeMs;
      if (!best || mtime > best.mtime) best = { path, mtime };
    } catch {
      // vanished meanwhile
    }
  }
  return best?.path;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
