// Which batches a change of the model touched: the dashboards refresh only those (every one when batches came or went).
import type { BatchTree, TreeDiff } from '../view/batchTree.js';

/** The ids of the batches whose nodes the diff names; 'all' when the list of batches itself changed. */
export function changedBatches(tree: Pick<BatchTree, 'node'>, diff: TreeDiff): ReadonlySet<string> | 'all' {
  if (diff.childrenChanged.includes(null)) return 'all';
  const batchIds = new Set<string>();
  for (const id of [...diff.changed, ...diff.childrenChanged]) {
    const batchId = id === null ? undefined : tree.node(id)?.batchId;
    if (batchId !== undefined) batchIds.add(batchId);
  }
  return batchIds;
}
