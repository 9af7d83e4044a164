// What the dashboard needs besides the tree's view of a batch, read from disk: its launches (batch records) and the
// links between its jobs (the batchfile's pipes). Never throws: a batch that cannot be read has none of either.
import { readFile } from 'node:fs/promises';
import { buildBatchModel, parseBatchfile } from '../batchfile/index.js';
import type { DashboardLink } from './protocol.js';
import { readBatchRecords } from '../runner/records.js';
import type { BatchRecord } from '../runner/records.js';
import type { BatchView } from '../view/batchTree.js';
import { dashboardLinks } from './feed.js';

/** Newest first; damaged record files are skipped (and named to `warn`). */
export async function readRecordsOf(view: BatchView, warn: (text: string) => void): Promise<BatchRecord[]> {
  if (view.rootPath === null) return [];
  const { records, warnings } = await readBatchRecords(view.rootPath, view.batchfilePath);
  for (const warning of warnings) warn(`dashboard: skipped the batch record ${warning.path}: ${warning.reason}`);
  return records;
}

/** The batchfile as it is now, parsed for its pipes (the monitor keeps its model to itself). */
export async function readLinksOf(view: BatchView, warn: (text: string) => void): Promise<DashboardLink[]> {
  try {
    const text = (await readFile(view.batchfilePath, 'utf8')).replace(/^\uFEFF/, '');
    return dashboardLinks(buildBatchModel(parseBatchfile(text), view.batchfilePath));
  } catch (error) {
    warn(`dashboard: cannot read the pipes of ${view.batchfilePath}: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}
