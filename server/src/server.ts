// The language server as a function: wires LSP requests on a connection to the batchfile core.
import { pathToFileURL } from 'node:url';
import type { Connection, InitializeResult } from 'vscode-languageserver';
import { CodeActionKind, DidChangeConfigurationNotification, TextDocumentSyncKind, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CachedDiskView, DiskView } from '../../core/batchfile/index.js';
import {
  codeActions,
  completeList,
  createNodeDiskView,
  definition,
  documentLinks,
  documentSymbols,
  formatDocument,
  hover,
  references,
} from '../../core/batchfile/index.js';
import { AnalysisCache, filePathOf } from './analysis.js';
import { DEFAULT_SETTINGS, readSettings } from './settings.js';
import type { ServerSettings } from './settings.js';

export interface ServerRuntime {
  readonly disk: CachedDiskView;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

export function nodeRuntime(): ServerRuntime {
  return {
    disk: createNodeDiskView(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

export function startServer(connection: Connection, runtime: ServerRuntime): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  const pending = new Map<string, unknown>();
  const settingsByUri = new Map<string, Promise<ServerSettings>>();
  let canPullConfiguration = false;
  let canRegisterConfiguration = false;

  const settingsFor = (uri: string): Promise<ServerSettings> => {
    if (!canPullConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = settingsByUri.get(uri);
    if (!settings) {
      settings = connection.workspace.getConfiguration({ scopeUri: uri, section: 'batchman' }).then(readSettings, () => DEFAULT_SETTINGS);
      settingsByUri.set(uri, settings);
    }
    return settings;
  };

  const diskFor = (uri: string, settings: ServerSettings): DiskView | undefined =>
    settings.checkDisk && filePathOf(uri) !== undefined ? runtime.disk : undefined;

  const publish = async (document: TextDocument): Promise<void> => {
    const settings = await settingsFor(document.uri);
    // A newer version or a close arrived while settings were fetched: that one will publish.
    if (documents.get(document.uri)?.version !== document.version) return;
    const diagnostics = cache.diagnostics(document, diskFor(document.uri, settings));
    await connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: diagnostics.map((d) => ({ ...d, source: 'batchman' })) });
  };

  const schedule = async (document: TextDocument, immediately: boolean): Promise<void> => {
    const previous = pending.get(document.uri);
    if (previous !== undefined) runtime.clearTimeout(previous);
    pending.delete(document.uri);
    const delay = immediately ? 0 : (await settingsFor(document.uri)).debounceMs;
    // Another change may have scheduled a timer while settings were awaited: only the latest one may run.
    const overtaken = pending.get(document.uri);
    if (overtaken !== undefined) runtime.clearTimeout(overtaken);
    pending.delete(document.uri);
    if (delay === 0) return publish(document);
    pending.set(
      document.uri,
      runtime.setTimeout(() => {
        pending.delete(document.uri);
        const latest = documents.get(document.uri);
        if (latest) void publish(latest).catch((error: unknown) => connection.console.error(`diagnostics failed: ${String(error)}`));
      }, delay),
    );
  };

  const revalidateAll = (): void => {
    cache.invalidateDiagnostics();
    for (const document of documents.all()) void schedule(document, true);
  };

  connection.onInitialize((params): InitializeResult => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    canRegisterConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: ['|', ';', '{', '<', ',', '/'], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        documentLinkProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'batchman-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    // A refused registration must not become an unhandled rejection: that would end the server.
    if (canPullConfiguration && canRegisterConfiguration) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'batchman' }).catch((error: unknown) => {
        connection.console.warn(`could not register for configuration changes: ${String(error)}`);
      });
    }
  });

  connection.onDidChangeConfiguration(() => {
    settingsByUri.clear();
    revalidateAll();
  });

  connection.onDidChangeWatchedFiles(() => {
    runtime.disk.clear();
    revalidateAll();
  });

  // didOpen fires onDidOpen then onDidChangeContent for the same version; the open handler publishes it at once.
  const justOpened = new Set<string>();
  documents.onDidOpen(({ document }) => {
    justOpened.add(document.uri);
    void schedule(document, true);
  });
  documents.onDidChangeContent(({ document }) => {
    if (justOpened.delete(document.uri)) return;
    void schedule(document, false);
  });
  documents.onDidClose(({ document }) => {
    const previous = pending.get(document.uri);
    if (previous !== undefined) runtime.clearTimeout(previous);
    pending.delete(document.uri);
    cache.forget(document.uri);
    settingsByUri.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  const withModel = <T>(uri: string, fallback: T, use: (document: TextDocument) => T): T => {
    const document = documents.get(uri);
    return document ? use(document) : fallback;
  };

  connection.onCompletion(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const settings = await settingsFor(document.uri);
    const disk = diskFor(document.uri, settings);
    return completeList(cache.model(document).model, position, { pipeStyle: settings.pipeStyle, ...(disk ? { disk } : {}) });
  });

  connection.onHover(({ textDocument, position }) =>
    withModel(textDocument.uri, null, (document) => hover(cache.model(document).model, position) ?? null),
  );

  connection.onDefinition(({ textDocument, position }) =>
    withModel(textDocument.uri, null, (document) => {
      const range = definition(cache.model(document).model, position);
      return range ? { uri: document.uri, range } : null;
    }),
  );

  connection.onReferences(({ textDocument, position, context }) =>
    withModel(textDocument.uri, [], (document) =>
      references(cache.model(document).model, position, context.includeDeclaration).map((range) => ({ uri: document.uri, range })),
    ),
  );

  connection.onDocumentSymbol(({ textDocument }) => withModel(textDocument.uri, [], (document) => documentSymbols(cache.model(document).model)));

  connection.onDocumentFormatting(({ textDocument }) => withModel(textDocument.uri, [], (document) => formatDocument(cache.model(document).model.document)));

  connection.onDocumentLinks(({ textDocument }) =>
    withModel(textDocument.uri, [], (document) =>
      documentLinks(cache.model(document).model).map((link) => ({ range: link.range, target: pathToFileURL(link.targetPath).href, tooltip: link.tooltip })),
    ),
  );

  connection.onCodeAction(async ({ textDocument, range }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const settings = await settingsFor(document.uri);
    const diagnostics = cache.diagnostics(document, diskFor(document.uri, settings));
    return codeActions(cache.model(document).model, range, diagnostics).map((action) => ({
      title: action.title,
      kind: action.kind,
      ...(action.isPreferred ? { isPreferred: true } : {}),
      ...(action.diagnostics ? { diagnostics: action.diagnostics.map((d) => ({ ...d, source: 'batchman' })) } : {}),
      edit: { changes: { [document.uri]: [...action.edits] } },
    }));
  });

  documents.listen(connection);
  connection.listen();
}
