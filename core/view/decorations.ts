// Explorer badges on job folders: which folder has which status, and the badge and colour each status gets.
import type { JobStatus } from '../status.js';
import { statusText } from './batchTree.js';
import type { BatchTree, TreeDiff } from './batchTree.js';

export interface FolderDecoration {
  /** One or two characters (VS Code shows no more). */
  badge: string;
  /** Theme colour id. */
  color: string;
  tooltip: string;
}

const BADGES: Readonly<Record<JobStatus, { badge: string; color: string } | undefined>> = {
  succeeded: { badge: '✓', color: 'testing.iconPassed' },
  failed: { badge: '✗', color: 'testing.iconFailed' },
  running: { badge: '▶', color: 'charts.blue' },
  pending: { badge: '…', color: 'charts.yellow' },
  broken_dependency: { badge: '⊘', color: 'charts.orange' },
  cancelled: { badge: '−', color: 'testing.iconSkipped' },
  // nothing to say about a job that has not started: no badge
  not_started: undefined,
};

export function folderDecoration(status: JobStatus, basename: string): FolderDecoration | undefined {
  const badge = BADGES[status];
  return badge && { ...badge, tooltip: `Batchman: ${basename} ${statusText(status)}` };
}

/** Job folder → decoration, kept in step with the tree by its diffs. */
export class FolderDecorations {
  private readonly byFolder = new Map<string, FolderDecoration>();
  /** Which folders each batch decorated, to clear them when the batch changes. */
  private readonly byBatch = new Map<string, Set<string>>();

  constructor(private readonly tree: BatchTree) {}

  get(folder: string): FolderDecoration | undefined {
    return this.byFolder.get(folder);
  }

  /** Applies a tree diff; returns the folders whose decoration changed. */
  update(diff: TreeDiff): string[] {
    const batches = new Set<string>();
    const rootsChanged = diff.childrenChanged.includes(null);
    for (const id of [...diff.changed, ...diff.childrenChanged]) {
      if (id === null) continue;
      const node = this.tree.node(id);
      if (node) batches.add(node.batchId);
    }
    if (rootsChanged) {
      for (const batch of this.tree.batches()) batches.add(batch.id);
      for (const id of this.byBatch.keys()) batches.add(id);
    }
    const changed: string[] = [];
    for (const batchId of batches) changed.push(...this.rebuildBatch(batchId));
    return changed;
  }

  private rebuildBatch(batchId: string): string[] {
    const before = this.byBatch.get(batchId) ?? new Set<string>();
    const after = new Set<string>();
    const changed: string[] = [];
    for (const job of this.tree.batch(batchId)?.jobs ?? []) {
      const decoration = folderDecoration(job.status, job.basename);
      if (!decoration) continue;
      after.add(job.directory);
      const previous = this.byFolder.get(job.directory);
      if (!previous || previous.badge !== decoration.badge || previous.tooltip !== decoration.tooltip) {
        this.byFolder.set(job.directory, decoration);
        changed.push(job.directory);
      }
    }
    for (const folder of before) {
      if (after.has(folder)) continue;
      this.byFolder.delete(folder);
      changed.push(folder);
    }
    if (after.size > 0) this.byBatch.set(batchId, after);
    else this.byBatch.delete(batchId);
    return changed;
  }
}
