// Whether a launch would do anything: a batch whose jobs have all ended, with nothing asked to restart, would record a
// launch that ends at once without saying why. `run` says so instead, writes no record, and exits as the batch stands.
import { dirname } from 'node:path';
import type { BatchModel } from '../batchfile/index.js';
import { keyOf } from '../ledger/jobKey.js';
import { readLedgerIfExists, rowsByKeyOnDisk } from '../ledger/ledger.js';
import { latestBatchRecord } from '../runner/records.js';
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import { ledgerJobs } from '../truth/batchJobs.js';
import { summarise, summaryText } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';

export interface NothingToDo {
  summary: StatusSummary;
  /** `nothing to do: 6/6 already succeeded`, or the counts and how to restart what failed. */
  message: string;
}

/**
 * The statuses of every job when each has ended and a launch would start none of them: a job not in the ledger, or
 * pending or running there, is work; with `restartFailed`, a failed or cancelled job is too (the runner decides by its
 * cause whether it restarts, so a launch is let through).
 */
export function nothingToDoOf(statuses: readonly JobStatus[], restartFailed: boolean): NothingToDo | undefined {
  if (statuses.length === 0 || !statuses.every(isFinal)) return undefined;
  const summary = summarise(statuses);
  if (restartFailed && summary.failed + summary.cancelled > 0) return undefined;
  return { summary, message: nothingToDoMessage(summary) };
}

export function nothingToDoMessage(summary: StatusSummary): string {
  if (summary.succeeded === summary.total) return `nothing to do: ${summary.succeeded}/${summary.total} already succeeded`;
  const restartable = summary.failed + summary.cancelled > 0;
  return `nothing to do: ${summaryText(summary)}${restartable ? '; a failed job stays failed' : ''}`;
}

/**
 * What the ledger says of the batch's jobs, when it says every one has ended. A launch left open (its runner died before
 * closing it) is let through: resuming it closes its record.
 */
export async function nothingToDo(model: BatchModel, ledgerPath: string, batchfilePath: string, restart: { restartFailed: boolean; restartJobs?: unknown }): Promise<NothingToDo | undefined> {
  if (restart.restartJobs !== undefined || !model.rootPath) return undefined;
  const latest = await latestBatchRecord(model.rootPath, batchfilePath).catch(() => null);
  if (latest?.status === 'in_progress') return undefined;
  const ledger = await readLedgerIfExists(ledgerPath).catch(() => undefined);
  if (!ledger) return undefined;
  // CCBatchMan's rows name their folder relative to the batchfile's
  const rows = rowsByKeyOnDisk(ledger.rows, dirname(batchfilePath));
  const statuses: JobStatus[] = [];
  for (const job of ledgerJobs(model)) {
    const row = rows.get(keyOf(job));
    if (!row) return undefined;
    statuses.push(row.status);
  }
  return nothingToDoOf(statuses, restart.restartFailed);
}
