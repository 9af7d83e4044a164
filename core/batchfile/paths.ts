// Resolves job folders and pipe DIRs against an absolute base, like posix.resolve but without its cost.
import { posix } from 'node:path';

/**
 * `posix.resolve(base, relative)` for an absolute, normalised `base`. Batchfiles resolve two paths
 * per row, and on 10,000 rows posix.resolve's generality (cwd lookups, full normalisation) shows.
 */
export function resolveFrom(base: string, relative: string): string {
  if (relative.startsWith('/')) return posix.resolve(relative);
  let result = base;
  let start = 0;
  while (start <= relative.length) {
    let end = relative.indexOf('/', start);
    if (end === -1) end = relative.length;
    const length = end - start;
    if (length === 0 || (length === 1 && relative.charCodeAt(start) === 46 /* . */)) {
      // empty or `.` segment
    } else if (length === 2 && relative.charCodeAt(start) === 46 && relative.charCodeAt(start + 1) === 46) {
      const cut = result.lastIndexOf('/');
      result = cut <= 0 ? '/' : result.slice(0, cut);
    } else {
      const segment = relative.slice(start, end);
      result = result === '/' ? `/${segment}` : `${result}/${segment}`;
    }
    start = end + 1;
  }
  return result;
}

/** `posix.relative(from, to)` for two absolute, normalised paths (`.` when equal). */
export function relativeTo(from: string, to: string): string {
  if (from === to) return '.';
  // The longest common prefix that ends at a folder boundary.
  let common = 0;
  const limit = Math.min(from.length, to.length);
  for (let i = 0; i <= limit; i++) {
    const a = i === from.length ? '/' : from[i];
    const b = i === to.length ? '/' : to[i];
    if (a !== b) break;
    if (a === '/') common = i;
  }
  const up = from.length > common + 1 ? from.slice(common + 1).split('/').length : 0;
  const down = to.length > common + 1 ? to.slice(common + 1) : '';
  const ups = '../'.repeat(up);
  return down === '' ? ups.slice(0, -1) || '.' : `${ups}${down}`;
}
