// One batch's dashboard panel: the VS Code side of a DashboardSession. It loads the page (dist/webview.js) into a
// webview panel, hands the page's messages and the panel's visibility to the session, and carries out what the
// session asks: post to the webview, read the batch from the tree and the disk, run a job's command, open a file.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { DashboardBatchFile, DashboardJobAction } from '../../../core/dashboard/protocol.js';
import type { BatchView } from '../../../core/view/batchTree.js';
import { readLinksOf, readRecordsOf } from '../../../core/dashboard/batchSources.js';
import { dashboardHtml, makeNonce } from '../../../core/dashboard/html.js';
import { readJobDetail } from '../../../core/dashboard/jobDetail.js';
import { readViewResults } from '../../../core/dashboard/resultsRows.js';
import { DashboardSession, dashboardTitle } from '../../../core/dashboard/session.js';
import type { Batches } from '../batches.js';
import { VIEWS } from '../commands.js';
import { showInfo } from '../messages.js';
import { JOB_ACTION_COMMANDS } from './pageRequests.js';

export interface DashboardPanelDeps {
  batches: Batches;
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
}

/** The webview may load the bundle and nothing else. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], retainContextWhenHidden: false };
}

export class DashboardPanel implements vscode.Disposable {
  private readonly session: DashboardSession;
  private disposed = false;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;

  /** Opens a new panel beside the editors. */
  static create(deps: DashboardPanelDeps, view: BatchView, jobKey?: string): DashboardPanel {
    const panel = vscode.window.createWebviewPanel(VIEWS.dashboard, dashboardTitle(view), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, panelOptions(deps.extensionUri));
    return new DashboardPanel(panel, view.id, deps, jobKey);
  }

  /** Takes over a panel (a new one, or one VS Code restored after a reload). */
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly batchId: string,
    private readonly deps: DashboardPanelDeps,
    jobKey?: string,
  ) {
    const { log } = deps;
    const warn = (text: string): void => log.warn(text);
    this.session = new DashboardSession({
      batchId,
      ...(jobKey !== undefined ? { reveal: jobKey } : {}),
      ports: {
        post: (m) => void panel.webview.postMessage(m),
        batchView: () => deps.batches.tree.batch(batchId),
        readRecords: (view) => readRecordsOf(view, warn),
        readLinks: (view) => readLinksOf(view, warn),
        readDetail: (job) => readJobDetail(job),
        reloadPage: () => this.render(),
        setTitle: (title) => (panel.title = title),
        runJobAction: (name, action) => this.runJobAction(name, action),
        openBatchFile: (view, which) => this.openBatchFile(view, which),
        warn: (text, error) => (error === undefined ? log.warn(text) : log.warn(text, error)),
        error: (text, error) => log.error(text, error),
        readResults: (view) => readViewResults(view),
        saveResultsCsv: (view, csv) => this.saveResultsCsv(view, csv),
      },
    });
    const view = deps.batches.tree.batch(batchId);
    if (view) panel.title = dashboardTitle(view);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'batchman.svg');
    panel.webview.options = panelOptions(deps.extensionUri);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.session.receive(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is discarded; when shown again the page reloads and says ready.
        if (!panel.visible) this.session.pageGone();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    this.render();
  }

  /** Brings the panel to the front; shows and chooses the job of `jobKey` when given. */
  reveal(jobKey?: string): void {
    if (jobKey !== undefined) this.session.reveal(jobKey);
    this.panel.reveal(undefined, false);
  }

  /** The batch changed in the model. */
  refresh(): void {
    this.session.batchChanged();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

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

  private async runJobAction(jobKey: string, action: DashboardJobAction): Promise<void> {
    await vscode.commands.executeCommand(JOB_ACTION_COMMANDS[action], { batchId: this.batchId, jobKey });
  }

  /** A save dialog at the batch folder's results.csv; the text is what `batchman results --csv` prints. */
  private async saveResultsCsv(view: BatchView, csv: string): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(join(dirname(view.batchfilePath), 'results.csv')),
      filters: { CSV: ['csv'] },
      saveLabel: 'Export Results',
      title: `Export the results of ${view.label}`,
    });
    if (!target) return;
    await writeFile(target.fsPath, csv, 'utf8');
    void showInfo(`Batchman: the results of ${view.label} were written to ${target.fsPath}.`);
  }

  private async openBatchFile(view: BatchView, which: DashboardBatchFile): Promise<void> {
    if (which === 'root') {
      if (view.rootPath === null) return;
      const folder = vscode.Uri.file(view.rootPath);
      // Outside the workspace the Explorer cannot show it: the system's file manager does.
      await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(folder) ? 'revealInExplorer' : 'revealFileInOS', folder);
      return;
    }
    const path = which === 'ledger' ? view.ledgerPath : view.batchfilePath;
    if (path === null || !existsSync(path)) {
      void showInfo(`Batchman: ${view.label} has no ${which === 'ledger' ? 'ledger yet' : 'batchfile'}${path ? ` (${path})` : ''}.`);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }
}
