// The runner's hooks as Batchman fills them: pipes and submit scripts before a job runs, the final geometry
// after it succeeded and {basename}.json after it ended, failure output and restarts (-r) after it failed.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import { newRunInfo, readRunInfo, readRunInfoNow, writeRunInfo } from '../ledger/runInfo.js';
import { ensureUpstreamFinalGeometries, writeFinalGeometry } from '../programs/finalGeometry.js';
import { applyPipes } from '../programs/pipeTransfer.js';
import { readJobResults } from '../results/jobResults.js';
import type { BatchSettings } from './batchSettings.js';
import { copyFailureOutput, failOutputRoot } from './failures.js';
import { recordAttemptEnd } from './runInfoOutcome.js';
import { resetForRerun } from './rerun.js';
import { applyRestartGeometry, archiveAttempt, planRestart } from './restart.js';
import type { RunnerHooks } from './runner.js';
import { SubmitScriptError, prepareSubmitScript } from './submitScript.js';

export interface JobHookOptions {
  readonly model: BatchModel;
  readonly rootPath: string;
  readonly settings: BatchSettings;
  readonly restartFailed: boolean;
  /**
   * With restartFailed: restart only these jobs (by key), because the user named them (`run -r --job NAME`). A named job is
   * restarted once even when it was cancelled or its cause would normally not be retried (the user may have fixed
   * its input); after that its failures follow the usual rules.
   */
  readonly restartJobs?: ReadonlySet<string>;
  /** Rerun these jobs (by key) and everything downstream of them from their inputs, whatever their status (`run --rerun NAME`). */
  readonly rerunJobs?: ReadonlySet<string>;
}

/** run_info.json keys that carry a restart plan to the next attempt, across a runner crash too. */
const WALLTIME_KEY = 'restart_walltime';
const MEMORY_KEY = 'restart_memory';

export function createJobHooks(options: JobHookOptions): Pick<RunnerHooks, 'prepare' | 'onJobEnded' | 'onJobFailed' | 'restart' | 'rerun'> {
  const { model, rootPath, settings } = options;
  const explicitLeft = new Set(options.restartJobs ?? []);
  const failRoot = failOutputRoot(model, rootPath);
  return {
    async prepare(job, row) {
      // An upstream job that succeeded while no runner watched it has not written its final geometry yet.
      await ensureUpstreamFinalGeometries(model, job);
      const piped = await applyPipes(model, job);
      if (!piped.ok) return { failedCause: piped.cause };
      const info = readRunInfoNow(job.path);
      const walltime = info?.extra?.[WALLTIME_KEY];
      const memory = info?.extra?.[MEMORY_KEY];
      try {
        const prepared = await prepareSubmitScript(model, job, settings, {
          restarts: row.restarts ?? 0,
          ...(typeof walltime === 'string' ? { walltime } : {}),
          ...(typeof memory === 'string' ? { memory } : {}),
        });
        return { scriptPath: prepared.scriptPath, extraArgs: prepared.sbatchArgs };
      } catch (error) {
        if (error instanceof SubmitScriptError) return { failedCause: error.message };
        throw error;
      }
    },

    async onJobEnded(job, row) {
      await recordAttemptEnd(job.path, job.basename, job.programName, row);
      // Where the next job expects it, before any job downstream is prepared (CCBatchMan's final_parse).
      if (row.status === 'succeeded') await writeFinalGeometry(job);
      // What the run computed, in {basename}.json, for whatever way it ended (CCBatchMan's parse_output). A folder
      // that cannot be written leaves `results` to read the output later; it never stops the runner.
      await readJobResults({ directory: job.path, basename: job.basename, program: job.programName }, { writeFile: true }).catch(() => undefined);
    },

    async onJobFailed(job, row) {
      await copyFailureOutput(failRoot, job, row.jobId >= 0 ? row.jobId : undefined);
    },

    async rerun(rows) {
      if (!options.rerunJobs || options.rerunJobs.size === 0) return false;
      return (await resetForRerun(model, rows, options.rerunJobs)).reset.length > 0;
    },

    async restart(job, row) {
      const key = keyOfModelJob(job);
      if (!options.restartFailed || (options.restartJobs && !options.restartJobs.has(key))) return false;
      const explicit = explicitLeft.has(key) && (row.status === 'failed' || row.status === 'cancelled');
      if (!explicit && (row.status !== 'failed' || !row.cause)) return false;
      const previous = await readRunInfo(job.path).catch(() => undefined);
      let plan = planRestart({
        cause: row.cause ?? row.status,
        attempt: explicit ? 0 : (row.restarts ?? 0),
        maxRestarts: explicit ? Number.POSITIVE_INFINITY : settings.maxRestarts,
        program: job.programName,
        ...optionalString('walltime', previous?.extra?.[WALLTIME_KEY] ?? rowValue(model, job, 'walltime')),
        ...optionalString('memory', previous?.extra?.[MEMORY_KEY] ?? rowValue(model, job, 'memory')),
      });
      if (!plan.restart) {
        if (!explicit) return false;
        plan = { restart: true, fromLastGeometry: false, reason: `restarted on request (${plan.reason})` };
      }
      explicitLeft.delete(key);
      const history = await archiveAttempt(job.path, { basename: job.basename, ...(job.program ? { program: job.program } : {}), pipes: job.pipes });
      if (plan.fromLastGeometry && job.program) await applyRestartGeometry({ basename: job.basename, path: job.path, program: job.program }, history);
      const restarts = (row.restarts ?? 0) + 1;
      const extra: Record<string, unknown> = { restarted_from: history, restart_reason: plan.reason };
      if (plan.walltime) extra[WALLTIME_KEY] = plan.walltime;
      if (plan.memory) extra[MEMORY_KEY] = plan.memory;
      await writeRunInfo(job.path, { ...newRunInfo(job.path, job.basename, job.programName), restarts, restart: true, extra });
      resetForRestart(row, restarts);
      return true;
    },
  };
}

function resetForRestart(row: LedgerRow, restarts: number): void {
  for (const key of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState', 'submittedAt'] as const) delete row[key];
  row.jobId = -1;
  row.status = 'not_started';
  row.restarts = restarts;
}

function rowValue(model: BatchModel, job: ResolvedJob, column: 'walltime' | 'memory'): string | undefined {
  const index = model.document.header?.indexOf.get(column);
  const value = index === undefined ? undefined : job.row.cells[index]?.value.text;
  return value === '' ? undefined : value;
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}
