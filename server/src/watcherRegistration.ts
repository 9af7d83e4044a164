// Keeps the client's file watchers for the server equal to what the open documents need: registered dynamically
// (`client/registerCapability` for `workspace/didChangeWatchedFiles`), replaced only when the set changes.
import type { Disposable, FileSystemWatcher } from 'vscode-languageserver';

export interface WatcherRegistrationDeps {
  /** Registers `watchers` with the client; the returned Disposable unregisters them. */
  register(watchers: FileSystemWatcher[]): Promise<Disposable>;
  warn(message: string): void;
}

export class WatcherRegistration {
  private wanted = '[]';
  private registered: Disposable | undefined;
  /** Registrations run one after another, so an older one never replaces a newer one. */
  private queue: Promise<void> = Promise.resolve();
  private refused = false;

  constructor(private readonly deps: WatcherRegistrationDeps) {}

  /** Asks the client for exactly `watchers` (an empty list unregisters everything). */
  update(watchers: FileSystemWatcher[]): void {
    const key = JSON.stringify(watchers);
    if (this.refused || key === this.wanted) return;
    this.wanted = key;
    this.queue = this.queue.then(() => this.apply(watchers, key)).catch((error: unknown) => this.deps.warn(`updating the file watchers failed: ${String(error)}`));
  }

  /** Resolves once every update asked for so far reached the client. */
  settled(): Promise<void> {
    return this.queue;
  }

  private async apply(watchers: FileSystemWatcher[], key: string): Promise<void> {
    // A newer update was asked for while this one waited: that one applies.
    if (key !== this.wanted || this.refused) return;
    const previous = this.registered;
    this.registered = undefined;
    if (watchers.length > 0) {
      try {
        // The new watchers before the old ones go: no event falls between them (a doubled one costs nothing).
        this.registered = await this.deps.register(watchers);
      } catch (error) {
        // Without watchers the disk is still read again after its cache expires: the server keeps working.
        this.refused = true;
        this.deps.warn(`could not register file watchers, diagnostics about files on disk refresh only with edits: ${String(error)}`);
      }
    }
    previous?.dispose();
  }
}
