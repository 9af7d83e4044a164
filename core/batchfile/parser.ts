// The lossless, error-tolerant batchfile parser: text in, ranged document out; it never throws.
import type { BatchfileDocument, Cell, Header, HeaderColumn, JobRow, RootLine } from './document.js';
import { isIgnorableLine, splitLines } from './lines.js';
import { EMPTY_PIPE_CELL, parsePipeCell } from './pipes.js';
import type { ParsedPipeCell } from './pipes.js';
import type { Range, Span } from './types.js';
import { lineRange, spanOf } from './types.js';

/** A cell keeps its value span; the raw span (blanks included) is built only when asked for. */
class CellNode implements Cell {
  constructor(
    readonly index: number,
    readonly value: Span,
    readonly rawStart: number,
    readonly rawEnd: number,
    private readonly lineText: string,
  ) {}

  get raw(): Span {
    return spanOf(this.value.line, this.lineText, this.rawStart, this.rawEnd);
  }
}

class JobRowNode implements JobRow {
  constructor(
    readonly line: number,
    private readonly length: number,
    readonly cells: readonly Cell[],
    readonly pipe: ParsedPipeCell,
  ) {}

  get range(): Range {
    return lineRange(this.line, 0, this.length);
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
  return {
    lines,
    ...(root ? { root } : {}),
    ...(rootProblemLine !== undefined ? { rootProblemLine } : {}),
    ...(header ? { header } : {}),
    rows,
  };
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

function splitCells(line: number, text: string): Cell[] {
  const cells: Cell[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '|') {
      let valueStart = start;
      let valueEnd = i;
      while (valueStart < valueEnd && (text[valueStart] === ' ' || text[valueStart] === '\t')) valueStart++;
      while (valueEnd > valueStart && (text[valueEnd - 1] === ' ' || text[valueEnd - 1] === '\t')) valueEnd--;
      cells.push(new CellNode(cells.length, spanOf(line, text, valueStart, valueEnd), start, i, text));
      start = i + 1;
    }
  }
  return cells;
}

function parseHeader(line: number, text: string): Header {
  const columns: HeaderColumn[] = splitCells(line, text).map((cell) => ({ index: cell.index, name: cell.value }));
  const indexOf = new Map<string, number>();
  for (const column of columns) {
    if (!indexOf.has(column.name.text)) indexOf.set(column.name.text, column.index);
  }
  return { line, range: lineRange(line, 0, text.length), columns, indexOf };
}

function parseRow(line: number, text: string, header: Header | undefined): JobRow {
  const cells = splitCells(line, text);
  const pipeIndex = header?.indexOf.get('pipe');
  const pipeCell = pipeIndex === undefined ? undefined : cells[pipeIndex];
  const pipe = pipeCell
    ? parsePipeCell(line, text, pipeCell.rawStart, pipeCell.rawEnd)
    : EMPTY_PIPE_CELL;
  return new JobRowNode(line, text.length, cells, pipe);
}
