// Starts the batchfile language server bundle and connects it to VS Code.
import * as vscode from 'vscode';
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
    // Disk rules (job folders, input files) go stale when files appear or vanish.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*') },
    outputChannel: channels.server,
    traceOutputChannel: channels.trace,
  };
  // The client's id is the settings section: the library reads `<id>.trace.server` (a setting of the table) itself.
  return new LanguageClient(SETTINGS_SECTION, 'Batchman Language Server', serverOptions, clientOptions);
}
