// The lossless, error-tolerant batchfile parser: text in, ranged document out; it never throws. Also re-parses
// only the lines an edit touched, reusing the rest of the previous document.
import type { BatchfileDocument, Cell, Header, HeaderColumn, JobRow, RootLine } from './document.js';
import type { SourceLine } from './lines.js';
import { isIgnorableLine, splitLines } from './lines.js';
import { movePipeCell } from './pipeCommand.js';
import { EMPTY_PIPE_CELL, parsePipeCell } from './pipes.js';
import type { ParsedPipeCell } from './pipes.js';
import type { Range, Span } from './types.js';
import { lineRange, spanOf } from './types.js';

/** A cell of a row, made on demand from the row's text and separator offsets. */
class CellNode implements Cell {
  readonly value: Span;

  constructor(
    readonly index: number,
    private readonly line: number,
    private readonly lineText: string,
    readonly rawStart: number,
    readonly rawEnd: number,
  ) {
    let valueStart = rawStart;
    let valueEnd = rawEnd;
    while (valueStart < valueEnd && isCellBlank(lineText.charCodeAt(valueStart))) valueStart++;
    while (valueEnd > valueStart && isCellBlank(lineText.charCodeAt(valueEnd - 1))) valueEnd--;
    this.value = spanOf(line, lineText, valueStart, valueEnd);
  }

  get raw(): Span {
    return spanOf(this.line, this.lineText, this.rawStart, this.rawEnd);
  }
}

/**
 * A job row keeps its text, the offsets of its `|` separators and its parsed pipe cell; cells are built when
 * asked for. Rows are immutable: an edit above a row gives the next document a moved copy (see updateBatchfile).
 */
export class JobRowNode implements JobRow {
  /** What the model derived from this row (resolved folder, pipe targets), kept across versions by model.ts. */
  facts: unknown = undefined;

  constructor(
    readonly line: number,
    readonly text: string,
    /** Offsets of the `|` between cells, in order. */
    private readonly separators: readonly number[],
    readonly pipe: ParsedPipeCell,
  ) {}

  get range(): Range {
    return lineRange(this.line, 0, this.text.length);
  }

  get cellCount(): number {
    return this.separators.length + 1;
  }

  get cells(): Cell[] {
    const cells = new Array<Cell>(this.cellCount);
    for (let index = 0; index < cells.length; index++) cells[index] = this.cell(index)!;
    return cells;
  }

  cell(index: number): Cell | undefined {
    if (!(index >= 0 && index < this.cellCount)) return undefined;
    return new CellNode(index, this.line, this.text, this.rawStart(index), this.rawEnd(index));
  }

  valueText(index: number): string {
    if (!(index >= 0 && index < this.cellCount)) return '';
    const text = this.text;
    let start = this.rawStart(index);
    let end = this.rawEnd(index);
    while (start < end && isCellBlank(text.charCodeAt(start))) start++;
    while (end > start && isCellBlank(text.charCodeAt(end - 1))) end--;
    return text.slice(start, end);
  }

  /** This row `delta` lines further down (or up), sharing everything but the line-bearing parts. */
  movedBy(delta: number): JobRowNode {
    const line = this.line + delta;
    const moved = new JobRowNode(line, this.text, this.separators, movePipeCell(this.pipe, line));
    moved.facts = this.facts;
    return moved;
  }

  private rawStart(index: number): number {
    return index === 0 ? 0 : this.separators[index - 1]! + 1;
  }

  private rawEnd(index: number): number {
    return index === this.separators.length ? this.text.length : this.separators[index]!;
  }
}

export function parseBatchfile(text: string): BatchfileDocument {
  const lines = splitLines(text);
  let root: RootLine | undefined;
  let rootProblemLine: number | undefined;
  let header: Header | undefined;
  const rows: JobRow[] = [];
  let state: 'root' | 'header' | 'rows' = 'root';

  for (let line = 0; line < lines.length; line++) {
    const lineText = lines[line]!.text;
    if (isIgnorableLine(lineText)) continue;
    if (state === 'root') {
      if (lineText.includes('=')) {
        root = parseRootLine(line, lineText);
        state = 'header';
        continue;
      }
      rootProblemLine = line;
      state = 'header';
      // A line with `|` is most likely the header of a file that forgot its root line.
      if (!lineText.includes('|')) continue;
    }
    if (state === 'header') {
      header = parseHeader(line, lineText);
      state = 'rows';
      continue;
    }
    rows.push(parseRow(line, lineText, header));
  }
  return documentOf(text, lines, root, rootProblemLine, header, rows);
}

/**
 * The document of `text`, given the document of the text before an edit: lines the edit did not touch keep their
 * parsed rows (moved when the edit added or removed lines), only the changed lines are parsed. The result equals
 * `parseBatchfile(text)`; an edit at or above the header parses everything again. `previous` stays valid.
 */
export function updateBatchfile(previous: BatchfileDocument, text: string): BatchfileDocument {
  const oldText = sourceText(previous);
  if (oldText === text) return previous;
  const header = previous.header;
  if (!header) return parseBatchfile(text);
  const oldLines = previous.lines;
  const count = oldLines.length;

  // The edit changed old[prefix, oldText.length - suffix) into text[prefix, text.length - suffix).
  const prefix = commonPrefixLength(oldText, text);
  const suffix = commonSuffixLength(oldText, text, Math.min(oldText.length, text.length) - prefix);
  const changedEnd = oldText.length - suffix;

  // The first changed line holds the first changed character. A line ending in a lone `\r` right before it
  // changes too when the edit puts a `\n` after that `\r`.
  let first = 0;
  let lineStart = 0;
  while (first < count - 1) {
    const lineEnd = lineStart + oldLines[first]!.text.length + oldLines[first]!.eol.length;
    if (lineEnd > prefix) break;
    lineStart = lineEnd;
    first++;
  }
  if (first > 0 && lineStart === prefix && oldLines[first - 1]!.eol === '\r') {
    first--;
    lineStart -= oldLines[first]!.text.length + 1;
  }
  if (first <= header.line) return parseBatchfile(text);
  const regionStart = lineStart;

  // The first kept line after the edit is the first whose terminator before it lies wholly in the unchanged end:
  // that terminator still ends a line in the new text, so the line starts there again.
  let next = first;
  let nextStart = lineStart;
  while (next < count && nextStart <= changedEnd) {
    nextStart += oldLines[next]!.text.length + oldLines[next]!.eol.length;
    next++;
  }
  const regionEnd = next < count ? nextStart - oldText.length + text.length : text.length;

  // Lines [first, next) of the old text became the region's lines. A flat copy of the region keeps the new
  // lines from pinning the whole new text in memory (a slice shares its parent string).
  const regionLines = splitLines(flatCopy(text.slice(regionStart, regionEnd)));
  // Before a kept line, the region ends with a terminator: the empty "line" after it is that kept line's start.
  if (next < count) regionLines.pop();
  const delta = regionLines.length - (next - first);

  const lines: SourceLine[] = oldLines.slice(0, first);
  for (const line of regionLines) lines.push(line);
  for (let i = next; i < count; i++) lines.push(oldLines[i]!);

  const oldRows = previous.rows;
  const keptBefore = firstRowAtOrAfter(oldRows, first);
  const keptAfter = firstRowAtOrAfter(oldRows, next);
  const rows: JobRow[] = oldRows.slice(0, keptBefore);
  for (let i = 0; i < regionLines.length; i++) {
    const lineText = regionLines[i]!.text;
    if (!isIgnorableLine(lineText)) rows.push(parseRow(first + i, lineText, header));
  }
  for (let i = keptAfter; i < oldRows.length; i++) {
    const row = oldRows[i]!;
    // Only the parser makes rows; should another kind of row turn up, it is parsed again on its new line.
    rows.push(delta === 0 ? row : row instanceof JobRowNode ? row.movedBy(delta) : parseRow(row.line + delta, row.text, header));
  }
  return documentOf(text, lines, previous.root, previous.rootProblemLine, header, rows);
}

/** The text each document was parsed from: the next edit is found by comparing it with the new text. */
const sourceTexts = new WeakMap<BatchfileDocument, string>();

function sourceText(document: BatchfileDocument): string {
  const known = sourceTexts.get(document);
  if (known !== undefined) return known;
  let text = '';
  for (const line of document.lines) text += line.text + line.eol;
  return text;
}

/** Comparing slices runs natively (memcmp-like): whole chunks first, then halves of the first unequal one. */
const CHUNK = 4096;

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let at = 0;
  while (at + CHUNK <= limit && a.slice(at, at + CHUNK) === b.slice(at, at + CHUNK)) at += CHUNK;
  let size = Math.min(CHUNK, limit - at);
  while (size > 16) {
    const half = size >> 1;
    if (a.slice(at, at + half) === b.slice(at, at + half)) {
      at += half;
      size -= half;
    } else {
      size = half;
    }
  }
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

/** Like commonPrefixLength from the ends, at most `limit` characters (so it never overlaps the prefix). */
function commonSuffixLength(a: string, b: string, limit: number): number {
  const aEnd = a.length;
  const bEnd = b.length;
  let length = 0;
  while (length + CHUNK <= limit && a.slice(aEnd - length - CHUNK, aEnd - length) === b.slice(bEnd - length - CHUNK, bEnd - length)) length += CHUNK;
  let size = Math.min(CHUNK, limit - length);
  while (size > 16) {
    const half = size >> 1;
    if (a.slice(aEnd - length - half, aEnd - length) === b.slice(bEnd - length - half, bEnd - length)) {
      length += half;
      size -= half;
    } else {
      size = half;
    }
  }
  while (length < limit && a.charCodeAt(aEnd - length - 1) === b.charCodeAt(bEnd - length - 1)) length++;
  return length;
}

function documentOf(
  text: string,
  lines: SourceLine[],
  root: RootLine | undefined,
  rootProblemLine: number | undefined,
  header: Header | undefined,
  rows: JobRow[],
): BatchfileDocument {
  const document: BatchfileDocument = {
    lines,
    ...(root ? { root } : {}),
    ...(rootProblemLine !== undefined ? { rootProblemLine } : {}),
    ...(header ? { header } : {}),
    rows,
  };
  sourceTexts.set(document, text);
  return document;
}

/** The index of the first row on `line` or below it (rows are in line order). */
function firstRowAtOrAfter(rows: readonly JobRow[], line: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle]!.line < line) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * A copy of `text` that shares no memory with the string it was sliced from. V8 flattens a concatenation into a
 * fresh string when it is sliced; the slice then refers to that fresh string only.
 */
function flatCopy(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

function parseRootLine(line: number, text: string): RootLine {
  const equalsAt = text.indexOf('=');
  const keyStart = text.length - text.trimStart().length;
  let keyEnd = equalsAt;
  while (keyEnd > keyStart && /\s/.test(text[keyEnd - 1]!)) keyEnd--;
  let valueStart = equalsAt + 1;
  let valueEnd = text.length;
  while (valueStart < valueEnd && /\s/.test(text[valueStart]!)) valueStart++;
  while (valueEnd > valueStart && /\s/.test(text[valueEnd - 1]!)) valueEnd--;
  return {
    line,
    range: lineRange(line, 0, text.length),
    key: spanOf(line, text, keyStart, keyEnd),
    equals: spanOf(line, text, equalsAt, equalsAt + 1),
    value: spanOf(line, text, valueStart, valueEnd),
  };
}

/** Offsets of every `|`, in an array of exactly that length (a pushed-to array keeps room for 17). */
function separatorsOf(text: string): number[] {
  let count = 0;
  for (let at = text.indexOf('|'); at !== -1; at = text.indexOf('|', at + 1)) count++;
  const separators = new Array<number>(count);
  let index = 0;
  for (let at = text.indexOf('|'); at !== -1; at = text.indexOf('|', at + 1)) separators[index++] = at;
  return separators;
}

function parseHeader(line: number, text: string): Header {
  const separators = separatorsOf(text);
  const columns: HeaderColumn[] = [];
  for (let index = 0; index <= separators.length; index++) {
    const start = index === 0 ? 0 : separators[index - 1]! + 1;
    const end = index === separators.length ? text.length : separators[index]!;
    columns.push({ index, name: new CellNode(index, line, text, start, end).value });
  }
  const indexOf = new Map<string, number>();
  for (const column of columns) {
    if (!indexOf.has(column.name.text)) indexOf.set(column.name.text, column.index);
  }
  return { line, range: lineRange(line, 0, text.length), columns, indexOf };
}

function parseRow(line: number, text: string, header: Header | undefined): JobRow {
  const separators = separatorsOf(text);
  const pipeIndex = header?.indexOf.get('pipe');
  let pipe = EMPTY_PIPE_CELL;
  if (pipeIndex !== undefined && pipeIndex <= separators.length) {
    const start = pipeIndex === 0 ? 0 : separators[pipeIndex - 1]! + 1;
    const end = pipeIndex === separators.length ? text.length : separators[pipeIndex]!;
    pipe = parsePipeCell(line, text, start, end);
  }
  return new JobRowNode(line, text, separators, pipe);
}

/** Cells are trimmed of spaces and tabs only (other blanks are data). */
function isCellBlank(code: number): boolean {
  return code === 32 || code === 9;
}
