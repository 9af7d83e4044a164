// What validation and completion may ask of the file system, and a cached Node implementation.
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';

export type EntryKind = 'file' | 'directory';

export interface DirectoryEntry {
  readonly name: string;
  readonly kind: EntryKind;
}

/** Synchronous on purpose: answers come from a cache on the hot path, so rules stay simple pure functions. */
export interface DiskView {
  kind(path: string): EntryKind | undefined;
  list(path: string): readonly DirectoryEntry[];
  /**
   * The first `maxBytes` of a file as UTF-8, or undefined when it cannot be read. Optional: without it, rules do not
   * look into files (a job's own submit script is then not asked which input it runs).
   */
  readHead?(path: string, maxBytes: number): string | undefined;
}

/** A change the client's file watcher saw: a path created or deleted, or a file's content changed. */
export interface DiskChange {
  readonly path: string;
  readonly type: 'created' | 'changed' | 'deleted';
}

export interface CachedDiskView extends DiskView {
  /** Forgets everything. */
  clear(): void;
  /**
   * Forgets only what the changes make stale: a changed file's head (its kind and its folder's listing stay true); a
   * created or deleted path's kind, head and listing, its folder's listing, and everything cached under it (a folder
   * deleted whole is reported once, not per file).
   */
  forget(changes: Iterable<DiskChange>): void;
}

/** A cached kind is one number: when it was read (ms since the cache's epoch) times 4, plus the kind's code. */
const KINDS: readonly (EntryKind | undefined)[] = [undefined, 'file', 'directory'];
const KIND_CODES = 4;
/** Entries live seconds; past this age of the epoch (about eighteen hours) the cache starts over. */
const EPOCH_SPAN_MS = 2 ** 26;
/** Every this many TTLs, expired entries are dropped: they would be read again anyway, and a long session adds up. */
const PRUNE_EVERY_TTLS = 10;

/** An answer `age` ms old may be used; one from the future (the clock stepped back) may not. */
function fresh(age: number, ttlMs: number): boolean {
  return age >= 0 && age < ttlMs;
}

/**
 * A DiskView over node:fs whose answers live `ttlMs`, so a keystroke does not stat 10,000 folders again.
 * A 10,000-row batch caches some 20,000 kinds; each is a small integer in one map rather than an object.
 */
export function createNodeDiskView(ttlMs = 2000, now: () => number = Date.now): CachedDiskView {
  const kinds = new Map<string, number>();
  const listings = new Map<string, { at: number; entries: readonly DirectoryEntry[] }>();
  const heads = new Map<string, { at: number; maxBytes: number; text: string | undefined }>();
  /**
   * Every folder above a cached path: a created or deleted path found here has cached paths under it to forget, one
   * not found here (an output file, mostly) has none, so no event scans the whole cache for nothing.
   */
  const foldersAbove = new Set<string>();
  const noteFoldersAbove = (path: string): void => {
    for (let folder = posix.dirname(path); !foldersAbove.has(folder); folder = posix.dirname(folder)) {
      foldersAbove.add(folder);
      if (folder === posix.dirname(folder)) break;
    }
  };
  const forgetUnder = (folders: ReadonlySet<string>): void => {
    const under = (path: string): boolean => {
      for (let folder = posix.dirname(path); ; folder = posix.dirname(folder)) {
        if (folders.has(folder)) return true;
        if (folder === posix.dirname(folder)) return false;
      }
    };
    for (const path of kinds.keys()) if (under(path)) kinds.delete(path);
    for (const path of listings.keys()) if (under(path)) listings.delete(path);
    for (const path of heads.keys()) if (under(path)) heads.delete(path);
  };
  let epoch = now();
  let prunedAt = 0;
  const prune = (time: number, elapsed: number): void => {
    prunedAt = elapsed;
    for (const [path, cached] of kinds) if (!fresh(elapsed - Math.floor(cached / KIND_CODES), ttlMs)) kinds.delete(path);
    for (const [path, cached] of listings) if (!fresh(time - cached.at, ttlMs)) listings.delete(path);
    for (const [path, cached] of heads) if (!fresh(time - cached.at, ttlMs)) heads.delete(path);
  };
  return {
    kind(path) {
      const time = now();
      if (time - epoch >= EPOCH_SPAN_MS || time < epoch) {
        kinds.clear();
        foldersAbove.clear();
        epoch = time;
        prunedAt = 0;
      }
      const elapsed = time - epoch;
      if (elapsed - prunedAt >= PRUNE_EVERY_TTLS * ttlMs) prune(time, elapsed);
      const cached = kinds.get(path);
      if (cached !== undefined && fresh(elapsed - Math.floor(cached / KIND_CODES), ttlMs)) return KINDS[cached % KIND_CODES];
      let code = 0;
      try {
        const stats = statSync(path, { throwIfNoEntry: false });
        code = stats === undefined ? 0 : stats.isDirectory() ? 2 : 1;
      } catch {
        code = 0;
      }
      kinds.set(path, elapsed * KIND_CODES + code);
      noteFoldersAbove(path);
      return KINDS[code];
    },
    list(path) {
      const cached = listings.get(path);
      if (cached && fresh(now() - cached.at, ttlMs)) return cached.entries;
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
      noteFoldersAbove(path);
      return entries;
    },
    readHead(path, maxBytes) {
      const cached = heads.get(path);
      if (cached && cached.maxBytes === maxBytes && fresh(now() - cached.at, ttlMs)) return cached.text;
      const text = readFileHead(path, maxBytes);
      heads.set(path, { at: now(), maxBytes, text });
      noteFoldersAbove(path);
      return text;
    },
    clear() {
      kinds.clear();
      listings.clear();
      heads.clear();
      foldersAbove.clear();
    },
    forget(changes) {
      const foldersGone = new Set<string>();
      for (const { path, type } of changes) {
        heads.delete(path);
        // A file written in place keeps its kind, and its folder's listing still names it.
        if (type === 'changed') continue;
        kinds.delete(path);
        listings.delete(path);
        listings.delete(posix.dirname(path));
        if (foldersAbove.has(path)) foldersGone.add(path);
      }
      if (foldersGone.size > 0) forgetUnder(foldersGone);
    },
  };
}

function readFileHead(path: string, maxBytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(maxBytes);
    const length = readSync(fd, buffer, 0, maxBytes, 0);
    return buffer.toString('utf8', 0, length);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
