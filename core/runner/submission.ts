// Submitting a batch's ready jobs and acting on sbatch's answer: accepted; refused for now (the job stays ready, the
// runner backs off and lowers its throttle to what the cluster took); refused for good (the job fails with SLURM's
// message); in doubt (the job may exist: the next squeue, or its slurm-<id>.out, decides before it is submitted again).
import { realpathSync } from 'node:fs';
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { Clock } from '../slurm/clock.js';
import type { SbatchRefusal } from '../slurm/sbatchAnswers.js';
import type { Scheduler } from '../slurm/scheduler.js';
import { SchedulerError } from '../slurm/scheduler.js';
import { recordTransition } from '../truth/transition.js';
import { activeCount, readyJobs } from './readiness.js';
import { SubmitBackoff } from './submitBackoff.js';
import type { SubmitBackoffOptions } from './submitBackoff.js';
import { findOutputId, findSubmitted, recordSubmission } from './submitIntent.js';
import type { SubmitJournal } from './submitJournal.js';
import type { BatchWaiting } from './waiting.js';

export interface PreparedSubmission {
  readonly scriptPath: string;
  /** sbatch options (an argv array, never a shell string). */
  readonly extraArgs: readonly string[];
}

export interface SubmissionsOptions {
  readonly model: BatchModel;
  /** The batch's rows by job key (`keyOfModelJob`). */
  readonly rows: Map<string, LedgerRow>;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
  /** The throttle asked for (`-j`); a submit limit of the cluster may lower it. */
  readonly maxActive: number;
  /** Pipes, submit script, options; `failedCause` fails the job instead of submitting it. */
  readonly prepare: (job: ResolvedJob, row: LedgerRow) => Promise<PreparedSubmission | { readonly failedCause: string }>;
  /** A job that failed before it ran (its failure output, a restart). */
  readonly afterFailure: (job: ResolvedJob, row: LedgerRow) => Promise<void>;
  /** The wait is published (the batch record), null when it ends. */
  readonly onWaiting?: (waiting: BatchWaiting | null) => Promise<void>;
  /** One line for the runner's log, said once per event, not per retry. */
  readonly log?: (line: string) => void;
  readonly backoff?: SubmitBackoffOptions;
  /**
   * How long after an answer in doubt the queue is asked (default 15 s): a controller that took the request but was
   * slow to answer may list the job a moment later, and a job submitted twice is the one thing never to risk.
   */
  readonly inDoubtGraceMs?: number;
  /** Every job id known before this runner submits anything: a job in doubt can only be newer. */
  readonly knownIds?: Iterable<number>;
  /** Where each submission's intent is made durable before its sbatch. */
  readonly journal: SubmitJournal;
}

/** A ready job made ready to submit: its pipes and script, or why it cannot be submitted. */
interface Staged {
  readonly job: ResolvedJob;
  readonly key: string;
  readonly row: LedgerRow;
  readonly prepared: PreparedSubmission | { readonly failedCause: string };
}

interface InDoubt {
  /** Clock time the answer in doubt came back. */
  readonly since: number;
  /** Ids up to this one existed before the submission: the job, if created, is newer. */
  readonly afterId: number;
  /** When it was submitted (ISO), for the row if it is adopted. */
  readonly at: string;
}

export class Submissions {
  private throttle: number;
  private readonly backoff: SubmitBackoff;
  private readonly inDoubt = new Map<string, InDoubt>();
  private readonly graceMs: number;
  private highestKnownId = Number.NEGATIVE_INFINITY;
  private waitingNow: BatchWaiting | undefined;
  private queueUnanswered = false;
  private floorAsked = false;

  constructor(private readonly options: SubmissionsOptions) {
    this.throttle = options.maxActive;
    this.backoff = new SubmitBackoff(options.backoff);
    this.graceMs = options.inDoubtGraceMs ?? 15_000;
    for (const id of options.knownIds ?? []) this.noteId(id);
    for (const row of options.rows.values()) this.noteId(row.jobId);
  }

  /** What the batch waits for, while the cluster refuses submissions for now. */
  get waiting(): BatchWaiting | undefined {
    return this.waitingNow;
  }

  /** The throttle in force: `-j`, or less once the cluster showed its submit limit. */
  get maxActive(): number {
    return this.throttle;
  }

  /** Keys of the jobs whose submission is in doubt (they hold a slot until it is settled). */
  get inDoubtJobs(): ReadonlySet<string> {
    return new Set(this.inDoubt.keys());
  }

  /** A job a dead runner left with an intent that could not be settled yet (the queue did not answer). */
  markInDoubt(key: string, afterId: number, at: string): void {
    this.inDoubt.set(key, { since: Number.NEGATIVE_INFINITY, afterId, at });
  }

  /** A job id the runner learnt of (every id it sees bounds what a job in doubt can be). */
  noteId(id: number): void {
    if (Number.isSafeInteger(id) && id >= 0 && id > this.highestKnownId) this.highestKnownId = id;
  }

  /** A job of the batch ended: its slot is room the cluster just gave back, tried at once. */
  slotFreed(): void {
    this.backoff.slotFreed();
  }

  /** When the loop should wake to submit or settle even if the poller has no news (ms from now), if ever. */
  nextWakeMs(jobs: readonly ResolvedJob[]): number | undefined {
    const now = this.options.clock.now();
    const wakes: number[] = [];
    for (const doubt of this.inDoubt.values()) wakes.push(Math.max(0, doubt.since + this.graceMs - now));
    if (this.freeSlots() > 0 && this.ready(jobs).length > 0) wakes.push(this.backoff.remainingMs(now));
    return wakes.length > 0 ? Math.min(...wakes) : undefined;
  }

  /**
   * Settles the submissions in doubt whose grace has passed, with ONE squeue: a job listed under its folder and name
   * (newer than every id known before it was submitted) or whose slurm-<id>.out appeared is adopted; one that is in
   * neither was certainly not created and is ready again. Returns the adopted ids. A queue that does not answer
   * settles nothing.
   */
  async settleInDoubt(): Promise<string[]> {
    const now = this.options.clock.now();
    const due = [...this.inDoubt].filter(([, doubt]) => doubt.since + this.graceMs <= now);
    if (due.length === 0) return [];
    let entries;
    try {
      entries = (await this.options.scheduler.queue()).entries;
    } catch (error) {
      if (!this.queueUnanswered) this.log(`cannot settle ${due.length} submission(s) in doubt yet: ${messageOf(error)}; asking again later`);
      this.queueUnanswered = true;
      return [];
    }
    this.queueUnanswered = false;
    const adopted: string[] = [];
    for (const [key, doubt] of due) {
      const job = this.jobByKey(key);
      const row = this.options.rows.get(key);
      this.inDoubt.delete(key);
      if (!job || !row) continue;
      const found = findSubmitted(entries, job.path, job.basename, doubt.afterId) ?? findSubmitted(entries, realPath(job.path), job.basename, doubt.afterId);
      const id = found ? Number(found.id) : await findOutputId(job.path, doubt.afterId);
      if (row.status === 'cancelled') {
        // cancelled while in doubt: a job that was created after all is cancelled too
        if (found) await this.options.scheduler.cancel([found.id]);
        this.options.journal.clearAll([job.path]);
        continue;
      }
      if (row.status !== 'not_started') continue;
      if (id === undefined) {
        this.options.journal.clearAll([job.path]);
        this.log(`${job.basename}: the submission in doubt created no job; submitting it again`);
        continue;
      }
      await this.accepted(job, row, id, doubt.at);
      this.log(`${job.basename}: the submission in doubt had created job ${id}; adopted`);
      adopted.push(String(id));
    }
    return adopted;
  }

  /**
   * Submits ready jobs within the throttle and the back-off; returns the new job ids. Each job keeps the crash-safe
   * order (its intent durable, then sbatch, then run_info.json), but the intents of as many jobs as there are slots
   * are written together (one fsync), the next job's script is written while this job's sbatch runs, and this job's
   * run_info.json while the next one's does: the runner's own files cost no time beside the controller's answer. Every
   * write has ended when this returns (the ledger is written after); jobs given an intent but not submitted (a
   * refusal, a failed preparation) have it cleared.
   */
  async submitReady(jobs: readonly ResolvedJob[], at: string): Promise<string[]> {
    const ids: string[] = [];
    if (!this.backoff.mayTry(this.options.clock.now())) return ids;
    let slots = this.freeSlots();
    if (slots > 0) await this.askFloorOnce(jobs);
    const ready = slots > 0 ? this.ready(jobs) : [];
    let nextIndex = 0;
    const records: Promise<void>[] = [];
    let staged: Promise<Staged> | undefined;
    let recordFailure: PromiseRejectedResult | undefined;
    // Folders given an intent in this pass whose job is neither submitted nor in doubt (yet).
    const intended = new Set<string>();
    let intendedUpTo = 0;
    const stageNext = (): Promise<Staged> | undefined => {
      if (nextIndex >= ready.length) return undefined;
      if (nextIndex >= intendedUpTo) {
        // Every id known now bounds these jobs' ids (low, as an earlier sbatch may still run; never high).
        const group = ready.slice(nextIndex, nextIndex + Math.max(1, slots));
        this.options.journal.recordAll(group.map((job) => ({ directory: job.path, at, afterId: this.highestKnownId })));
        for (const job of group) intended.add(job.path);
        intendedUpTo = nextIndex + group.length;
      }
      const staging = this.stage(ready[nextIndex++]!);
      // Awaited below on every path; this only keeps a failure from counting as unhandled meanwhile.
      staging.catch(() => undefined);
      return staging;
    };
    try {
      staged = slots > 0 ? stageNext() : undefined;
      while (staged) {
        const current = await staged;
        staged = undefined;
        const { job, key, row } = current;
        if (!('scriptPath' in current.prepared)) {
          recordTransition(row, { status: 'failed', cause: current.prepared.failedCause }, undefined, at);
          await this.options.afterFailure(job, row);
          staged = stageNext();
          continue;
        }
        // The next job is made ready while this one's sbatch runs, when a slot is left for it.
        if (slots > 1) staged = stageNext();
        const afterId = this.highestKnownId;
        let jobId: string;
        try {
          ({ jobId } = await this.options.scheduler.submit(current.prepared.scriptPath, { cwd: job.path, jobName: job.basename, extraArgs: current.prepared.extraArgs }));
        } catch (error) {
          const refusal = refusalOf(error);
          // sbatch did not even run: nothing was submitted, and this is the runner's trouble, not the job's
          if (refusal === undefined) throw error;
          if (refusal.kind === 'for-good') {
            recordTransition(row, { status: 'failed', cause: `submission refused: ${refusal.message}` }, undefined, at);
            await this.options.afterFailure(job, row);
            staged ??= stageNext();
            continue;
          }
          if (refusal.kind === 'for-now') {
            await this.refusedForNow(refusal, at);
            break;
          }
          // In doubt: the intent stays (a runner killed now finds the job the same way); it holds its slot meanwhile.
          intended.delete(job.path);
          this.inDoubt.set(key, { since: this.options.clock.now(), afterId, at });
          this.backoff.refused(this.options.clock.now());
          this.log(`${job.basename}: sbatch's answer was lost (${refusal.message}); the job may exist: the queue decides in ${Math.round(this.graceMs / 1000)} s`);
          break;
        }
        intended.delete(job.path);
        await this.accepted(job, row, Number(jobId), at, records);
        ids.push(jobId);
        slots--;
      }
    } finally {
      // A job given an intent but not submitted (refused, failed to prepare, or not reached) keeps none: nobody looks
      // for it. The job being made ready beside the last sbatch is waited for first.
      if (staged) await staged.catch(() => undefined);
      try {
        this.options.journal.clearAll(intended);
      } catch {
        // A clearing that cannot be written costs a resumed runner one look in the queue, which finds nothing.
      }
      // Every run_info.json write ends before the pass does; a failed one is thrown below, unless the pass threw first.
      recordFailure = (await Promise.allSettled(records)).find((result) => result.status === 'rejected');
    }
    if (recordFailure) throw recordFailure.reason;
    await this.afterPass(jobs);
    return ids;
  }

  /** A ready job's pipes and script (its intent is already durable). */
  private async stage(job: ResolvedJob): Promise<Staged> {
    const key = keyOfModelJob(job);
    const row = this.options.rows.get(key)!;
    const prepared = await this.options.prepare(job, row);
    return { job, key, row, prepared };
  }

  /**
   * The ledger, written durably, now holds every submission so far: the journal keeps only the intents of jobs still in
   * doubt (the queue has not yet said whether they exist).
   */
  async ledgerWritten(): Promise<void> {
    const inDoubtFolders = new Set<string>();
    for (const key of this.inDoubt.keys()) {
      const job = this.jobByKey(key);
      if (job) inDoubtFolders.add(job.path);
    }
    await this.options.journal.keepOnly(inDoubtFolders);
  }

  /**
   * Before this runner's first sbatch, when no job id is known yet (a fresh batch asks the queue nothing at start):
   * one squeue, so an answer in doubt is never matched to an older job of the same folder and name (an earlier
   * batch's run of it, still listed as ended). The queue's ids reach `noteId` through `noteQueuedIds`.
   */
  private async askFloorOnce(jobs: readonly ResolvedJob[]): Promise<void> {
    if (this.floorAsked || this.highestKnownId > Number.NEGATIVE_INFINITY || this.ready(jobs).length === 0) return;
    this.floorAsked = true;
    const snapshot = await this.options.scheduler.queue().catch(() => undefined);
    for (const entry of snapshot?.entries ?? []) this.noteId(Number.parseInt(entry.id, 10));
  }

  /** The job is the scheduler's now; its run_info.json is written, or with `records` left writing there. */
  private async accepted(job: ResolvedJob, row: LedgerRow, id: number, at: string, records?: Promise<void>[]): Promise<void> {
    this.backoff.accepted();
    this.noteId(id);
    row.jobId = id;
    row.submittedAt = at;
    for (const key of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState'] as const) delete row[key];
    row.status = 'pending';
    const record = recordSubmission(job.path, job.basename, job.programName, id, at, row.restarts ?? 0);
    if (records) {
      record.catch(() => undefined);
      records.push(record);
    } else {
      await record;
    }
    // The cluster takes jobs again; a submit limit keeps showing while it holds jobs back (afterPass).
    if (this.waitingNow && this.waitingNow.reason !== 'submit limit') await this.setWaiting(undefined, 'the cluster takes jobs again');
  }

  /** The cluster said "not now": wait (growing, jittered), and under a submit limit keep to what it took. */
  private async refusedForNow(refusal: Extract<SbatchRefusal, { kind: 'for-now' }>, at: string): Promise<void> {
    const now = this.options.clock.now();
    const retryAt = this.backoff.refused(now);
    if (refusal.reason === 'submit limit') {
      const took = Math.max(1, activeCount(this.options.rows) + this.inDoubt.size);
      if (took < this.throttle) {
        this.throttle = took;
        this.log(`sbatch: ${refusal.message}; the cluster takes ${took} of this batch's jobs at a time: at most ${took} from now on`);
      }
    }
    const previous = this.waitingNow;
    const limit = refusal.reason === 'submit limit' ? this.throttle : undefined;
    if (previous?.reason === refusal.reason && previous.limit === limit) return;
    const waiting: BatchWaiting = { reason: refusal.reason, ...(limit !== undefined ? { limit } : {}), since: previous?.since ?? at, message: refusal.message };
    const line = refusal.reason === 'submit limit' ? undefined : `sbatch: ${refusal.message}; waiting (${refusal.reason}), next try in ${Math.round((retryAt - now) / 1000)} s and less often after`;
    await this.setWaiting(waiting, line);
  }

  /** A submit limit's wait ends when nothing ready is held back any more. */
  private async afterPass(jobs: readonly ResolvedJob[]): Promise<void> {
    if (this.waitingNow?.reason === 'submit limit' && this.ready(jobs).length === 0) await this.setWaiting(undefined, 'every ready job is submitted: no longer held back by the submit limit');
  }

  private async setWaiting(waiting: BatchWaiting | undefined, line: string | undefined): Promise<void> {
    this.waitingNow = waiting;
    if (line !== undefined) this.log(line);
    await this.options.onWaiting?.(waiting ?? null);
  }

  private freeSlots(): number {
    return this.throttle - activeCount(this.options.rows) - this.inDoubt.size;
  }

  private ready(jobs: readonly ResolvedJob[]): ResolvedJob[] {
    return readyJobs(this.options.model, jobs, this.options.rows).filter((job) => !this.inDoubt.has(keyOfModelJob(job)));
  }

  private jobByKey(key: string): ResolvedJob | undefined {
    return this.options.model.jobs.find((job) => keyOfModelJob(job) === key);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/**
 * The scheduler as the runner uses it, every queue answer noting the highest job id it lists (ended jobs included):
 * SLURM's ids grow, so a job created by a submission in doubt is newer than any id listed before it, and an earlier
 * job of the same folder and name still listed (a finished run of the same batch) is never taken for it.
 */
export function noteQueuedIds(scheduler: Scheduler, note: (id: number) => void): Scheduler {
  return {
    kind: scheduler.kind,
    submit: (scriptPath, options) => scheduler.submit(scriptPath, options),
    queue: async () => {
      const snapshot = await scheduler.queue();
      let highest = Number.NEGATIVE_INFINITY;
      for (const entry of snapshot.entries) {
        const id = Number.parseInt(entry.id, 10);
        if (id > highest) highest = id;
      }
      note(highest);
      return snapshot;
    },
    accounting: (ids) => scheduler.accounting(ids),
    cancel: (ids) => scheduler.cancel(ids),
  };
}

/**
 * What a failed submission means for its job. A scheduler that classifies (SLURM) says so in the error; the local
 * executor's own refusals (a folder it cannot use) fail the job; a submission that could not run at all is undefined.
 */
function refusalOf(error: unknown): SbatchRefusal | undefined {
  if (!(error instanceof SchedulerError)) return undefined;
  if (error.refusal) return error.refusal;
  return error.kind === 'failed' ? { kind: 'for-good', message: error.message } : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
