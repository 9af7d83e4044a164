// Batch records as the CLI shows them: read from disk, newest first, with `lost` derived from dead runners.
import type { BatchRecord, BatchRecordWarning, EffectiveBatchStatus } from '../runner/records.js';
import { effectiveStatus, readBatchRecords } from '../runner/records.js';

/** A record as on disk, except `status`, which says `lost` when the runner died without closing it. */
export type DisplayedBatchRecord = Omit<BatchRecord, 'status'> & { status: EffectiveBatchStatus };

export interface DisplayedBatchRecords {
  records: DisplayedBatchRecord[];
  warnings: BatchRecordWarning[];
}

export async function batchRecordsForDisplay(rootPath: string, batchfilePath: string, now: number = Date.now()): Promise<DisplayedBatchRecords> {
  const { records, warnings } = await readBatchRecords(rootPath, batchfilePath);
  return {
    records: records.map(({ path: _path, ...record }) => ({ ...record, status: effectiveStatus(record, now) })),
    warnings,
  };
}

/** The newest record of a batchfile (for `status --json`), or null. */
export async function latestBatchRecord(rootPath: string, batchfilePath: string): Promise<DisplayedBatchRecord | null> {
  return (await batchRecordsForDisplay(rootPath, batchfilePath)).records[0] ?? null;
}
