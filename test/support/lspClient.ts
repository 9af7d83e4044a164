// A small LSP test client: spawns the built language server over stdio and speaks the real protocol to it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ExitNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { Position, ProtocolConnection, Range, TextDocumentContentChangeEvent, TextEdit } from 'vscode-languageserver-protocol/node';
import { LspSession } from './lspSession.js';
import type { SessionOptions } from './lspSession.js';

export { CLI_BUNDLE, REPO_ROOT, SERVER_BUNDLE, ensureBuilt } from './build.js';
export { applyEdits } from './textEdits.js';
export type { BatchmanSettings, SessionOptions as StartOptions } from './lspSession.js';
import { SERVER_BUNDLE } from './build.js';

export class LspTestClient extends LspSession {
  readonly stderr: string[] = [];
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    connection: ProtocolConnection,
    options: SessionOptions,
  ) {
    super(connection, options, () => `server stderr: ${this.stderr.join('')}`);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Spawns `node dist/server.js --stdio` and performs `initialize` + `initialized`. */
  static async start(options: SessionOptions = {}): Promise<LspTestClient> {
    const child = spawn(process.execPath, [SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspTestClient(child, connection, options);
    await client.initialize(process.pid);
    return client;
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
