// Formatting: aligns the header and rows into columns; root, comments and malformed rows stay as written.
import type { BatchfileDocument, Cell } from '../document.js';
import type { TextEdit } from '../types.js';
import { lineRange } from '../types.js';

const SEPARATOR = ' | ';

export function formatDocument(document: BatchfileDocument): TextEdit[] {
  const header = document.header;
  if (!header) return [];
  const columnCount = header.columns.length;
  const rows = document.rows.filter((row) => row.cells.length === columnCount);
  const widths = header.columns.map((column) => column.name.text.length);
  for (const row of rows) {
    row.cells.forEach((cell, index) => {
      widths[index] = Math.max(widths[index]!, cell.value.text.length);
    });
  }
  const edits: TextEdit[] = [];
  const render = (line: number, values: readonly string[]): void => {
    const text = values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index]!)))
      .join(SEPARATOR)
      // Only the padding the join added: trimEnd() would also eat Unicode blanks (NBSP, BOM) that are data.
      .replace(/ +$/, '');
    const current = document.lines[line]!.text;
    if (text !== current) edits.push({ range: lineRange(line, 0, current.length), newText: text });
  };
  render(header.line, header.columns.map((column) => column.name.text));
  for (const row of rows) render(row.line, row.cells.map((cell: Cell) => cell.value.text));
  return edits;
}
