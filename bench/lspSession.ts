// A lean LSP client for the benchmarks: spawns the built server over stdio, times diagnostics and requests.
import { spawn } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../core/protocol/serverProcess.js';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  CompletionRequest,
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  CompletionItem,
  CompletionList,
  FileEvent,
  Position,
  ProtocolConnection,
  PublishDiagnosticsParams,
  RegistrationParams,
  TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

const WAIT_MS = 60_000;
/** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface BenchSessionOptions {
  /** Advertise what VS Code's client does: file watchers registered dynamically, with relative patterns. */
  readonly watchFiles?: boolean;
}

interface DiagnosticsWaiter {
  readonly uri: string;
  readonly wants: (params: PublishDiagnosticsParams) => boolean;
  readonly resolve: (params: PublishDiagnosticsParams) => void;
}

export class BenchSession {
  private readonly waiters: DiagnosticsWaiter[] = [];
  /** Every `client/registerCapability` the server sent. */
  readonly registrations: RegistrationParams[] = [];
  /** How many publications arrived, per document. */
  readonly publications = new Map<string, number>();
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: ProtocolConnection,
    settings: unknown,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.publications.set(params.uri, (this.publications.get(params.uri) ?? 0) + 1);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const waiter = this.waiters[i]!;
        if (waiter.uri !== params.uri || !waiter.wants(params)) continue;
        this.waiters.splice(i, 1);
        waiter.resolve(params);
      }
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'batchman' ? settings : null)));
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(params);
    });
    connection.listen();
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the server with the extension's V8 flags, or `nodeFlags` to compare others. */
  static async start(serverPath: string, settings: unknown, nodeFlags: readonly string[] = SERVER_NODE_FLAGS, options: BenchSessionOptions = {}): Promise<BenchSession> {
    const child = spawn(process.execPath, [...nodeFlags, serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const session = new BenchSession(child, connection, settings);
    await withTimeout(
      connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        workspaceFolders: null,
        capabilities: {
          workspace: { configuration: true, ...(options.watchFiles ? { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } : {}) },
          textDocument: { publishDiagnostics: { versionSupport: true } },
        },
      }),
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return session;
  }

  nextDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
    const wants = (params: PublishDiagnosticsParams): boolean => version === undefined || params.version === version;
    return withTimeout(new Promise((resolve) => this.waiters.push({ uri, wants, resolve })), `diagnostics ${uri} v${version}`);
  }

  /** The next publication for `uri` that `wants` accepts. */
  diagnosticsWhere(uri: string, wants: (params: PublishDiagnosticsParams) => boolean, what: string): Promise<PublishDiagnosticsParams> {
    return withTimeout(new Promise((resolve) => this.waiters.push({ uri, wants, resolve })), `diagnostics of ${uri} with ${what}`);
  }

  /** Tells the server files changed on disk, as the client's file watchers do. */
  filesChanged(changes: FileEvent[]): Promise<void> {
    return this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** Milliseconds from sending didOpen to receiving that version's diagnostics. */
  async timeOpen(uri: string, text: string, version = 1): Promise<{ ms: number; diagnostics: PublishDiagnosticsParams }> {
    const next = this.nextDiagnostics(uri, version);
    const started = performance.now();
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'batchfile', version, text } });
    const diagnostics = await next;
    return { ms: performance.now() - started, diagnostics };
  }

  async timeChange(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<{ ms: number; diagnostics: PublishDiagnosticsParams }> {
    const next = this.nextDiagnostics(uri, version);
    const started = performance.now();
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    const diagnostics = await next;
    return { ms: performance.now() - started, diagnostics };
  }

  async close(uri: string): Promise<void> {
    const cleared = this.nextDiagnostics(uri);
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    await cleared;
  }

  async timeCompletion(uri: string, position: Position): Promise<{ ms: number; items: CompletionItem[] }> {
    const started = performance.now();
    const result: CompletionItem[] | CompletionList | null = await withTimeout(this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }), 'completion');
    const ms = performance.now() - started;
    return { ms, items: result === null ? [] : Array.isArray(result) ? result : result.items };
  }

  /** A hover's answer and how long it took (its Markdown, or '' when there is none). */
  async timeHover(uri: string, position: Position): Promise<{ ms: number; markdown: string }> {
    const started = performance.now();
    const result = await withTimeout(this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }), 'hover');
    const ms = performance.now() - started;
    const contents = result?.contents;
    return { ms, markdown: contents && typeof contents === 'object' && 'value' in contents ? contents.value : '' };
  }

  /**
   * CPU time the server's main thread has used, in ms, from /proc (Linux only): unlike wall time, it does not grow
   * while other jobs hold the cores. GC helper threads are not counted.
   */
  cpuMs(): number | undefined {
    try {
      return Number(readFileSync(`/proc/${this.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return undefined;
    }
  }

  /**
   * CPU time of the whole server process (every thread: the main one, GC, I/O), user + system, in ms, from
   * /proc/<pid>/stat (Linux only); ticks of 10 ms.
   */
  processCpuMs(): number | undefined {
    try {
      // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th of them.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** Resident and peak memory of the server process, in MB, from /proc (Linux only). */
  memoryMb(): { rss: number; peak: number } | undefined {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
    } catch {
      return undefined;
    }
  }

  async shutdown(): Promise<void> {
    await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 'shutdown');
    await this.connection.sendNotification(ExitNotification.type);
    await withTimeout(this.exited, 'exit');
    this.connection.dispose();
  }

  kill(): void {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${WAIT_MS} ms`)), WAIT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
