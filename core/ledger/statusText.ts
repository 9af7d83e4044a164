// Reads a job status as written on disk (by Batchman or CCBatchMan, or by hand) into a JobStatus.
import { isJobStatus } from '../status.js';
import type { JobStatus } from '../status.js';

// Spellings seen in hand-edited ledgers and in CCBatchMan's code (`completed` in its harness loop).
const ALIASES: Readonly<Record<string, JobStatus>> = {
  completed: 'succeeded',
  complete: 'succeeded',
  success: 'succeeded',
  successful: 'succeeded',
  done: 'succeeded',
  canceled: 'cancelled',
  queued: 'pending',
  submitted: 'pending',
  broken: 'broken_dependency',
  error: 'failed',
};

/** The JobStatus for a status cell, or undefined when it is not one Batchman can interpret. */
export function parseStatusText(text: string): JobStatus | undefined {
  const key = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (isJobStatus(key)) return key;
  return ALIASES[key];
}

/** Reads a job id cell: pandas writes `-1.0`, `12345.0`, `nan` or nothing; -1 means "not submitted". */
export function parseJobIdText(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || /^(nan|none|null|na|n\/a)$/i.test(trimmed)) return -1;
  // `123;cluster` is what `sbatch --parsable` prints on a federated setup.
  const match = /^([+-]?\d+)(?:\.0*)?(?:;\S*)?$/.exec(trimmed);
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!Number.isSafeInteger(value)) return undefined;
  return value < 0 ? -1 : value;
}
