// The Batches TreeDataProvider: adapts core/view's BatchTree (elements are node ids, stable across updates) and
// refreshes only the nodes a diff names, coalesced per animation-ish frame so a burst of updates is one refresh.
import * as vscode from 'vscode';
import { ResultsCache } from '../../core/results/resultsCache.js';
import type { BatchTree, TreeDiff, TreeNode } from '../../core/view/batchTree.js';
import { endedResultsJob } from '../../core/view/resultsTooltip.js';
import { COMMANDS } from './commands.js';

/** Refreshes closer together than this are merged (VS Code re-asks every refreshed node over IPC). */
const COALESCE_MS = 100;
/** How long a tooltip waits for a job's results before it shows without them (the read goes on for the next hover). */
const RESULTS_BUDGET_MS = 300;

export class BatchesTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string | string[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly rootsEmitter = new vscode.EventEmitter<void>();
  /** The view asked for its top-level items (it draws them a moment later; until then reveal() finds no node). */
  readonly onDidProvideRoots = this.rootsEmitter.event;
  /** The view has asked for its roots: it was drawn (VS Code keeps a hidden view's rows and does not ask again). */
  private rootsAsked = false;
  private pending: { all: boolean; ids: Set<string> } = { all: false, ids: new Set() };
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly tree: BatchTree,
    /** Ended jobs' results for their tooltips, read in the background and kept (bounded), never on a refresh. */
    private readonly results: ResultsCache = new ResultsCache(),
  ) {}

  /** Queues the refresh a diff asks for. */
  apply(diff: TreeDiff): void {
    if (diff.childrenChanged.includes(null)) this.pending.all = true;
    for (const id of diff.changed) this.pending.ids.add(id);
    for (const id of diff.childrenChanged) if (id !== null) this.pending.ids.add(id);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const { all, ids } = this.pending;
    this.pending = { all: false, ids: new Set() };
    if (all) {
      this.emitter.fire(undefined);
      return;
    }
    // a node refreshed with its parent is refreshed already: send only the topmost ones
    const top = [...ids].filter((id) => this.tree.node(id) && !this.hasAncestorIn(id, ids));
    if (top.length > 0) this.emitter.fire(top);
  }

  private hasAncestorIn(id: string, ids: Set<string>): boolean {
    for (let parent = this.tree.parent(id); parent; parent = this.tree.parent(parent)) if (ids.has(parent)) return true;
    return false;
  }

  getTreeItem(id: string): vscode.TreeItem {
    const node = this.tree.node(id);
    if (!node) return new vscode.TreeItem('(gone)');
    return toTreeItem(node);
  }

  getChildren(id?: string): string[] {
    const children = this.tree.children(id ?? null).map((node) => node.id);
    if (id === undefined) {
      this.rootsAsked = true;
      queueMicrotask(() => this.rootsEmitter.fire());
    }
    return children;
  }

  /** Whether the view has asked for its roots (been drawn) at least once. */
  get providedRoots(): boolean {
    return this.rootsAsked;
  }

  getParent(id: string): string | undefined {
    return this.tree.parent(id) ?? undefined;
  }

  /** Tooltips are built on hover only: 10,000 Markdown strings up front would be wasted; an ended job's results with them. */
  async resolveTreeItem(item: vscode.TreeItem, id: string): Promise<vscode.TreeItem> {
    const job = this.tree.node(id)?.job;
    const ended = job ? endedResultsJob(job) : undefined;
    const results = ended ? await this.results.get(ended, RESULTS_BUDGET_MS) : undefined;
    const markdown = new vscode.MarkdownString(this.tree.tooltip(id, results));
    markdown.isTrusted = false;
    markdown.supportHtml = false;
    item.tooltip = markdown;
    return item;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.emitter.dispose();
    this.rootsEmitter.dispose();
  }
}

function toTreeItem(node: TreeNode): vscode.TreeItem {
  const collapsible = !node.collapsible
    ? vscode.TreeItemCollapsibleState.None
    : node.kind === 'batch'
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(node.label, collapsible);
  item.id = node.id;
  item.description = node.description;
  item.iconPath = new vscode.ThemeIcon(node.icon.id, new vscode.ThemeColor(node.icon.color));
  item.contextValue = node.contextValue;
  if (node.kind === 'batch' && node.problems !== undefined) {
    // a batch whose rows have errors opens them: its batchfile and the Problems view
    item.command = { command: COMMANDS.validate, title: 'Show the Batchfile\'s Problems', arguments: [node.batchId] };
  }
  if (node.kind === 'job' && node.job) {
    item.resourceUri = vscode.Uri.file(node.job.directory);
    // the label is the job's name, not the folder's; the resource only feeds decorations and drag and drop
    item.label = node.label;
  }
  return item;
}
