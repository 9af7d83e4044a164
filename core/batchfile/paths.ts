// Resolves job folders and pipe DIRs against an absolute base, like posix.resolve but without its cost.
import { posix } from 'node:path';

/**
 * `posix.resolve(base, relative)` for an absolute, normalised `base`. Batchfiles resolve two paths
 * per row, and on 10,000 rows posix.resolve's generality (cwd lookups, full normalisation) shows.
 */
export function resolveFrom(base: string, relative: string): string {
  if (relative.startsWith('/')) return posix.resolve(relative);
  return resolveSimple(base, relative) ?? resolveSegments(base, relative);
}

/**
 * The common shape, `../` steps then plain segments (`../opt`, `mol1/freq`): one slice and one concatenation
 * instead of one per segment. Undefined for anything else (`.`, `..` or empty segments after the steps).
 */
function resolveSimple(base: string, relative: string): string | undefined {
  let result = base;
  let start = 0;
  while (relative.startsWith('../', start)) {
    const cut = result.lastIndexOf('/');
    result = cut <= 0 ? '/' : result.slice(0, cut);
    start += 3;
  }
  if (start === relative.length) return result;
  let segmentStart = start;
  for (let i = start; i <= relative.length; i++) {
    if (i < relative.length && relative.charCodeAt(i) !== 47 /* / */) continue;
    const length = i - segmentStart;
    if (length === 0 || (relative.charCodeAt(segmentStart) === 46 /* . */ && (length === 1 || (length === 2 && relative.charCodeAt(segmentStart + 1) === 46)))) return undefined;
    segmentStart = i + 1;
  }
  const rest = start === 0 ? relative : relative.slice(start);
  return result === '/' ? `/${rest}` : `${result}/${rest}`;
}

function resolveSegments(base: string, relative: string): string {
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

/** `../` repeated, for the usual small counts. */
const UPS = Array.from({ length: 16 }, (_, count) => '../'.repeat(count));

/** `posix.relative(from, to)` for two absolute, normalised paths (`.` when equal). */
export function relativeTo(from: string, to: string): string {
  if (from === to) return '.';
  // The longest common prefix that ends at a folder boundary.
  let common = 0;
  const limit = Math.min(from.length, to.length);
  for (let i = 0; i <= limit; i++) {
    const a = i === from.length ? 47 : from.charCodeAt(i);
    const b = i === to.length ? 47 : to.charCodeAt(i);
    if (a !== b) break;
    if (a === 47 /* / */) common = i;
  }
  let up = 0;
  if (from.length > common + 1) {
    up = 1;
    for (let i = common + 1; i < from.length; i++) if (from.charCodeAt(i) === 47) up++;
  }
  const down = to.length > common + 1 ? to.slice(common + 1) : '';
  const ups = up < UPS.length ? UPS[up]! : '../'.repeat(up);
  return down === '' ? ups.slice(0, -1) || '.' : `${ups}${down}`;
}

/** How many `/`-separated segments `path` has (`relative.split('/').length` without the array). */
export function segmentCount(path: string): number {
  let count = 1;
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) count++;
  return count;
}
