// Reading program outputs that may be gigabytes: a bounded tail or head, and a streaming needle count.
import { open } from 'node:fs/promises';

/** How much of an output's end is read for termination markers. */
export const TAIL_BYTES = 64 * 1024;

export interface FileSlice {
  /** Decoded text; a partial first (tail) or last (head) line is dropped unless `whole`. */
  text: string;
  /** Size of the file in bytes. */
  size: number;
  /** True when the slice is the whole file. */
  whole: boolean;
  /** Modification time of the file (ms since the epoch). */
  mtimeMs: number;
}

/** The last `bytes` bytes of a file, cut at a line start; never reads more. */
export async function readTail(path: string, bytes: number = TAIL_BYTES): Promise<FileSlice> {
  const handle = await open(path, 'r');
  try {
    const { size, mtimeMs } = await handle.stat();
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8', 0, bytesRead);
    if (start > 0) {
      const newline = text.indexOf('\n');
      text = newline === -1 ? '' : text.slice(newline + 1);
    }
    return { text, size, whole: start === 0, mtimeMs };
  } finally {
    await handle.close();
  }
}

/** The first `bytes` bytes of a file, cut at a line end; never reads more. */
export async function readHead(path: string, bytes: number = TAIL_BYTES): Promise<FileSlice> {
  const handle = await open(path, 'r');
  try {
    const { size, mtimeMs } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, bytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let text = buffer.toString('utf8', 0, bytesRead);
    const whole = bytesRead >= size;
    if (!whole) {
      const newline = text.lastIndexOf('\n');
      text = newline === -1 ? '' : text.slice(0, newline + 1);
    }
    return { text, size, whole, mtimeMs };
  } finally {
    await handle.close();
  }
}

export interface NeedleHits {
  needle: string;
  count: number;
  /** The first lines containing the needle (at most `maxLines`), trimmed. */
  lines: string[];
}

const CHUNK_BYTES = 1024 * 1024;
// Bytes kept from the previous chunk: longer than any needle, and enough to see a hit's line start.
const CARRY_BYTES = 4096;

/**
 * Counts fixed-string needles over a whole file in 1 MiB chunks (constant memory, byte search, no
 * line splitting), keeping the first `maxLines` lines of each needle as evidence.
 */
export async function scanNeedles(path: string, needles: readonly string[], maxLines = 8): Promise<NeedleHits[]> {
  const encoded = needles.map((needle) => Buffer.from(needle, 'utf8'));
  if (encoded.some((needle) => needle.length === 0 || needle.length >= CARRY_BYTES)) {
    throw new RangeError('needles must be 1 to 4095 bytes long');
  }
  const hits: NeedleHits[] = needles.map((needle) => ({ needle, count: 0, lines: [] }));
  const buffer = Buffer.alloc(CARRY_BYTES + CHUNK_BYTES);
  const handle = await open(path, 'r');
  try {
    let carry = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carry, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const length = carry + bytesRead;
      const window = buffer.subarray(0, length);
      encoded.forEach((needle, index) => {
        const hit = hits[index]!;
        // A hit lying wholly inside the carried bytes was counted with the previous chunk.
        for (let at = window.indexOf(needle, Math.max(0, carry - needle.length + 1)); at !== -1; at = window.indexOf(needle, at + 1)) {
          hit.count++;
          if (hit.lines.length < maxLines) hit.lines.push(lineAround(window, at, needle.length));
        }
      });
      const keep = Math.min(CARRY_BYTES, length);
      buffer.copyWithin(0, length - keep, length);
      carry = keep;
    }
  } finally {
    await handle.close();
  }
  return hits;
}

/** Occurrences of `needle` in `text`. */
export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The trimmed lines of `text` that contain `needle`. */
export function linesContaining(text: string, needle: string): string[] {
  const lines: string[] = [];
  for (let at = text.indexOf(needle); at !== -1; ) {
    const start = text.lastIndexOf('\n', at) + 1;
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    lines.push(text.slice(start, end).trim());
    at = newline === -1 ? -1 : text.indexOf(needle, end);
  }
  return lines;
}

function lineAround(window: Buffer, at: number, needleLength: number): string {
  const start = window.lastIndexOf(0x0a, at) + 1;
  const newline = window.indexOf(0x0a, at + needleLength);
  const end = newline === -1 ? window.length : newline;
  // Evidence is for people: cap a pathological line.
  return window.toString('utf8', start, Math.min(end, start + 500)).trim();
}

// A line longer than this is taken in pieces (no program output has one; a binary file might).
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Like scanNeedles, and also hands every line that contains a needle to `visit`, in file order (a line with two
 * needles once), in one streaming pass: 1 MiB chunks, only whole lines searched, so memory stays constant.
 */
export async function scanLines(path: string, needles: readonly string[], visit: (line: string) => void, maxLines = 8): Promise<NeedleHits[]> {
  const encoded = needles.map((needle) => Buffer.from(needle, 'utf8'));
  if (encoded.some((needle) => needle.length === 0 || needle.length >= MAX_LINE_BYTES)) {
    throw new RangeError(`needles must be 1 to ${MAX_LINE_BYTES - 1} bytes long`);
  }
  const hits: NeedleHits[] = needles.map((needle) => ({ needle, count: 0, lines: [] }));
  const buffer = Buffer.alloc(MAX_LINE_BYTES + CHUNK_BYTES);
  const handle = await open(path, 'r');
  try {
    let carry = 0;
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, carry, CHUNK_BYTES, position);
      position += bytesRead;
      const length = carry + bytesRead;
      if (length === 0) break;
      // Whole lines only; the rest waits for the next chunk unless the file ended or the line is too long to wait.
      let upto = bytesRead === 0 ? length : buffer.lastIndexOf(0x0a, length - 1) + 1;
      if (length - upto > MAX_LINE_BYTES) upto = length;
      searchLines(buffer.subarray(0, upto), encoded, hits, visit, maxLines);
      buffer.copyWithin(0, upto, length);
      carry = length - upto;
      if (bytesRead === 0) break;
    }
  } finally {
    await handle.close();
  }
  return hits;
}

function searchLines(region: Buffer, needles: readonly Buffer[], hits: NeedleHits[], visit: (line: string) => void, maxLines: number): void {
  const lineStarts = new Set<number>();
  needles.forEach((needle, index) => {
    const hit = hits[index]!;
    for (let at = region.indexOf(needle); at !== -1; at = region.indexOf(needle, at + 1)) {
      hit.count++;
      if (hit.lines.length < maxLines) hit.lines.push(lineAround(region, at, needle.length));
      lineStarts.add(region.lastIndexOf(0x0a, at) + 1);
    }
  });
  for (const start of [...lineStarts].sort((a, b) => a - b)) {
    const newline = region.indexOf(0x0a, start);
    visit(region.toString('utf8', start, newline === -1 ? region.length : newline).replace(/\r$/, ''));
  }
}

/** The lines of `text` that contain one of `needles`, in order: what scanLines visits, for a text already read. */
export function visitLines(text: string, needles: readonly string[], visit: (line: string) => void): void {
  for (const line of text.split('\n')) {
    if (needles.some((needle) => line.includes(needle))) visit(line.replace(/\r$/, ''));
  }
}

/**
 * The byte offset of the last occurrence of any of `needles` that starts before `before` (the file's end when
 * absent), reading backwards in 1 MiB chunks: the cost is the distance from the end, never the whole file at once.
 */
export async function findLast(path: string, needles: readonly string[], before?: number): Promise<number | undefined> {
  const encoded = needles.map((needle) => Buffer.from(needle, 'utf8'));
  const overlap = Math.max(0, ...encoded.map((needle) => needle.length - 1));
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(CHUNK_BYTES + overlap);
    for (let end = Math.min(before ?? size, size); end > 0; end -= CHUNK_BYTES) {
      const start = Math.max(0, end - CHUNK_BYTES);
      // A needle may start just before `end` and finish after it: read `overlap` bytes more.
      const { bytesRead } = await handle.read(buffer, 0, Math.min(size, end + overlap) - start, start);
      const window = buffer.subarray(0, bytesRead);
      let last = -1;
      for (const needle of encoded) {
        const at = window.lastIndexOf(needle, end - start - 1);
        if (at > last) last = at;
      }
      if (last !== -1) return start + last;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Up to `bytes` bytes of a file from `start`, decoded, and whether they reach its end. */
export async function readAt(path: string, start: number, bytes: number): Promise<{ text: string; toEnd: boolean }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(bytes, size - start));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return { text: buffer.toString('utf8', 0, bytesRead), toEnd: start + bytesRead >= size };
  } finally {
    await handle.close();
  }
}
