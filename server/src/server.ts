// The language server as a function: wires LSP requests on a connection to the batchfile core. Every handler runs
// through one guard, so one failure is logged and answered and the server keeps serving.
import { pathToFileURL } from 'node:url';
import type { CancellationToken, Connection, InitializeParams, InitializeResult } from 'vscode-languageserver';
import { CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, TextDocumentSyncKind, TextDocuments } from 'vscode-languageserver';
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
  hoveredRowJob,
  references,
} from '../../core/batchfile/index.js';
import { ResultsCache, recordedOnly } from '../../core/results/resultsCache.js';
import { AnalysisCache, filePathOf } from './analysis.js';
import { diskChangesOf } from './fileEvents.js';
import { createGuard } from './guard.js';
import { DiagnosticsPublisher } from './publisher.js';
import type { Timers } from './publisher.js';
import { DEFAULT_SETTINGS, SERVER_SECTION, readSettings } from './settings.js';
import type { ServerSettings } from './settings.js';
import { WatcherRegistration } from './watcherRegistration.js';
import { lspWatchers, watchesFor } from './watchers.js';

export interface ServerRuntime extends Timers {
  readonly disk: CachedDiskView;
}

export function nodeRuntime(): ServerRuntime {
  return {
    disk: createNodeDiskView(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** How long a row's hover waits for the job's results before it answers without them (the read goes on for the next). */
const HOVER_RESULTS_BUDGET_MS = 200;

export function startServer(connection: Connection, runtime: ServerRuntime): void {
  const guard = createGuard(connection.console);
  // Only what a job's {basename}.json says: the file written when the job ended, small whatever the output's size.
  const jobResults = new ResultsCache({ load: recordedOnly, freshMs: 2_000 });
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache();
  const settingsByUri = new Map<string, Promise<ServerSettings>>();
  let canPullConfiguration = false;
  let canRegisterConfiguration = false;
  let canRegisterWatchers = false;
  let relativePatterns = false;

  const settingsFor = (uri: string): Promise<ServerSettings> => {
    if (!canPullConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = settingsByUri.get(uri);
    if (!settings) {
      settings = connection.workspace.getConfiguration({ scopeUri: uri, section: SERVER_SECTION }).then(readSettings, () => DEFAULT_SETTINGS);
      settingsByUri.set(uri, settings);
    }
    return settings;
  };

  const diskFor = (uri: string, settings: ServerSettings): DiskView | undefined =>
    settings.checkDisk && filePathOf(uri) !== undefined ? runtime.disk : undefined;

  const watcherRegistration = new WatcherRegistration({
    register: (watchers) => connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }),
    warn: (message) => connection.console.warn(message),
  });
  /** The client watches what the open documents' latest validations read: asked again after each publication. */
  const updateWatchers = (): void => {
    if (canRegisterWatchers) watcherRegistration.update(lspWatchers(watchesFor(cache.watchedDocuments()), relativePatterns));
  };

  const publisher = new DiagnosticsPublisher({
    documents,
    cache,
    timers: runtime,
    guard,
    settingsFor,
    diskFor,
    send: async (params) => {
      await connection.sendDiagnostics(params);
      updateWatchers();
    },
  });

  connection.onInitialize(
    guard.request('initialize', { errorData: { retry: false } }, (params: InitializeParams): InitializeResult => {
      canPullConfiguration = params.capabilities.workspace?.configuration === true;
      canRegisterConfiguration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
      canRegisterWatchers = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
      relativePatterns = params.capabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
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
    }),
  );

  connection.onInitialized(
    guard.notification('initialized', async () => {
      // A refused registration is logged as a warning: the server works without change notifications.
      if (!canPullConfiguration || !canRegisterConfiguration) return;
      await connection.client.register(DidChangeConfigurationNotification.type, { section: SERVER_SECTION }).catch((error: unknown) => {
        connection.console.warn(`could not register for configuration changes: ${String(error)}`);
      });
    }),
  );

  connection.onDidChangeConfiguration(
    guard.notification('workspace/didChangeConfiguration', () => {
      settingsByUri.clear();
      publisher.revalidateAll();
    }),
  );

  // A file event forgets only the cached answers it made stale, and revalidates only the documents whose rules asked
  // about a changed path, after the debounce: a burst of events (the client sends them in batches) is one revalidation.
  connection.onDidChangeWatchedFiles(
    guard.notification('workspace/didChangeWatchedFiles', ({ changes }) => {
      const diskChanges = diskChangesOf(changes);
      runtime.disk.forget(diskChanges);
      for (const uri of cache.invalidateReadersOf(diskChanges)) {
        const document = documents.get(uri);
        if (document) publisher.schedule(document, false);
      }
    }),
  );

  // didOpen fires onDidOpen then onDidChangeContent for the same version; the open handler publishes it at once.
  const justOpened = new Set<string>();
  documents.onDidOpen(
    guard.notification('textDocument/didOpen', ({ document }: { document: TextDocument }) => {
      justOpened.add(document.uri);
      publisher.schedule(document, true);
    }),
  );
  documents.onDidChangeContent(
    guard.notification('textDocument/didChange', ({ document }: { document: TextDocument }) => {
      if (justOpened.delete(document.uri)) return;
      publisher.schedule(document, false);
    }),
  );
  documents.onDidClose(
    guard.notification('textDocument/didClose', ({ document }: { document: TextDocument }) => {
      cache.forget(document.uri);
      settingsByUri.delete(document.uri);
      publisher.close(document.uri);
    }),
  );

  /**
   * Runs a feature on the open document behind `uri`, or answers `fallback` for an unknown one. Features are
   * synchronous over the cached model, so a cancellation can only arrive before they start (the guard answers those)
   * or while settings are awaited (`settingsUnlessCancelled` looks again after the wait).
   */
  const withDocument = <T>(uri: string, fallback: T, use: (document: TextDocument) => T): T => {
    const document = documents.get(uri);
    return document ? use(document) : fallback;
  };

  /** The document's settings, or undefined when the request was cancelled while they were fetched. */
  const settingsUnlessCancelled = async (uri: string, token: CancellationToken): Promise<ServerSettings | undefined> => {
    const settings = await settingsFor(uri);
    return token.isCancellationRequested ? undefined : settings;
  };

  connection.onCompletion(
    guard.request('textDocument/completion', { neutral: [] }, async ({ textDocument, position }, token) => {
      const document = documents.get(textDocument.uri);
      if (!document) return [];
      const settings = await settingsUnlessCancelled(document.uri, token);
      // The guard answers a cancelled request as cancelled; this only skips the work.
      if (!settings) return [];
      const disk = diskFor(document.uri, settings);
      return completeList(cache.model(document).model, position, { pipeStyle: settings.pipeStyle, ...(disk ? { disk } : {}) });
    }),
  );

  connection.onHover(
    guard.request('textDocument/hover', { neutral: null }, async ({ textDocument, position }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return null;
      const model = cache.model(document).model;
      const job = hoveredRowJob(model, position);
      // The row's results from its {basename}.json, read in the background: a hover never waits longer than the budget.
      const results = job ? await jobResults.get({ directory: job.path, basename: job.basename, program: job.programName }, HOVER_RESULTS_BUDGET_MS) : undefined;
      return hover(model, position, { results: () => results }) ?? null;
    }),
  );

  connection.onDefinition(
    guard.request('textDocument/definition', { neutral: null }, ({ textDocument, position }) =>
      withDocument(textDocument.uri, null, (document) => {
        const range = definition(cache.model(document).model, position);
        return range ? { uri: document.uri, range } : null;
      }),
    ),
  );

  connection.onReferences(
    guard.request('textDocument/references', { neutral: [] }, ({ textDocument, position, context }) =>
      withDocument(textDocument.uri, [], (document) =>
        references(cache.model(document).model, position, context.includeDeclaration).map((range) => ({ uri: document.uri, range })),
      ),
    ),
  );

  connection.onDocumentSymbol(
    guard.request('textDocument/documentSymbol', { neutral: [] }, ({ textDocument }) =>
      withDocument(textDocument.uri, [], (document) => documentSymbols(cache.model(document).model)),
    ),
  );

  connection.onDocumentFormatting(
    guard.request('textDocument/formatting', { neutral: [] }, ({ textDocument }) =>
      withDocument(textDocument.uri, [], (document) => formatDocument(cache.model(document).model.document)),
    ),
  );

  connection.onDocumentLinks(
    guard.request('textDocument/documentLink', { neutral: [] }, ({ textDocument }) =>
      withDocument(textDocument.uri, [], (document) =>
        documentLinks(cache.model(document).model).map((link) => ({ range: link.range, target: pathToFileURL(link.targetPath).href, tooltip: link.tooltip })),
      ),
    ),
  );

  connection.onCodeAction(
    guard.request('textDocument/codeAction', { neutral: [] }, async ({ textDocument, range }, token) => {
      const document = documents.get(textDocument.uri);
      if (!document) return [];
      const settings = await settingsUnlessCancelled(document.uri, token);
      if (!settings) return [];
      const diagnostics = cache.diagnostics(document, diskFor(document.uri, settings));
      return codeActions(cache.model(document).model, range, diagnostics).map((action) => ({
        title: action.title,
        kind: action.kind,
        ...(action.isPreferred ? { isPreferred: true } : {}),
        ...(action.diagnostics ? { diagnostics: action.diagnostics.map((d) => ({ ...d, source: 'batchman' })) } : {}),
        edit: { changes: { [document.uri]: [...action.edits] } },
      }));
    }),
  );

  documents.listen(connection);
  connection.listen();
}
