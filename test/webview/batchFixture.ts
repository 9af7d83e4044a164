// The batch header the webview tests and the dashboard bench show: a batch under /scratch/calcs, never launched
// unless a test gives it a record.
import type { DashboardBatch } from '../../core/dashboard/protocol.js';

export function scratchBatch(patch: Partial<DashboardBatch> = {}): DashboardBatch {
  return {
    id: '/scratch/calcs/batchfile.csv',
    label: 'calcs/batchfile.csv',
    batchfilePath: '/scratch/calcs/batchfile.csv',
    rootPath: '/scratch/calcs',
    ledgerPath: '/scratch/calcs/__ledger__.csv',
    record: null,
    stale: null,
    error: null,
    ...patch,
  };
}
