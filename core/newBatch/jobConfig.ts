// `job_config.json`, one per job folder as CCBatchMan's generator writes it: its flat keys for its readers, and a
// `batchman` part the generated submit script reads (the program's arguments, module and setup lines).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';

export const JOB_CONFIG_FILE = 'job_config.json';

/** What the generated submit script takes from a job's own folder; each part absent means batchman.json decides. */
export interface JobScriptConfig {
  /** `{args}` in the command: the program's flags (`--ohess --chrg 0 --uhf 1 --gfn 2`). */
  readonly args?: readonly string[];
  /** `module load` names, instead of batchman.json's. */
  readonly modules?: readonly string[];
  /** Lines run before the command, instead of batchman.json's. */
  readonly setup?: readonly string[];
}

/** A job_config.json whose `batchman` part cannot be used; the message names the file and the key. */
export class JobConfigError extends Error {
  override readonly name = 'JobConfigError';
}

/**
 * The `batchman` part of the folder's job_config.json; empty when there is no file, or the file (CCBatchMan's own)
 * has no such part. A part that is not lists of strings is refused rather than run half-understood.
 */
export async function readJobScriptConfig(jobDirectory: string): Promise<JobScriptConfig> {
  const file = join(jobDirectory, JOB_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return {};
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new JobConfigError(`${file}: not valid JSON`);
  }
  const part = (value as Record<string, unknown> | null)?.['batchman'];
  if (part === undefined) return {};
  if (typeof part !== 'object' || part === null || Array.isArray(part)) throw new JobConfigError(`${file}: batchman: must be an object`);
  const config: { args?: string[]; modules?: string[]; setup?: string[] } = {};
  for (const key of ['args', 'modules', 'setup'] as const) {
    const list = (part as Record<string, unknown>)[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && !/[\0\r\n]/.test(item))) {
      throw new JobConfigError(`${file}: batchman.${key}: must be a list of one-line strings`);
    }
    config[key] = list as string[];
  }
  return config;
}
