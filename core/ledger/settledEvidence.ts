// The evidence of settled jobs kept between reads of a batch (`<root>/.batchman/settled-<hash>.json`): a finished job's
// folder is read once, then only stamped (run_info.json's and the output's size and mtime) while nothing changes.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../fsAtomic.js';
import { ledgerSidecarPath } from './ledgerSidecar.js';
import type { Outcome } from '../programs/outcome.js';
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import type { FileStamp } from './fileStamps.js';
import type { VerdictQuery } from './folderEvidence.js';
import type { RunInfo } from './runInfo.js';

const VERSION = 4;
/**
 * A file written this recently may still change without its stamp changing: kernels stamp with a coarse clock
 * (milliseconds apart), FAT keeps 2 s, NFS servers keep their own clock. Such evidence is read again next time, as
 * git does with a racily clean index.
 */
const FRESH_MS = 3_000;

/** What was read of a settled job's folder, with the stamps its files had before they were read. */
export interface SettledEntry {
  readonly program: string;
  /** The ledger row this evidence decided: it is used again only while the row still says so. */
  readonly jobId: number;
  readonly status: JobStatus;
  readonly runInfoStamp: FileStamp | null;
  readonly outputStamp: FileStamp | null;
  readonly runInfo: RunInfo | null;
  readonly newestSlurmId: number | null;
  readonly query: VerdictQuery;
  readonly outcome: Outcome;
}

/**
 * On disk the store is one array of flat arrays, one per job: key, program, job id, status, run_info.json's size and
 * mtime, the output's size and mtime (null for a missing file), the newest slurm id, the query (job id, exit code,
 * SLURM end state), the outcome (status, cause, evidence), then run_info.json flattened (see RUN_INFO_FIELDS), or
 * nothing when there was none. Version 2 kept an object keyed by job with nested arrays: 10,000 property names and
 * 50,000 small arrays more to parse and decode on every `status`. Version 3 kept run_info.json as an object: its
 * key names and the job's folder and name again were half of a 5 MB file for 10,000 jobs.
 */
interface SettledFile {
  version: number;
  jobs: unknown[][];
}

/** A kept entry, and whether this read looked it up (entries of jobs no longer asked about go at save). */
interface Slot {
  entry: SettledEntry;
  seen: boolean;
}

/** The kept evidence of one ledger's jobs, by job key; written back only when it changed. */
export class SettledEvidence {
  private changed = false;

  private constructor(
    readonly path: string,
    private readonly slots: Map<string, Slot>,
  ) {}

  /** The evidence kept for `ledgerPath` under `rootPath`; empty when there is none or it cannot be read. */
  static async load(rootPath: string, ledgerPath: string): Promise<SettledEvidence> {
    const path = settledEvidencePath(rootPath, ledgerPath);
    const slots = new Map<string, Slot>();
    try {
      const file = JSON.parse(await readFile(path, 'utf8')) as Partial<SettledFile>;
      // Anything unexpected is a cache lost, never a wrong answer: the folders are read again.
      if (file.version === VERSION && Array.isArray(file.jobs)) {
        for (const fields of file.jobs) {
          const entry = Array.isArray(fields) ? decodeEntry(fields) : undefined;
          if (entry) slots.set(fields[0] as string, { entry, seen: false });
        }
      }
    } catch {
      // none yet, or unreadable: start empty
    }
    return new SettledEvidence(path, slots);
  }

  /** An empty store that is never written (tests, and callers that keep nothing). */
  static inMemory(): SettledEvidence {
    return new SettledEvidence('', new Map());
  }

  /** The entry kept for a job whose ledger row still says what it decided, with the same program. */
  lookup(key: string, row: { readonly jobId: number; readonly status: JobStatus } | undefined, program: string): SettledEntry | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    slot.seen = true;
    const { entry } = slot;
    if (!row || entry.jobId !== row.jobId || entry.status !== row.status || entry.program !== program) return undefined;
    return entry;
  }

  /** Keeps a settled job's evidence, unless its files are too fresh to be told apart from a later change. */
  remember(key: string, entry: SettledEntry, now: number = Date.now()): void {
    const fresh = [entry.runInfoStamp, entry.outputStamp].some((stamp) => stamp !== null && !(stamp.mtimeMs < now - FRESH_MS));
    if (!isFinal(entry.status) || fresh) {
      this.forget(key);
      return;
    }
    const before = this.slots.get(key);
    if (before && JSON.stringify(encodeEntry(key, before.entry)) === JSON.stringify(encodeEntry(key, entry))) {
      before.seen = true;
      return;
    }
    this.slots.set(key, { entry, seen: true });
    this.changed = true;
  }

  forget(key: string): void {
    if (this.slots.delete(key)) this.changed = true;
  }

  /** Writes the store when it changed; entries of jobs not looked up since it was loaded go. Never throws. */
  async save(): Promise<void> {
    for (const [key, slot] of this.slots) {
      if (slot.seen) continue;
      this.slots.delete(key);
      this.changed = true;
    }
    if (!this.changed || this.path === '') return;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const jobs: unknown[][] = [];
      for (const [key, slot] of this.slots) jobs.push(encodeEntry(key, slot.entry));
      const file: SettledFile = { version: VERSION, jobs };
      await writeFileAtomic(this.path, JSON.stringify(file));
      this.changed = false;
    } catch {
      // A root that cannot be written (read-only, full) keeps no evidence: the folders are read every time.
    }
  }
}

/** `<root>/.batchman/settled-<hash>.json`: the hash of the ledger's path keeps two ledgers of one root apart. */
export function settledEvidencePath(rootPath: string, ledgerPath: string): string {
  return ledgerSidecarPath(rootPath, ledgerPath, 'settled', 'json');
}

function encodeEntry(key: string, entry: SettledEntry): unknown[] {
  const { query, outcome, runInfoStamp, outputStamp, runInfo } = entry;
  const fields: unknown[] = [
    key,
    entry.program,
    entry.jobId,
    entry.status,
    runInfoStamp?.size ?? null,
    runInfoStamp?.mtimeMs ?? null,
    outputStamp?.size ?? null,
    outputStamp?.mtimeMs ?? null,
    entry.newestSlurmId,
    query.jobId ?? null,
    query.exitCode ?? null,
    query.slurmEndState ?? null,
    outcome.status,
    outcome.cause ?? null,
    outcome.evidence ?? null,
  ];
  if (runInfo) encodeRunInfo(fields, key, runInfo);
  return fields;
}

/** Fields before run_info.json's. */
const FIELDS = 15;
/**
 * run_info.json's fields in the order parseRunInfo builds them: the folder and name (null when they are the key's),
 * status, job id, restart, the optional ones (null when absent) and the fields Batchman does not know (null: none).
 */
const OPTIONAL_RUN_INFO_FIELDS = ['program', 'submittedAt', 'startedAt', 'endedAt', 'exitCode', 'cause', 'restarts', 'slurmState'] as const;
const RUN_INFO_FIELDS = 5 + OPTIONAL_RUN_INFO_FIELDS.length + 1;

function encodeRunInfo(fields: unknown[], key: string, info: RunInfo): void {
  const bar = key.lastIndexOf('|');
  fields.push(info.directory === key.slice(0, bar) ? null : info.directory, info.jobName === key.slice(bar + 1) ? null : info.jobName, info.status, info.jobId, info.restart);
  for (const name of OPTIONAL_RUN_INFO_FIELDS) fields.push(info[name] ?? null);
  fields.push(info.extra ?? null);
}

/** run_info.json from its flattened fields (at FIELDS); undefined when malformed. */
function decodeRunInfo(fields: readonly unknown[], key: string): RunInfo | undefined {
  const directory = fields[FIELDS];
  const jobName = fields[FIELDS + 1];
  const status = fields[FIELDS + 2];
  const jobId = fields[FIELDS + 3];
  const restart = fields[FIELDS + 4];
  if (!(directory === null || typeof directory === 'string') || !(jobName === null || typeof jobName === 'string')) return undefined;
  if (typeof status !== 'string' || typeof jobId !== 'number' || typeof restart !== 'boolean') return undefined;
  const bar = key.lastIndexOf('|');
  const info: RunInfo = { directory: directory ?? key.slice(0, bar), jobName: jobName ?? key.slice(bar + 1), status: status as JobStatus, jobId, restart };
  // Field by field (not by name in a loop): every decoded run_info.json gets the shape parseRunInfo gives it, cheaply.
  const at = FIELDS + 5;
  const program = fields[at];
  const submittedAt = fields[at + 1];
  const startedAt = fields[at + 2];
  const endedAt = fields[at + 3];
  const exitCode = fields[at + 4];
  const cause = fields[at + 5];
  const restarts = fields[at + 6];
  const slurmState = fields[at + 7];
  if (!optionalOf(program, 'string') || !optionalOf(submittedAt, 'string') || !optionalOf(startedAt, 'string') || !optionalOf(endedAt, 'string')) return undefined;
  if (!optionalOf(exitCode, 'number') || !optionalOf(cause, 'string') || !optionalOf(restarts, 'number') || !optionalOf(slurmState, 'string')) return undefined;
  if (program !== null) info.program = program as string;
  if (submittedAt !== null) info.submittedAt = submittedAt as string;
  if (startedAt !== null) info.startedAt = startedAt as string;
  if (endedAt !== null) info.endedAt = endedAt as string;
  if (exitCode !== null) info.exitCode = exitCode as number;
  if (cause !== null) info.cause = cause as string;
  if (restarts !== null) info.restarts = restarts as number;
  if (slurmState !== null) info.slurmState = slurmState as string;
  const extra = fields[FIELDS + RUN_INFO_FIELDS - 1];
  if (extra !== null) {
    if (typeof extra !== 'object' || Array.isArray(extra)) return undefined;
    info.extra = extra as Record<string, unknown>;
  }
  return info;
}

/** An optional field as encoded: null (absent) or a value of this type. */
function optionalOf(value: unknown, type: 'string' | 'number'): boolean {
  return value === null || typeof value === type;
}

/** An entry read back; undefined when it is not one this version wrote. */
function decodeEntry(fields: readonly unknown[]): SettledEntry | undefined {
  if (fields.length !== FIELDS && fields.length !== FIELDS + RUN_INFO_FIELDS) return undefined;
  const [key, program, jobId, status, runInfoSize, runInfoMtime, outputSize, outputMtime, newestSlurmId, queryJobId, exitCode, slurmEndState, outcomeStatus, cause, evidence] = fields;
  if (typeof key !== 'string' || typeof program !== 'string' || typeof jobId !== 'number' || typeof status !== 'string' || !isFinal(status as JobStatus)) return undefined;
  const runInfoStamp = decodeStamp(runInfoSize, runInfoMtime);
  const outputStamp = decodeStamp(outputSize, outputMtime);
  if (runInfoStamp === undefined || outputStamp === undefined) return undefined;
  const runInfo = fields.length === FIELDS ? null : decodeRunInfo(fields, key);
  if (runInfo === undefined) return undefined;
  if (!(newestSlurmId === null || typeof newestSlurmId === 'number') || typeof outcomeStatus !== 'string') return undefined;
  const query: { jobId?: number; exitCode?: number; slurmEndState?: string } = {};
  if (typeof queryJobId === 'number') query.jobId = queryJobId;
  if (typeof exitCode === 'number') query.exitCode = exitCode;
  if (typeof slurmEndState === 'string') query.slurmEndState = slurmEndState;
  const outcome: { status: Outcome['status']; cause?: string; evidence?: string } = { status: outcomeStatus as Outcome['status'] };
  if (typeof cause === 'string') outcome.cause = cause;
  if (typeof evidence === 'string') outcome.evidence = evidence;
  return { program, jobId, status: status as JobStatus, runInfoStamp, outputStamp, runInfo, newestSlurmId, query, outcome };
}

/** A stamp from its size and mtime: null for a file that was missing (both null), undefined when malformed. */
function decodeStamp(size: unknown, mtimeMs: unknown): FileStamp | null | undefined {
  if (size === null && mtimeMs === null) return null;
  if (typeof size !== 'number' || typeof mtimeMs !== 'number') return undefined;
  return { size, mtimeMs };
}
