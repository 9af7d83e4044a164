// One batch's dashboard: a webview panel running the page (dist/webview.js), fed through core's DashboardFeed. The
// host says nothing before the page's `ready`, answers every `ready` with a snapshot (a hidden panel's page is
// discarded and reloads when shown: no retainContextWhenHidden), then posts only what changed.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { DASHBOARD_PROTOCOL_VERSION, JobDetailMessage, RevealJobMessage, isPageToHostMessage, message } from '../../../core/dashboard/protocol.js';
import type { DashboardViewState, HostToPageMessage, PageToHostMessage } from '../../../core/dashboard/protocol.js';
import type { BatchView } from '../../../core/view/batchTree.js';
import { DashboardFeed, touchesJob } from '../../../core/dashboard/feed.js';
import type { DashboardSource } from '../../../core/dashboard/feed.js';
import { dashboardHtml, makeNonce } from '../../../core/dashboard/html.js';
import { readJobDetail } from '../../../core/dashboard/jobDetail.js';
import type { Batches } from '../batches.js';
import { VIEWS } from '../commands.js';
import { readLinksOf, readRecordsOf } from './batchSources.js';
import { isBatchFile, jobActionCommand } from './pageRequests.js';

export interface DashboardPanelDeps {
  batches: Batches;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

export function panelTitle(view: Pick<BatchView, 'label'>): string {
  return `Batch: ${view.label}`;
}

/** The webview may load the bundle and nothing else. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], retainContextWhenHidden: false };
}

export class DashboardPanel implements vscode.Disposable {
  private feed: DashboardFeed | undefined;
  /** The page said `ready` and has not been discarded since: messages reach it. */
  private ready = false;
  /** The page said ready and has not had its snapshot yet. */
  private snapshotOwed = false;
  /** A job to reveal once the page is ready (opened from a job). */
  private pendingReveal: string | undefined;
  private selected: string | null = null;
  /** The page shows the selected job's detail as of its current row. */
  private detailFresh = false;
  /** A detail read for the selected job is under way. */
  private detailLoading = false;
  /** Answers to older selections are dropped. */
  private detailSeq = 0;
  /** The page was reloaded once for speaking another protocol version (not again: the bundle is what it is). */
  private reloadedForVersion = false;
  /** The record view and the job list the records and links were last read for. */
  private recordsKey: string | undefined;
  private jobsKey: string | undefined;
  /** Reads and posts run one after the other, so messages go out in the order the feed built them. */
  private queue: Promise<void> = Promise.resolve();
  private refreshQueued = false;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  /** Opens a new panel beside the editors. */
  static create(deps: DashboardPanelDeps, view: BatchView, basename?: string): DashboardPanel {
    const panel = vscode.window.createWebviewPanel(VIEWS.dashboard, panelTitle(view), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, panelOptions(deps.extensionUri));
    return new DashboardPanel(panel, view.id, deps, basename);
  }

  /** Takes over a panel (a new one, or one VS Code restored after a reload). */
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly batchId: string,
    private readonly deps: DashboardPanelDeps,
    basename?: string,
  ) {
    this.pendingReveal = basename;
    const view = deps.batches.tree.batch(batchId);
    if (view) panel.title = panelTitle(view);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'batchman.svg');
    panel.webview.options = panelOptions(deps.extensionUri);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is discarded; when shown again the page reloads and says ready.
        if (!panel.visible) this.pageGone();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    this.render();
  }

  /** Brings the panel to the front; shows and chooses `basename` when given. */
  reveal(basename?: string): void {
    if (basename !== undefined) {
      this.pendingReveal = basename;
      // in turn with the feed's messages; a page still loading (or owed its snapshot) gets it after the snapshot
      this.enqueue(async () => {
        const pending = this.pendingReveal;
        if (pending === undefined || !this.ready || this.snapshotOwed) return;
        this.pendingReveal = undefined;
        this.revealJob(pending);
      });
    }
    this.panel.reveal(undefined, false);
  }

  /** The batch changed in the tree: post what changed (if the page listens). Bursts are one read. */
  refresh(): void {
    if (this.refreshQueued || this.disposed) return;
    this.refreshQueued = true;
    this.enqueue(async () => {
      this.refreshQueued = false;
      const messages = await this.sync(false);
      // a page that said ready before the batch was loaded still waits for its snapshot
      if (this.snapshotOwed) {
        this.sendSnapshot();
        return;
      }
      for (const m of messages) this.post(m);
      if (this.selected !== null && touchesJob(messages, this.selected)) this.sendDetail(this.selected);
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.detailSeq++;
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

  // ------------------------------------------------------------------ the page

  private render(): void {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      title: this.panel.title,
    });
  }

  private pageGone(): void {
    this.ready = false;
    this.detailFresh = false;
    this.detailLoading = false;
    this.detailSeq++;
    this.feed?.reset();
  }

  private post(m: HostToPageMessage): void {
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(m);
  }

  private onMessage(raw: unknown): void {
    if (this.disposed || !isPageToHostMessage(raw)) return;
    const m: PageToHostMessage = raw;
    switch (m.method) {
      case 'batchman/dashboard/ready':
        this.onReady(m.params.protocolVersion);
        break;
      case 'batchman/dashboard/selectJob':
        this.select(typeof m.params.basename === 'string' ? m.params.basename : null);
        break;
      case 'batchman/dashboard/jobAction':
        void this.jobAction(m.params.basename, m.params.action);
        break;
      case 'batchman/dashboard/showLaunch':
        this.showLaunch(m.params.recordId);
        break;
      case 'batchman/dashboard/openBatchFile':
        void this.openBatchFile(m.params.which);
        break;
      case 'batchman/dashboard/viewState':
        this.onViewState(m.params.state);
        break;
    }
  }

  private onReady(protocolVersion: unknown): void {
    if (protocolVersion !== DASHBOARD_PROTOCOL_VERSION) {
      this.deps.log.warn(`dashboard: the page speaks protocol ${String(protocolVersion)}, the host ${DASHBOARD_PROTOCOL_VERSION}`);
      if (!this.reloadedForVersion) {
        // a page restored from an older build: load the current bundle
        this.reloadedForVersion = true;
        this.render();
        return;
      }
    }
    this.pageGone();
    this.ready = true;
    this.snapshotOwed = true;
    this.enqueue(async () => {
      await this.sync(true);
      this.sendSnapshot();
    });
  }

  /** The snapshot a ready page waits for (once the batch is known), then the job to reveal or the chosen job's detail. */
  private sendSnapshot(): void {
    if (!this.feed || !this.ready || !this.snapshotOwed) return;
    this.snapshotOwed = false;
    this.post(this.feed.snapshot());
    const reveal = this.pendingReveal;
    this.pendingReveal = undefined;
    if (reveal !== undefined) this.revealJob(reveal);
    else if (this.selected !== null) this.sendDetail(this.selected);
  }

  private revealJob(basename: string): void {
    if (!this.feed?.job(basename)) return;
    this.post(message(RevealJobMessage, { basename }));
    this.select(basename);
  }

  private select(basename: string | null): void {
    if (basename === this.selected && (this.detailFresh || this.detailLoading)) return;
    this.selected = basename;
    this.detailFresh = false;
    this.detailLoading = false;
    this.detailSeq++;
    if (basename !== null) this.sendDetail(basename);
  }

  private onViewState(state: Partial<DashboardViewState> | undefined): void {
    const selected = state?.selected;
    if ((typeof selected === 'string' || selected === null) && selected !== this.selected) this.select(selected);
  }

  /** Reads the chosen job's folder (the tree's job: its directory, never the page's text) and posts its detail. */
  private sendDetail(basename: string): void {
    const job = this.feed?.job(basename);
    if (!job) return;
    const seq = ++this.detailSeq;
    this.detailLoading = true;
    const current = (): boolean => seq === this.detailSeq && this.ready && this.selected === basename;
    readJobDetail(job).then(
      (detail) => {
        if (!current()) return;
        this.detailLoading = false;
        this.detailFresh = true;
        this.post(message(JobDetailMessage, { detail }));
      },
      (error: unknown) => {
        if (current()) this.detailLoading = false;
        this.deps.log.warn(`dashboard: cannot read the detail of ${basename}`, error);
      },
    );
  }

  private showLaunch(recordId: unknown): void {
    if (typeof recordId !== 'string') return;
    this.enqueue(async () => {
      if (!this.feed?.showLaunch(recordId)) return;
      this.post(this.feed.snapshot());
      if (this.selected !== null) this.sendDetail(this.selected);
    });
  }

  private async jobAction(basename: unknown, action: unknown): Promise<void> {
    const command = jobActionCommand(action);
    if (!command || typeof basename !== 'string' || !this.feed?.job(basename)) return;
    await vscode.commands.executeCommand(command, { batchId: this.batchId, basename });
  }

  private async openBatchFile(which: unknown): Promise<void> {
    const view = this.deps.batches.tree.batch(this.batchId);
    if (!view || !isBatchFile(which)) return;
    if (which === 'root') {
      if (view.rootPath === null) return;
      const folder = vscode.Uri.file(view.rootPath);
      // Outside the workspace the Explorer cannot show it: the system's file manager does.
      await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(folder) ? 'revealInExplorer' : 'revealFileInOS', folder);
      return;
    }
    const path = which === 'ledger' ? view.ledgerPath : view.batchfilePath;
    if (path === null || !existsSync(path)) {
      void vscode.window.showInformationMessage(`Batchman: ${view.label} has no ${which === 'ledger' ? 'ledger yet' : 'batchfile'}${path ? ` (${path})` : ''}.`);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  // ------------------------------------------------------------------ the feed

  private enqueue(work: () => Promise<void>): void {
    const run = async (): Promise<void> => {
      if (this.disposed) return;
      try {
        await work();
      } catch (error) {
        this.deps.log.error(`dashboard of ${this.batchId} failed`, error);
      }
    };
    this.queue = this.queue.then(run, run);
  }

  /**
   * Brings the feed up to the tree's view of the batch, reading the records when the tree's record changed (or
   * `fresh`: a new page wants the newest heartbeat) and the links when the job list changed; returns what to post.
   */
  private async sync(fresh: boolean): Promise<HostToPageMessage[]> {
    const view = this.deps.batches.tree.batch(this.batchId);
    // a batch no longer followed keeps its last picture
    if (!view) return [];
    this.panel.title = panelTitle(view);
    const warn = (text: string): void => this.deps.log.warn(text);
    const patch: Partial<DashboardSource> = { view };
    const recordsKey = JSON.stringify(view.record);
    if (fresh || !this.feed || recordsKey !== this.recordsKey) {
      this.recordsKey = recordsKey;
      patch.records = await readRecordsOf(view, warn);
    }
    const jobsKey = view.jobs.map((job) => job.basename).join('\n');
    if (fresh || !this.feed || jobsKey !== this.jobsKey) {
      this.jobsKey = jobsKey;
      patch.links = await readLinksOf(view, warn);
    }
    if (!this.feed) {
      this.feed = new DashboardFeed({ view, links: patch.links ?? [], records: patch.records ?? [] });
      return [];
    }
    return this.feed.update(patch);
  }
}
