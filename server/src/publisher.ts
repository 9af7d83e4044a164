// When diagnostics are published: at once on open and when the settings change, after the debounce when a document is
// edited or files its rules read changed (a burst of events is one publication), and only for the latest version (a
// newer edit or a close drops what an older one scheduled).
import type { PublishDiagnosticsParams, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DiskView } from '../../core/batchfile/index.js';
import type { AnalysisCache } from './analysis.js';
import type { Guard } from './guard.js';
import type { ServerSettings } from './settings.js';

export interface Timers {
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

export interface PublisherDeps {
  readonly documents: TextDocuments<TextDocument>;
  readonly cache: AnalysisCache;
  readonly timers: Timers;
  readonly guard: Guard;
  settingsFor(uri: string): Promise<ServerSettings>;
  diskFor(uri: string, settings: ServerSettings): DiskView | undefined;
  send(params: PublishDiagnosticsParams): Promise<void>;
}

export class DiagnosticsPublisher {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly deps: PublisherDeps) {}

  /** Publishes `document`'s diagnostics now or after the debounce; a failure is logged, never left unhandled. */
  schedule(document: TextDocument, immediately: boolean): void {
    this.deps.guard.run(`diagnostics of ${document.uri}`, () => this.scheduleOrPublish(document, immediately));
  }

  /** Publishes every open document again, at once (the settings changed). */
  revalidateAll(): void {
    this.deps.cache.invalidateDiagnostics();
    for (const document of this.deps.documents.all()) this.schedule(document, true);
  }

  /** Drops what was scheduled for a closed document and clears its diagnostics in the client. */
  close(uri: string): void {
    this.cancelTimer(uri);
    this.deps.guard.run(`clearing the diagnostics of ${uri}`, () => this.deps.send({ uri, diagnostics: [] }));
  }

  private async scheduleOrPublish(document: TextDocument, immediately: boolean): Promise<void> {
    const { timers, documents, guard } = this.deps;
    this.cancelTimer(document.uri);
    const delay = immediately ? 0 : (await this.deps.settingsFor(document.uri)).debounceMs;
    // Another change may have scheduled a timer while settings were awaited: only the latest one may run.
    this.cancelTimer(document.uri);
    if (delay === 0) return this.publish(document);
    this.pending.set(
      document.uri,
      timers.setTimeout(() => {
        this.pending.delete(document.uri);
        const latest = documents.get(document.uri);
        if (latest) guard.run(`diagnostics of ${latest.uri}`, () => this.publish(latest));
      }, delay),
    );
  }

  private async publish(document: TextDocument): Promise<void> {
    const { documents, cache } = this.deps;
    const settings = await this.deps.settingsFor(document.uri);
    // A newer version or a close arrived while settings were fetched: that one will publish.
    if (documents.get(document.uri)?.version !== document.version) return;
    const diagnostics = cache.diagnostics(document, this.deps.diskFor(document.uri, settings));
    await this.deps.send({ uri: document.uri, version: document.version, diagnostics: diagnostics.map((d) => ({ ...d, source: 'batchman' })) });
  }

  private cancelTimer(uri: string): void {
    const previous = this.pending.get(uri);
    if (previous !== undefined) this.deps.timers.clearTimeout(previous);
    this.pending.delete(uri);
  }
}
