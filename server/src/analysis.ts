// Per-document cache of the parsed batch and its diagnostics, recomputed only when the version changes: from the
// previous version's document, so an edit re-parses only the lines it touched.
import { fileURLToPath } from 'node:url';
import type { BatchModel, Diagnostic, DiskView } from '../../core/batchfile/index.js';
import { buildBatchModel, parseBatchfile, updateBatchfile, validateModel } from '../../core/batchfile/index.js';

export interface AnalysedDocument {
  readonly uri: string;
  readonly version: number;
  readonly model: BatchModel;
  /** Filled on first use: completion and hover need only the model. */
  diagnostics?: Diagnostic[];
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
    const entry: AnalysedDocument = { uri: document.uri, version: document.version, model };
    this.entries.set(document.uri, entry);
    return entry;
  }

  diagnostics(document: TextSource, disk: DiskView | undefined): Diagnostic[] {
    const entry = this.model(document);
    const diagnostics = entry.diagnostics ?? validateModel(entry.model, disk);
    entry.diagnostics = diagnostics;
    return diagnostics;
  }

  /** Drops cached diagnostics (not models) after the disk changed. */
  invalidateDiagnostics(): void {
    for (const entry of this.entries.values()) delete entry.diagnostics;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }
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
