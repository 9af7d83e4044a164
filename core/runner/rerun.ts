// Rerunning chosen jobs from their inputs whatever their status (a fixed input): the jobs and all that depends on them,
// each ran attempt kept as `<dir>_history_N` as restarts keep it, the rows reset to not started in place.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import { newRunInfo, writeRunInfo } from '../ledger/runInfo.js';
import { archiveAttempt } from './restart.js';

/**
 * The chosen jobs and every job reachable from them by pipes (what depends on them, however far down), in the
 * batchfile's order. Unknown keys choose nothing.
 */
export function rerunClosure(model: BatchModel, chosen: ReadonlySet<string>): ResolvedJob[] {
  const reached = new Set<number>();
  const queue = model.jobs.filter((job) => chosen.has(keyOfModelJob(job))).map((job) => job.index);
  for (const index of queue) reached.add(index);
  while (queue.length > 0) {
    const index = queue.shift()!;
    for (const downstream of model.downstream[index] ?? []) {
      if (reached.has(downstream)) continue;
      reached.add(downstream);
      queue.push(downstream);
    }
  }
  return [...reached].sort((a, b) => a - b).map((index) => model.jobs[index]!);
}

/** How many jobs rerun only because they depend on a chosen one. */
export function downstreamCount(model: BatchModel, chosen: ReadonlySet<string>): number {
  return rerunClosure(model, chosen).filter((job) => !chosen.has(keyOfModelJob(job))).length;
}

/** The confirmation's question: `Rerun opt of mol1 and the 3 jobs that depend on it?` */
export function rerunQuestion(name: string, batchLabel: string, downstream: number): string {
  const tail = downstream === 0 ? '' : downstream === 1 ? ' and the 1 job that depends on it' : ` and the ${downstream} jobs that depend on it`;
  return `Rerun ${name} of ${batchLabel}${tail}?`;
}

export interface RerunOutcome {
  /** Keys of the jobs reset to run again. */
  readonly reset: string[];
  /** Keys of jobs left alone because they are pending or running (the runner follows them as they are). */
  readonly active: string[];
}

/**
 * Resets the closure of the chosen jobs for another run, upstream first: a job that was submitted (it has a scheduler
 * id) keeps its folder as `<dir>_history_N` and gets a fresh one holding its inputs, with a run_info.json that counts
 * the new attempt (so a runner that dies before the ledger is written adopts the reset, as after a restart); a job
 * that never ran (blocked, cancelled before submission) is only reset. Pending and running jobs are left alone.
 */
export async function resetForRerun(model: BatchModel, rows: ReadonlyMap<string, LedgerRow>, chosen: ReadonlySet<string>): Promise<RerunOutcome> {
  const outcome: RerunOutcome = { reset: [], active: [] };
  for (const job of rerunClosure(model, chosen)) {
    const key = keyOfModelJob(job);
    const row = rows.get(key);
    if (!row || row.status === 'not_started') continue;
    if (row.status === 'pending' || row.status === 'running') {
      outcome.active.push(key);
      continue;
    }
    const restarts = row.jobId >= 0 ? (row.restarts ?? 0) + 1 : (row.restarts ?? 0);
    if (row.jobId >= 0) {
      const history = await archiveAttempt(job.path, { basename: job.basename, ...(job.program ? { program: job.program } : {}), pipes: job.pipes });
      const reason = chosen.has(key) ? 'rerun on request' : 'rerun after an upstream job reran';
      await writeRunInfo(job.path, { ...newRunInfo(job.path, job.basename, job.programName), restarts, restart: true, extra: { restarted_from: history, restart_reason: reason } });
    }
    for (const field of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState', 'submittedAt'] as const) delete row[field];
    row.jobId = -1;
    row.status = 'not_started';
    if (restarts > 0) row.restarts = restarts;
    outcome.reset.push(key);
  }
  return outcome;
}
