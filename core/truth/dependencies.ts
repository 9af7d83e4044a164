// Marks jobs that can never start because an upstream job failed, was cancelled or is itself broken.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { JobStatus } from '../status.js';
import { jobsByKey } from './batchJobs.js';

const BREAKS_DOWNSTREAM: ReadonlySet<JobStatus> = new Set<JobStatus>(['failed', 'cancelled', 'broken_dependency']);

/**
 * Walks the graph from every broken job; only jobs not yet submitted change. Returns the keys that changed.
 *
 * With `from` (keys of the jobs whose rows changed since the last walk), the walk starts only where something new can
 * break: from those of them that are broken now, and from the broken upstream jobs of those not started again. The rest
 * of the batch was walked before (no job not started sits behind a broken one), so this marks the same jobs, with the
 * same causes, as the walk from every job: the starts keep the batch's order and the walk is the same breadth-first one.
 */
export function propagateBrokenDependencies(model: BatchModel, rows: ReadonlyMap<string, LedgerRow>, at: string, from?: Iterable<string>): string[] {
  const changed: string[] = [];
  const rowOf = (job: ResolvedJob) => rows.get(keyOfModelJob(job));
  const breaks = (index: number) => BREAKS_DOWNSTREAM.has(rowOf(model.jobs[index]!)?.status ?? 'not_started');
  const queue = from === undefined ? model.jobs.filter((job) => breaks(job.index)).map((job) => job.index) : startsOf(model, from, breaks);
  const seen = new Set(queue);
  while (queue.length > 0) {
    const index = queue.shift()!;
    const upstream = model.jobs[index]!;
    for (const downstream of model.downstream[index] ?? []) {
      if (seen.has(downstream)) continue;
      seen.add(downstream);
      const job = model.jobs[downstream]!;
      const row = rowOf(job);
      if (!row || row.status !== 'not_started') continue;
      row.status = 'broken_dependency';
      row.cause = `upstream ${upstreamName(model, upstream)} ${rowOf(upstream)?.status ?? 'failed'}`;
      row.endedAt ??= at;
      changed.push(keyOfModelJob(job));
      queue.push(downstream);
    }
  }
  return changed;
}

/** The upstream job as the cause names it: its basename, or its folder as written when another job shares the name. */
function upstreamName(model: BatchModel, job: ResolvedJob): string {
  const namesakes = model.jobsByBasename.get(job.basename);
  return namesakes !== undefined && namesakes.length > 1 && job.directory !== '' ? `${job.basename} (${job.directory})` : job.basename;
}

/** Where a walk from these changed jobs starts: the broken ones, and the broken upstream jobs of the rest, in batch order. */
function startsOf(model: BatchModel, from: Iterable<string>, breaks: (index: number) => boolean): number[] {
  const byKey = jobsByKey(model);
  const starts = new Set<number>();
  for (const key of from) {
    const job = byKey.get(key);
    if (!job) continue;
    if (breaks(job.index)) starts.add(job.index);
    else for (const pipe of job.pipes) if (pipe.upstream !== undefined && pipe.upstream !== job.index && breaks(pipe.upstream)) starts.add(pipe.upstream);
  }
  return [...starts].sort((a, b) => a - b);
}
