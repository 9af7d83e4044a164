// Which dashboards a change of the model refreshes: the batches whose nodes a tree diff names (a job, a group, the
// batch itself), or every one when batches came or went. Diffs come from the real BatchTree, as the monitor fires them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedBatches } from '../../core/dashboard/batchChanges.js';
import { BatchTree } from '../../core/view/batchTree.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';

function batchView(id: string, basenames: string[]): BatchView {
  const jobs = basenames.map((basename) => notStartedJob({ basename, directory: `/work/${basename}`, program: 'xtb' }));
  return { id, label: id, batchfilePath: id, rootPath: '/work', ledgerPath: null, record: null, live: 'poller', stale: null, error: null, jobs };
}

describe('dashboard: the batches a model change touched', () => {
  it('names the batch whose jobs or header changed, and only it', () => {
    for (const grouped of [false, true]) {
      const tree = new BatchTree({ groupByStatus: grouped });
      tree.setBatch(batchView('/a/batchfile.csv', ['opt', 'freq']));
      tree.setBatch(batchView('/b/batchfile.csv', ['sp']));
      const [opt] = tree.batch('/a/batchfile.csv')!.jobs;
      assert.deepEqual(changedBatches(tree, tree.updateJobs('/a/batchfile.csv', [{ ...opt!, status: 'running', jobId: '7' }])), new Set(['/a/batchfile.csv']), `grouped: ${grouped}`);
      assert.deepEqual(changedBatches(tree, tree.updateBatch('/b/batchfile.csv', { stale: 'squeue failed' })), new Set(['/b/batchfile.csv']));
    }
  });

  it('says all when a batch came or went', () => {
    const tree = new BatchTree();
    assert.equal(changedBatches(tree, tree.setBatch(batchView('/a/batchfile.csv', ['opt']))), 'all');
    assert.equal(changedBatches(tree, tree.removeBatch('/a/batchfile.csv')), 'all');
  });

  it('names nothing for a diff that touches no batch', () => {
    assert.deepEqual(changedBatches(new BatchTree(), { changed: [], childrenChanged: [] }), new Set());
  });
});
