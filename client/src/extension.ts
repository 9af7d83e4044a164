// Extension entry point: log channels, the Batches surface and its commands, then the language client. Each part
// that fails to start is shown to the user (VS Code itself does not), and the others still work.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './batchCommands.js';
import { Batches } from './batches.js';
import { BatchmanCli } from './cli.js';
import { affectsSettingsWith } from './config.js';
import { Dashboards } from './dashboard/dashboards.js';
import { createLanguageClient } from './languageClient.js';
import { showError } from './messages.js';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const started = Date.now();
  const log = vscode.window.createOutputChannel('Batchman', { log: true });
  const serverLog = vscode.window.createOutputChannel('Batchman Language Server', { log: true });
  const trace = vscode.window.createOutputChannel('Batchman Language Server Trace', { log: true });
  context.subscriptions.push(log, serverLog, trace);

  try {
    const batches = new Batches(log);
    context.subscriptions.push(batches);
    const dashboards = new Dashboards(batches, context.extensionUri, log);
    context.subscriptions.push(dashboards);
    registerCommands(context, { batches, cli: new BatchmanCli(context.asAbsolutePath('dist/cli.js')), log, dashboards });
    if (!vscode.workspace.isTrusted) log.info('untrusted workspace: language features and the Batches view work; launching and cancelling are refused');
  } catch (error) {
    showActivationError(log, 'the Batches view', error);
  }

  try {
    client = createLanguageClient(context, { server: serverLog, trace });
    await client.start();
    log.info('language server started');
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(async (event) => {
        // The server pulls its settings on change; a restart is needed only for what is read when it starts.
        if (affectsSettingsWith(event, 'restartLanguageServer')) await client?.restart();
      }),
    );
  } catch (error) {
    showActivationError(log, 'the language server', error);
  }
  log.info(`activated in ${Date.now() - started} ms`);
}

function showActivationError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  log.error(`${what} could not start`, error);
  void showError(`Batchman could not start ${what}: ${error instanceof Error ? error.message : String(error)}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') log.show();
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
