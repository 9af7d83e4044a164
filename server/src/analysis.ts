// Per-document cache of the parsed batch and its diagnostics, recomputed only when the version changes: from the
// previous version's document, so an edit re-parses only the lines it touched. What the rules read of the disk is kept
// with the diagnostics, so a file event drops only the diagnostics it may have changed.
import { fileURLToPath } from 'node:url';
import type { BatchModel, Diagnostic, DiskChange, DiskView } from '../../core/batchfile/index.js';
import { buildBatchModel, parseBatchfile, updateBatchfile, validateModel } from '../../core/batchfile/index.js';
import { DiskReads, recordingDisk } from './diskReads.js';
import type { WatchedDocument } from './watchers.js';

export interface AnalysedDocument {
  readonly uri: string;
  readonly version: number;
  readonly model: BatchModel;
  /** Filled on first use: completion and hover need only the model. */
  diagnostics?: Diagnostic[];
  /** What the rules behind `diagnostics` asked of the disk (none when they ran without it). */
  diskReads?: DiskReads;
  /**
   * What the latest validation of the document read, whichever version it was of: what the client watches for it, kept
   * while a newer version waits for its diagnostics so the watchers do not come and go with each edit.
   */
  watched?: WatchedDocument;
}

export interface TextSource {
  readonly uri: string;
  readonly version: number;
  getText(): string;
}

export class AnalysisCache {
  private readonly entries = new Map<string, AnalysedDocument>();

  model(document: TextSource): AnalysedDocument {
    const cached = this.entries.get(document.uri);
    if (cached && cached.version === document.version) return cached;
    // Only the latest version is kept: the previous one's document is the starting point, then it is dropped.
    const text = document.getText();
    const parsed = cached ? updateBatchfile(cached.model.document, text) : parseBatchfile(text);
    const model = buildBatchModel(parsed, filePathOf(document.uri), cached?.model);
    const entry: AnalysedDocument = { uri: document.uri, version: document.version, model, ...(cached?.watched ? { watched: cached.watched } : {}) };
    this.entries.set(document.uri, entry);
    return entry;
  }

  diagnostics(document: TextSource, disk: DiskView | undefined): Diagnostic[] {
    const entry = this.model(document);
    if (entry.diagnostics) return entry.diagnostics;
    const reads = disk ? new DiskReads() : undefined;
    const diagnostics = validateModel(entry.model, disk && reads ? recordingDisk(disk, reads) : undefined);
    entry.diagnostics = diagnostics;
    if (reads) {
      entry.diskReads = reads;
      entry.watched = { rootPath: entry.model.rootPath, reads };
    } else {
      delete entry.diskReads;
      delete entry.watched;
    }
    return diagnostics;
  }

  /** Drops every cached diagnostic (not models): the settings changed. */
  invalidateDiagnostics(): void {
    for (const entry of this.entries.values()) dropDiagnostics(entry);
  }

  /** Drops the diagnostics whose rules read a path `changes` touch; returns the URIs of their documents. */
  invalidateReadersOf(changes: readonly DiskChange[]): string[] {
    const stale: string[] = [];
    if (changes.length === 0) return stale;
    for (const entry of this.entries.values()) {
      const reads = entry.diskReads;
      if (!entry.diagnostics || !reads || !changes.some((change) => reads.touchedBy(change))) continue;
      dropDiagnostics(entry);
      stale.push(entry.uri);
    }
    return stale;
  }

  /** What each document's latest validation read of the disk, with its batch's root then. */
  *watchedDocuments(): IterableIterator<WatchedDocument> {
    for (const entry of this.entries.values()) if (entry.watched) yield entry.watched;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
}

function dropDiagnostics(entry: AnalysedDocument): void {
  delete entry.diagnostics;
  delete entry.diskReads;
}

/** The file path behind a `file:` URI; other schemes (untitled, remote virtual files) have none. */
export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
