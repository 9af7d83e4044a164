// The language server in this process: startServer over a pair of in-memory streams, its timers on a manual clock and
// its disk behind a switch that can make it fail, so debounce tests are exact and failures can be injected.
import { PassThrough, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { ShutdownRequest, StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { CachedDiskView, DirectoryEntry, DiskChange, EntryKind } from '../../core/batchfile/index.js';
import { createNodeDiskView } from '../../core/batchfile/index.js';
import { startServer } from '../../server/src/server.js';
import { LspSession } from './lspSession.js';
import type { SessionOptions } from './lspSession.js';
import { FakeClock, flushAsync } from './slurm/fakeClock.js';
import type { TimerHandle } from '../../core/slurm/clock.js';

/** The real node:fs disk view, which throws `failure` while one is set, and counts what it is asked. */
export class SwitchableDisk implements CachedDiskView {
  failure: Error | undefined;
  /** How many questions the rules asked (kinds, listings, heads), cached or not: a revalidation asks thousands. */
  questions = 0;
  /** Every batch of changes the server told the cache to forget. */
  readonly forgotten: DiskChange[][] = [];
  cleared = 0;
  constructor(private readonly inner: CachedDiskView) {}

  kind(path: string): EntryKind | undefined {
    if (this.failure) throw this.failure;
    this.questions++;
    return this.inner.kind(path);
  }

  list(path: string): readonly DirectoryEntry[] {
    if (this.failure) throw this.failure;
    this.questions++;
    return this.inner.list(path);
  }

  readHead(path: string, maxBytes: number): string | undefined {
    if (this.failure) throw this.failure;
    this.questions++;
    return this.inner.readHead!(path, maxBytes);
  }

  clear(): void {
    this.cleared++;
    this.inner.clear();
  }

  forget(changes: Iterable<DiskChange>): void {
    const batch = [...changes];
    this.forgotten.push(batch);
    this.inner.forget(batch);
  }
}

/** The client-to-server stream, which can hold what the client writes and hand it over in one chunk. */
class Valve extends Transform {
  private held: Buffer[] | undefined;
  private readonly watchers: { readonly text: string; readonly resolve: () => void }[] = [];

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.held) {
      this.held.push(chunk);
      const text = Buffer.concat(this.held).toString('utf8');
      for (let i = this.watchers.length - 1; i >= 0; i--) {
        if (text.includes(this.watchers[i]!.text)) this.watchers.splice(i, 1)[0]!.resolve();
      }
    } else {
      this.push(chunk);
    }
    callback();
  }

  hold(): void {
    this.held = [];
  }

  /** Resolves once the held bytes contain `text`. */
  holds(text: string): Promise<void> {
    if (this.held && Buffer.concat(this.held).toString('utf8').includes(text)) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ text, resolve }));
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    if (held.length > 0) this.push(Buffer.concat(held));
  }
}

/** Messages from the client held back from the server, to be handed over together. */
export interface HeldMessages {
  /** Resolves once what is held contains `text` (a method name, say). */
  until(text: string): Promise<void>;
  /** Hands everything held to the server in one chunk: it reads all of it before handling any. */
  release(): void;
}

export class InProcessServer extends LspSession {
  /** The server's timers: nothing the server schedules runs until a test advances this clock. */
  readonly clock: FakeClock;
  readonly disk: SwitchableDisk;
  /** The delay of every timer the server set, in order. */
  readonly timersSet: number[] = [];
  private readonly timerWaiters: ((ms: number) => void)[] = [];
  private readonly serverConnection: ReturnType<typeof createConnection>;
  private readonly toServer: Valve;

  private constructor(options: SessionOptions) {
    const toServer = new Valve();
    const toClient = new PassThrough();
    // Message readers rather than raw streams: given a stream, the library ends the process when the stream closes.
    const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    const clientConnection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    super(clientConnection, options, () => `server log: ${this.logMessages.map((m) => m.message).join('\n')}`);
    this.serverConnection = serverConnection;
    this.toServer = toServer;
    this.clock = new FakeClock(0);
    this.disk = new SwitchableDisk(createNodeDiskView(2000, () => this.clock.now()));
    startServer(serverConnection, {
      disk: this.disk,
      setTimeout: (callback, ms) => {
        const handle = this.clock.setTimeout(callback, ms);
        this.timersSet.push(ms);
        for (const waiter of this.timerWaiters.splice(0)) waiter(ms);
        return handle;
      },
      clearTimeout: (handle) => this.clock.clearTimeout(handle as TimerHandle),
    });
  }

  /** Starts a server in this process and performs `initialize` + `initialized`. */
  static async start(options: SessionOptions = {}): Promise<InProcessServer> {
    const server = new InProcessServer(options);
    await server.initialize(null);
    return server;
  }

  /** Resolves with the delay of the next timer the server sets. */
  nextTimer(): Promise<number> {
    return this.bounded(new Promise<number>((resolve) => this.timerWaiters.push(resolve)), 'a server timer');
  }

  /** Holds what the client sends from now on (e.g. a request and its cancellation, to arrive together). */
  holdIncoming(): HeldMessages {
    this.toServer.hold();
    return { until: (text) => this.bounded(this.toServer.holds(text), `held messages containing ${text}`), release: () => this.toServer.release() };
  }

  /** Moves the server's clock forward, firing due timers and letting the work they start run. */
  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
  }

  /**
   * A round trip: the server handles messages in order, so when this answer arrives everything sent before it was
   * handled, and any publication it caused has arrived.
   */
  async sync(): Promise<void> {
    await this.hover('file:///nothing-open', { line: 0, character: 0 });
    await flushAsync();
  }

  /** `shutdown`, then both ends closed. No `exit`: the library answers it by ending the process, which is the tests'. */
  async stop(): Promise<void> {
    try {
      await this.bounded(this.connection.sendRequest(ShutdownRequest.type), 'shutdown');
    } finally {
      this.connection.dispose();
      this.serverConnection.dispose();
    }
  }
}
