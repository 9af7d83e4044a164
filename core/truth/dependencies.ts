// Marks jobs that can never start because an upstream job failed, was cancelled or is itself broken.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { JobStatus } from '../status.js';

const BREAKS_DOWNSTREAM: ReadonlySet<JobStatus> = new Set<JobStatus>(['failed', 'cancelled', 'broken_dependency']);

/** Walks the graph from every broken job; only jobs not yet submitted change. Returns the keys that changed. */
export function propagateBrokenDependencies(model: BatchModel, rows: ReadonlyMap<string, LedgerRow>, at: string): string[] {
  const changed: string[] = [];
  const rowOf = (job: ResolvedJob) => rows.get(keyOfModelJob(job));
  const queue = model.jobs.filter((job) => BREAKS_DOWNSTREAM.has(rowOf(job)?.status ?? 'not_started')).map((job) => job.index);
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
