// Finds the workspace's batches with VS Code's file search and keeps the monitor's set in step as batchfiles,
// ledgers and records appear or go (core/view/batchDiscovery.ts decides what the files mean).
import * as vscode from 'vscode';
import { BATCHFILE_GLOBS, RECORD_GLOB, discoverBatches } from '../../core/view/batchDiscovery.js';
import type { BatchMonitor } from '../../core/view/batchMonitor.js';
import { LANGUAGE_ID } from './languageClient.js';

const EXCLUDE = '**/{node_modules,.git}/**';
/** Beyond this many files of one kind, the rest is not shown (a workspace that big needs narrower folders). */
const MAX_FILES = 2000;
const RESCAN_DELAY_MS = 300;

export class WorkspaceBatches implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private scanning: Promise<void> = Promise.resolve();

  constructor(
    private monitor: BatchMonitor,
    private readonly ledgerName: () => string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Creation and deletion only: a record's heartbeat changes it every 10 s, which the monitor follows itself.
    const watcher = vscode.workspace.createFileSystemWatcher(`**/{batchfile*.csv,*.batchfile,${ledgerName()}}`, false, true, false);
    const records = vscode.workspace.createFileSystemWatcher(RECORD_GLOB, false, true, true);
    this.subscriptions.push(
      watcher,
      records,
      // A runner's atomic writes (rename over the old file) show as creations of files already followed: no search.
      watcher.onDidCreate((uri) => this.monitor.owns(uri.fsPath) || this.rescanSoon()),
      watcher.onDidDelete(() => this.rescanSoon()),
      records.onDidCreate((uri) => this.monitor.owns(uri.fsPath) || this.rescanSoon()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rescanSoon()),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document.languageId === LANGUAGE_ID && document.uri.scheme === 'file' && !this.monitor.has(document.uri.fsPath)) this.rescanSoon();
      }),
    );
  }

  /** After the settings changed, the batches are followed by a new monitor. */
  useMonitor(monitor: BatchMonitor): void {
    this.monitor = monitor;
  }

  rescanSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.scan();
    }, RESCAN_DELAY_MS);
  }

  /** One scan at a time; resolves when the monitor shows what was found. */
  scan(): Promise<void> {
    this.scanning = this.scanning.then(() => this.doScan()).catch((error: unknown) => this.log.error('finding batches failed', error));
    return this.scanning;
  }

  private async doScan(): Promise<void> {
    if (!vscode.workspace.workspaceFolders?.length) {
      await this.monitor.sync([]);
      return;
    }
    const started = Date.now();
    const find = async (glob: string): Promise<string[]> => (await vscode.workspace.findFiles(glob, EXCLUDE, MAX_FILES)).filter((uri) => uri.scheme === 'file').map((uri) => uri.fsPath);
    const [named, ledgers, records] = await Promise.all([
      Promise.all(BATCHFILE_GLOBS.map(find)).then((lists) => lists.flat()),
      find(`**/${this.ledgerName()}`),
      find(RECORD_GLOB),
    ]);
    const open = vscode.workspace.textDocuments.filter((d) => d.languageId === LANGUAGE_ID && d.uri.scheme === 'file').map((d) => d.uri.fsPath);
    const batches = await discoverBatches({ named, ledgers, records, open }, { ledgerName: this.ledgerName() });
    await this.monitor.sync(batches.map((batch) => batch.batchfilePath));
    this.log.info(`found ${batches.length} batch(es) in ${Date.now() - started} ms`);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
