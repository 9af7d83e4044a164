// The evidence of settled jobs kept between reads of a batch (`<root>/.batchman/settled-<hash>.json`): a finished job's
// folder is read once, then only stamped (run_info.json's and the output's size and mtime) while nothing changes.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../fsAtomic.js';
import type { Outcome } from '../programs/outcome.js';
import { JOB_STATUSES, isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import type { FileStamp } from './fileStamps.js';
import type { VerdictQuery } from './folderEvidence.js';
import type { RunInfo } from './runInfo.js';

const VERSION = 2;
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
 * On disk each entry is an array (program, job id, status, the two stamps as [size, mtime], run_info.json, the newest
 * slurm id, the query and the outcome): half the size of named fields, and a 10,000-job batch's file is read on
 * every `status`.
 */
interface SettledFile {
  version: number;
  jobs: Record<string, unknown[]>;
}

/** The kept evidence of one ledger's jobs, by job key; written back only when it changed. */
export class SettledEvidence {
  private changed = false;
  private readonly seen = new Set<string>();

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, SettledEntry>,
  ) {}

  /** The evidence kept for `ledgerPath` under `rootPath`; empty when there is none or it cannot be read. */
  static async load(rootPath: string, ledgerPath: string): Promise<SettledEvidence> {
    const path = settledEvidencePath(rootPath, ledgerPath);
    const entries = new Map<string, SettledEntry>();
    try {
      const file = JSON.parse(await readFile(path, 'utf8')) as Partial<SettledFile>;
      // Anything unexpected is a cache lost, never a wrong answer: the folders are read again.
      if (file.version === VERSION && typeof file.jobs === 'object' && file.jobs !== null) {
        for (const [key, fields] of Object.entries(file.jobs)) {
          const entry = decodeEntry(fields);
          if (entry) entries.set(key, entry);
        }
      }
    } catch {
      // none yet, or unreadable: start empty
    }
    return new SettledEvidence(path, entries);
  }

  /** An empty store that is never written (tests, and callers that keep nothing). */
  static inMemory(): SettledEvidence {
    return new SettledEvidence('', new Map());
  }

  /** The entry kept for a job whose ledger row still says what it decided, with the same program. */
  lookup(key: string, row: { readonly jobId: number; readonly status: JobStatus } | undefined, program: string): SettledEntry | undefined {
    this.seen.add(key);
    const entry = this.entries.get(key);
    if (!entry || !row || entry.jobId !== row.jobId || entry.status !== row.status || entry.program !== program) return undefined;
    return entry;
  }

  /** Keeps a settled job's evidence, unless its files are too fresh to be told apart from a later change. */
  remember(key: string, entry: SettledEntry, now: number = Date.now()): void {
    this.seen.add(key);
    const fresh = [entry.runInfoStamp, entry.outputStamp].some((stamp) => stamp !== null && !(stamp.mtimeMs < now - FRESH_MS));
    if (!isFinal(entry.status) || fresh) {
      this.forget(key);
      return;
    }
    const before = this.entries.get(key);
    if (before && JSON.stringify(encodeEntry(before)) === JSON.stringify(encodeEntry(entry))) return;
    this.entries.set(key, entry);
    this.changed = true;
  }

  forget(key: string): void {
    if (this.entries.delete(key)) this.changed = true;
  }

  /** Writes the store when it changed; entries of jobs not looked up since it was loaded go. Never throws. */
  async save(): Promise<void> {
    for (const key of this.entries.keys()) {
      if (this.seen.has(key)) continue;
      this.entries.delete(key);
      this.changed = true;
    }
    if (!this.changed || this.path === '') return;
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const jobs: SettledFile['jobs'] = {};
      for (const [key, entry] of this.entries) jobs[key] = encodeEntry(entry);
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
  const hash = createHash('sha256').update(resolve(ledgerPath)).digest('hex').slice(0, 10);
  return join(resolve(rootPath), '.batchman', `settled-${hash}.json`);
}

function encodeEntry(entry: SettledEntry): unknown[] {
  const stamp = (value: FileStamp | null) => (value === null ? null : [value.size, value.mtimeMs]);
  const { query, outcome } = entry;
  return [
    entry.program,
    entry.jobId,
    entry.status,
    stamp(entry.runInfoStamp),
    stamp(entry.outputStamp),
    entry.runInfo,
    entry.newestSlurmId,
    [query.jobId ?? null, query.exitCode ?? null, query.slurmEndState ?? null],
    [outcome.status, outcome.cause ?? null, outcome.evidence ?? null],
  ];
}

/** An entry read back; undefined when it is not one this version wrote. */
function decodeEntry(fields: unknown): SettledEntry | undefined {
  if (!Array.isArray(fields) || fields.length !== 9) return undefined;
  const [program, jobId, status, runInfoStamp, outputStamp, runInfo, newestSlurmId, query, outcome] = fields as unknown[];
  if (typeof program !== 'string' || typeof jobId !== 'number' || !(JOB_STATUSES as readonly unknown[]).includes(status)) return undefined;
  const stamps = [runInfoStamp, outputStamp].map(decodeStamp);
  if (stamps.includes(undefined) || !(runInfo === null || (typeof runInfo === 'object' && !Array.isArray(runInfo)))) return undefined;
  if (!(newestSlurmId === null || typeof newestSlurmId === 'number')) return undefined;
  if (!Array.isArray(query) || !Array.isArray(outcome) || typeof outcome[0] !== 'string') return undefined;
  const [queryJobId, exitCode, slurmEndState] = query as unknown[];
  const [outcomeStatus, cause, evidence] = outcome as unknown[];
  return {
    program,
    jobId,
    status: status as JobStatus,
    runInfoStamp: stamps[0]!,
    outputStamp: stamps[1]!,
    runInfo: runInfo as RunInfo | null,
    newestSlurmId,
    query: {
      ...(typeof queryJobId === 'number' ? { jobId: queryJobId } : {}),
      ...(typeof exitCode === 'number' ? { exitCode } : {}),
      ...(typeof slurmEndState === 'string' ? { slurmEndState } : {}),
    },
    outcome: {
      status: outcomeStatus as Outcome['status'],
      ...(typeof cause === 'string' ? { cause } : {}),
      ...(typeof evidence === 'string' ? { evidence } : {}),
    },
  };
}

function decodeStamp(value: unknown): FileStamp | null | undefined {
  if (value === null) return null;
  if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'number') return undefined;
  return { size: value[0], mtimeMs: value[1] };
}
