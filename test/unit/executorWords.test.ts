// Jobs on the local executor are not described in SLURM's words: the tree's tooltip names the executor that ran them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jobKey } from '../../core/ledger/jobKey.js';
import { BatchTree, jobNodeId } from '../../core/view/batchTree.js';
import type { BatchRecordView, BatchView } from '../../core/view/batchTree.js';
import { schedulerName, schedulerStateLabel } from '../../core/view/executorWords.js';
import { notStartedJob } from '../../core/view/jobView.js';

const ID = '/work/calcs/batchfile.csv';

function tooltipUnder(executor: string | null): string {
  const job = { ...notStartedJob({ basename: 'opt', directory: '/work/calcs/opt', program: 'xtb' }), status: 'running' as const, jobId: '16', slurmState: 'RUNNING' };
  const record: BatchRecordView | null =
    executor === null ? null : { id: 'r', name: 'brave-otter', status: 'in_progress', runNumber: 1, startTime: '2026-01-01T00:00:00Z', endTime: null, executor, runnerHost: 'h', runnerPid: 1, message: '', tags: [], error: null };
  const view: BatchView = { id: ID, label: 'calcs/batchfile.csv', batchfilePath: ID, rootPath: '/work/calcs', ledgerPath: null, record, live: 'poller', stale: null, error: null, jobs: [job] };
  const tree = new BatchTree();
  tree.setBatch(view);
  return tree.tooltip(jobNodeId(ID, jobKey('/work/calcs/opt', 'opt')));
}

describe('the executor in the views\' words', () => {
  test('a local job\'s state is the local executor\'s; SLURM\'s only on SLURM', () => {
    assert.match(tooltipUnder('local'), /^Local executor state: RUNNING {2}$/m);
    assert.doesNotMatch(tooltipUnder('local'), /SLURM/);
    assert.match(tooltipUnder('slurm'), /^SLURM state: RUNNING {2}$/m);
    assert.match(tooltipUnder(null), /^Scheduler state: RUNNING {2}$/m);
  });

  test('names', () => {
    assert.deepEqual([schedulerName('slurm'), schedulerName('local'), schedulerName(null)], ['SLURM', 'local executor', 'scheduler']);
    assert.equal(schedulerStateLabel('local'), 'Local executor state');
  });
});
