// Which file events the server asks the client for, derived from what the open documents' rules read: creations and
// deletions under each batch's root (job folders, inputs, scripts, and the root itself from its parent), content
// changes only of the files whose first bytes were read, and the paths read outside the root one by one. Output files
// a running batch writes all the time change no answer, so their content changes are never asked for.
import { posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileSystemWatcher } from 'vscode-languageserver';
import { WatchKind } from 'vscode-languageserver';
import type { DiskReads } from './diskReads.js';

export interface WatchedDocument {
  readonly rootPath: string | undefined;
  readonly reads: DiskReads;
}

/** One watch: a glob under a base folder, and the events wanted from it (WatchKind bits). */
export interface Watch {
  readonly base: string;
  readonly pattern: string;
  readonly kind: number;
}

const CREATE_DELETE = WatchKind.Create | WatchKind.Delete;
/** Past this many names in one folder outside the root, the folder's every entry is watched instead. */
const MAX_NAMES_PER_FOLDER = 50;

/** Each document's watches, computed once per validation (its reads do not change after it). */
const watchesByReads = new WeakMap<DiskReads, readonly Watch[]>();

/** The watches every document needs, merged: one per base and pattern, with the events any of them wants. */
export function watchesFor(documents: Iterable<WatchedDocument>): Watch[] {
  const watches = new Map<string, Watch>();
  for (const document of documents) {
    let own = watchesByReads.get(document.reads);
    if (!own) {
      own = watchesOf(document);
      watchesByReads.set(document.reads, own);
    }
    for (const watch of own) merge(watches, watch);
  }
  return [...watches.values()].sort((a, b) => (a.base === b.base ? compare(a.pattern, b.pattern) : compare(a.base, b.base)));
}

function watchesOf({ rootPath, reads }: WatchedDocument): Watch[] {
  const watches = new Map<string, Watch>();
  const rootPrefix = rootPath === undefined ? undefined : rootPath.endsWith('/') ? rootPath : `${rootPath}/`;
  const inRoot = (path: string): boolean => rootPrefix !== undefined && path.startsWith(rootPrefix);
  // Paths outside the root (and the root itself) are watched from their folder, by name.
  const byFolder = new Map<string, { names: Set<string>; kind: number }>();
  const addByName = (path: string, kind: number): void => {
    const folder = posix.dirname(path);
    // The file system's root has no folder to be watched from: it is never created or deleted anyway.
    if (folder === path) return;
    const group = byFolder.get(folder) ?? { names: new Set<string>(), kind: 0 };
    group.names.add(globLiteral(posix.basename(path)));
    group.kind |= kind;
    byFolder.set(folder, group);
  };
  let readsInRoot = false;
  for (const path of reads.kinds) {
    if (inRoot(path)) readsInRoot = true;
    else addByName(path, CREATE_DELETE);
  }
  for (const path of reads.listings) {
    if (path === rootPath || inRoot(path)) readsInRoot = true;
    else merge(watches, { base: path, pattern: '*', kind: CREATE_DELETE });
  }
  const headPatterns = new Set<string>();
  for (const path of reads.heads) {
    if (inRoot(path)) headPatterns.add(namePattern(posix.basename(path)));
    else addByName(path, CREATE_DELETE | WatchKind.Change);
  }
  if (rootPath !== undefined && (readsInRoot || headPatterns.size > 0)) merge(watches, { base: rootPath, pattern: '**/*', kind: CREATE_DELETE });
  if (rootPath !== undefined && headPatterns.size > 0) merge(watches, { base: rootPath, pattern: `**/${alternatives(headPatterns)}`, kind: WatchKind.Change });
  for (const [folder, { names, kind }] of byFolder) merge(watches, { base: folder, pattern: names.size > MAX_NAMES_PER_FOLDER ? '*' : alternatives(names), kind });
  return [...watches.values()];
}

/** Adds `watch`, or the events it wants to the watch of the same base and pattern. */
function merge(watches: Map<string, Watch>, { base, pattern, kind }: Watch): void {
  const key = `${base}\0${pattern}`;
  watches.set(key, { base, pattern, kind: (watches.get(key)?.kind ?? 0) | kind });
}

/**
 * The watches as LSP watchers: relative patterns where the client takes them (a root outside the workspace is
 * watched all the same), else absolute glob strings.
 */
export function lspWatchers(watches: readonly Watch[], relativePatterns: boolean): FileSystemWatcher[] {
  return watches.map(({ base, pattern, kind }) => ({
    globPattern: relativePatterns ? { baseUri: pathToFileURL(base).href, pattern } : `${base === '/' ? '' : base}/${pattern}`,
    kind,
  }));
}

/** `*.sh` for `opt.sh`: every job's own script alike, so one pattern covers them all. */
function namePattern(name: string): string {
  const extension = posix.extname(name);
  return extension !== '' && globLiteral(extension) === extension ? `*${extension}` : globLiteral(name);
}

/** A name as a glob matching it; one with glob syntax in it is matched by `*` (more events, never fewer). */
function globLiteral(name: string): string {
  return /[*?{}[\]\\,]/.test(name) ? '*' : name;
}

function alternatives(patterns: ReadonlySet<string>): string {
  if (patterns.has('*')) return '*';
  const sorted = [...patterns].sort(compare);
  return sorted.length === 1 ? sorted[0]! : `{${sorted.join(',')}}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
