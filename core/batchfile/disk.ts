// What validation and completion may ask of the file system, and a cached Node implementation.
import { readdirSync, statSync } from 'node:fs';

export type EntryKind = 'file' | 'directory';

export interface DirectoryEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

/** Synchronous on purpose: answers come from a cache on the hot path, so rules stay simple pure functions. */
export interface DiskView {
  kind(path: string): EntryKind | undefined;
  list(path: string): readonly DirectoryEntry[];
}

export interface CachedDiskView extends DiskView {
  /** Forgets everything (e.g. when the client reports changed files). */
  clear(): void;
}

/** A DiskView over node:fs whose answers live `ttlMs`, so a keystroke does not stat 10,000 folders again. */
export function createNodeDiskView(ttlMs = 2000, now: () => number = Date.now): CachedDiskView {
  const kinds = new Map<string, { at: number; kind: EntryKind | undefined }>();
  const listings = new Map<string, { at: number; entries: readonly DirectoryEntry[] }>();
  return {
    kind(path) {
      const cached = kinds.get(path);
      if (cached && now() - cached.at < ttlMs) return cached.kind;
      let kind: EntryKind | undefined;
      try {
        const stats = statSync(path, { throwIfNoEntry: false });
        kind = stats === undefined ? undefined : stats.isDirectory() ? 'directory' : 'file';
      } catch {
        kind = undefined;
      }
      kinds.set(path, { at: now(), kind });
      return kind;
    },
    list(path) {
      const cached = listings.get(path);
      if (cached && now() - cached.at < ttlMs) return cached.entries;
      let entries: DirectoryEntry[] = [];
      try {
        entries = readdirSync(path, { withFileTypes: true }).map((entry) => ({
          name: entry.name,
          kind: entry.isDirectory() ? ('directory' as const) : ('file' as const),
        }));
      } catch {
        entries = [];
      }
      listings.set(path, { at: now(), entries });
      return entries;
    },
    clear() {
      kinds.clear();
      listings.clear();
    },
  };
}
