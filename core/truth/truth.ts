// Rebuilds the truth about every job of a batch: disk evidence, then ONE squeue and at most ONE sacct, applied by the
// one decision path (applyObservations).
import type { BatchModel } from '../batchfile/index.js';
import { rebuildLedger } from '../ledger/rebuild.js';
import type { RecoveredJob } from '../ledger/rebuild.js';
import { NO_JOB_ID, readLedgerIfExists, writeLedger } from '../ledger/ledger.js';
import type { Ledger, LedgerRow } from '../ledger/ledger.js';
import type { Scheduler } from '../slurm/scheduler.js';
import type { QueueEntry } from '../slurm/squeue.js';
import { slurmStateMeaning } from '../slurm/states.js';
import type { AccountingRecord } from '../slurm/sacct.js';
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import { ledgerJobs } from './batchJobs.js';
import { lastEventOf } from './job.js';
import type { JobTruth } from './job.js';
import { applyObservations } from './observations.js';
import type { Observation } from './observations.js';
import { summarise } from './summary.js';
import type { StatusSummary } from './summary.js';

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
}

export interface TruthOptions {
  model: BatchModel;
  ledgerPath: string;
  /** Absent where no scheduler is reachable: the truth then comes from disk alone. */
  scheduler?: Pick<Scheduler, 'queue' | 'accounting'>;
  now?: () => Date;
  /** False while a live runner owns the ledger: the truth is reported, not written. */
  write?: boolean;
}

export async function readBatchTruth(options: TruthOptions): Promise<BatchTruth> {
  const now = options.now ?? (() => new Date());
  const jobs = ledgerJobs(options.model);
  const before = await previousStatuses(options.ledgerPath);
  const rebuilt = await rebuildLedger({ ledgerPath: options.ledgerPath, jobs, now, ...(options.write === false ? { write: false } : {}) });
  const ledger = rebuilt.ledger;
  const rows = new Map(ledger.rows.map((row) => [row.basename, row]));
  const recovered = new Map(rebuilt.recovered.map((entry) => [entry.basename, entry]));
  const live = new Map<string, LiveState>();
  const calls = { squeueCalls: 0, sacctCalls: 0 };
  let stale: string | undefined;

  // Jobs the disk just settled (slurm-{id}.out says TIME LIMIT, the output has its marker) are asked
  // too, in the same calls: SLURM's end state and exit code belong in the ledger and may overrule.
  const settledNow = new Set(
    jobs.filter((job) => isFinal(rows.get(job.basename)!.status) && !isFinal(before.get(job.basename) ?? 'not_started')).map((job) => job.basename),
  );
  const active = jobs.flatMap((job) => {
    const row = rows.get(job.basename)!;
    return row.jobId !== NO_JOB_ID && (!isFinal(row.status) || settledNow.has(job.basename)) ? [row] : [];
  });
  if (options.scheduler && active.length > 0) {
    try {
      stale = await askScheduler(options.scheduler, active, live, calls);
    } catch (error) {
      stale = `squeue failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  const observations = jobs.flatMap((job): Observation[] => {
    const row = rows.get(job.basename)!;
    const state = live.get(String(row.jobId));
    if (!state) return [];
    const raw = stateOf(state);
    return [
      {
        basename: job.basename,
        jobId: String(row.jobId),
        ...(raw !== undefined ? { state: raw } : {}),
        ...(state.accounting?.exitCode !== undefined ? { exitCode: state.accounting.exitCode } : {}),
        ...(settledNow.has(job.basename) ? { settledOnDisk: true } : {}),
      },
    ];
  });
  await applyObservations({ model: options.model, rows, observations, at: now().toISOString() });
  if (options.write !== false) await writeLedger(options.ledgerPath, ledger);

  const truths = jobs.map((job) => toTruth(rows.get(job.basename)!, live.get(String(rows.get(job.basename)!.jobId)), recovered.get(job.basename)));
  return {
    ledgerPath: options.ledgerPath,
    ledger,
    jobs: truths,
    summary: summarise(truths.map((truth) => truth.status)),
    ...(stale ? { stale } : {}),
    ...(rebuilt.corruption ? { recoveredLedger: { reason: rebuilt.corruption.message, ...(rebuilt.keptAsidePath ? { keptAsidePath: rebuilt.keptAsidePath } : {}) } } : {}),
    scheduler: calls,
  };
}

/** The statuses the ledger held before this read; empty when there was none or it was unreadable. */
async function previousStatuses(ledgerPath: string): Promise<Map<string, JobStatus>> {
  try {
    const ledger = await readLedgerIfExists(ledgerPath);
    return new Map((ledger?.rows ?? []).map((row) => [row.basename, row.status]));
  } catch {
    return new Map();
  }
}

/** What SLURM says of one job right now. */
interface LiveState {
  entry?: QueueEntry;
  accounting?: AccountingRecord;
  /** Neither squeue nor sacct knows the job (purged, or accounting off). */
  unknown?: boolean;
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
    for (const id of ended) if (!live.has(id)) live.set(id, { unknown: true });
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

