// Batch records: one JSON file per launch in `<root>/.batchman/batches/<unix-ms>_<random>.json` (snake_case keys
// on disk, as CCBatchMan users expect), written atomically; reading them, newest first; the derived `lost` status.
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrno, writeFileAtomic } from '../fsAtomic.js';
import type { StatusSummary } from '../truth/summary.js';
import { generateBatchName } from './batchNames.js';
import type { GitInfo } from './gitInfo.js';
import { readGitInfo } from './gitInfo.js';
import type { LivenessOptions } from './lock.js';
import { isRunnerAlive } from './lock.js';
import { readWaiting } from './waiting.js';
import type { BatchWaiting } from './waiting.js';

export const BATCH_RECORD_STATUSES = ['in_progress', 'completed', 'canceled', 'internal_error'] as const;
/** What is written on disk. */
export type BatchRecordStatus = (typeof BATCH_RECORD_STATUSES)[number];
/** What readers show: `lost` is never written, it is derived from a dead runner (see effectiveStatus). */
export type EffectiveBatchStatus = BatchRecordStatus | 'lost';
export type ClosedBatchStatus = Exclude<BatchRecordStatus, 'in_progress'>;

export interface BatchRunnerInfo {
  host: string;
  pid: number;
  /** ISO 8601; refreshed by the runner while it runs. */
  heartbeat: string;
}

/** One resume of a lost launch by a new runner. */
export interface BatchResume {
  at: string;
  host: string;
  pid: number;
}

export interface BatchRecord {
  /** The file stem, `<unix-ms>_<random>`. */
  id: string;
  name: string;
  message: string;
  tags: string[];
  metadata: Record<string, unknown>;
  status: BatchRecordStatus;
  /** ISO 8601. */
  start_time: string;
  end_time: string | null;
  error_msg: string | null;
  created_by: string;
  git: GitInfo | null;
  version: string;
  /** Absolute path of the batchfile. */
  batchfile: string;
  /** The options as the user asked for them (may hold "auto"). */
  command_options: Record<string, unknown>;
  /** The options actually used ("auto" resolved). */
  computed_options: Record<string, unknown>;
  runner: BatchRunnerInfo;
  /** The job summary when the record was closed; null while in progress. */
  counts: StatusSummary | null;
  /** Which launch of this batchfile this is: 1, 2, … */
  run_number: number;
  /** Runners that resumed this launch after its runner died. */
  resumes: BatchResume[];
  /** While the cluster refuses submissions for now: why, since when, the limit it showed. Absent or null otherwise. */
  waiting?: BatchWaiting | null;
}

export function batchRecordsDir(rootPath: string): string {
  return join(resolve(rootPath), '.batchman', 'batches');
}

export function batchRecordPath(rootPath: string, id: string): string {
  return join(batchRecordsDir(rootPath), `${id}.json`);
}

/** `<unix-ms>_<random>`: sorts by launch time, unique across hosts sharing a root. */
export function newBatchRecordId(now: number = Date.now()): string {
  return `${Math.floor(now)}_${randomBytes(4).toString('hex')}`;
}

export interface CreateBatchRecordOptions {
  rootPath: string;
  batchfilePath: string;
  /** Default: a fresh `newBatchRecordId(now)`; pass one to name the record in the runner lock first. */
  id?: string;
  /** Default: a generated adjective-noun pair. */
  name?: string;
  message?: string;
  tags?: readonly string[];
  metadata?: Record<string, unknown>;
  commandOptions?: Record<string, unknown>;
  computedOptions?: Record<string, unknown>;
  /** Default Date.now(). */
  now?: number;
  /** Default os.hostname() / process.pid. */
  host?: string;
  pid?: number;
  /** Default: the OS user. */
  createdBy?: string;
  /** Default: read with git from the batchfile's folder; pass null to skip git. */
  git?: GitInfo | null;
  /** Default: this package's version. */
  version?: string;
  random?: () => number;
}

/** Creates and writes (atomically) the record of a new launch. */
export async function createBatchRecord(options: CreateBatchRecordOptions): Promise<BatchRecord> {
  const now = options.now ?? Date.now();
  const batchfile = resolve(options.batchfilePath);
  const earlier = await listBatchRecords(options.rootPath, batchfile);
  const time = new Date(now).toISOString();
  const record: BatchRecord = {
    id: options.id ?? newBatchRecordId(now),
    name: options.name?.trim() || generateBatchName(options.random),
    message: options.message ?? '',
    tags: [...(options.tags ?? [])],
    metadata: { ...(options.metadata ?? {}) },
    status: 'in_progress',
    start_time: time,
    end_time: null,
    error_msg: null,
    created_by: options.createdBy ?? currentUser(),
    git: options.git !== undefined ? options.git : await readGitInfo(dirname(batchfile)),
    version: options.version ?? packageVersion(),
    batchfile,
    command_options: { ...(options.commandOptions ?? {}) },
    computed_options: { ...(options.computedOptions ?? {}) },
    runner: { host: options.host ?? hostname(), pid: options.pid ?? process.pid, heartbeat: time },
    counts: null,
    run_number: Math.max(0, ...earlier.map((r) => r.run_number)) + 1,
    resumes: [],
  };
  if (!/^[A-Za-z0-9_.-]+$/.test(record.id)) throw new Error(`invalid batch record id '${record.id}'`);
  await mkdir(batchRecordsDir(options.rootPath), { recursive: true });
  await writeRecord(batchRecordPath(options.rootPath, record.id), record);
  return record;
}

/** Fields a writer may change; `id` and `run_number` are fixed at creation. */
export type BatchRecordPatch = Partial<Omit<BatchRecord, 'id' | 'run_number' | 'runner'>> & { runner?: Partial<BatchRunnerInfo> };

/** Merges `patch` into the record at `path` (top-level keys; `runner` merged key by key) and writes it atomically. */
export function updateBatchRecord(path: string, patch: BatchRecordPatch): Promise<BatchRecord> {
  return serialised(path, async () => {
    const record = await readBatchRecord(path);
    const { runner, ...rest } = patch;
    const next: BatchRecord = { ...record, ...rest, id: record.id, run_number: record.run_number, runner: { ...record.runner, ...runner } };
    await writeRecord(path, next);
    return next;
  });
}

export function heartbeat(recordPath: string, now: number = Date.now()): Promise<BatchRecord> {
  return updateBatchRecord(recordPath, { runner: { heartbeat: new Date(now).toISOString() } });
}

export interface CloseBatchRecordOptions {
  status: ClosedBatchStatus;
  counts: StatusSummary | null;
  /** Why it ended badly (internal_error), if known. */
  error?: string;
  now?: number;
}

export function closeBatchRecord(path: string, options: CloseBatchRecordOptions): Promise<BatchRecord> {
  const time = new Date(options.now ?? Date.now()).toISOString();
  return updateBatchRecord(path, {
    status: options.status,
    counts: options.counts,
    end_time: time,
    error_msg: options.error ?? null,
    runner: { heartbeat: time },
  });
}

export interface ReopenBatchRecordOptions {
  now?: number;
  host?: string;
  pid?: number;
}

/** A new runner resumes a lost (or closed) launch: back to in_progress under the new runner, the resume noted. */
export function reopenBatchRecord(path: string, options: ReopenBatchRecordOptions = {}): Promise<BatchRecord> {
  const time = new Date(options.now ?? Date.now()).toISOString();
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  return serialised(path, async () => {
    const record = await readBatchRecord(path);
    const next: BatchRecord = {
      ...record,
      status: 'in_progress',
      end_time: null,
      error_msg: null,
      counts: null,
      runner: { host, pid, heartbeat: time },
      resumes: [...record.resumes, { at: time, host, pid }],
      // the new runner finds out for itself whether the cluster still refuses
      ...(record.waiting !== undefined ? { waiting: null } : {}),
    };
    await writeRecord(path, next);
    return next;
  });
}

/** Reads one record; throws when it is missing or damaged. */
export async function readBatchRecord(path: string): Promise<BatchRecord> {
  const text = await readFile(path, 'utf8');
  const stem = path.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  const record = normaliseRecord(JSON.parse(text) as unknown, stem);
  if (typeof record === 'string') throw new Error(`${path}: ${record}`);
  return record;
}

/** A record file that could not be read; it is skipped, not fatal. */
export interface BatchRecordWarning {
  path: string;
  reason: string;
}

export interface BatchRecordListing {
  /** Newest first, each with the path it was read from. */
  records: ListedBatchRecord[];
  warnings: BatchRecordWarning[];
}

export type ListedBatchRecord = BatchRecord & { readonly path: string };

/**
 * Every readable record under the root (of one batchfile when given), newest first; damaged files become
 * warnings. Never throws: a missing folder is an empty history.
 */
export async function readBatchRecords(rootPath: string, batchfilePath?: string): Promise<BatchRecordListing> {
  const dir = batchRecordsDir(rootPath);
  const warnings: BatchRecordWarning[] = [];
  let names: string[];
  try {
    // dot-files are writeFileAtomic's temporary files
    names = (await readdir(dir)).filter((name) => name.endsWith('.json') && !name.startsWith('.'));
  } catch (error) {
    if (!isErrno(error, 'ENOENT') && !isErrno(error, 'ENOTDIR')) warnings.push({ path: dir, reason: describe(error) });
    return { records: [], warnings };
  }
  const wanted = batchfilePath === undefined ? undefined : pathForms(batchfilePath);
  const records: ListedBatchRecord[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      const record = await readBatchRecord(path);
      if (wanted && !wanted.has(record.batchfile) && record.batchfile !== '') continue;
      records.push(Object.assign(record, { path }));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) continue; // removed while we listed
      warnings.push({ path, reason: describe(error) });
    }
  }
  records.sort(newestFirst);
  return { records, warnings };
}

/** `readBatchRecords(...).records`: newest first, damaged files skipped. */
export async function listBatchRecords(rootPath: string, batchfilePath?: string): Promise<ListedBatchRecord[]> {
  return (await readBatchRecords(rootPath, batchfilePath)).records;
}

/** The newest record of a batchfile, or null. */
export async function latestBatchRecord(rootPath: string, batchfilePath: string): Promise<ListedBatchRecord | null> {
  return (await listBatchRecords(rootPath, batchfilePath))[0] ?? null;
}

/** `in_progress` whose runner is dead (pid gone on this host, or heartbeat stale) is `lost`; everything else as written. */
export function effectiveStatus(
  record: Pick<BatchRecord, 'status' | 'runner'>,
  now: number,
  isPidAlive?: (pid: number) => boolean,
  options: Omit<LivenessOptions, 'isPidAlive'> = {},
): EffectiveBatchStatus {
  if (record.status !== 'in_progress') return record.status;
  return isRunnerAlive(record.runner, now, { ...options, ...(isPidAlive ? { isPidAlive } : {}) }) ? 'in_progress' : 'lost';
}

function newestFirst(a: BatchRecord, b: BatchRecord): number {
  const byTime = Date.parse(b.start_time) - Date.parse(a.start_time);
  if (Number.isFinite(byTime) && byTime !== 0) return byTime;
  const byRun = b.run_number - a.run_number;
  if (byRun !== 0) return byRun;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Validates what a file holds: the fields readers rely on must be right; the rest gets defaults. */
function normaliseRecord(value: unknown, stem: string): BatchRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const raw = value as Record<string, unknown>;
  const status = raw.status;
  if (typeof status !== 'string' || !(BATCH_RECORD_STATUSES as readonly string[]).includes(status)) return `unknown status ${JSON.stringify(status)}`;
  if (typeof raw.start_time !== 'string' || !Number.isFinite(Date.parse(raw.start_time))) return 'no valid start_time';
  const runner = isObject(raw.runner) ? raw.runner : {};
  return {
    ...raw,
    id: typeof raw.id === 'string' ? raw.id : stem,
    name: str(raw.name),
    message: str(raw.message),
    tags: Array.isArray(raw.tags) ? raw.tags.filter((tag): tag is string => typeof tag === 'string') : [],
    metadata: isObject(raw.metadata) ? raw.metadata : {},
    status: status as BatchRecordStatus,
    start_time: raw.start_time,
    end_time: typeof raw.end_time === 'string' ? raw.end_time : null,
    error_msg: typeof raw.error_msg === 'string' ? raw.error_msg : null,
    created_by: str(raw.created_by),
    git: isObject(raw.git) ? (raw.git as unknown as GitInfo) : null,
    version: str(raw.version),
    batchfile: str(raw.batchfile),
    command_options: isObject(raw.command_options) ? raw.command_options : {},
    computed_options: isObject(raw.computed_options) ? raw.computed_options : {},
    runner: {
      host: str(runner.host),
      pid: typeof runner.pid === 'number' ? runner.pid : -1,
      heartbeat: typeof runner.heartbeat === 'string' ? runner.heartbeat : raw.start_time,
    },
    counts: isObject(raw.counts) ? (raw.counts as unknown as StatusSummary) : null,
    run_number: typeof raw.run_number === 'number' ? raw.run_number : 0,
    resumes: Array.isArray(raw.resumes) ? (raw.resumes as BatchResume[]) : [],
    ...('waiting' in raw ? { waiting: readWaiting(raw.waiting) } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function describe(error: unknown): string {
  if (error instanceof SyntaxError) return `not valid JSON (${error.message})`;
  return error instanceof Error ? error.message : String(error);
}

/** The batchfile as given and as its real path: a record matches whichever way the batch was launched. */
function pathForms(batchfilePath: string): Set<string> {
  const absolute = resolve(batchfilePath);
  const forms = new Set([absolute]);
  try {
    forms.add(realpathSync(absolute));
  } catch {
    // gone or not there: the absolute path alone
  }
  return forms;
}

async function writeRecord(path: string, record: BatchRecord): Promise<void> {
  // `path` is attached to listed records for callers; it is not part of the file.
  const { path: _path, ...onDisk } = record as BatchRecord & { path?: string };
  await writeFileAtomic(path, `${JSON.stringify(onDisk, null, 2)}\n`);
}

// Read-modify-write of one record within this process is serialised, so a heartbeat timer and the runner
// updating options never interleave and lose each other's change. (Only one runner writes a record.)
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(path: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return next;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // no passwd entry (some containers)
    return process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? '?'}`;
  }
}

let cachedVersion: string | undefined;

/** This package's version, from the nearest package.json named `batchman` above this module (source or bundle). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  cachedVersion = '0.0.0';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'batchman' && typeof manifest.version === 'string') {
        cachedVersion = manifest.version;
        break;
      }
    } catch {
      // no package.json here (or dist/'s marker without a version): go up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return cachedVersion;
}
