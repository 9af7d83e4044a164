// A job folder's run_info.json: CCBatchMan's fields, Batchman's additions, and anyone else's kept as they are.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isErrno, writeFileAtomic, writeFileAtomicIfChanged } from '../fsAtomic.js';
import type { AtomicWriteOptions } from '../fsAtomic.js';
import type { JobStatus } from '../status.js';
import { RunInfoCorruptError } from './errors.js';
import { parseJobIdText, parseStatusText } from './statusText.js';

export const RUN_INFO_NAME = 'run_info.json';

/** What run_info.json says about a job's current attempt. Keys are snake_case on disk. */
export interface RunInfo {
  directory: string;
  /** The job's basename (`job_name` on disk). */
  jobName: string;
  status: JobStatus;
  /** -1 (null on disk) until submitted. */
  jobId: number;
  /** CCBatchMan's "reuse old temp files" flag. */
  restart: boolean;
  program?: string;
  /** ISO 8601 times. */
  submittedAt?: string;
  startedAt?: string;
  endedAt?: string;
  exitCode?: number;
  cause?: string;
  restarts?: number;
  slurmState?: string;
  /** Fields Batchman does not know (CCBatchMan's `ruleset`…), written back unchanged. */
  extra?: Record<string, unknown>;
}

const CORE_KEYS = ['directory', 'job_name', 'status', 'job_id', 'restart'] as const;
const OUR_KEYS = {
  program: 'program',
  submittedAt: 'submitted_at',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  exitCode: 'exit_code',
  cause: 'cause',
  restarts: 'restarts',
  slurmState: 'slurm_state',
} as const satisfies Partial<Record<keyof RunInfo, string>>;
type OurField = keyof typeof OUR_KEYS;
const INTEGER_FIELDS: ReadonlySet<OurField> = new Set<OurField>(['exitCode', 'restarts']);

export function runInfoPath(jobDirectory: string): string {
  return join(jobDirectory, RUN_INFO_NAME);
}

/** Reads a job folder's run_info.json; undefined when there is none, RunInfoCorruptError when unreadable. */
export async function readRunInfo(jobDirectory: string): Promise<RunInfo | undefined> {
  const path = runInfoPath(jobDirectory);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  return parseRunInfo(text, path);
}

/**
 * readRunInfo with synchronous calls, undefined when absent or unreadable: for the runner's pass, which waits for it
 * anyway (a small file; the asynchronous read costs several times the CPU).
 */
export function readRunInfoNow(jobDirectory: string): RunInfo | undefined {
  const path = runInfoPath(jobDirectory);
  try {
    return parseRunInfo(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
}

/**
 * The runner's own record of a job (its submission, how an attempt ended): run_info.json read once, changed by
 * `change` (from a fresh record when there is none or it is damaged: a record is never a reason to fail a job), and
 * written back when its text differs, with synchronous calls and no fsync: the ledger, the submit journal and the outputs
 * tell it again after a power loss (ARCHITECTURE, decisions).
 */
export async function updateRunInfo(jobDirectory: string, jobName: string, program: string, change: (info: RunInfo) => RunInfo): Promise<void> {
  const path = runInfoPath(jobDirectory);
  let text: string | undefined;
  let info: RunInfo | undefined;
  try {
    text = readFileSync(path, 'utf8');
    info = parseRunInfo(text, path);
  } catch {
    info = undefined;
  }
  const next = serializeRunInfo(change(info ?? newRunInfo(jobDirectory, jobName, program)));
  if (next !== text) await writeFileAtomic(path, next, { durability: 'rebuildable' });
}

/** Writes run_info.json atomically when its content changed; returns true when it wrote. Durable unless `options` say less. */
export async function writeRunInfo(jobDirectory: string, info: RunInfo, options?: AtomicWriteOptions): Promise<boolean> {
  return writeFileAtomicIfChanged(runInfoPath(jobDirectory), serializeRunInfo(info), options);
}

/** Parses run_info.json text; tolerates Python's `NaN`/`Infinity` (json.dump writes them). */
export function parseRunInfo(text: string, path = RUN_INFO_NAME): RunInfo {
  if (text.trim() === '') throw new RunInfoCorruptError(path, 'empty file', 1);
  let data: unknown;
  const cleaned = replacePythonNonFinite(text);
  try {
    data = JSON.parse(cleaned);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? lineOf(cleaned, Number(position[1])) : undefined;
    throw new RunInfoCorruptError(path, `not valid JSON (${message})`, line);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RunInfoCorruptError(path, 'not a JSON object');
  }
  const record = data as Record<string, unknown>;
  const fail = (reason: string): RunInfoCorruptError => new RunInfoCorruptError(path, reason);

  const jobName = record['job_name'];
  if (typeof jobName !== 'string' || jobName === '') throw fail('job_name is missing or not a string');
  const statusValue = record['status'];
  const status = typeof statusValue === 'string' ? parseStatusText(statusValue) : undefined;
  if (status === undefined) throw fail(`unknown status ${JSON.stringify(statusValue)}`);
  const directory = record['directory'] ?? '';
  if (typeof directory !== 'string') throw fail('directory is not a string');
  const jobId = jobIdOf(record['job_id']);
  if (jobId === undefined) throw fail(`job_id ${JSON.stringify(record['job_id'])} is not a job id`);
  const restart = record['restart'] ?? false;
  if (typeof restart !== 'boolean') throw fail('restart is not true or false');

  const info: RunInfo = { directory, jobName, status, jobId, restart };
  const ourDiskKeys = new Set<string>(Object.values(OUR_KEYS));
  for (const [field, key] of Object.entries(OUR_KEYS) as [OurField, string][]) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (INTEGER_FIELDS.has(field)) {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw fail(`${key} is not an integer`);
      (info as unknown as Record<string, unknown>)[field] = value;
    } else {
      if (typeof value !== 'string') throw fail(`${key} is not a string`);
      (info as unknown as Record<string, unknown>)[field] = value;
    }
  }
  const extra = Object.fromEntries(
    Object.entries(record).filter(([key]) => !(CORE_KEYS as readonly string[]).includes(key) && !ourDiskKeys.has(key)),
  );
  if (Object.keys(extra).length > 0) info.extra = extra;
  return info;
}

/** run_info.json text: CCBatchMan's keys first (in its order), then unknown keys, then Batchman's. */
export function serializeRunInfo(info: RunInfo): string {
  const out: Record<string, unknown> = {
    directory: info.directory,
    job_name: info.jobName,
    status: info.status,
    // CCBatchMan writes None (null) until sbatch gave it an id.
    job_id: info.jobId < 0 ? null : info.jobId,
    restart: info.restart,
  };
  const reserved = new Set<string>([...CORE_KEYS, ...Object.values(OUR_KEYS)]);
  for (const [key, value] of Object.entries(info.extra ?? {})) {
    if (!reserved.has(key)) out[key] = value;
  }
  for (const [field, key] of Object.entries(OUR_KEYS) as [OurField, string][]) {
    const value = info[field];
    if (value !== undefined) out[key] = value;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** A run_info for a job about to be submitted for the first time. */
export function newRunInfo(jobDirectory: string, jobName: string, program?: string): RunInfo {
  return {
    directory: jobDirectory,
    jobName: jobName || basename(jobDirectory),
    status: 'not_started',
    jobId: -1,
    restart: false,
    ...(program === undefined ? {} : { program }),
  };
}

function jobIdOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return -1;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return -1;
    return Number.isInteger(value) ? Math.max(value, -1) : undefined;
  }
  if (typeof value === 'string') return parseJobIdText(value);
  return undefined;
}

// Python's json.dump writes NaN, Infinity and -Infinity bare; JSON.parse rejects them. Replace them
// with null outside strings, keeping every other character (and so every position) in place.
function replacePythonNonFinite(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inString) {
      out += char;
      if (char === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (char === '"') {
        inString = false;
      }
      continue;
    }
    if (char === '"') {
      inString = true;
      out += char;
      continue;
    }
    const token = char === 'N' || char === 'I' || char === '-' ? /^(?:-?Infinity|NaN)/.exec(text.slice(i, i + 9)) : null;
    if (token) {
      out += 'null'.padEnd(token[0].length, ' ');
      i += token[0].length - 1;
      continue;
    }
    out += char;
  }
  return out;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
