// The one decision path of the runner, `status` and the Batches view: what was seen of a batch's jobs (the scheduler's
// answers, and through them the programs' outputs) is applied to its ledger rows, then the jobs that can no longer
// start are marked broken.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import type { LedgerRow } from '../ledger/ledger.js';
import { isFinal } from '../status.js';
import { jobsByKey } from './batchJobs.js';
import { decideStatus } from './decide.js';
import type { Decision, SchedulerView } from './decide.js';
import { propagateBrokenDependencies } from './dependencies.js';
import { backfillStart, recordSchedulerTimes, recordTransition } from './transition.js';

/** What was seen of one submitted job. */
export interface Observation {
  /** The job's key (`jobKey`: folder and basename). */
  key: string;
  /** The attempt seen: news of another attempt (an earlier id of a restarted job) is history, not news. */
  jobId: string;
  /** SLURM's state; absent when neither squeue nor accounting knows the job: then only its output can settle it. */
  state?: string;
  exitCode?: number;
  /** How long SLURM says it ran: a job that ended between two looks gets its start from it. */
  elapsedSeconds?: number;
  /**
   * When the scheduler's record says the job started and ended (ISO 8601 instants; absent while it has none): these
   * overrule the times a poll stamped, which only say when the job was noticed.
   */
  startedAt?: string;
  endedAt?: string;
  /**
   * The disk settled this job in the same read (slurm-<id>.out, the output's marker): that stands until SLURM says the
   * job ended, and then both decide, as for any job. Without this, a job already final is left alone.
   */
  settledOnDisk?: boolean;
  /**
   * The scheduler has lost the job for longer than the grace (in no queue, no accounting record): its output still
   * decides when it has an end marker; without one it is failed with this cause (`vanished`).
   */
  lostCause?: string;
}

export interface ObservationsInput {
  model: BatchModel;
  /** The batch's rows by job key (`keyOf`); changed in place. */
  rows: ReadonlyMap<string, LedgerRow>;
  observations: Iterable<Observation>;
  /** ISO 8601: when the changes are stamped. */
  at: string;
  /**
   * A job an observation made final, before the dependency walk (the runner records the end in the job's folder,
   * copies a failure's output and may restart it here). With this hook the observations are taken one at a time, in
   * order, since what it does to a folder may be what the next decision reads; without it every job's output is read
   * at once.
   */
  onEnded?: (job: ResolvedJob, row: LedgerRow, decision: Decision) => Promise<void>;
  /**
   * Keys of the rows that changed since the last time these rows were applied to, besides these observations (a
   * submission refused, a cancel, a restart). With it, broken dependencies are walked from those and the observed jobs
   * only — the rest of the batch was walked before — which marks the same jobs as a walk over the whole batch (the
   * runner's pass, proportional to what changed). Without it, every job is walked.
   */
  changed?: Iterable<string>;
}

export interface ObservationsResult {
  /** What was decided for each job an observation applied to, by key. */
  decided: Map<string, Decision>;
  /** Keys of the jobs that became broken_dependency behind a failed, cancelled or broken upstream. */
  broken: string[];
}

/** Applies the observations to the rows, then propagates broken dependencies (over the whole batch unless `changed` says where). */
export async function applyObservations(input: ObservationsInput): Promise<ObservationsResult> {
  const decided = new Map<string, Decision>();
  const observed = new Set<string>(input.changed);
  const apply = (observation: Observation) => applyOne(input, observation, decided);
  if (input.onEnded) {
    for (const observation of input.observations) {
      observed.add(observation.key);
      await apply(observation);
    }
  } else {
    // Jobs are independent; several observations of one job are still taken in order.
    const byJob = new Map<string, Promise<void>>();
    for (const observation of input.observations) {
      observed.add(observation.key);
      byJob.set(observation.key, (byJob.get(observation.key) ?? Promise.resolve()).then(() => apply(observation)));
    }
    await Promise.all(byJob.values());
  }
  const broken = propagateBrokenDependencies(input.model, input.rows, input.at, input.changed === undefined ? undefined : observed);
  return { decided, broken };
}

async function applyOne(input: ObservationsInput, observation: Observation, decided: Map<string, Decision>): Promise<void> {
  const row = input.rows.get(observation.key);
  const job = jobsByKey(input.model).get(observation.key);
  if (!row || !job || String(row.jobId) !== observation.jobId) return;
  const wasFinal = isFinal(row.status);
  if (wasFinal && !observation.settledOnDisk) return;
  const { at } = input;

  const view: SchedulerView = {
    ...(observation.lostCause === undefined && observation.state !== undefined ? { state: observation.state } : {}),
    ...(observation.lostCause === undefined && observation.exitCode !== undefined ? { exitCode: observation.exitCode } : {}),
  };
  let next = await decideStatus({ basename: job.basename, directory: job.path, program: job.programName }, row, view);
  const lost = observation.lostCause !== undefined && !isFinal(next.status);
  if (lost) {
    next = { status: 'failed', cause: observation.lostCause! };
  } else if (observation.settledOnDisk) {
    if (!isFinal(next.status)) next = { status: row.status, ...(next.exitCode !== undefined ? { exitCode: next.exitCode } : {}) };
    row.endedAt ??= at;
  }
  recordTransition(row, next, observation.lostCause === undefined ? observation.state : undefined, at);
  // A lost job's cause is that the scheduler no longer knows it, so no record of it is taken at its word.
  if (observation.lostCause === undefined) recordSchedulerTimes(row, observation);
  decided.set(observation.key, next);
  if (wasFinal || !isFinal(row.status)) return;
  if (!lost) backfillStart(row, observation.elapsedSeconds);
  await input.onEnded?.(job, row, next);
}

