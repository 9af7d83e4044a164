// Extension entry point: log channels and the language client; activation failures are shown, not swallowed.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Batchman', { log: true });
  const serverLog = vscode.window.createOutputChannel('Batchman Language Server', { log: true });
  const trace = vscode.window.createOutputChannel('Batchman Language Server Trace', { log: true });
  context.subscriptions.push(log, serverLog, trace);
  try {
    client = createLanguageClient(context, { server: serverLog, trace });
    await client.start();
    log.info('language server started');
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(async (event) => {
        // The server pulls settings on change; a restart is needed only for what it reads at start.
        if (event.affectsConfiguration('batchman.trace.server')) await client?.restart();
      }),
    );
  } catch (error) {
    log.error('activation failed', error);
    void vscode.window.showErrorMessage(`Batchman could not start: ${error instanceof Error ? error.message : String(error)}`, 'Show Log').then((choice) => {
      if (choice === 'Show Log') log.show();
    });
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
