// Which jobs may start now: not started, and every upstream job named by a coords or orbitals pipe succeeded.
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';

/** `rows` by job key (`keyOfModelJob`). */
export function readyJobs(model: BatchModel, jobs: readonly ResolvedJob[], rows: ReadonlyMap<string, LedgerRow>): ResolvedJob[] {
  return jobs.filter((job) => {
    if (rows.get(keyOfModelJob(job))?.status !== 'not_started') return false;
    return job.pipes.every((pipe) => pipe.upstream === undefined || rows.get(keyOfModelJob(model.jobs[pipe.upstream]!))?.status === 'succeeded');
  });
}

export function activeCount(rows: Iterable<LedgerRow>): number {
  let active = 0;
  for (const row of rows) if (row.status === 'pending' || row.status === 'running') active++;
  return active;
}
