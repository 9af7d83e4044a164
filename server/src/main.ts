// Entry point of the language server bundle: creates the connection (stdio, IPC or pipe) and starts the server.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { nodeRuntime, startServer } from './server.js';

startServer(createConnection(ProposedFeatures.all), nodeRuntime());
