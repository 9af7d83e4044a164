// The Batches surface: the tree view, the shared pollers, the monitor, discovery, the status bar, notifications,
// Explorer decorations and the batchfile's code lens, all adapting core/view.
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import * as vscode from 'vscode';
import { changedBatches } from '../../core/dashboard/batchChanges.js';
import { createScheduler, resolveExecutorKind } from '../../core/executors/chooseExecutor.js';
import { changedEffects } from '../../core/settings/index.js';
import { Poller } from '../../core/slurm/poller.js';
import { BatchMonitor } from '../../core/view/batchMonitor.js';
import type { ExecutorKind } from '../../core/view/batchMonitor.js';
import { BatchTree, batchNodeId, jobNodeId } from '../../core/view/batchTree.js';
import type { BatchView, TreeDiff } from '../../core/view/batchTree.js';
import { FolderDecorations } from '../../core/view/decorations.js';
import { isActive } from '../../core/view/jobView.js';
import { noticesFor, statusBarText, summaryText } from '../../core/view/notifications.js';
import type { BatchUpdate, Notice } from '../../core/view/notifications.js';
import { EXTENSION_SETTING_IDS, viewSettingsFrom } from '../../core/view/settings.js';
import { BatchesTreeProvider } from './batchesView.js';
import { showError, showInfo, showWarning } from './messages.js';
import { COMMANDS, CONTEXT_KEYS, VIEWS } from './commands.js';
import { affectsExtensionSettings, readSettingValues } from './config.js';
import type { ExtensionSettingValues, ViewSettings } from './config.js';
import { WorkspaceBatches } from './discovery.js';
import { vscodeFileWatchers } from './fileWatchers.js';
import { LANGUAGE_ID } from './languageClient.js';

/** How long a reveal waits for the view to draw its rows before it gives up selecting (the view is open anyway). */
const REVEAL_DEADLINE_MS = 2000;
/** How soon a reveal that found no row yet tries again (the view renders the roots it was given within ~0.1 s). */
const REVEAL_RETRY_MS = 50;

export class Batches implements vscode.Disposable {
  readonly tree: BatchTree;
  readonly provider: BatchesTreeProvider;
  readonly view: vscode.TreeView<string>;
  monitor: BatchMonitor;
  readonly discovery: WorkspaceBatches;
  /** The extension's settings by their id in the table (what changes are compared on), and the view's shape of them. */
  private settingValues: ExtensionSettingValues;
  private settings: ViewSettings;
  private readonly pollers = new Map<ExecutorKind, Poller>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly decorations: FolderDecorations;
  private readonly decorationEmitter = new vscode.EventEmitter<vscode.Uri[]>();
  private readonly lensEmitter = new vscode.EventEmitter<void>();
  private readonly batchesEmitter = new vscode.EventEmitter<ReadonlySet<string> | 'all'>();
  /** The batches the model changed (whichever monitor: it is rebuilt when settings change); 'all' when batches came or went. */
  readonly onDidChangeBatches = this.batchesEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private monitorSubscriptions: vscode.Disposable[] = [];
  /** The batch the status bar shows: the last one selected, edited or changed. */
  private focused: string | undefined;
  /** Counts reveal() calls: one still waiting for the view to draw gives way to a newer one. */
  private reveals = 0;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.settingValues = readSettingValues();
    this.settings = viewSettingsFrom(this.settingValues);
    this.tree = new BatchTree({ groupByStatus: this.settings.groupByStatus });
    this.provider = new BatchesTreeProvider(this.tree);
    this.view = vscode.window.createTreeView(VIEWS.batches, { treeDataProvider: this.provider, showCollapseAll: true });
    this.decorations = new FolderDecorations(this.tree);
    this.statusItem = vscode.window.createStatusBarItem('status', vscode.StatusBarAlignment.Left, 50);
    this.statusItem.name = 'Batchman';
    this.statusItem.command = COMMANDS.showBatches;
    this.monitor = this.createMonitor();
    this.discovery = new WorkspaceBatches(this.monitor, () => this.settings.ledgerName, log);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.groupByStatus, this.settings.groupByStatus);

    this.subscriptions.push(
      this.provider,
      this.view,
      this.statusItem,
      this.discovery,
      this.decorationEmitter,
      this.lensEmitter,
      this.batchesEmitter,
      this.view.onDidChangeVisibility((event) => this.monitor.setVisible(event.visible)),
      this.view.onDidChangeSelection((event) => {
        const node = event.selection[0] ? this.tree.node(event.selection[0]) : undefined;
        if (node) this.focus(node.batchId);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        const path = editor?.document.uri.fsPath;
        if (path && this.tree.batch(path)) this.focus(path);
      }),
      vscode.window.registerFileDecorationProvider({
        onDidChangeFileDecorations: this.decorationEmitter.event,
        provideFileDecoration: (uri) => {
          const decoration = uri.scheme === 'file' ? this.decorations.get(uri.fsPath) : undefined;
          return decoration && new vscode.FileDecoration(decoration.badge, decoration.tooltip, new vscode.ThemeColor(decoration.color));
        },
      }),
      vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID, scheme: 'file' }, {
        onDidChangeCodeLenses: this.lensEmitter.event,
        provideCodeLenses: (document) => this.codeLenses(document),
      }),
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
    );
    this.monitor.setVisible(this.view.visible);
    void this.discovery.scan();
  }

  /** The pollers and the monitor follow the settings they were made with: a change makes new ones. */
  private createMonitor(): BatchMonitor {
    const monitor = new BatchMonitor({
      tree: this.tree,
      watchFiles: vscodeFileWatchers,
      pollerFor: (kind) => this.poller(kind),
      label: (path) => vscode.workspace.asRelativePath(path, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
      ledgerName: () => this.settings.ledgerName,
      defaultExecutor: () => resolveExecutorKind(this.settings.executor, { sbatch: this.settings.slurmCommands.sbatch }),
      log: (level, message) => this.log[level](message),
    });
    this.monitorSubscriptions = [
      toDisposable(monitor.onDidChangeTree((diff) => this.onTreeChanged(diff))),
      toDisposable(monitor.onDidUpdateBatch((update) => this.onBatchUpdated(update))),
    ];
    return monitor;
  }

  private poller(kind: ExecutorKind): Poller {
    let poller = this.pollers.get(kind);
    if (!poller) {
      const scheduler = createScheduler(kind, { slurm: { commands: this.settings.slurmCommands } });
      poller = new Poller({ scheduler, floorMs: this.settings.pollFloorMs, onListenerError: (error) => this.log.error('poller listener failed', error) });
      this.pollers.set(kind, poller);
      this.log.info(`polling ${kind} jobs (one queue call per tick for every batch), floor ${this.settings.pollFloorMs / 1000} s`);
    }
    return poller;
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (!affectsExtensionSettings(event)) return;
    const before = this.settingValues;
    this.settingValues = readSettingValues();
    this.settings = viewSettingsFrom(this.settingValues);
    // The settings table says what a change of each setting restarts; only settings whose value changed count.
    const effects = changedEffects(EXTENSION_SETTING_IDS, before, this.settingValues);
    if (effects.has('regroupTree')) {
      void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.groupByStatus, this.settings.groupByStatus);
      this.provider.apply(this.tree.setGroupByStatus(this.settings.groupByStatus));
    }
    if (effects.has('restartMonitor')) {
      this.log.info('settings changed: following the batches again with the new settings');
      const ids = this.monitor.ids();
      this.disposeMonitor();
      this.monitor = this.createMonitor();
      this.monitor.setVisible(this.view.visible);
      this.discovery.useMonitor(this.monitor);
      void this.monitor.sync(ids).then(() => this.discovery.scan());
    }
  }

  get config(): ViewSettings {
    return this.settings;
  }

  // ------------------------------------------------------------------ tree, status bar, decorations, lenses

  private onTreeChanged(diff: TreeDiff): void {
    this.provider.apply(diff);
    this.batchesEmitter.fire(changedBatches(this.tree, diff));
    const folders = this.decorations.update(diff);
    if (folders.length > 0) this.decorationEmitter.fire(folders.map((folder) => vscode.Uri.file(folder)));
    this.lensEmitter.fire();
    if (this.focused === undefined || !this.tree.batch(this.focused)) this.focused = this.tree.roots()[0]?.batchId;
    this.updateStatusBar();
  }

  focus(batchId: string): void {
    this.focused = batchId;
    this.updateStatusBar();
  }

  focusedBatch(): BatchView | undefined {
    return this.focused === undefined ? undefined : this.tree.batch(this.focused);
  }

  private updateStatusBar(): void {
    const batch = this.focusedBatch();
    const summary = batch && this.tree.summary(batch.id);
    if (!batch || !summary) {
      this.statusItem.hide();
      return;
    }
    const active = batch.live === 'runner' || batch.jobs.some(isActive);
    this.statusItem.text = statusBarText(shortLabel(batch), summary, batch.stale !== null, active);
    this.statusItem.tooltip = `Batchman: ${batch.label}: ${summaryText(summary)}${batch.stale ? ` (stale: ${batch.stale})` : ''}. Click to show the Batches view.`;
    this.statusItem.backgroundColor = batch.stale !== null ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.statusItem.show();
  }

  /**
   * Shows the Batches view with the focused (or given) batch selected. `keepFocus` (a launch): the view is shown and
   * scrolled to the node without taking the keyboard from the editor.
   */
  async reveal(batchId = this.focused, jobKey?: string, options: { keepFocus?: boolean } = {}): Promise<void> {
    const generation = ++this.reveals;
    const wasVisible = this.view.visible;
    if (options.keepFocus && wasVisible && batchId !== undefined && this.tree.node(batchNodeId(batchId))) {
      try {
        await this.view.reveal(jobKey !== undefined && this.tree.node(jobNodeId(batchId, jobKey)) ? jobNodeId(batchId, jobKey) : batchNodeId(batchId), { select: true, focus: false, expand: true });
      } catch (error) {
        this.log.warn('could not reveal the batch in the Batches view', error);
      }
      return;
    }
    // A view opened for the first time loads its roots first; revealing before that fails. The view often asks for
    // them before the focus command returns, so the wait listens from before the command (else it waited out its
    // deadline). A view drawn before and shown again keeps its rows and is not asked for its roots again: no wait.
    const deadline = Date.now() + REVEAL_DEADLINE_MS;
    const drawn = wasVisible || this.provider.providedRoots ? undefined : this.firstRender(deadline);
    await vscode.commands.executeCommand(`${VIEWS.batches}.focus`);
    if (batchId === undefined || !this.tree.batch(batchId)) return;
    if (drawn) await drawn;
    await this.select(generation, batchId, jobKey, deadline);
  }

  /**
   * Selects the batch's (or job's) row, retrying until the deadline: the view renders the roots it was given a moment
   * after asking for them (until then its tree has no such node), and a view whose rows VS Code dropped asks again.
   */
  private async select(generation: number, batchId: string, jobKey: string | undefined, deadline: number): Promise<void> {
    for (;;) {
      // A newer reveal (a launch's) came while this one waited: selecting this one's batch now would move the
      // selection away from it, and scroll it out of view.
      if (generation !== this.reveals || !this.tree.node(batchNodeId(batchId))) return;
      const target = jobKey !== undefined && this.tree.node(jobNodeId(batchId, jobKey)) ? jobNodeId(batchId, jobKey) : batchNodeId(batchId);
      try {
        await this.view.reveal(target, { select: true, focus: false, expand: true });
        return;
      } catch (error) {
        if (Date.now() >= deadline) {
          // Selecting is a courtesy: the view is open either way.
          this.log.warn('could not select the batch in the Batches view', error);
          return;
        }
        // The user hid the view meanwhile: another try would show it again.
        if (!this.view.visible) return;
      }
      await delay(REVEAL_RETRY_MS);
    }
  }

  /** Resolves once the view has asked for its roots (or at the deadline, when it never does). */
  private firstRender(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const subscription = this.provider.onDidProvideRoots(done);
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    });
  }

  private codeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const range = new vscode.Range(0, 0, 0, 0);
    const lenses = [new vscode.CodeLens(range, { title: '$(play) Launch batch', command: COMMANDS.launch, arguments: [document.uri] })];
    const batch = this.tree.batch(document.uri.fsPath);
    const summary = batch && this.tree.summary(batch.id);
    if (batch && summary && summary.total > 0) {
      lenses.push(new vscode.CodeLens(range, { title: summaryText(summary), command: COMMANDS.showBatches, arguments: [batch.id] }));
      lenses.push(new vscode.CodeLens(range, { title: '$(dashboard) Open dashboard', command: COMMANDS.openDashboard, arguments: [batch.id] }));
    }
    return lenses;
  }

  // ------------------------------------------------------------------ notifications

  private onBatchUpdated(update: BatchUpdate): void {
    if (update.transitions.length > 0 || update.ended) this.focus(update.batchId);
    for (const notice of noticesFor(update, this.settings.notifications)) void this.notify(notice);
  }

  private async notify(notice: Notice): Promise<void> {
    this.log.info(notice.message);
    const show = notice.severity === 'error' ? showError : notice.severity === 'warning' ? showWarning : showInfo;
    const actions = notice.jobKey !== undefined ? ['Open Output', 'Show in Batches'] : ['Show in Batches'];
    const choice = await show(notice.message, ...actions);
    if (choice === 'Show in Batches') await this.reveal(notice.batchId, notice.jobKey);
    if (choice === 'Open Output' && notice.jobKey !== undefined && this.tree.job(notice.batchId, notice.jobKey)) {
      await vscode.commands.executeCommand(COMMANDS.openJobOutput, { batchId: notice.batchId, jobKey: notice.jobKey });
    }
  }

  private disposeMonitor(): void {
    for (const subscription of this.monitorSubscriptions) subscription.dispose();
    this.monitor.dispose();
    for (const poller of this.pollers.values()) poller.dispose();
    this.pollers.clear();
  }

  dispose(): void {
    this.disposeMonitor();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/** The batch's folder name, or its file name when that says more. */
function shortLabel(batch: BatchView): string {
  const parts = batch.label.split(/[\\/]/);
  return parts.length > 1 && /^batchfile/.test(basename(batch.label)) ? parts.at(-2)! : basename(batch.label);
}

function toDisposable(disposable: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => disposable.dispose());
}
