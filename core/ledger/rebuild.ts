// Rebuilds a ledger from the job folders (run_info.json, slurm-*.out, program output) when it is lost or corrupt.
import { constants } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { programById } from '../programs/catalog.js';
import type { Outcome } from '../programs/outcome.js';
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import { LedgerCorruptError } from './errors.js';
import { listFolders, sameStamp, stampFiles } from './fileStamps.js';
import type { FileStamp } from './fileStamps.js';
import { outputPathOf, pathInFolder, readFolderEvidence, verdictOf } from './folderEvidence.js';
import type { FolderEvidence, VerdictQuery } from './folderEvidence.js';
import { keyOf } from './jobKey.js';
import { NO_JOB_ID, parseLedger, rowsByKeyOnDisk, salvageLedger, writeLedger } from './ledger.js';
import type { Ledger, LedgerRow } from './ledger.js';
import { statusOfVerdict } from './outcomeStatus.js';
import { RUN_INFO_NAME } from './runInfo.js';
import type { RunInfo } from './runInfo.js';
import type { SettledEntry, SettledEvidence } from './settledEvidence.js';

/** A job of the batch, as plain data (what the batchfile says). */
export interface RebuildJob {
  basename: string;
  /** Absolute job folder. */
  directory: string;
  program: string;
  coordsFrom?: string;
  xyzFilename?: string;
  orbitalsFrom?: string;
  gbwFilename?: string;
}

export interface RebuildOptions {
  ledgerPath: string;
  jobs: readonly RebuildJob[];
  /** Clock for the name of the kept-aside file. */
  now?: () => Date;
  /** Job folders read at once. */
  concurrency?: number;
  /** False while a live runner owns the ledger: read and report, write nothing. */
  write?: boolean;
  /**
   * False leaves writing the rebuilt ledger to the caller, who has more to add first (the truth: the scheduler's
   * news), so the ledger is written once; a corrupt one is still kept aside and the settled evidence saved.
   */
  writeLedger?: boolean;
  /**
   * What a relative `job_directory` of the old ledger is relative to: CCBatchMan writes `root/dir` with the root as
   * the batchfile has it, relative to the batchfile's folder (default: the ledger's folder, where the batchfile is).
   */
  baseDirectory?: string;
  /**
   * Evidence kept of settled jobs: a job whose old row is final and whose run_info.json and output keep their size
   * and mtime is decided from it without reading its folder; what this rebuild reads of settled jobs is kept in it.
   */
  settled?: SettledEvidence;
}

export interface RecoveredJob {
  basename: string;
  /** The job's folder, as the job was given. */
  directory: string;
  jobId: number;
  status: JobStatus;
  cause?: string;
  /** Where the id and status came from: `ledger`, `run_info.json`, `slurm-12.out`, `output`… */
  sources: string[];
  /** What the ledger said of the job before this rebuild, when it was readable and had the job. */
  ledgerStatus?: JobStatus;
}

export interface RebuildResult {
  ledger: Ledger;
  /** Where the unreadable ledger was copied before being replaced. */
  keptAsidePath?: string;
  /** Why the old ledger could not be read, when it could not. */
  corruption?: LedgerCorruptError;
  recovered: RecoveredJob[];
  /** Rows of the old ledger for jobs not in the batch; kept, after the batch's jobs. */
  orphanRows: number;
  /** False when the ledger on disk was already exactly this. */
  written: boolean;
  /** Each job's run_info.json as this rebuild read it (undefined: none, or unreadable), in the order of `jobs`. */
  runInfos: (RunInfo | undefined)[];
}

/**
 * Rebuilds the ledger from the job folders: each job's id and status come from what the old ledger
 * still says (rows salvaged line by line when it is corrupt), run_info.json, the newest slurm-{id}.out
 * and the program's output; what the output proves (succeeded, failed) wins. A corrupt ledger is
 * copied to `<ledger>.corrupt-<time>` first, so nothing is lost, and the result is written atomically.
 */
export async function rebuildLedger(options: RebuildOptions): Promise<RebuildResult> {
  const { ledgerPath, jobs } = options;
  let previous: Ledger | undefined;
  let corruption: LedgerCorruptError | undefined;
  let keptAsidePath: string | undefined;
  let text: string | undefined;
  try {
    text = (await readFile(ledgerPath)).toString('utf8');
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  if (text !== undefined) {
    try {
      previous = parseLedger(text, ledgerPath);
    } catch (error) {
      if (!(error instanceof LedgerCorruptError)) throw error;
      corruption = error;
      previous = salvageLedger(text);
      if (options.write !== false) keptAsidePath = await keepAside(ledgerPath, (options.now ?? (() => new Date()))());
    }
  }

  const old = matchOldRows(jobs, previous?.rows ?? [], options.baseDirectory ?? dirname(ledgerPath));
  const stamps = await stampSettledCandidates(jobs, old.matches);
  const { settled } = options;
  const keptOf = new Map<RebuildJob, SettledEntry>();
  for (const [job, stamp] of stamps) {
    const kept = settled?.lookup(keyOf(job), old.matches.get(job), job.program);
    if (kept && sameStamps(kept, stamp)) keptOf.set(job, kept);
  }
  // The other folders are listed before anything is read of them, as fast as the disk lists (see listFolders).
  const toRead = jobs.filter((job) => !keptOf.has(job));
  const listings = new Map(toRead.map((job, i) => [job, i]));
  const listed = await listFolders(toRead.map((job) => job.directory));
  // A job decided by its kept evidence needs nothing read: it is decided here, without a promise per job (on a
  // finished 10,000-job batch, nearly every job); the others read their folders a few at a time.
  const recovered = new Array<RecoveredResult>(jobs.length);
  const toDecide: number[] = [];
  for (let index = 0; index < jobs.length; index++) {
    const job = jobs[index]!;
    const kept = keptOf.get(job);
    const result = kept ? recoverKnown(job, old.matches.get(job), keptEvidence(job, kept)) : undefined;
    if (result === undefined) {
      toDecide.push(index);
      continue;
    }
    recovered[index] = withLedgerStatus(result, old.matches.get(job), corruption);
  }
  await mapLimit(toDecide, options.concurrency ?? 16, async (index) => {
    const job = jobs[index]!;
    const oldRow = old.matches.get(job);
    const stamp = stamps.get(job);
    const kept = keptOf.get(job);
    const unchanged = kept !== undefined;
    const evidence = kept ? keptEvidence(job, kept) : await readFolderEvidence(job, listed[listings.get(job)!]);
    const result = await recoverJob(job, oldRow, evidence);
    if (stamp && settled && !unchanged) rememberSettled(settled, job, result, evidence, stamp);
    recovered[index] = withLedgerStatus(result, oldRow, corruption);
  });
  await settled?.save();
  const matched = new Set(old.matches.values());
  const orphans = old.kept.filter((row) => !matched.has(row));
  const extraColumns = previous?.extraColumns ?? [];
  const ledger: Ledger = { rows: [...recovered.map((entry) => entry.row), ...orphans], extraColumns };
  const written = options.write === false || options.writeLedger === false ? false : await writeLedger(ledgerPath, ledger);
  return {
    ledger,
    ...(keptAsidePath === undefined ? {} : { keptAsidePath }),
    ...(corruption === undefined ? {} : { corruption }),
    recovered: recovered.map((entry) => entry.report),
    orphanRows: orphans.length,
    written,
    runInfos: recovered.map((entry) => entry.runInfo),
  };
}

/** The result, with what the ledger said of the job: a salvaged row is a guess at what the ledger said, not what it said. */
function withLedgerStatus(result: RecoveredResult, oldRow: LedgerRow | undefined, corruption: LedgerCorruptError | undefined): RecoveredResult {
  if (oldRow && !corruption) result.report.ledgerStatus = oldRow.status;
  return result;
}

/** The stamps of run_info.json and the output of each job whose old row is final: the jobs whose evidence is kept. */
async function stampSettledCandidates(jobs: readonly RebuildJob[], oldRows: ReadonlyMap<RebuildJob, LedgerRow>): Promise<Map<RebuildJob, JobStamps>> {
  const candidates: { job: RebuildJob; output: string }[] = [];
  for (const job of jobs) {
    const row = oldRows.get(job);
    const output = outputPathOf(job);
    if (row && isFinal(row.status) && output !== undefined) candidates.push({ job, output });
  }
  const stamps = await stampFiles(candidates.flatMap(({ job, output }) => [pathInFolder(job.directory, RUN_INFO_NAME), output]));
  return new Map(candidates.map(({ job }, i) => [job, { runInfo: stamps[2 * i]!, output: stamps[2 * i + 1]! }]));
}

interface JobStamps {
  readonly runInfo: FileStamp | null;
  readonly output: FileStamp | null;
}

function sameStamps(entry: SettledEntry, stamps: JobStamps): boolean {
  return sameStamp(entry.runInfoStamp, stamps.runInfo) && sameStamp(entry.outputStamp, stamps.output);
}

/** A kept entry as a folder's evidence: its verdict stands for the query it answered; another query reads the disk. */
function keptEvidence(job: RebuildJob, entry: SettledEntry): FolderEvidence {
  return {
    runInfo: entry.runInfo ?? undefined,
    runInfoCorrupt: false,
    newestSlurmId: entry.newestSlurmId ?? undefined,
    outcome: (query) => (sameQuery(query, entry.query) ? Promise.resolve(entry.outcome) : verdictOf(job, query)),
    known: (query) => (sameQuery(query, entry.query) ? entry.outcome : undefined),
  };
}

/** Keeps what was read of a job that is settled now, with the stamps taken before its folder was read. */
function rememberSettled(settled: SettledEvidence, job: RebuildJob, result: RecoveredResult, evidence: FolderEvidence, stamps: JobStamps): void {
  const key = keyOf(job);
  if (evidence.runInfoCorrupt || result.verdict === undefined) {
    settled.forget(key);
    return;
  }
  settled.remember(key, {
    program: job.program,
    jobId: result.row.jobId,
    status: result.row.status,
    runInfoStamp: stamps.runInfo,
    outputStamp: stamps.output,
    runInfo: evidence.runInfo ?? null,
    newestSlurmId: evidence.newestSlurmId ?? null,
    query: result.verdict.query,
    outcome: result.verdict.outcome,
  });
}

function sameQuery(a: VerdictQuery, b: VerdictQuery): boolean {
  return a.jobId === b.jobId && a.exitCode === b.exitCode && a.slurmEndState === b.slurmEndState;
}

/**
 * Each job's row in the old ledger: the row of its folder and basename (CCBatchMan's relative `root/dir` resolved,
 * the last row when a key repeats, as CCBatchMan keeps the last). A job no row has by key takes the one row of its
 * basename when neither that basename's row nor the job has a namesake left: a batch whose folders moved (another
 * machine, another root) keeps its ledger as before folders were part of a job's name. `kept` is every row but the
 * earlier ones of a repeated key, in order.
 */
function matchOldRows(
  jobs: readonly RebuildJob[],
  rows: readonly LedgerRow[],
  baseDirectory: string,
): { matches: Map<RebuildJob, LedgerRow>; kept: LedgerRow[] } {
  const byKey = rowsByKeyOnDisk(rows, baseDirectory);
  const matches = new Map<RebuildJob, LedgerRow>();
  const taken = new Set<LedgerRow>();
  for (const job of jobs) {
    const row = byKey.get(keyOf(job));
    if (row && !taken.has(row)) {
      matches.set(job, row);
      taken.add(row);
    }
  }
  const unmatchedJobs = countBy(jobs.filter((job) => !matches.has(job)), (job) => job.basename);
  const unmatchedRows = new Map<string, LedgerRow[]>();
  for (const row of new Set(byKey.values())) {
    if (taken.has(row)) continue;
    unmatchedRows.set(row.basename, [...(unmatchedRows.get(row.basename) ?? []), row]);
  }
  for (const job of jobs) {
    const candidates = unmatchedRows.get(job.basename);
    if (matches.has(job) || unmatchedJobs.get(job.basename) !== 1 || candidates?.length !== 1) continue;
    matches.set(job, candidates[0]!);
  }
  return { matches, kept: [...byKey.values()] };
}

function countBy<T>(items: readonly T[], keyOfItem: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOfItem(item), (counts.get(keyOfItem(item)) ?? 0) + 1);
  return counts;
}

interface RecoveredResult {
  row: LedgerRow;
  report: RecoveredJob;
  runInfo: RunInfo | undefined;
  /** The program's verdict the decision read, with what it was asked. */
  verdict?: { query: VerdictQuery; outcome: Outcome };
}

async function recoverJob(job: RebuildJob, old: LedgerRow | undefined, evidence: FolderEvidence): Promise<RecoveredResult> {
  const attempt = attemptOf(job, old, evidence);
  const { query } = attempt;
  return decideJob(job, old, attempt, query ? { query, outcome: await evidence.outcome(query) } : undefined);
}

/** recoverJob at once, when the verdict is known without reading anything (kept evidence); else undefined. */
function recoverKnown(job: RebuildJob, old: LedgerRow | undefined, evidence: FolderEvidence): RecoveredResult | undefined {
  const attempt = attemptOf(job, old, evidence);
  const { query } = attempt;
  if (!query) return decideJob(job, old, attempt, undefined);
  const outcome = evidence.known?.(query);
  return outcome === undefined ? undefined : decideJob(job, old, attempt, { query, outcome });
}

/** Which attempt the evidence speaks of, and what the program's verdict is asked (none for an unknown program). */
interface Attempt {
  readonly runInfo: RunInfo | undefined;
  readonly jobId: number;
  readonly sources: string[];
  readonly query: VerdictQuery | undefined;
}

function attemptOf(job: RebuildJob, old: LedgerRow | undefined, evidence: FolderEvidence): Attempt {
  const sources: string[] = [];
  const { runInfo } = evidence;
  if (evidence.runInfoCorrupt) sources.push('run_info.json unreadable');

  // SLURM ids grow, so the largest known id is the latest attempt (the first named of equal ones).
  let jobId = NO_JOB_ID;
  let from: string | undefined;
  if (old && old.jobId !== NO_JOB_ID) [jobId, from] = [old.jobId, 'ledger'];
  if (runInfo && runInfo.jobId !== NO_JOB_ID && (from === undefined || runInfo.jobId > jobId)) [jobId, from] = [runInfo.jobId, 'run_info.json'];
  const newestSlurm = evidence.newestSlurmId;
  if (newestSlurm !== undefined && (from === undefined || newestSlurm > jobId)) [jobId, from] = [newestSlurm, `slurm-${newestSlurm}.out`];
  if (from !== undefined) sources.push(`job id from ${from}`);

  // run_info.json's exit code and SLURM state only speak for the attempt it describes.
  const sameAttempt = runInfo !== undefined && (runInfo.jobId === jobId || runInfo.jobId === NO_JOB_ID);
  if (!programById(job.program)) return { runInfo, jobId, sources, query: undefined };
  const query: { jobId?: number; exitCode?: number; slurmEndState?: string } = {};
  if (jobId !== NO_JOB_ID) query.jobId = jobId;
  if (sameAttempt && runInfo.exitCode !== undefined) query.exitCode = runInfo.exitCode;
  if (sameAttempt && runInfo.slurmState !== undefined) query.slurmEndState = runInfo.slurmState;
  return { runInfo, jobId, sources, query };
}

/** The rest of recoverJob once the program's verdict is in (undefined: the program is unknown). */
function decideJob(job: RebuildJob, old: LedgerRow | undefined, attempt: Attempt, verdict: RecoveredResult['verdict']): RecoveredResult {
  const { runInfo, jobId, sources } = attempt;
  let verdictStatus: JobStatus | undefined;
  let status: JobStatus;
  let cause: string | undefined;
  if (verdict) {
    const { outcome } = verdict;
    const recordedFinal = old?.status ?? runInfo?.status;
    if (outcome.status !== 'succeeded' && (recordedFinal === 'cancelled' || recordedFinal === 'broken_dependency')) {
      // A user's cancel or a failed upstream job is a status the output cannot tell.
      ({ status, cause } = recordedStatus(old, runInfo, jobId, outcome.status === 'unfinished', sources));
    } else if ((verdictStatus = statusOfVerdict(outcome)) !== undefined) {
      status = verdictStatus;
      cause = outcome.cause;
      sources.push(`status from ${outcome.evidence ?? 'output'}`);
    } else {
      ({ status, cause } = recordedStatus(old, runInfo, jobId, outcome.status === 'unfinished', sources));
    }
  } else {
    sources.push(`unknown program "${job.program}"`);
    ({ status, cause } = recordedStatus(old, runInfo, jobId, false, sources));
  }

  const row = mergedRow(old, {
    jobId,
    basename: job.basename,
    directory: job.directory,
    status,
    program: job.program,
    coordsFrom: job.coordsFrom,
    xyzFilename: job.xyzFilename,
    orbitalsFrom: job.orbitalsFrom,
    gbwFilename: job.gbwFilename,
    submittedAt: old?.submittedAt ?? runInfo?.submittedAt,
    startedAt: old?.startedAt ?? runInfo?.startedAt,
    endedAt: old?.endedAt ?? runInfo?.endedAt,
    exitCode: old?.exitCode ?? runInfo?.exitCode,
    restarts: old?.restarts ?? runInfo?.restarts,
    slurmState: old?.slurmState ?? runInfo?.slurmState,
    cause,
  });
  // Literals of either shape rather than spreads: one of these per job.
  const { basename, directory } = job;
  const report: RecoveredJob = cause === undefined ? { basename, directory, jobId, status, sources } : { basename, directory, jobId, status, cause, sources };
  return verdict ? { row, report, runInfo, verdict } : { row, report, runInfo };
}

// When the output proves nothing, what was recorded stands; the poller corrects live jobs later.
function recordedStatus(
  old: LedgerRow | undefined,
  runInfo: RunInfo | undefined,
  jobId: number,
  hasOutput: boolean,
  sources: string[],
): { status: JobStatus; cause?: string } {
  if (old && !(old.status === 'not_started' && jobId !== NO_JOB_ID)) {
    sources.push('status from ledger');
    return { status: old.status, ...(old.cause === undefined ? {} : { cause: old.cause }) };
  }
  if (runInfo && !(runInfo.status === 'not_started' && jobId !== NO_JOB_ID)) {
    sources.push('status from run_info.json');
    return { status: runInfo.status, ...(runInfo.cause === undefined ? {} : { cause: runInfo.cause }) };
  }
  if (jobId === NO_JOB_ID) return { status: 'not_started' };
  sources.push(hasOutput ? 'status: output exists, not finished' : 'status: submitted, no output yet');
  return { status: hasOutput ? 'running' : 'pending' };
}

/**
 * `{ ...old, ...fields }` without the fields that have no value, in the same order. Built key by key: a spread
 * followed by seventeen fields was most of a settled job's decision, and deleting properties after it made every
 * row a slow dictionary for what reads it later (the ledger's writer, the runner's passes).
 */
function mergedRow(old: LedgerRow | undefined, fields: Partial<Record<keyof LedgerRow, unknown>>): LedgerRow {
  const row: Record<string, unknown> = {};
  const given = fields as Record<string, unknown>;
  if (old) {
    const before = old as unknown as Record<string, unknown>;
    for (const key of Object.keys(before)) {
      const value = key in given ? given[key] : before[key];
      if (value !== undefined) row[key] = value;
    }
  }
  for (const key of Object.keys(given)) {
    if (old && key in old) continue;
    const value = given[key];
    if (value !== undefined) row[key] = value;
  }
  return row as unknown as LedgerRow;
}

async function keepAside(path: string, now: Date): Promise<string> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt++) {
    const aside = `${path}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      await copyFile(path, aside, constants.COPYFILE_EXCL);
      return aside;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
