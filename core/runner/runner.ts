// The batch runner's loop: poll, decide, submit what is ready within the throttle, write the ledger,
// sleep until the poller's next answer. Crash-safe: every step can be redone from the truth on disk.
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOf, keyOfModelJob } from '../ledger/jobKey.js';
import { NO_JOB_ID, writeLedger } from '../ledger/ledger.js';
import { LedgerWriter } from '../ledger/ledgerWriter.js';
import { readRunInfo } from '../ledger/runInfo.js';
import type { RunInfo } from '../ledger/runInfo.js';
import type { Ledger, LedgerRow } from '../ledger/ledger.js';
import { systemClock } from '../slurm/clock.js';
import type { Clock } from '../slurm/clock.js';
import { Poller } from '../slurm/poller.js';
import type { JobChange } from '../slurm/poller.js';
import type { Scheduler } from '../slurm/scheduler.js';
import type { QueueEntry } from '../slurm/squeue.js';
import { runnableJobs } from '../truth/batchJobs.js';
import { propagateBrokenDependencies } from '../truth/dependencies.js';
import { applyObservations } from '../truth/observations.js';
import type { Observation } from '../truth/observations.js';
import { summarise } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';
import { recordTransition } from '../truth/transition.js';
import { readBatchTruth } from '../truth/truth.js';
import { VANISHED_AFTER_MS, VANISHED_CAUSE } from '../truth/vanished.js';
import type { CancelRequest } from './cancelRequest.js';
import { LockLostError } from './lock.js';
import { BatchRows, isActiveRow } from './readiness.js';
import { Submissions, noteQueuedIds } from './submission.js';
import type { PreparedSubmission } from './submission.js';
import { SubmitBackoff } from './submitBackoff.js';
import type { SubmitBackoffOptions } from './submitBackoff.js';
import { findSubmitted, recordSubmission, submitIntentOf } from './submitIntent.js';
import { SubmitJournal } from './submitJournal.js';
import type { SubmitIntent } from './submitJournal.js';
import type { BatchWaiting } from './waiting.js';

export type { PreparedSubmission } from './submission.js';

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
  /** Once at the start (`--rerun`): archive and reset the chosen jobs and their downstream; true when a row changed. */
  rerun?(rows: ReadonlyMap<string, LedgerRow>): Promise<boolean>;
  /** Every pass: refresh the heartbeat. */
  heartbeat?(summary: StatusSummary): Promise<void>;
  /** Every pass: what a user asked to cancel since the last pass (the hook forgets it once read). */
  takeCancelRequest?(): Promise<CancelRequest | undefined>;
  /** The cluster refuses submissions for now (publish why), or takes them again (null). */
  onWaiting?(waiting: BatchWaiting | null): Promise<void>;
}

export interface RunnerUpdate {
  readonly rows: readonly LedgerRow[];
  readonly summary: StatusSummary;
  /** Why the scheduler could not be asked, while it cannot. */
  readonly stale?: string;
  /** Why submissions wait, while the cluster refuses them for now. */
  readonly waiting?: BatchWaiting;
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
  /** A job that neither the queue, the accounting nor its output knows for this long is failed as vanished. */
  readonly lostAfterMs?: number;
  readonly onUpdate?: (update: RunnerUpdate) => void;
  /** Stops the loop (not the jobs) before the batch is done: `RunnerResult.stopped`. */
  readonly signal?: AbortSignal;
  /** The runner's log: what it decided that a person reading it later needs (a wait, a lowered throttle, a retry). */
  readonly onLog?: (line: string) => void;
  /** The back-off after a refusal for now (default: 5 s growing to 60 s, jittered). */
  readonly submitBackoff?: SubmitBackoffOptions;
  /** How long after a lost sbatch answer the queue is asked whether the job exists (default 15 s). */
  readonly inDoubtGraceMs?: number;
  /** The back-off after a pass that failed (default: 1 s growing to 60 s). */
  readonly passBackoff?: SubmitBackoffOptions;
  /** Passes in a row that may fail before the runner gives up (default 10, about five minutes of retries). */
  readonly maxFailedPasses?: number;
  /** Submit only these jobs (by key: `keyOfModelJob`). */
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
  const { model, hooks } = options;
  // Every queue answer bounds the id a submission in doubt can have (see noteQueuedIds).
  // eslint-disable-next-line prefer-const -- assigned once the rows are known; the queue wrapper needs it before
  let submissions: Submissions | undefined;
  let highestQueuedId = Number.NEGATIVE_INFINITY;
  const scheduler = noteQueuedIds(options.scheduler, (id) => {
    highestQueuedId = Math.max(highestQueuedId, id);
    submissions?.noteId(id);
  });
  const clock = options.clock ?? systemClock;
  const now = () => new Date(clock.now()).toISOString();
  const jobs = runnableJobs(model);
  const jobByKey = new Map(jobs.map((job) => [keyOfModelJob(job), job]));
  const lostAfterMs = options.lostAfterMs ?? VANISHED_AFTER_MS;

  // The truth first: ledger checked against every job folder, plus one poll.
  const truth = await readBatchTruth({ model, ledgerPath: options.ledgerPath, scheduler, now: () => new Date(clock.now()), vanishedAfterMs: lostAfterMs });
  const ledger: Ledger = truth.ledger;
  // Rows note which were handed out, so each pass looks again only at those (and the jobs right downstream of them).
  const rows = new BatchRows(
    model,
    ledger.rows.filter((row) => jobByKey.has(keyOf(row))).map((row) => [keyOf(row), row] as const),
  );
  const log = (line: string) => options.onLog?.(line);
  const journal = SubmitJournal.forLedger(model.rootPath ?? dirname(options.ledgerPath), options.ledgerPath);
  submissions = new Submissions({
    model,
    rows,
    scheduler,
    clock,
    maxActive: options.maxActive,
    prepare: (job, row) => hooks.prepare(job, row),
    afterFailure: (job, row) => afterFailure(job, row, hooks),
    ...(hooks.onWaiting ? { onWaiting: (waiting: BatchWaiting | null) => hooks.onWaiting!(waiting) } : {}),
    log,
    ...(options.submitBackoff ? { backoff: options.submitBackoff } : {}),
    ...(options.inDoubtGraceMs !== undefined ? { inDoubtGraceMs: options.inDoubtGraceMs } : {}),
    knownIds: [highestQueuedId],
    journal,
  });
  // A dead runner's submission the queue could not settle now stays in doubt: never submitted again unseen.
  const intents = journal.read();
  for (const unsettled of await adoptInterruptedSubmissions(jobs, rows, truth.runInfos, intents, scheduler, now())) submissions.markInDoubt(unsettled.key, unsettled.afterId, unsettled.at);
  await restartEarlierFailures(model, jobs, rows, hooks, now());
  // A rerun job whose own upstream is broken is blocked again at once. The reset is written before anything is
  // submitted, so a runner killed after that resumes the rerun as it resumes any launch.
  if (hooks.rerun && (await hooks.rerun(rows))) {
    propagateBrokenDependencies(model, rows, now());
    await writeLedger(options.ledgerPath, ledger);
  }
  // From here on every pass is in proportion to what changed: each of these readers takes the rows handed out since it
  // last looked (the start changed rows freely: readiness, the ledger's lines and the watch list start from every row).
  const unwalked = rows.changes();
  const unwritten = rows.changes();
  const unwatched = rows.changes();
  rows.startTracking();
  // The first pass walks the whole batch, as every pass did: the start may have made a job ready again behind a broken one.
  for (const key of rows.keys()) unwalked.add(key);
  const ledgerWriter = new LedgerWriter(options.ledgerPath, ledger);
  const rowList = [...rows.values()];
  const jobsToSubmit = options.onlyJobs ? jobs.filter((job) => options.onlyJobs!.has(keyOfModelJob(job))) : jobs;

  const poller = new Poller({ scheduler, clock, ...(options.pollFloorMs !== undefined ? { floorMs: options.pollFloorMs } : {}) });
  const jobById = new Map<string, ResolvedJob>();
  const pending: JobChange[] = [];
  const unknownSince = new Map<string, number>();
  let stale: string | undefined = truth.stale;
  let wake: (() => void) | undefined;
  // While the runner backs off a failed pass, the poller's news waits for the next pass rather than cutting it short.
  let wakeOnNews = true;
  const wakeUp = () => {
    wake?.();
    wake = undefined;
  };
  /** The job id watched for each key: a job's news is followed while it is submitted and not ended. */
  const watchedId = new Map<string, string>();
  const watchActive = () => {
    const ids: string[] = [];
    for (const [key, row] of rows) {
      if (!isActiveRow(row)) continue;
      const id = String(row.jobId);
      ids.push(id);
      jobById.set(id, jobByKey.get(key)!);
      watchedId.set(key, id);
    }
    unwatched.clear();
    if (ids.length > 0) poller.watch(options.batchId, ids);
  };
  /** The watch list follows the rows handed out since it last looked: new submissions watched, ended jobs dropped. */
  const syncWatch = () => {
    const added: string[] = [];
    const dropped: string[] = [];
    for (const key of unwatched) {
      const row = rows.peek(key);
      const id = row && isActiveRow(row) ? String(row.jobId) : undefined;
      const before = watchedId.get(key);
      if (id === before) continue;
      if (before !== undefined) {
        dropped.push(before);
        jobById.delete(before);
        unknownSince.delete(before);
        watchedId.delete(key);
      }
      if (id !== undefined) {
        added.push(id);
        jobById.set(id, jobByKey.get(key)!);
        watchedId.set(key, id);
      }
    }
    unwatched.clear();
    if (dropped.length > 0) poller.unwatch(options.batchId, dropped);
    if (added.length > 0) poller.watch(options.batchId, added);
    return added.length > 0;
  };
  const rowsOf = function* (keys: Iterable<string>): Iterable<LedgerRow> {
    for (const key of keys) {
      const row = rows.peek(key);
      if (row) yield row;
    }
  };
  const subscriptions = [
    poller.onDidChangeJobs((event) => {
      pending.push(...event.changes);
      if (wakeOnNews) wakeUp();
    }),
    poller.onDidChangeHealth((event) => {
      stale = event.ok ? undefined : `${event.command}: ${event.reason ?? 'failed'}`;
      if (wakeOnNews) wakeUp();
    }),
  ];
  watchActive();

  let submitted = 0;
  let cancelled = false;
  // A cancel request taken but not carried out (scancel failed) is carried to the next pass, not forgotten.
  let carriedCancel: CancelRequest | undefined;
  let failedPasses = 0;
  const passBackoff = new SubmitBackoff({ firstMs: 1_000, ceilingMs: 60_000, ...options.passBackoff });
  const maxFailedPasses = options.maxFailedPasses ?? 10;

  /** One pass: cancel, decide, submit, ledger, heartbeat. Returns the result when the batch is done or stopped. */
  const pass = async (): Promise<RunnerResult | undefined> => {
    const at = now();
    // A cancel first: jobs it stops are `cancelled`, not `broken_dependency` behind a cancelled upstream.
    const request = carriedCancel ?? (await hooks.takeCancelRequest?.());
    if (request) {
      carriedCancel = request;
      try {
        await cancelJobs(rows, scheduler, at, request.all ? undefined : request.jobs);
        cancelled ||= request.all;
        carriedCancel = undefined;
      } catch (error) {
        log(`cancel could not reach the scheduler (${messageOf(error)}); trying again next pass`);
      }
      poller.nudge();
    }
    // The poller's news decided (hooks run as each job ends), then broken dependencies: also behind jobs that
    // failed to submit or were cancelled in the last pass. The news is dropped only once applied, so a pass that
    // fails on the way applies it again.
    const changes = pending.slice();
    const observations = observationsOf(changes, { jobById, unknownSince, clock, lostAfterMs });
    const activeBefore = rows.active;
    // The walk for broken dependencies starts from what changed since the last one (a refused submission, a cancel);
    // what it hands out itself (the jobs observed, those it walks past) it has walked from.
    const changed = [...unwalked];
    // A job that ended well (or was cancelled) only records its end in its own folder, which nothing later in the pass
    // reads before the submissions: those records are written together once every job is decided, a few at a time
    // (one by one, each of the ~10 file operations of an atomic write waited for alone, they cost twice the CPU). A
    // failed job's hooks (its failure output, a restart) still run in order as it is decided.
    const endRecords: (() => Promise<void>)[] = [];
    await applyObservations({
      model,
      rows,
      observations,
      at,
      changed,
      onEnded: async (job, row, decision) => {
        if (decision.status !== 'failed') {
          if (hooks.onJobEnded) endRecords.push(() => hooks.onJobEnded!(job, row));
          return;
        }
        await hooks.onJobEnded?.(job, row);
        await afterFailure(job, row, hooks);
      },
    });
    await runFewAtATime(endRecords, END_RECORDS_AT_ONCE);
    unwalked.clear();
    pending.splice(0, changes.length);
    if (rows.active < activeBefore) submissions.slotFreed();
    const adopted = await submissions.settleInDoubt();
    if (!cancelled && carriedCancel?.all !== true) {
      const ids = await submissions.submitReady(jobsToSubmit, at);
      submitted += ids.length;
      adopted.push(...ids);
    }
    if (syncWatch() || adopted.length > 0) poller.nudge();

    ledgerWriter.update(rowsOf(unwritten));
    unwritten.clear();
    await ledgerWriter.write();
    // Only now, with every submission in the ledger, can their intents go.
    await submissions.ledgerWritten();
    const summary = rows.summary();
    await hooks.heartbeat?.(summary);
    const waiting = submissions.waiting;
    options.onUpdate?.({ rows: rowList, summary, ...(stale ? { stale } : {}), ...(waiting ? { waiting } : {}) });
    // a submission in doubt is settled before the runner ends, even for a job cancelled meanwhile
    const done = rows.allFinal && submissions.inDoubtJobs.size === 0;
    if (!done && !options.signal?.aborted) return undefined;
    if (waiting) await hooks.onWaiting?.(null);
    return { summary, cancelled, submitted, stopped: !done };
  };

  /** Sleeps `ms`, or until the poller has news when `onNews`; the signal ends any sleep. */
  const sleep = (ms: number, onNews: boolean) =>
    new Promise<void>((resolve) => {
      wakeOnNews = onNews;
      if (onNews && pending.length > 0) return resolve();
      const stop = () => wakeUp();
      const timer = clock.setTimeout(() => {
        wake = undefined;
        options.signal?.removeEventListener('abort', stop);
        resolve();
      }, ms);
      wake = () => {
        clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', stop);
        resolve();
      };
      options.signal?.addEventListener('abort', stop, { once: true });
    }).finally(() => {
      wakeOnNews = true;
    });

  // The clock's timers do not hold the process open (a poller must not keep an editor alive);
  // a runner must stay alive until its batch is done.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    for (;;) {
      let result: RunnerResult | undefined;
      try {
        result = await pass();
        if (failedPasses > 0) log(`the pass works again after ${failedPasses} failed`);
        failedPasses = 0;
        passBackoff.accepted();
      } catch (error) {
        // Another runner took the batch over: stop at once, touch nothing.
        if (error instanceof LockLostError) throw error;
        failedPasses++;
        if (failedPasses >= maxFailedPasses) throw new RunnerGaveUpError(`${failedPasses} passes in a row failed, the last with: ${messageOf(error)}`);
        const retryAt = passBackoff.refused(clock.now());
        log(`a pass failed (${messageOf(error)}); retrying in ${Math.max(1, Math.round((retryAt - clock.now()) / 1000))} s`);
        if (options.signal?.aborted) {
          const summary = summarise([...rows.values()].map((row) => row.status));
          return { summary, cancelled, submitted, stopped: true };
        }
        await sleep(passBackoff.remainingMs(clock.now()), false);
        continue;
      }
      if (result) return result;
      // Sleep until the poller has news, a submission is due (a back-off ends, a doubt is to be settled), or the
      // next heartbeat: never a busy loop.
      const heartbeatMs = options.heartbeatMs ?? 15_000;
      await sleep(Math.min(heartbeatMs, submissions.nextWakeMs(jobsToSubmit) ?? heartbeatMs), true);
    }
  } finally {
    clearInterval(keepAlive);
    for (const subscription of subscriptions) subscription.dispose();
    poller.dispose();
  }
}

/** How many ended jobs' records are written at once (each holds a file open for a moment). */
const END_RECORDS_AT_ONCE = 16;

/** Runs the tasks, at most `limit` at a time; every task runs even when one fails, then the first failure is thrown. */
async function runFewAtATime(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      await task().catch((error: unknown) => void failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failures.length > 0) throw failures[0];
}

/** The runner cannot go on (the same failure pass after pass): the launch is closed with this one-line reason. */
export class RunnerGaveUpError extends Error {
  override readonly name = 'RunnerGaveUpError';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface ChangeContext {
  readonly jobById: ReadonlyMap<string, ResolvedJob>;
  readonly unknownSince: Map<string, number>;
  readonly clock: Clock;
  readonly lostAfterMs: number;
}

/**
 * The poller's changes as observations of the batch's jobs. A job the scheduler has not known for `lostAfterMs` has
 * vanished; until then its output alone may settle it. The poller says nothing more of a job that stays unknown, so
 * every pass looks again at the jobs still unknown, and the grace ends even when no news comes.
 */
function observationsOf(changes: readonly JobChange[], context: ChangeContext): Observation[] {
  const observations: Observation[] = [];
  const changed = new Set<string>();
  for (const change of changes) {
    const job = context.jobById.get(change.jobId);
    if (!job) continue;
    changed.add(change.jobId);
    const seen = change.current;
    const observation: Observation = { key: keyOfModelJob(job), jobId: change.jobId, ...(seen.elapsedSeconds !== undefined ? { elapsedSeconds: seen.elapsedSeconds } : {}) };
    if (seen.status === 'unknown') {
      const since = context.unknownSince.get(change.jobId) ?? context.clock.now();
      context.unknownSince.set(change.jobId, since);
      if (context.clock.now() - since >= context.lostAfterMs) observation.lostCause = VANISHED_CAUSE;
    } else {
      context.unknownSince.delete(change.jobId);
      if (seen.slurmState !== undefined) observation.state = seen.slurmState;
      if (seen.exitCode !== undefined) observation.exitCode = seen.exitCode;
      if (seen.startedAt !== undefined) observation.startedAt = seen.startedAt;
      if (seen.endedAt !== undefined) observation.endedAt = seen.endedAt;
    }
    observations.push(observation);
  }
  for (const [jobId, since] of context.unknownSince) {
    const job = context.jobById.get(jobId);
    if (changed.has(jobId) || !job || context.clock.now() - since < context.lostAfterMs) continue;
    context.unknownSince.delete(jobId);
    observations.push({ key: keyOfModelJob(job), jobId, lostCause: VANISHED_CAUSE });
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
    const row = rows.get(keyOfModelJob(job));
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

/**
 * Jobs a dead runner left half-done, put right from what their folders and the journal say:
 * - a restart that was planned (the fresh folder's run_info.json counts more restarts than the ledger
 *   row) makes the row that new attempt: submitted if run_info names its id, else not started;
 * - a submission interrupted between sbatch and the ledger (an intent in the journal, or in run_info.json
 *   from an older Batchman) is found in the queue by its folder — only a job newer than the intent's
 *   bound and any earlier attempt's id — and adopted; when the queue has none, the job is submitted again;
 * - a submission the ledger already holds is written to run_info.json (its record may not have reached the disk).
 * When the queue does not answer, the submissions it should settle are returned, to stay in doubt until it does.
 */
async function adoptInterruptedSubmissions(
  jobs: readonly ResolvedJob[],
  rows: Map<string, LedgerRow>,
  runInfos: ReadonlyMap<string, RunInfo | undefined>,
  intents: ReadonlyMap<string, SubmitIntent>,
  scheduler: Scheduler,
  at: string,
): Promise<{ key: string; afterId: number; at: string }[]> {
  let entries: QueueEntry[] | undefined;
  let queueFailed = false;
  const unsettled: { key: string; afterId: number; at: string }[] = [];
  for (const job of jobs) {
    const key = keyOfModelJob(job);
    const row = rows.get(key);
    if (!row) continue;
    const journaled = intents.get(job.path);
    // The truth just read every job's run_info.json (or knew it unchanged): read again only what it did not see.
    const info = runInfos.has(key) ? runInfos.get(key) : await readRunInfo(job.path).catch(() => undefined);
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
    if (journaled === undefined && submitIntentOf(info) === undefined) continue;
    if (row.jobId !== NO_JOB_ID && row.jobId > earlierAttemptId) {
      row.submittedAt ??= at;
      await recordSubmission(job.path, job.basename, job.programName, row.jobId, row.submittedAt, row.restarts ?? 0);
      continue;
    }
    if (row.status !== 'not_started') continue;
    const afterId = Math.max(earlierAttemptId, journaled?.afterId ?? Number.NEGATIVE_INFINITY);
    const submittedAt = journaled?.at || at;
    if (entries === undefined && !queueFailed) entries = await scheduler.queue().then((snapshot) => snapshot.entries, () => undefined);
    queueFailed = entries === undefined;
    if (entries === undefined) {
      unsettled.push({ key, afterId, at: submittedAt });
      continue;
    }
    const found = findSubmitted(entries, job.path, job.basename, afterId) ?? findSubmitted(entries, realPath(job.path), job.basename, afterId);
    if (found) {
      row.jobId = Number(found.id);
      row.status = 'pending';
      row.submittedAt = submittedAt;
      await recordSubmission(job.path, job.basename, job.programName, row.jobId, submittedAt, row.restarts ?? 0);
    }
  }
  return unsettled;
}

/** Cancels the jobs of these keys (all when `only` is absent) in ONE scheduler call; unsubmitted ones just become cancelled. */
export async function cancelJobs(rows: ReadonlyMap<string, LedgerRow>, scheduler: Pick<Scheduler, 'cancel'>, at: string, only?: ReadonlySet<string>): Promise<void> {
  // Each chosen row is taken with `get`: the runner's rows then know which ones a cancel may change.
  const chosen = [...rows.keys()].filter((key) => only === undefined || only.has(key)).map((key) => rows.get(key)!);
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
