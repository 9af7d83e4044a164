// The open dashboards: one panel per batch (opening it again brings it to the front), panels restored after a
// reload from the batch their page saved, and the model's changes passed to the panel of each batch they touch.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { messageHtml } from '../../../core/dashboard/html.js';
import type { Batches } from '../batches.js';
import { VIEWS } from '../commands.js';
import { DashboardPanel, panelOptions } from './dashboardPanel.js';
import { savedBatchId } from './pageRequests.js';

export class Dashboards implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly batches: Batches,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(VIEWS.dashboard, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
      batches.onDidChangeBatches((changed) => this.onBatchesChanged(changed)),
    );
  }

  /** Shows the batch's dashboard (a known batch: the caller adds it to the monitor); reveals the job of `jobKey` if given. */
  async open(batchId: string, jobKey?: string): Promise<void> {
    const existing = this.panels.get(batchId);
    if (existing) {
      existing.reveal(jobKey);
      return;
    }
    if (!this.batches.tree.batch(batchId)) await this.batches.monitor.add(batchId);
    const view = this.batches.tree.batch(batchId);
    if (!view) throw new Error(`${batchId} is not a batch Batchman follows`);
    this.track(DashboardPanel.create(this.deps(), view, jobKey));
  }

  has(batchId: string): boolean {
    return this.panels.has(batchId);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
  }

  /** A panel VS Code kept across a reload: show the batch its page saved, or say why it cannot. */
  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const batchId = savedBatchId(state);
    if (batchId === undefined || this.panels.has(batchId)) {
      // nothing to show (or shown elsewhere already): a blank panel would only be in the way
      this.log.info(batchId === undefined ? 'dashboard: a restored panel names no batch; closed it' : `dashboard: ${batchId} is shown already; closed the restored copy`);
      panel.dispose();
      return;
    }
    this.log.info(`dashboard: restoring the dashboard of ${batchId}`);
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    if (!existsSync(batchId)) {
      panel.webview.html = messageHtml({ cspSource: panel.webview.cspSource, title: panel.title, text: `The batchfile ${batchId} no longer exists.` });
      return;
    }
    try {
      if (!this.batches.tree.batch(batchId)) await this.batches.monitor.add(batchId);
    } catch (error) {
      this.log.error(`dashboard: cannot follow ${batchId}`, error);
    }
    if (!this.batches.tree.batch(batchId) || this.panels.has(batchId)) {
      if (this.panels.has(batchId)) panel.dispose();
      else panel.webview.html = messageHtml({ cspSource: panel.webview.cspSource, title: panel.title, text: `Batchman cannot read the batch ${batchId}.` });
      return;
    }
    panel.webview.options = panelOptions(this.extensionUri);
    this.track(new DashboardPanel(panel, batchId, this.deps()));
  }

  private track(panel: DashboardPanel): void {
    this.panels.set(panel.batchId, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(panel.batchId) === panel) this.panels.delete(panel.batchId);
    });
  }

  private onBatchesChanged(changed: ReadonlySet<string> | 'all'): void {
    if (changed === 'all') {
      for (const panel of this.panels.values()) panel.refresh();
      return;
    }
    for (const batchId of changed) this.panels.get(batchId)?.refresh();
  }

  private deps(): { batches: Batches; extensionUri: vscode.Uri; log: vscode.LogOutputChannel } {
    return { batches: this.batches, extensionUri: this.extensionUri, log: this.log };
  }
}
