// A cancel asked of a batch while its runner works: `batchman cancel` leaves a marker the runner
// reads every pass (the runner owns the ledger while it runs, so nobody else may write it).
import { appendFile, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { lockPathFor } from './lock.js';

export interface CancelRequest {
  /** Cancel the whole batch: active jobs are cancelled, nothing more is submitted. */
  readonly all: boolean;
  /** Or just these jobs (by key: `jobKey`). */
  readonly jobs: ReadonlySet<string>;
}

const ALL = '*';

export function cancelMarkerPath(rootPath: string, batchfilePath: string): string {
  return lockPathFor(rootPath, batchfilePath).replace(/\.lock$/, '.cancel');
}

/** One line per job key (keys cannot hold newlines: the batchfile is line-based), `*` for all. */
export async function requestCancel(rootPath: string, batchfilePath: string, jobs: readonly string[] | 'all'): Promise<void> {
  const path = cancelMarkerPath(rootPath, batchfilePath);
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, jobs === 'all' ? `${ALL}\n` : jobs.map((job) => `${job}\n`).join(''));
}

export async function readCancelRequest(rootPath: string, batchfilePath: string): Promise<CancelRequest | undefined> {
  let text: string;
  try {
    text = await readFile(cancelMarkerPath(rootPath, batchfilePath), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  const lines = text.split('\n').filter((line) => line !== '');
  return { all: lines.includes(ALL), jobs: new Set(lines.filter((line) => line !== ALL)) };
}

export async function clearCancelRequest(rootPath: string, batchfilePath: string): Promise<void> {
  await rm(cancelMarkerPath(rootPath, batchfilePath), { force: true });
}
