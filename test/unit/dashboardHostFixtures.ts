// The host side of the dashboard tests: a batch at /work/calcs, its job views and launch records, overridden by patch.
import { hostname } from 'node:os';
import { jobKey } from '../../core/ledger/jobKey.js';
import type { BatchRecord } from '../../core/runner/records.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';
import type { JobView } from '../../core/view/jobView.js';

export const BATCH_ID = '/work/calcs/batchfile.csv';
export const NOW = Date.parse('2025-03-01T12:00:00.000Z');

/** The key of the job `jobView(basename)` makes: its folder /work/calcs/<basename> and its basename. */
export function keyOfJob(basename: string): string {
  return jobKey(`/work/calcs/${basename}`, basename);
}

export function jobView(basename: string, patch: Partial<JobView> = {}): JobView {
  return { ...notStartedJob({ basename, directory: `/work/calcs/${basename}`, program: 'xtb' }), ...patch };
}

export function batchView(jobs: JobView[], patch: Partial<BatchView> = {}): BatchView {
  return { id: BATCH_ID, label: 'calcs/batchfile.csv', batchfilePath: BATCH_ID, rootPath: '/work/calcs', ledgerPath: '/work/calcs/__ledger__.csv', record: null, live: 'poller', stale: null, error: null, jobs, ...patch };
}

export function record(id: string, patch: Partial<BatchRecord> = {}): BatchRecord {
  return {
    id,
    name: `run-${id}`,
    message: '',
    tags: [],
    metadata: {},
    status: 'completed',
    start_time: '2025-03-01T10:00:00.000Z',
    end_time: '2025-03-01T11:00:00.000Z',
    error_msg: null,
    created_by: 'chemist',
    git: null,
    version: '0.1.0',
    batchfile: BATCH_ID,
    command_options: {},
    computed_options: { executor: 'local' },
    runner: { host: hostname(), pid: 4242, heartbeat: '2025-03-01T11:00:00.000Z' },
    counts: null,
    run_number: 1,
    resumes: [],
    ...patch,
  } as BatchRecord;
}
