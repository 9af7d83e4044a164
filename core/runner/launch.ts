// One launch of a batch, as `batchman run` and the library API do it: the runner lock, the batch record
// (new, or the lost one resumed), the heartbeat, the loop, and the record closed at the end.
import { availableParallelism } from 'node:os';
import type { BatchModel } from '../batchfile/index.js';
import { createScheduler, resolveExecutorKind } from '../executors/chooseExecutor.js';
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import { ledgerPathFor } from '../ledger/ledger.js';
import { sacctmgrFromEnv } from '../slurm/commandsEnv.js';
import { AUTO_JOBS_CAP, describeSiteRoom, siteRoom } from '../slurm/sacctmgrRoom.js';
import type { Scheduler } from '../slurm/scheduler.js';
import { readBatchSettings } from './batchSettings.js';
import { clearCancelRequest, readCancelRequest } from './cancelRequest.js';
import { withTestCrashAfterSubmit } from './crashHook.js';
import { createJobHooks } from './jobHooks.js';
import { LockLostError, acquireRunnerLock, isPidAlive, startHeartbeat } from './lock.js';
import { batchRecordPath, closeBatchRecord, createBatchRecord, effectiveStatus, heartbeat, listBatchRecords, newBatchRecordId, reopenBatchRecord, updateBatchRecord } from './records.js';
import type { BatchRecord } from './records.js';
import { runBatch } from './runner.js';
import type { RunnerResult, RunnerUpdate } from './runner.js';

export interface LaunchOptions {
  readonly batchfilePath: string;
  readonly model: BatchModel;
  readonly rootPath: string;
  readonly executor?: ExecutorChoice;
  /**
   * Most jobs pending or running at once (see `resolveMaxActive`); 'auto' on SLURM is the room the site's
   * submit limits leave, asked once at launch.
   */
  readonly maxActive: (executor: 'slurm' | 'local') => number | 'auto';
  readonly restartFailed?: boolean;
  /** With restartFailed: restart only these jobs (see JobHookOptions.restartJobs). */
  readonly restartJobs?: ReadonlySet<string>;
  /** Rerun these jobs and their downstream from their inputs, whatever their status (see JobHookOptions.rerunJobs). */
  readonly rerunJobs?: ReadonlySet<string>;
  readonly name?: string;
  readonly message?: string;
  readonly tags?: readonly string[];
  readonly ledger?: string;
  /** The options as the user asked for them, kept in the record. */
  readonly commandOptions?: Record<string, unknown>;
  readonly onStart?: (record: BatchRecord, resumed: boolean, computed: { executor: 'slurm' | 'local'; jobs: number; jobsReason?: string }) => void;
  readonly onUpdate?: (update: RunnerUpdate) => void;
  /** The runner's log lines (a wait, a lowered throttle, a pass retried). */
  readonly onLog?: (line: string) => void;
  /** Stops waiting (not the jobs): the record stays in progress, so a later launch resumes it. */
  readonly signal?: AbortSignal;
  /** Submit only these jobs (the library's `submit`); others wait for a later launch. */
  readonly onlyJobs?: ReadonlySet<string>;
  /** The poller's floor in ms (default 5 s on SLURM, 1 s locally). */
  readonly pollFloorMs?: number;
}

export interface LaunchResult extends RunnerResult {
  readonly record: BatchRecord;
}

/**
 * `-j auto`: locally, one job per core; on SLURM it stays 'auto' until launch asks the site (`autoMaxActive`):
 * the scheduler queues and the cluster decides, within the user's submit limits and a polite cap.
 */
export function resolveMaxActive(jobs: number | 'auto', executor: 'slurm' | 'local'): number | 'auto' {
  if (jobs !== 'auto') return jobs;
  return executor === 'slurm' ? 'auto' : Math.max(1, availableParallelism());
}

/** `-j auto` on SLURM: the room the user's submit limits leave beside the jobs queued outside this batch. */
async function autoMaxActive(scheduler: Scheduler, model: BatchModel): Promise<{ jobs: number; reason: string; limit?: { source: string; limit: number; queuedElsewhere: number } }> {
  if (scheduler.kind !== 'slurm') return { jobs: AUTO_JOBS_CAP, reason: `-j auto = ${AUTO_JOBS_CAP}` };
  const sacctmgr = sacctmgrFromEnv();
  const room = await siteRoom({
    ...(sacctmgr !== undefined ? { sacctmgr } : {}),
    queue: async () => (await scheduler.queue()).entries,
    batchFolders: new Set(model.jobs.map((job) => job.path)),
  });
  return {
    jobs: room.jobs,
    reason: describeSiteRoom(room),
    ...(room.limit ? { limit: { source: room.limit.source, limit: room.limit.limit, queuedElsewhere: room.queuedElsewhere } } : {}),
  };
}

/** Throws LockHeldError when another live runner has the batch. */
export async function launchBatch(options: LaunchOptions): Promise<LaunchResult> {
  const { rootPath, batchfilePath, model } = options;
  const executor = resolveExecutorKind(options.executor ?? 'auto');
  const scheduler = withTestCrashAfterSubmit(createScheduler(executor));
  const asked = options.maxActive(executor);
  const settings = await readBatchSettings(batchfilePath);
  const ledgerPath = ledgerPathFor(batchfilePath, options.ledger);
  const recordId = newBatchRecordId();
  const lock = await acquireRunnerLock({ rootPath, batchfilePath, recordId });
  try {
    const auto = asked === 'auto' ? await autoMaxActive(scheduler, model) : undefined;
    const maxActive = auto?.jobs ?? (asked === 'auto' ? AUTO_JOBS_CAP : asked);
    const computed = { executor, jobs: maxActive, ...(auto?.limit ? { jobsLimit: auto.limit } : {}), restartFailed: options.restartFailed ?? false, ledger: ledgerPath, maxRestarts: settings.maxRestarts };
    const lost = await lostRecordId(rootPath, batchfilePath, lock.previous?.recordId ?? null);
    const record = lost
      ? await reopenBatchRecord(batchRecordPath(rootPath, lost))
      : await createBatchRecord({
          rootPath,
          batchfilePath,
          id: recordId,
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.message !== undefined ? { message: options.message } : {}),
          tags: options.tags ?? [],
          commandOptions: options.commandOptions ?? {},
          computedOptions: computed,
        });
    if (lost) await lock.setRecordId(record.id);
    const recordPath = batchRecordPath(rootPath, record.id);
    options.onStart?.(record, lost !== null, { executor, jobs: maxActive, ...(auto ? { jobsReason: auto.reason } : {}) });

    let lockLost = false;
    const beating = startHeartbeat({
      beat: async (now) => {
        await lock.refreshHeartbeat(now);
        await heartbeat(recordPath, now);
      },
      onError: (error) => {
        if (error instanceof LockLostError) lockLost = true;
      },
    });
    try {
      const result = await runBatch({
        batchId: record.id,
        model,
        ledgerPath,
        scheduler,
        maxActive,
        pollFloorMs: options.pollFloorMs ?? (executor === 'local' ? 1_000 : 5_000),
        ...(options.onlyJobs ? { onlyJobs: options.onlyJobs } : {}),
        hooks: {
          ...createJobHooks({ model, rootPath, settings, restartFailed: options.restartFailed ?? false, ...(options.restartJobs ? { restartJobs: options.restartJobs } : {}), ...(options.rerunJobs ? { rerunJobs: options.rerunJobs } : {}) }),
          // Another runner took the batch over (this one hung past the staleness limit): stop, touch nothing.
          heartbeat: async () => {
            if (lockLost) throw new LockLostError(lock.path, null);
          },
          takeCancelRequest: async () => {
            const request = await readCancelRequest(rootPath, batchfilePath);
            if (request) await clearCancelRequest(rootPath, batchfilePath);
            return request;
          },
          // The record is what `status`, the tree and the dashboard read: a batch-level fact, beside the runner's heartbeat.
          onWaiting: async (waiting) => {
            await updateBatchRecord(recordPath, { waiting });
          },
        },
        ...(options.onUpdate ? { onUpdate: options.onUpdate } : {}),
        ...(options.onLog ? { onLog: options.onLog } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!result.stopped) await closeBatchRecord(recordPath, { status: result.cancelled ? 'canceled' : 'completed', counts: result.summary });
      return { ...result, record };
    } catch (error) {
      if (!(error instanceof LockLostError)) {
        await closeBatchRecord(recordPath, { status: 'internal_error', counts: null, error: oneLine(error) }).catch(() => undefined);
      }
      throw error;
    } finally {
      await beating.stop();
    }
  } finally {
    await lock.release();
  }
}

/** An error as one line for the record (a message, never a stack). */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/**
 * The launch a dead runner left in progress, so this runner resumes it instead of starting another.
 * A lock naming a record that does not exist was left by a runner killed between taking the lock and
 * writing its record: the launch to resume is then the newest lost one, not a new one.
 */
async function lostRecordId(rootPath: string, batchfilePath: string, fromLock: string | null): Promise<string | null> {
  const records = await listBatchRecords(rootPath, batchfilePath);
  const now = Date.now();
  const lost = records.filter((record) => effectiveStatus(record, now, isPidAlive) === 'lost');
  if (fromLock === null || !records.some((record) => record.id === fromLock)) return lost[0]?.id ?? null;
  return lost.find((record) => record.id === fromLock)?.id ?? null;
}
