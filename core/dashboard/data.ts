// Host-side: turns what the Batches view knows (JobView, BatchView, batch records) into the dashboard's messages'
// data. Never bundled into the webview (it reaches records.ts, which uses node:fs).
import type { DashboardBatch, DashboardHistoryEntry, DashboardJob, DashboardRecord, DashboardRecordStatus } from './protocol.js';
import { effectiveStatus } from '../runner/records.js';
import { describeWaiting } from '../runner/waiting.js';
import type { BatchRecord } from '../runner/records.js';
import type { BatchRecordView, BatchView } from '../view/batchTree.js';
import type { JobView } from '../view/jobView.js';
import { keyOf } from '../ledger/jobKey.js';
import { lastEventOf } from '../truth/job.js';

/**
 * A run-table row from the tree's job: the job itself, with the last event its times say (as `status --json` derives
 * it), its key and its label (`jobLabels`: the folder beside a shared basename).
 */
export function dashboardJob(job: JobView, label: string = job.basename): DashboardJob {
  return { ...job, lastEvent: lastEventOf(job), key: keyOf(job), label };
}

/** The launch shown at the top, from its record file and the status readers show (`lost` derived by the caller). */
export function dashboardRecord(record: BatchRecord, status: DashboardRecordStatus): DashboardRecord {
  const executor = record.computed_options.executor;
  return {
    id: record.id,
    name: record.name,
    runNumber: record.run_number,
    message: record.message,
    tags: [...record.tags],
    status,
    startTime: record.start_time,
    endTime: record.end_time,
    createdBy: record.created_by,
    git: record.git ? { repository: record.git.repository, branch: record.git.branch, commit: record.git.commit } : null,
    runner: { ...record.runner },
    executor: typeof executor === 'string' ? executor : null,
    error: record.error_msg,
    // only a live runner waits; a dead one's last wait is history
    ...(record.waiting && status === 'in_progress' ? { waiting: describeWaiting(record.waiting) } : {}),
  };
}

/** The header from the tree's batch; the record comes from its file (the tree's view of it lacks git and times). */
export function dashboardBatch(view: BatchView, record: DashboardRecord | null): DashboardBatch {
  return {
    id: view.id,
    label: view.label,
    batchfilePath: view.batchfilePath,
    rootPath: view.rootPath,
    ledgerPath: view.ledgerPath,
    record,
    stale: view.stale,
    error: view.error,
  };
}

/** The tree's record view's status, for a header built before the record file is read. */
export function recordStatusOf(record: BatchRecordView | null): DashboardRecordStatus | null {
  return record ? record.status : null;
}

export interface HistoryOptions {
  /** Wall time for `lost` (stale heartbeats). */
  now: number;
  isPidAlive?: (pid: number) => boolean;
}

/** The launches of a batchfile, newest first (as readBatchRecords lists them), with their effective status. */
export function historyEntries(records: readonly BatchRecord[], options: HistoryOptions): DashboardHistoryEntry[] {
  return records.map((record) => ({
    id: record.id,
    name: record.name,
    runNumber: record.run_number,
    status: effectiveStatus(record, options.now, options.isPidAlive),
    startTime: record.start_time,
    endTime: record.end_time,
    message: record.message,
    tags: [...record.tags],
    counts: record.counts ? { ...record.counts } : null,
  }));
}
