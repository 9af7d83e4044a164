// The parsed batchfile: every line, cell and pipe part with its exact range (the parser's output).
import type { KnownColumn } from './columns.js';
import type { SourceLine } from './lines.js';
import type { ParsedPipeCell } from './pipes.js';
import type { Range, Span } from './types.js';

export interface Cell {
  readonly index: number;
  /** The whole cell between separators, blanks included. */
  readonly raw: Span;
  /** `raw.start` and `raw.end` without building the span. */
  readonly rawStart: number;
  readonly rawEnd: number;
  /** The cell without surrounding blanks: what the value is. */
  readonly value: Span;
}

export interface RootLine {
  readonly line: number;
  readonly range: Range;
  readonly key: Span;
  readonly equals?: Span;
  readonly value?: Span;
}

export interface HeaderColumn {
  readonly index: number;
  readonly name: Span;
}

export interface Header {
  readonly line: number;
  readonly range: Range;
  readonly columns: readonly HeaderColumn[];
  /** First index of each column name (duplicates are reported, the first one wins). */
  readonly indexOf: ReadonlyMap<string, number>;
}

export interface JobRow {
  readonly line: number;
  readonly range: Range;
  /** The row's text (its line without the terminator). */
  readonly text: string;
  /** Every cell, built on each access: prefer `cell(index)`, `valueText(index)` and `cellCount` on hot paths. */
  readonly cells: readonly Cell[];
  readonly cellCount: number;
  readonly pipe: ParsedPipeCell;
  /** Cell `index`, built on demand (undefined past the last cell). */
  cell(index: number): Cell | undefined;
  /** The trimmed value of cell `index` ('' past the last cell), without building the cell. */
  valueText(index: number): string;
}

export interface BatchfileDocument {
  readonly lines: readonly SourceLine[];
  /** The `KEY=VALUE` line, when the first significant line has an `=`. */
  readonly root?: RootLine;
  /** The first significant line is not a root line (it may be the header, or nothing). */
  readonly rootProblemLine?: number;
  readonly header?: Header;
  readonly rows: readonly JobRow[];
}

/** The cell of `row` in `column`, by the header's names. */
export function cellOf(document: BatchfileDocument, row: JobRow, column: KnownColumn): Cell | undefined {
  const index = document.header?.indexOf.get(column);
  return index === undefined ? undefined : row.cell(index);
}

export function valueOf(document: BatchfileDocument, row: JobRow, column: KnownColumn): string {
  const index = document.header?.indexOf.get(column);
  return index === undefined ? '' : row.valueText(index);
}

/** The index of the row on `line`, or -1, by binary search (rows are in line order). */
export function rowIndexAtLine(document: BatchfileDocument, line: number): number {
  const rows = document.rows;
  let low = 0;
  let high = rows.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const rowLine = rows[middle]!.line;
    if (rowLine === line) return middle;
    if (rowLine < line) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The cell of `row` that holds `character`, separators counting as the cell before them. */
export function cellAtCharacter(row: JobRow, character: number): Cell | undefined {
  for (let index = 0; index < row.cellCount; index++) {
    const cell = row.cell(index)!;
    if (character >= cell.rawStart && character <= cell.rawEnd) return cell;
  }
  return undefined;
}
