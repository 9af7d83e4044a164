// Entry point of the language server bundle: creates the connection (stdio, IPC or pipe), guards the process against
// errors nothing caught, and starts the server.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { installProcessGuards } from './processGuards.js';
import { nodeRuntime, startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
installProcessGuards(process, (message) => connection.console.error(message));
startServer(connection, nodeRuntime());
