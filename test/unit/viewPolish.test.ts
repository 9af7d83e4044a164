// The views' small words: one local time format in the tree's tooltips as on the dashboard, a status not said twice
// (`cancelled · 0:45`, not `cancelled · 0:45 · CANCELLED`), SLURM's pending reason beside a waiting job in the tree
// and the dashboard's table.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cellText } from '../../core/dashboard/page/table.js';
import { dashboardJob } from '../../core/dashboard/data.js';
import { jobKey } from '../../core/ledger/jobKey.js';
import { BatchTree, batchNodeId, jobDescription, jobNodeId } from '../../core/view/batchTree.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';
import type { JobView } from '../../core/view/jobView.js';
import { formatTime } from '../../core/view/timeFormat.js';

const ID = '/work/calcs/batchfile.csv';
const job = (patch: Partial<JobView>): JobView => ({ ...notStartedJob({ basename: 'opt', directory: '/work/calcs/opt', program: 'xtb' }), ...patch });

describe('view polish', () => {
  test('tooltips write times as the dashboard does: local, not raw ISO', () => {
    const at = '2026-03-04T05:06:07.000Z';
    const view: BatchView = {
      id: ID, label: 'calcs/batchfile.csv', batchfilePath: ID, rootPath: '/work/calcs', ledgerPath: null, live: 'idle', stale: null, error: null,
      record: { id: 'r', name: 'brave-otter', status: 'completed', runNumber: 1, startTime: at, endTime: at, executor: 'local', runnerHost: 'h', runnerPid: 1, message: '', tags: [], error: null },
      jobs: [job({ status: 'succeeded', jobId: '16', submittedAt: at, startedAt: at, endedAt: at })],
    };
    const tree = new BatchTree();
    tree.setBatch(view);
    const jobTip = tree.tooltip(jobNodeId(ID, jobKey('/work/calcs/opt', 'opt')));
    const batchTip = tree.tooltip(batchNodeId(ID));
    for (const tip of [jobTip, batchTip]) {
      assert.ok(tip.includes(`Started: ${formatTime(at)}`), tip);
      assert.ok(!tip.includes(at), `no raw ISO time in ${tip}`);
    }
    assert.match(formatTime(at), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  test('a status is not said twice', () => {
    assert.equal(jobDescription(job({ status: 'cancelled', jobId: '16', elapsed: '0:45', cause: 'CANCELLED' })), '16 · cancelled · 0:45');
    assert.equal(jobDescription(job({ status: 'cancelled', jobId: '16', elapsed: '0:45', cause: 'CANCELLED by 1000' })), '16 · cancelled · 0:45');
    assert.equal(jobDescription(job({ status: 'failed', jobId: '17', cause: 'TIMEOUT' })), '17 · failed · TIMEOUT');
    assert.equal(cellText(dashboardJob(job({ status: 'cancelled', jobId: '16', cause: 'CANCELLED' })), 'cause'), '');
  });

  test('SLURM\'s pending reason beside a waiting job, in the tree and the table', () => {
    const waiting = job({ status: 'pending', jobId: '18', reason: 'QOSMaxSubmitJobPerUserLimit' });
    assert.equal(jobDescription(waiting), '18 · pending · QOSMaxSubmitJobPerUserLimit');
    assert.equal(cellText(dashboardJob(waiting), 'cause'), 'QOSMaxSubmitJobPerUserLimit');
  });
});
