// The client half of an LSP conversation, whatever carries it (a spawned server's stdio, or in-memory streams to a
// server in this process): records what the server sends and offers one method per request the tests make.
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentLinkRequest,
  DocumentSymbolRequest,
  ErrorCodes,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RegistrationRequest,
  ResponseError,
  UnregistrationRequest,
} from 'vscode-languageserver-protocol/node';
import type {
  CancellationToken,
  CodeAction,
  Command,
  CompletionItem,
  CompletionList,
  ConfigurationParams,
  Definition,
  DocumentLink,
  DocumentSymbol,
  FileEvent,
  FileSystemWatcher,
  Hover,
  InitializeResult,
  Location,
  LocationLink,
  LogMessageParams,
  Position,
  ProtocolConnection,
  PublishDiagnosticsParams,
  Range,
  RegistrationParams,
  SymbolInformation,
  TextDocumentContentChangeEvent,
  TextEdit,
  UnregistrationParams,
} from 'vscode-languageserver-protocol/node';

/** The `batchman` section as the client would return it from `workspace/configuration`. */
export interface BatchmanSettings {
  pipeStyle?: 'angle' | 'brace';
  diagnostics?: { debounceMs?: number; checkDisk?: boolean };
}

export interface SessionOptions {
  /** Advertise `workspace.configuration` and answer the server's requests with `settings`. */
  readonly configuration?: boolean;
  readonly settings?: BatchmanSettings;
  /** Answer `client/registerCapability` with an error, like a client that cannot register dynamically. */
  readonly refuseRegistrations?: boolean;
  /** Advertise what VS Code's client does: file watchers registered dynamically, with relative patterns. */
  readonly watchFiles?: boolean;
  /** Milliseconds any single wait (a request, a diagnostics publication) may take before the test fails. */
  readonly timeoutMs?: number;
}

interface Waiter<T> {
  readonly wants: (value: T) => boolean;
  readonly resolve: (value: T) => void;
}

export class LspSession {
  /** Every publication the server sent, in order (to prove superseded versions were never published). */
  readonly published: PublishDiagnosticsParams[] = [];
  /** Every `workspace/configuration` request the server made. */
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly registrationRequests: RegistrationParams[] = [];
  readonly unregistrationRequests: UnregistrationParams[] = [];
  /** Every `window/logMessage` the server sent (its `connection.console`). */
  readonly logMessages: LogMessageParams[] = [];
  initializeResult: InitializeResult | undefined;
  settings: BatchmanSettings;
  private readonly diagnosticsWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly logWaiters: Waiter<LogMessageParams>[] = [];
  private readonly configurationWaiters: Waiter<ConfigurationParams>[] = [];
  private readonly registrationWaiters: Waiter<RegistrationParams>[] = [];
  /** While set, answers to `workspace/configuration` wait for it (a client slow to answer). */
  private configurationGate: Promise<void> | undefined;

  protected constructor(
    readonly connection: ProtocolConnection,
    readonly options: SessionOptions,
    /** What to add to a timeout's message so a silent server can be diagnosed (its stderr, its log). */
    private readonly serverOutput: () => string,
  ) {
    this.settings = options.settings ?? {};
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      settle(this.diagnosticsWaiters, params);
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logMessages.push(params);
      settle(this.logWaiters, params);
    });
    connection.onRequest(ConfigurationRequest.type, async (params) => {
      this.configurationRequests.push(params);
      settle(this.configurationWaiters, params);
      await this.configurationGate;
      return params.items.map((item) => (item.section === 'batchman' ? this.settings : null));
    });
    // The server registers for configuration changes; a real client accepts (or refuses, when asked to).
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrationRequests.push(params);
      if (options.refuseRegistrations) return new ResponseError(ErrorCodes.MethodNotFound, 'registrations are not supported');
      settle(this.registrationWaiters, params);
      return undefined;
    });
    connection.onRequest(UnregistrationRequest.type, (params) => {
      this.unregistrationRequests.push(params);
      return undefined;
    });
    connection.listen();
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  /** Performs `initialize` + `initialized`; `processId` null keeps the server from watching a parent process. */
  protected async initialize(processId: number | null): Promise<void> {
    const { options } = this;
    this.initializeResult = await this.bounded(
      this.connection.sendRequest(InitializeRequest.type, {
        processId,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: {
            ...(options.configuration ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } : {}),
            ...(options.watchFiles ? { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } : {}),
          },
          textDocument: {
            publishDiagnostics: { versionSupport: true },
            completion: { completionItem: { snippetSupport: true } },
          },
        },
      }),
      'initialize',
    );
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  /** Rejects after the client's timeout so a silent server fails the test instead of hanging it. */
  async bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${this.timeoutMs} ms; ${this.serverOutput()}`)), this.timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next publication for `uri` (and `version`, when given) that arrives after this call. */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    const wants = (params: PublishDiagnosticsParams): boolean => params.uri === uri && (version === undefined || params.version === version);
    const arrived = new Promise<PublishDiagnosticsParams>((resolve) => this.diagnosticsWaiters.push({ wants, resolve }));
    return this.bounded(arrived, `publishDiagnostics for ${uri}${version === undefined ? '' : ` v${version}`}`);
  }

  /** The next `window/logMessage` whose text matches `pattern`. */
  nextLog(pattern: RegExp): Promise<LogMessageParams> {
    const arrived = new Promise<LogMessageParams>((resolve) => this.logWaiters.push({ wants: (params) => pattern.test(params.message), resolve }));
    return this.bounded(arrived, `a log message matching ${pattern}`);
  }

  /** The next `workspace/configuration` request the server makes. */
  nextConfigurationRequest(): Promise<ConfigurationParams> {
    const arrived = new Promise<ConfigurationParams>((resolve) => this.configurationWaiters.push({ wants: () => true, resolve }));
    return this.bounded(arrived, 'workspace/configuration');
  }

  /** The next accepted registration of `method` (e.g. `workspace/didChangeWatchedFiles`). */
  nextRegistration(method: string): Promise<RegistrationParams> {
    const wants = (params: RegistrationParams): boolean => params.registrations.some((registration) => registration.method === method);
    const arrived = new Promise<RegistrationParams>((resolve) => this.registrationWaiters.push({ wants, resolve }));
    return this.bounded(arrived, `client/registerCapability for ${method}`);
  }

  /** The file watchers of every `workspace/didChangeWatchedFiles` registration the server has not taken back. */
  fileWatchers(): FileSystemWatcher[] {
    const gone = new Set(this.unregistrationRequests.flatMap((params) => params.unregisterations.map((u) => u.id)));
    return this.registrationRequests
      .flatMap((params) => params.registrations)
      .filter((registration) => registration.method === 'workspace/didChangeWatchedFiles' && !gone.has(registration.id))
      .flatMap((registration) => (registration.registerOptions as { watchers: FileSystemWatcher[] }).watchers);
  }

  /** Holds answers to `workspace/configuration` until the returned function is called. */
  holdConfiguration(): () => void {
    let release!: () => void;
    this.configurationGate = new Promise<void>((resolve) => {
      release = () => {
        this.configurationGate = undefined;
        resolve();
      };
    });
    return release;
  }

  open(uri: string, text: string, version = 1, languageId = 'batchfile'): Promise<void> {
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  /** Opens a document and resolves with the diagnostics the server publishes for that version. */
  async openAndWait(uri: string, text: string, version = 1): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, version);
    await this.open(uri, text, version);
    return next;
  }

  change(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges });
  }

  async changeAndWait(uri: string, version: number, contentChanges: TextDocumentContentChangeEvent[]): Promise<PublishDiagnosticsParams> {
    const next = this.nextDiagnostics(uri, version);
    await this.change(uri, version, contentChanges);
    return next;
  }

  close(uri: string): Promise<void> {
    return this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Changes the answers to `workspace/configuration` and tells the server, like a user editing settings. */
  changeSettings(settings: BatchmanSettings): Promise<void> {
    this.settings = settings;
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { batchman: settings } });
  }

  /** Tells the server files changed on disk, as the client's file watcher does. */
  filesChanged(changes: FileEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  completion(uri: string, position: Position, token?: CancellationToken): Promise<CompletionItem[]> {
    return this.bounded(this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }, token), 'completion').then(
      (result: CompletionItem[] | CompletionList | null) => (result === null ? [] : Array.isArray(result) ? result : result.items),
    );
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.bounded(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 'hover');
  }

  definition(uri: string, position: Position): Promise<Definition | LocationLink[] | null> {
    return this.bounded(this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }), 'definition');
  }

  references(uri: string, position: Position, includeDeclaration: boolean): Promise<Location[] | null> {
    return this.bounded(this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } }), 'references');
  }

  documentSymbols(uri: string, token?: CancellationToken): Promise<DocumentSymbol[] | SymbolInformation[] | null> {
    return this.bounded(this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }, token), 'documentSymbol');
  }

  formatting(uri: string): Promise<TextEdit[] | null> {
    return this.bounded(
      this.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }),
      'formatting',
    );
  }

  codeActions(uri: string, range: Range, only?: string[]): Promise<(Command | CodeAction)[] | null> {
    return this.bounded(
      this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], ...(only ? { only } : {}) } }),
      'codeAction',
    );
  }

  documentLinks(uri: string): Promise<DocumentLink[] | null> {
    return this.bounded(this.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } }), 'documentLink');
  }
}

/** Resolves (and removes) every waiter that wants `value`. */
function settle<T>(waiters: Waiter<T>[], value: T): void {
  for (let i = waiters.length - 1; i >= 0; i--) {
    const waiter = waiters[i]!;
    if (!waiter.wants(value)) continue;
    waiters.splice(i, 1);
    waiter.resolve(value);
  }
}
