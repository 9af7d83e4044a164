// Marks jobs that can never start because an upstream job failed, was cancelled or is itself broken.
import type { BatchModel } from '../batchfile/index.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { JobStatus } from '../status.js';

const BREAKS_DOWNSTREAM: ReadonlySet<JobStatus> = new Set<JobStatus>(['failed', 'cancelled', 'broken_dependency']);

/** Walks the graph from every broken job; only jobs not yet submitted change. Returns the names that changed. */
export function propagateBrokenDependencies(model: BatchModel, rows: ReadonlyMap<string, LedgerRow>, at: string): string[] {
  const changed: string[] = [];
  const queue = model.jobs.filter((job) => BREAKS_DOWNSTREAM.has(rows.get(job.basename)?.status ?? 'not_started')).map((job) => job.index);
  const seen = new Set(queue);
  while (queue.length > 0) {
    const index = queue.shift()!;
    for (const downstream of model.downstream[index] ?? []) {
      if (seen.has(downstream)) continue;
      seen.add(downstream);
      const row = rows.get(model.jobs[downstream]!.basename);
      if (!row || row.status !== 'not_started') continue;
      row.status = 'broken_dependency';
      row.cause = `upstream ${model.jobs[index]!.basename} ${rows.get(model.jobs[index]!.basename)?.status ?? 'failed'}`;
      row.endedAt ??= at;
      changed.push(row.basename);
      queue.push(downstream);
    }
  }
  return changed;
}
