// Starts the batchfile language server bundle and connects it to VS Code.
import type * as vscode from 'vscode';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { SERVER_NODE_FLAGS } from '../../core/protocol/serverProcess.js';
import { SETTINGS_SECTION } from '../../core/settings/index.js';

export const LANGUAGE_ID = 'batchfile';

export function createLanguageClient(context: vscode.ExtensionContext, channels: { server: vscode.LogOutputChannel; trace: vscode.LogOutputChannel }): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_NODE_FLAGS, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    // No `synchronize.fileEvents`: the server registers the file watchers its disk rules need (each open batch's job
    // folders, inputs and scripts) itself, so a running batch's output files never reach it.
    outputChannel: channels.server,
    traceOutputChannel: channels.trace,
  };
  // The client's id is the settings section: the library reads `<id>.trace.server` (a setting of the table) itself.
  return new LanguageClient(SETTINGS_SECTION, 'Batchman Language Server', serverOptions, clientOptions);
}
