// The batch runner's loop: poll, decide, submit what is ready within the throttle, write the ledger,
// sleep until the poller's next answer. Crash-safe: every step can be redone from the truth on disk.
import { realpathSync } from 'node:fs';
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { NO_JOB_ID, writeLedger } from '../ledger/ledger.js';
import { readRunInfo } from '../ledger/runInfo.js';
import type { Ledger, LedgerRow } from '../ledger/ledger.js';
import { systemClock } from '../slurm/clock.js';
import type { Clock } from '../slurm/clock.js';
import { Poller } from '../slurm/poller.js';
import type { JobChange } from '../slurm/poller.js';
import type { Scheduler } from '../slurm/scheduler.js';
import { SchedulerError } from '../slurm/scheduler.js';
import type { QueueEntry } from '../slurm/squeue.js';
import { isFinal } from '../status.js';
import { runnableJobs } from '../truth/batchJobs.js';
import { propagateBrokenDependencies } from '../truth/dependencies.js';
import { applyObservations } from '../truth/observations.js';
import type { Observation } from '../truth/observations.js';
import { summarise } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';
import { recordTransition } from '../truth/transition.js';
import { readBatchTruth } from '../truth/truth.js';
import type { CancelRequest } from './cancelRequest.js';
import { activeCount, readyJobs } from './readiness.js';
import { findSubmitted, readSubmitIntent, recordSubmission, writeSubmitIntent } from './submitIntent.js';

export interface PreparedSubmission {
  readonly scriptPath: string;
  /** sbatch options (an argv array, never a shell string). */
  readonly extraArgs: readonly string[];
}

/** What the loop asks of the rest of Batchman; injected so the loop is testable on its own. */
export interface RunnerHooks {
  /** Pipes, submit script, options. A failure here fails the job with that cause instead of submitting it. */
  prepare(job: ResolvedJob, row: LedgerRow): Promise<PreparedSubmission | { readonly failedCause: string }>;
  /** After a submitted job reached a final status (record it in the job's folder); before onJobFailed and restart. */
  onJobEnded?(job: ResolvedJob, row: LedgerRow): Promise<void>;
  /** After a job failed (copy its output to fail_output/…). */
  onJobFailed?(job: ResolvedJob, row: LedgerRow): Promise<void>;
  /** With -r: archive and reset the job for another attempt; true when it will run again. */
  restart?(job: ResolvedJob, row: LedgerRow): Promise<boolean>;
  /** Every pass: refresh the heartbeat. */
  heartbeat?(summary: StatusSummary): Promise<void>;
  /** Every pass: what a user asked to cancel since the last pass (the hook forgets it once read). */
  takeCancelRequest?(): Promise<CancelRequest | undefined>;
}

export interface RunnerUpdate {
  readonly rows: readonly LedgerRow[];
  readonly summary: StatusSummary;
  /** Why the scheduler could not be asked, while it cannot. */
  readonly stale?: string;
}

export interface RunnerOptions {
  readonly batchId: string;
  readonly model: BatchModel;
  readonly ledgerPath: string;
  readonly scheduler: Scheduler;
  readonly maxActive: number;
  readonly hooks: RunnerHooks;
  readonly clock?: Clock;
  /** The poller's floor (5 s for SLURM; local state files are cheap to read more often). */
  readonly pollFloorMs?: number;
  /** Longest sleep between passes, for heartbeats and cancel requests. */
  readonly heartbeatMs?: number;
  /** A job that neither the queue, the accounting nor its output knows for this long is failed. */
  readonly lostAfterMs?: number;
  readonly onUpdate?: (update: RunnerUpdate) => void;
  /** Stops the loop (not the jobs) before the batch is done: `RunnerResult.stopped`. */
  readonly signal?: AbortSignal;
  /** Submit only these jobs. */
  readonly onlyJobs?: ReadonlySet<string>;
}

export interface RunnerResult {
  readonly summary: StatusSummary;
  readonly cancelled: boolean;
  readonly submitted: number;
  /** The signal stopped the loop while jobs were still going. */
  readonly stopped: boolean;
}

export async function runBatch(options: RunnerOptions): Promise<RunnerResult> {
  const { model, scheduler, hooks } = options;
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now()).toISOString();
  const jobs = runnableJobs(model);
  const jobByName = new Map(jobs.map((job) => [job.basename, job]));

  // The truth first: ledger checked against every job folder, plus one poll.
  const truth = await readBatchTruth({ model, ledgerPath: options.ledgerPath, scheduler, now: () => new Date(clock.now()) });
  const ledger: Ledger = truth.ledger;
  const rows = new Map(ledger.rows.filter((row) => jobByName.has(row.basename)).map((row) => [row.basename, row]));
  await adoptInterruptedSubmissions(jobs, rows, scheduler, now());
  await restartEarlierFailures(model, jobs, rows, hooks, now());

  const poller = new Poller({ scheduler, clock, ...(options.pollFloorMs !== undefined ? { floorMs: options.pollFloorMs } : {}) });
  const jobById = new Map<string, ResolvedJob>();
  const pending: JobChange[] = [];
  const unknownSince = new Map<string, number>();
  let stale: string | undefined = truth.stale;
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    wake?.();
    wake = undefined;
  };
  const watchActive = () => {
    const ids: string[] = [];
    for (const row of rows.values()) {
      if (row.status !== 'pending' && row.status !== 'running') continue;
      const id = String(row.jobId);
      ids.push(id);
      jobById.set(id, jobByName.get(row.basename)!);
    }
    if (ids.length > 0) poller.watch(options.batchId, ids);
  };
  const subscriptions = [
    poller.onDidChangeJobs((event) => {
      pending.push(...event.changes);
      wakeUp();
    }),
    poller.onDidChangeHealth((event) => {
      stale = event.ok ? undefined : `${event.command}: ${event.reason ?? 'failed'}`;
      wakeUp();
    }),
  ];
  watchActive();

  let submitted = 0;
  let cancelled = false;
  // The clock's timers do not hold the process open (a poller must not keep an editor alive);
  // a runner must stay alive until its batch is done.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    for (;;) {
      const at = now();
      // A cancel first: jobs it stops are `cancelled`, not `broken_dependency` behind a cancelled upstream.
      const request = await hooks.takeCancelRequest?.();
      if (request) {
        cancelled ||= request.all;
        await cancelJobs(rows, scheduler, at, request.all ? undefined : request.jobs);
        poller.nudge();
      }
      // The poller's news decided (hooks run as each job ends), then broken dependencies: also behind jobs that
      // failed to submit or were cancelled in the last pass.
      const observations = observationsOf(pending.splice(0), { jobById, unknownSince, clock, lostAfterMs: options.lostAfterMs ?? 10 * 60_000 });
      await applyObservations({
        model,
        rows,
        observations,
        at,
        onEnded: async (job, row, decision) => {
          await hooks.onJobEnded?.(job, row);
          if (decision.status === 'failed') await afterFailure(job, row, hooks);
        },
      });
      if (!cancelled) {
        const ids = await submitReady({ model, jobs: options.onlyJobs ? jobs.filter((job) => options.onlyJobs!.has(job.basename)) : jobs, rows, scheduler, hooks, maxActive: options.maxActive, at });
        submitted += ids.length;
        if (ids.length > 0) {
          watchActive();
          poller.nudge();
        }
      }

      await writeLedger(options.ledgerPath, ledger);
      const summary = summarise([...rows.values()].map((row) => row.status));
      await hooks.heartbeat?.(summary);
      options.onUpdate?.({ rows: [...rows.values()], summary, ...(stale ? { stale } : {}) });
      if ([...rows.values()].every((row) => isFinal(row.status))) return { summary, cancelled, submitted, stopped: false };
      if (options.signal?.aborted) return { summary, cancelled, submitted, stopped: true };

      // Sleep until the poller has news, or until the next heartbeat is due: never a busy loop.
      await new Promise<void>((resolve) => {
        if (pending.length > 0) return resolve();
        const stop = () => wakeUp();
        const timer = clock.setTimeout(() => {
          wake = undefined;
          options.signal?.removeEventListener('abort', stop);
          resolve();
        }, options.heartbeatMs ?? 15_000);
        wake = () => {
          clock.clearTimeout(timer);
          options.signal?.removeEventListener('abort', stop);
          resolve();
        };
        options.signal?.addEventListener('abort', stop, { once: true });
      });
    }
  } finally {
    clearInterval(keepAlive);
    for (const subscription of subscriptions) subscription.dispose();
    poller.dispose();
  }
}

interface ChangeContext {
  readonly jobById: ReadonlyMap<string, ResolvedJob>;
  readonly unknownSince: Map<string, number>;
  readonly clock: Clock;
  readonly lostAfterMs: number;
}

const LOST_CAUSE = 'the scheduler lost the job (not in squeue, no accounting, no output verdict)';

/**
 * The poller's changes as observations of the batch's jobs. A job the scheduler has not known for `lostAfterMs` is lost;
 * until then its output alone may settle it.
 */
function observationsOf(changes: readonly JobChange[], context: ChangeContext): Observation[] {
  const observations: Observation[] = [];
  for (const change of changes) {
    const job = context.jobById.get(change.jobId);
    if (!job) continue;
    const seen = change.current;
    const observation: Observation = { basename: job.basename, jobId: change.jobId, ...(seen.elapsedSeconds !== undefined ? { elapsedSeconds: seen.elapsedSeconds } : {}) };
    if (seen.status === 'unknown') {
      const since = context.unknownSince.get(change.jobId) ?? context.clock.now();
      context.unknownSince.set(change.jobId, since);
      if (context.clock.now() - since >= context.lostAfterMs) observation.lostCause = LOST_CAUSE;
    } else {
      context.unknownSince.delete(change.jobId);
      if (seen.slurmState !== undefined) observation.state = seen.slurmState;
      if (seen.exitCode !== undefined) observation.exitCode = seen.exitCode;
    }
    observations.push(observation);
  }
  return observations;
}

/**
 * Jobs an earlier launch left failed (or cancelled) get their restart now, when the hooks want one (`-r`); jobs
 * that were blocked behind them are unblocked, then blocked again if something upstream is still broken.
 */
async function restartEarlierFailures(model: BatchModel, jobs: readonly ResolvedJob[], rows: Map<string, LedgerRow>, hooks: RunnerHooks, at: string): Promise<void> {
  if (!hooks.restart) return;
  let restarted = 0;
  for (const job of jobs) {
    const row = rows.get(job.basename);
    if (row && (row.status === 'failed' || row.status === 'cancelled') && (await hooks.restart(job, row))) restarted++;
  }
  if (restarted === 0) return;
  for (const row of rows.values()) {
    if (row.status !== 'broken_dependency') continue;
    row.status = 'not_started';
    delete row.cause;
    delete row.endedAt;
  }
  propagateBrokenDependencies(model, rows, at);
}

async function afterFailure(job: ResolvedJob, row: LedgerRow, hooks: RunnerHooks): Promise<void> {
  await hooks.onJobFailed?.(job, row);
  await hooks.restart?.(job, row);
}

interface SubmitContext {
  readonly model: BatchModel;
  readonly jobs: readonly ResolvedJob[];
  readonly rows: Map<string, LedgerRow>;
  readonly scheduler: Scheduler;
  readonly hooks: RunnerHooks;
  readonly maxActive: number;
  readonly at: string;
}

/** Submits ready jobs up to the throttle; returns the new job ids. */
async function submitReady(context: SubmitContext): Promise<string[]> {
  const { rows, scheduler, hooks, at } = context;
  let slots = context.maxActive - activeCount(rows.values());
  const ids: string[] = [];
  for (const job of readyJobs(context.model, context.jobs, rows)) {
    if (slots <= 0) break;
    const row = rows.get(job.basename)!;
    const prepared = await hooks.prepare(job, row);
    if ('failedCause' in prepared) {
      recordTransition(row, { status: 'failed', cause: prepared.failedCause }, undefined, at);
      await afterFailure(job, row, hooks);
      continue;
    }
    await writeSubmitIntent(job.path, job.basename, job.programName, at);
    let jobId: string;
    try {
      ({ jobId } = await scheduler.submit(prepared.scriptPath, { cwd: job.path, jobName: job.basename, extraArgs: prepared.extraArgs }));
    } catch (error) {
      if (error instanceof SchedulerError && error.kind === 'failed') {
        // sbatch refused the job (bad partition, over a limit): that is this job's failure, not the batch's.
        recordTransition(row, { status: 'failed', cause: `submission refused: ${error.message}` }, undefined, at);
        await afterFailure(job, row, hooks);
        continue;
      }
      // Timed out or garbled: the job may exist. The intent stays; the next start adopts or resubmits it.
      throw error;
    }
    row.jobId = Number(jobId);
    row.submittedAt = at;
    for (const key of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState'] as const) delete row[key];
    row.status = 'pending';
    await recordSubmission(job.path, job.basename, job.programName, row.jobId, at, row.restarts ?? 0);
    ids.push(jobId);
    slots--;
  }
  return ids;
}

/**
 * Jobs a dead runner left half-done, put right from what their folders say:
 * - a restart that was planned (the fresh folder's run_info.json counts more restarts than the ledger
 *   row) makes the row that new attempt: submitted if run_info names its id, else not started;
 * - a submission interrupted between sbatch and the ledger (an intent in run_info.json) is found in the
 *   queue by its folder — only a job newer than any earlier attempt's id — and adopted; when the queue
 *   has none, the job is submitted again;
 * - an id the truth already found on disk (slurm-<id>.out) is written where the intent was.
 */
async function adoptInterruptedSubmissions(jobs: readonly ResolvedJob[], rows: Map<string, LedgerRow>, scheduler: Scheduler, at: string): Promise<void> {
  let entries: QueueEntry[] | undefined;
  for (const job of jobs) {
    const row = rows.get(job.basename);
    if (!row) continue;
    const info = await readRunInfo(job.path).catch(() => undefined);
    const attemptRestarts = info?.restarts ?? 0;
    let earlierAttemptId = -Infinity;
    if (attemptRestarts > (row.restarts ?? 0)) {
      earlierAttemptId = row.jobId;
      for (const key of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState', 'submittedAt'] as const) delete row[key];
      row.restarts = attemptRestarts;
      row.jobId = info && info.jobId !== NO_JOB_ID && info.jobId > earlierAttemptId ? info.jobId : NO_JOB_ID;
      row.status = row.jobId === NO_JOB_ID ? 'not_started' : 'pending';
      if (info?.submittedAt) row.submittedAt = info.submittedAt;
    }
    if ((await readSubmitIntent(job.path)) === undefined) continue;
    if (row.jobId !== NO_JOB_ID && row.jobId > earlierAttemptId) {
      row.submittedAt ??= at;
      await recordSubmission(job.path, job.basename, job.programName, row.jobId, row.submittedAt, row.restarts ?? 0);
      continue;
    }
    if (row.status !== 'not_started') continue;
    entries ??= (await scheduler.queue()).entries;
    const found = findSubmitted(entries, job.path) ?? findSubmitted(entries, realPath(job.path));
    if (found && Number(found.id) > earlierAttemptId) {
      row.jobId = Number(found.id);
      row.status = 'pending';
      row.submittedAt = at;
      await recordSubmission(job.path, job.basename, job.programName, row.jobId, at, row.restarts ?? 0);
    }
  }
}

/** Cancels the named jobs (all when `only` is absent) in ONE scheduler call; unsubmitted ones just become cancelled. */
export async function cancelJobs(rows: ReadonlyMap<string, LedgerRow>, scheduler: Pick<Scheduler, 'cancel'>, at: string, only?: ReadonlySet<string>): Promise<void> {
  const chosen = [...rows.values()].filter((row) => only === undefined || only.has(row.basename));
  const active = chosen.filter((row) => row.status === 'pending' || row.status === 'running');
  if (active.length > 0) await scheduler.cancel(active.map((row) => String(row.jobId)));
  for (const row of chosen) {
    if (row.status === 'not_started') recordTransition(row, { status: 'cancelled', cause: only ? 'cancelled by the user' : 'batch cancelled' }, undefined, at);
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
