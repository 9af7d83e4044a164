// The Batches view's file watching (a live batch's ledger and record, as the core monitor asks), done with VS Code's
// watcher: it also watches folders outside the workspace when given an absolute base, which a batch's root may be.
// The language server's watchers are not these: it registers its own, for what its disk rules read.
import * as vscode from 'vscode';
import type { FileWatcherFactory } from '../../core/view/batchMonitor.js';

export const vscodeFileWatchers: FileWatcherFactory = (request, onChange) => {
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(request.base), request.pattern));
  const subscriptions = [watcher, watcher.onDidCreate(onChange), watcher.onDidChange(onChange), watcher.onDidDelete(onChange)];
  return { dispose: () => subscriptions.forEach((s) => s.dispose()) };
};
