// Rebuilds the truth about every job of a batch: disk evidence, then ONE squeue and at most ONE sacct, applied by the
// one decision path (applyObservations).
import type { BatchModel } from '../batchfile/index.js';
import { rebuildLedger } from '../ledger/rebuild.js';
import type { RecoveredJob } from '../ledger/rebuild.js';
import { keyOf } from '../ledger/jobKey.js';
import { NO_JOB_ID, writeLedger } from '../ledger/ledger.js';
import type { Ledger, LedgerRow } from '../ledger/ledger.js';
import type { RunInfo } from '../ledger/runInfo.js';
import { SettledEvidence } from '../ledger/settledEvidence.js';
import type { Scheduler } from '../slurm/scheduler.js';
import type { QueueEntry } from '../slurm/squeue.js';
import { slurmStateMeaning } from '../slurm/states.js';
import { accountingTimes } from '../slurm/sacct.js';
import type { AccountingRecord } from '../slurm/sacct.js';
import { isFinal } from '../status.js';
import { ledgerJobs } from './batchJobs.js';
import { lastEventOf } from './job.js';
import type { JobTruth } from './job.js';
import { applyObservations } from './observations.js';
import type { Observation } from './observations.js';
import { summarise } from './summary.js';
import type { StatusSummary } from './summary.js';
import { VANISHED_AFTER_MS, VANISHED_CAUSE, lastSignOfLife } from './vanished.js';

export type { JobTruth } from './job.js';

export interface BatchTruth {
  ledgerPath: string;
  /** The ledger as written: the runner keeps working on these rows. */
  ledger: Ledger;
  jobs: JobTruth[];
  summary: StatusSummary;
  /** Set when squeue or sacct could not be asked: the last known statuses were kept. */
  stale?: string;
  /** Set when the ledger was unreadable and rebuilt; the old file was kept at this path. */
  recoveredLedger?: { reason: string; keptAsidePath?: string };
  scheduler: { squeueCalls: number; sacctCalls: number };
  /** Each job's run_info.json as the truth read it (undefined: none, or unreadable), by job key. */
  runInfos: ReadonlyMap<string, RunInfo | undefined>;
}

export interface TruthOptions {
  model: BatchModel;
  ledgerPath: string;
  /** Absent where no scheduler is reachable: the truth then comes from disk alone. */
  scheduler?: Pick<Scheduler, 'queue' | 'accounting'>;
  now?: () => Date;
  /** False while a live runner owns the ledger: the truth is reported, not written. */
  write?: boolean;
  /**
   * A job neither squeue nor sacct knows, whose output has no end marker and whose folder has been silent this long,
   * is failed as vanished: the runner's grace (`lostAfterMs`), so `status` and `run` call it the same.
   */
  vanishedAfterMs?: number;
}

export async function readBatchTruth(options: TruthOptions): Promise<BatchTruth> {
  const now = options.now ?? (() => new Date());
  const jobs = ledgerJobs(options.model);
  // Settled jobs' evidence is kept beside the batch's other state, by whoever may write (not beside a live runner).
  const { rootPath } = options.model;
  const settled = options.write !== false && rootPath !== undefined ? await SettledEvidence.load(rootPath, options.ledgerPath) : undefined;
  // The ledger is written once, at the end, with what the folders and the scheduler said.
  const rebuilt = await rebuildLedger({ ledgerPath: options.ledgerPath, jobs, now, writeLedger: false, ...(options.write === false ? { write: false } : {}), ...(settled ? { settled } : {}) });
  const ledger = rebuilt.ledger;
  // The rebuilt ledger holds the batch's jobs first, in order, then rows of jobs no longer in the batch. Keys are
  // made once and the maps filled by loops: on a 10,000-job batch every spread copy and per-row closure shows.
  // Job keys are unique (one runnable job per key), so the map holds job i's row i-th, and the rest reads by index.
  const keys = jobs.map(keyOf);
  const rows = new Map<string, LedgerRow>();
  for (let index = 0; index < keys.length; index++) rows.set(keys[index]!, ledger.rows[index]!);
  const live = new Map<string, LiveState>();
  const calls = { squeueCalls: 0, sacctCalls: 0 };
  let stale: string | undefined;

  // Jobs the disk just settled (slurm-{id}.out says TIME LIMIT, the output has its marker) are asked
  // too, in the same calls: SLURM's end state and exit code belong in the ledger and may overrule.
  const settledNow = new Set<string>();
  const active: LedgerRow[] = [];
  for (let index = 0; index < keys.length; index++) {
    const row = ledger.rows[index]!;
    const final = isFinal(row.status);
    const justSettled = final && !isFinal(rebuilt.recovered[index]!.ledgerStatus ?? 'not_started');
    if (justSettled) settledNow.add(keys[index]!);
    if (row.jobId !== NO_JOB_ID && (!final || justSettled)) active.push(row);
  }
  if (options.scheduler && active.length > 0) {
    try {
      stale = await askScheduler(options.scheduler, active, live, calls);
    } catch (error) {
      stale = `squeue failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  const vanishedBefore = now().getTime() - (options.vanishedAfterMs ?? VANISHED_AFTER_MS);
  // Only jobs the scheduler spoke of are observed (none at all on a finished batch).
  const observations = await Promise.all(
    (live.size === 0 ? [] : [...rows]).map(async ([key, row]): Promise<Observation | undefined> => {
      const state = live.get(String(row.jobId));
      if (!state) return undefined;
      const raw = stateOf(state);
      const vanished = state.unknown && !state.accountingFailed && !isFinal(row.status) && (await lastSignOfLife(row.directory, [row.submittedAt, row.startedAt])) < vanishedBefore;
      return {
        key,
        jobId: String(row.jobId),
        ...(raw !== undefined ? { state: raw } : {}),
        ...(state.accounting?.exitCode !== undefined ? { exitCode: state.accounting.exitCode } : {}),
        ...(state.accounting?.elapsedSeconds !== undefined ? { elapsedSeconds: state.accounting.elapsedSeconds } : {}),
        ...(state.accounting ? accountingTimes(state.accounting) : {}),
        ...(settledNow.has(key) ? { settledOnDisk: true } : {}),
        ...(vanished ? { lostCause: VANISHED_CAUSE } : {}),
      };
    }),
  );
  const seen = observations.filter((observation) => observation !== undefined);
  await applyObservations({ model: options.model, rows, observations: seen, at: now().toISOString() });
  // One write (none when the file already says this): the folders' truth with the scheduler's news applied.
  if (options.write !== false) await writeLedger(options.ledgerPath, ledger);

  const truths: JobTruth[] = [];
  for (let index = 0; index < keys.length; index++) {
    const row = ledger.rows[index]!;
    truths.push(toTruth(row, live.size === 0 ? undefined : live.get(String(row.jobId)), rebuilt.recovered[index]));
  }
  return {
    ledgerPath: options.ledgerPath,
    ledger,
    jobs: truths,
    summary: summarise(truths.map((truth) => truth.status)),
    ...(stale ? { stale } : {}),
    ...(rebuilt.corruption ? { recoveredLedger: { reason: rebuilt.corruption.message, ...(rebuilt.keptAsidePath ? { keptAsidePath: rebuilt.keptAsidePath } : {}) } } : {}),
    scheduler: calls,
    runInfos: new Map(keys.map((key, index) => [key, rebuilt.runInfos[index]])),
  };
}

/** What SLURM says of one job right now. */
interface LiveState {
  entry?: QueueEntry;
  accounting?: AccountingRecord;
  /** Neither squeue nor sacct knows the job (purged, or accounting off). */
  unknown?: boolean;
  /** sacct could not be asked: the job is unknown for now, never vanished. */
  accountingFailed?: boolean;
}

/** ONE squeue for all active jobs; ONE sacct for those that ended. Returns a stale reason when sacct failed. */
async function askScheduler(
  scheduler: Pick<Scheduler, 'queue' | 'accounting'>,
  active: readonly LedgerRow[],
  live: Map<string, LiveState>,
  calls: { squeueCalls: number; sacctCalls: number },
): Promise<string | undefined> {
  calls.squeueCalls++;
  const snapshot = await scheduler.queue();
  const byId = new Map(snapshot.entries.map((entry) => [entry.id, entry]));
  // Ended jobs (gone from squeue, or still listed with an end state) are asked of sacct together:
  // squeue shows no exit codes.
  const ended: string[] = [];
  for (const row of active) {
    const id = String(row.jobId);
    const entry = byId.get(id);
    if (entry) live.set(id, { entry });
    if (!entry || slurmStateMeaning(entry.state).final) ended.push(id);
  }
  if (ended.length === 0) return undefined;
  try {
    calls.sacctCalls++;
    const result = await scheduler.accounting(ended);
    for (const id of ended) {
      const record = result.records.get(id);
      const entry = live.get(id)?.entry;
      live.set(id, { ...(entry ? { entry } : {}), ...(record ? { accounting: record } : {}), ...(!entry && !record ? { unknown: true } : {}) });
    }
    return undefined;
  } catch (error) {
    for (const id of ended) if (!live.has(id)) live.set(id, { unknown: true, accountingFailed: true });
    return `sacct failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** sacct's state when it says the job ended (it has the exit code); else squeue's, which is fresher. */
function stateOf(state: LiveState): string | undefined {
  const accounted = state.accounting?.state;
  if (accounted !== undefined && slurmStateMeaning(accounted).final) return accounted;
  return state.entry?.state ?? accounted;
}

function toTruth(row: LedgerRow, state: LiveState | undefined, recovered: RecoveredJob | undefined): JobTruth {
  return {
    basename: row.basename,
    directory: row.directory,
    program: row.program,
    status: row.status,
    jobId: row.jobId === NO_JOB_ID ? null : String(row.jobId),
    slurmState: (state && stateOf(state)) ?? row.slurmState ?? null,
    reason: state?.entry?.reason ?? (state?.unknown ? 'not in squeue; no accounting record' : null),
    elapsed: state?.entry?.elapsed ?? state?.accounting?.elapsed ?? null,
    exitCode: row.exitCode ?? null,
    cause: row.cause ?? recovered?.cause ?? null,
    lastEvent: lastEventOf(row),
  };
}

