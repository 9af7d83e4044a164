// How the run table names a job's folder: from the batch's root directory (`mol1/opt`), since absolute paths share a
// long prefix and a cell cut at its end shows only that prefix. Pure and Node-free (no node:path in the page bundle).

/** Folders at most this many levels above the root (below a common parent other than `/`) are shown with `../`. */
const MAX_UP = 2;

/**
 * `directory` as the table shows it, relative to `root`:
 * - inside the root: its path below the root (`mol1/opt`), the root itself as `.`;
 * - a near neighbour of the root (up to two levels up, a common parent other than `/`): `../other/opt`;
 * - anywhere else (far away, only `/` in common, another drive, no root, a relative path): the path as given.
 * Both `/` and `\` separate (a Windows batch on the local executor); names are compared exactly (case-sensitive).
 */
export function relativeFolder(directory: string, root: string | null): string {
  if (root === null || root === '') return directory;
  const from = split(root);
  const to = split(directory);
  if (from === null || to === null || from.anchor !== to.anchor) return directory;
  let common = 0;
  while (common < from.parts.length && common < to.parts.length && from.parts[common] === to.parts[common]) common++;
  const up = from.parts.length - common;
  // up to `/` and down again (`../../home/…`) says less than the path itself
  if (up > MAX_UP || (up > 0 && common === 0)) return directory;
  const parts = [...Array<string>(up).fill('..'), ...to.parts.slice(common)];
  return parts.length === 0 ? '.' : parts.join(separatorOf(directory));
}

/** An absolute path's anchor (`/`, `C:`, `\\server`) and its non-empty, non-`.` segments; null when not absolute. */
function split(path: string): { anchor: string; parts: string[] } | null {
  const drive = /^([A-Za-z]:)[\\/]/.exec(path);
  let anchor: string;
  let rest: string;
  if (drive) {
    anchor = drive[1]!.toUpperCase();
    rest = path.slice(drive[0].length);
  } else if (path.startsWith('/') || path.startsWith('\\')) {
    anchor = '/';
    rest = path;
  } else {
    return null;
  }
  const parts: string[] = [];
  for (const part of rest.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    // `..` inside an absolute path: resolve it, as the file system would
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return { anchor, parts };
}

function separatorOf(path: string): string {
  return !path.includes('/') && path.includes('\\') ? '\\' : '/';
}
