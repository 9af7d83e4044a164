// A small LSP test client: spawns the built language server over stdio and speaks the real protocol to it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentLinkRequest,
  DocumentSymbolRequest,
  ErrorCodes,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RegistrationRequest,
  ResponseError,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  CodeAction,
  Command,
  CompletionItem,
  CompletionList,
  Definition,
  DocumentLink,
  DocumentSymbol,
  Hover,
  InitializeResult,
  Location,
  LocationLink,
  Position,
  ProtocolConnection,
  PublishDiagnosticsParams,
  Range,
  SymbolInformation,
  TextDocumentContentChangeEvent,
  TextEdit,
} from 'vscode-languageserver-protocol/node';

export { CLI_BUNDLE, REPO_ROOT, SERVER_BUNDLE, ensureBuilt } from './build.js';
export { applyEdits } from './textEdits.js';
import { SERVER_BUNDLE } from './build.js';

/** The `batchman` section as the client would return it from `workspace/configuration`. */
export interface BatchmanSettings {
  pipeStyle?: 'angle' | 'brace';
  diagnostics?: { debounceMs?: number; checkDisk?: boolean };
}

export interface StartOptions {
  /** Advertise `workspace.configuration` and answer the server's requests with `settings`. */
  readonly configuration?: boolean;
  readonly settings?: BatchmanSettings;
  /** Answer `client/registerCapability` with an error, like a client that cannot register dynamically. */
  readonly refuseRegistrations?: boolean;
  /** Milliseconds any single wait (a request, a diagnostics publication) may take before the test fails. */
  readonly timeoutMs?: number;
}

interface DiagnosticsWaiter {
  readonly uri: string;
  readonly version: number | undefined;
  readonly resolve: (params: PublishDiagnosticsParams) => void;
}

export class LspTestClient {
  /** Every publication the server sent, in order (to prove superseded versions were never published). */
  readonly published: PublishDiagnosticsParams[] = [];
  /** Every `workspace/configuration` request the server made. */
  readonly configurationRequests: unknown[] = [];
  readonly registrationRequests: unknown[] = [];
  readonly stderr: string[] = [];
  initializeResult: InitializeResult | undefined;
  settings: BatchmanSettings;
  private readonly waiters: DiagnosticsWaiter[] = [];
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const waiter = this.waiters[i]!;
        if (waiter.uri !== params.uri) continue;
        if (waiter.version !== undefined && params.version !== waiter.version) continue;
        this.waiters.splice(i, 1);
        waiter.resolve(params);
      }
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests.push(params);
      return params.items.map((item) => (item.section === 'batchman' ? this.settings : null));
    });
    // The server registers for configuration changes; a real client accepts (or refuses, when asked to).
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrationRequests.push(params);
      if (options.refuseRegistrations) return new ResponseError(ErrorCodes.MethodNotFound, 'registrations are not supported');
      return undefined;
    });
    connection.onRequest(UnregistrationRequest.type, () => undefined);
    connection.listen();
  }

  get pid(): number {
    return this.child.pid!;
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  /** Spawns `node dist/server.js --stdio` and performs `initialize` + `initialized`. */
  static async start(options: StartOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection, options);
    client.initializeResult = await client.bounded(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: options.configuration ? { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } : {},
          textDocument: {
            publishDiagnostics: { versionSupport: true },
            completion: { completionItem: { snippetSupport: true } },
          },
        },
      }),
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** Rejects after the client's timeout so a silent server fails the test instead of hanging it. */
  async bounded<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${this.timeoutMs} ms; server stderr: ${this.stderr.join('')}`)), this.timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next publication for `uri` (and `version`, when given) that arrives after this call. */
  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    const arrived = new Promise<PublishDiagnosticsParams>((resolve) => this.waiters.push({ uri, version, resolve }));
    return this.bounded(arrived, `publishDiagnostics for ${uri}${version === undefined ? '' : ` v${version}`}`);
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

  completion(uri: string, position: Position): Promise<CompletionItem[]> {
    return this.bounded(this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }), 'completion').then(
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

  documentSymbols(uri: string): Promise<DocumentSymbol[] | SymbolInformation[] | null> {
    return this.bounded(this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } }), 'documentSymbol');
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

  /** The server process's resident memory in kB, from /proc (Linux). */
  rssKb(): number | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** `shutdown` then `exit`; resolves with the process's exit code once it is gone. */
  async shutdown(): Promise<number | null> {
    await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'shutdown');
    await this.connection.sendNotification(ExitNotification.type);
    const { code } = await this.bounded(this.exited, 'server exit');
    this.connection.dispose();
    return code;
  }

  /** For cleanup after a failed test: ends this client's own server process if it still runs. */
  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Applies LSP text edits (non-overlapping, any order) to `text`. */
/** The edits as incremental `didChange` events: last in the document first, so earlier positions stay valid. */
export function editsAsChanges(text: string, edits: readonly TextEdit[]): TextDocumentContentChangeEvent[] {
  const starts = lineStarts(text);
  const offset = (position: Position): number => (starts[position.line] ?? text.length) + position.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).map((edit) => ({ range: edit.range, text: edit.newText }));
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 13 && text.charCodeAt(i + 1) === 10) continue;
    if (code === 10 || code === 13) starts.push(i + 1);
  }
  return starts;
}

/** The position of the `occurrence`-th `needle` in `text`, moved `offset` characters into it. */
export function positionOf(text: string, needle: string, offset = 0, occurrence = 0): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`"${needle}" (occurrence ${occurrence}) is not in the text`);
  }
  const target = at + offset;
  const before = text.slice(0, target);
  const line = before.split(/\r\n|\r|\n/).length - 1;
  const lastBreak = Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  return { line, character: target - lastBreak - 1 };
}

/** The range covering `needle` (its `occurrence`-th appearance) in `text`. */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  const start = positionOf(text, needle, 0, occurrence);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

/** A diagnostic's message as text (LSP 3.18 allows markup; this server sends strings). */
export function messageText(message: string | { value: string }): string {
  return typeof message === 'string' ? message : message.value;
}

/** `{line}:{start}-{end}` for single-line ranges, compact in assertion messages. */
export function shortRange(range: Range): string {
  return range.start.line === range.end.line
    ? `${range.start.line}:${range.start.character}-${range.end.character}`
    : `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}
