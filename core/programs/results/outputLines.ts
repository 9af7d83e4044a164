// Streams an output of any size line by line in fixed chunks: memory stays bounded, garbage and cut lines are reported, never thrown.
import { open } from 'node:fs/promises';

const CHUNK_BYTES = 512 * 1024;
/** A longer line is cut to this many characters: no program prints one, and a regex over it stays cheap. */
export const MAX_LINE_CHARS = 4096;

/** What the read saw of the file itself, beside its lines. */
export interface LineStreamFacts {
  readonly bytes: number;
  /** The last line had no newline: the file was cut mid-line (or is still being written). */
  readonly cutMidLine: boolean;
  /** NUL bytes were found: part of the file is not text. */
  readonly binary: boolean;
  /** Lines longer than MAX_LINE_CHARS were cut. */
  readonly overlongLines: number;
}

/**
 * Calls `onLine` for each line of the file (without its line ending). Decoded as Latin-1, which never fails on any
 * byte, so binary garbage becomes odd characters that match nothing instead of an error.
 */
export async function forEachLine(path: string, onLine: (line: string) => void): Promise<LineStreamFacts> {
  const handle = await open(path, 'r');
  const buffer = Buffer.alloc(CHUNK_BYTES);
  let carry = '';
  let carryOverlong = false;
  let bytes = 0;
  let binary = false;
  let overlongLines = 0;
  const emit = (line: string): void => {
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, bytes);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      const chunk = buffer.subarray(0, bytesRead);
      if (!binary && chunk.includes(0)) binary = true;
      const text = chunk.toString('latin1');
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        const piece = text.slice(start, Math.min(newline, start + MAX_LINE_CHARS));
        if (carry.length > 0 || carryOverlong) {
          emit((carry + piece).slice(0, MAX_LINE_CHARS));
          if (carryOverlong || carry.length + newline - start > MAX_LINE_CHARS) overlongLines++;
          carry = '';
          carryOverlong = false;
        } else {
          if (newline - start > MAX_LINE_CHARS) overlongLines++;
          emit(piece);
        }
        start = newline + 1;
      }
      // The unfinished line is kept only up to the cap; the rest of an endless line is skipped.
      if (start < text.length) {
        const rest = text.slice(start, start + MAX_LINE_CHARS);
        if (text.length - start > MAX_LINE_CHARS) carryOverlong = true;
        if (carry.length < MAX_LINE_CHARS) carry = (carry + rest).slice(0, MAX_LINE_CHARS);
        else carryOverlong = true;
      }
    }
  } finally {
    await handle.close();
  }
  const cutMidLine = carry.length > 0 || carryOverlong;
  if (cutMidLine) {
    if (carryOverlong) overlongLines++;
    emit(carry);
  }
  return { bytes, cutMidLine, binary, overlongLines };
}

export interface LineScan {
  /** Fixed beginnings (after leading spaces): a line that begins with one is given to `onLine`, others are skipped. */
  readonly lineStarts: readonly string[];
  /** Beginnings as regular-expression sources, for lines that begin with a run of stars or the like (`\*+HURRAY`). */
  readonly lineStartPatterns?: readonly string[];
  readonly onLine: (line: string) => void;
  /** True while the parser needs every line (inside a block whose rows begin with nothing fixed). */
  readonly everyLine: () => boolean;
}

/**
 * Like forEachLine, but only the lines that begin with one of `lineStarts` (or every line while `everyLine()` says so)
 * become strings: one regular expression tried at line starts finds them over each 512 KiB chunk, so a 200 MB log is
 * read without splitting it into lines.
 */
export async function scanLines(path: string, scan: LineScan): Promise<LineStreamFacts> {
  const { onLine, everyLine } = scan;
  const starts = [...scan.lineStarts.map((start) => start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), ...(scan.lineStartPatterns ?? [])];
  const wanted = new RegExp(`\\n *(?:${starts.join('|')})`, 'g');
  const handle = await open(path, 'r');
  // A newline, the unfinished line carried from the chunk before (at most the cap and one character), the chunk:
  // decoded once into one string, so a chunk costs one allocation however many lines it holds.
  const buffer = Buffer.alloc(1 + MAX_LINE_CHARS + 1 + CHUNK_BYTES);
  buffer[0] = 10;
  let carried = 0;
  let bytes = 0;
  let binary = false;
  let overlongLines = 0;
  const emit = (text: string, start: number, end: number): void => {
    if (end - start > MAX_LINE_CHARS) {
      overlongLines++;
      end = start + MAX_LINE_CHARS;
    }
    const line = text.slice(start, end);
    onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  };
  // `text` is a newline, then whole lines each ending with a newline.
  const scanText = (text: string): void => {
    let position = 1;
    while (position < text.length) {
      if (everyLine()) {
        const end = text.indexOf('\n', position);
        emit(text, position, end);
        position = end + 1;
        continue;
      }
      wanted.lastIndex = position - 1;
      const hit = wanted.exec(text);
      if (!hit) return;
      const start = hit.index + 1;
      const end = text.indexOf('\n', start);
      emit(text, start, end);
      position = end + 1;
    }
  };
  try {
    for (;;) {
      const at = 1 + carried;
      const { bytesRead } = await handle.read(buffer, at, CHUNK_BYTES, bytes);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      if (!binary && buffer.subarray(at, at + bytesRead).includes(0)) binary = true;
      const filled = at + bytesRead;
      const lastNewline = buffer.subarray(at, filled).lastIndexOf(10);
      if (lastNewline === -1) {
        // No line ends here: only the start of the endless line is kept, one character over the cap so the line is
        // known to be over-long when it ends.
        carried = Math.min(filled - 1, MAX_LINE_CHARS + 1);
        continue;
      }
      const end = at + lastNewline + 1;
      scanText(buffer.toString('latin1', 0, end));
      const rest = Math.min(filled - end, MAX_LINE_CHARS + 1);
      buffer.copyWithin(1, end, end + rest);
      carried = rest;
    }
  } finally {
    await handle.close();
  }
  const cutMidLine = carried > 0;
  if (cutMidLine) {
    const text = `${buffer.toString('latin1', 0, 1 + carried)}\n`;
    wanted.lastIndex = 0;
    if (everyLine() || wanted.test(text)) emit(text, 1, 1 + carried);
    else if (carried > MAX_LINE_CHARS) overlongLines++;
  }
  return { bytes, cutMidLine, binary, overlongLines };
}

/** Problems the file itself shows, in words. */
export function fileProblems(facts: LineStreamFacts): string[] {
  const problems: string[] = [];
  if (facts.bytes === 0) problems.push('the output is empty');
  if (facts.binary) problems.push('the output holds binary bytes (not all of it is text)');
  if (facts.overlongLines > 0) problems.push(`${facts.overlongLines} over-long line(s) cut to ${MAX_LINE_CHARS} characters`);
  if (facts.cutMidLine) problems.push('the output ends mid-line (cut or still being written)');
  return problems;
}

// A number as programs print it: plain, exponent, or Fortran's `1.0D-05`.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;

/** A printed number, null when the token is not one (never NaN). */
export function numberOf(token: string | undefined): number | null {
  if (token === undefined || !NUMBER.test(token)) return null;
  const value = Number(token.replace(/[dD]/, 'e'));
  // `-0.000000` is zero: adding 0 drops the sign, so the results survive a trip through JSON unchanged.
  return Number.isFinite(value) ? value + 0 : null;
}

/** The whitespace-separated tokens of a line. */
export function tokens(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** The first decimal number on a line (`-?\d+\.\d+`, as CCBatchMan's rules read a float), null when none. */
export function firstFloat(line: string): number | null {
  const match = /-?\d+\.\d+/.exec(line);
  return match ? Number(match[0]) + 0 : null;
}

/** Pushes onto a list that keeps at most `cap` entries (a pathological output cannot grow it without end). */
export function pushCapped<T>(list: T[], value: T, cap = 100_000): void {
  if (list.length < cap) list.push(value);
}
