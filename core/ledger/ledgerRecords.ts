// The ledger's text as records of cells: a prepared `|` reader for what Batchman and CCBatchMan write, csv-parse for the rest.
import { parse } from 'csv-parse/sync';

/** csv-parse's options for a ledger; the prepared reader gives exactly csv-parse's records with these. */
export const LEDGER_CSV_OPTIONS = { delimiter: '|', relax_column_count: true, relax_quotes: true, skip_empty_lines: true } as const;

const QUOTE = 34; // "
const PIPE = 124; // |
const NEWLINE = 10; // \n

/**
 * The records of a ledger's text (its BOM removed), as csv-parse reads them with `LEDGER_CSV_OPTIONS`; csv-parse's
 * error when the text is not CSV. On 10,000 rows csv-parse took most of a parse: nearly every line is plain cells
 * split at `|`, which a split does many times faster, and the rare quoted cell is read by `quotedRecord`.
 */
export function readLedgerRecords(body: string): string[][] {
  return preparedLedgerRecords(body) ?? (parse(body, LEDGER_CSV_OPTIONS) as string[][]);
}

/**
 * The prepared reader alone: csv-parse's records, or undefined where it does not decide — a `\r` (csv-parse takes
 * the first line end it meets as the only one, so `\r\n`, `\r` and a lone `\n` would mean different things), text
 * that is not well-formed UTF-16 (csv-parse reads UTF-8 bytes, where a lone surrogate becomes U+FFFD) and a quote
 * left open (csv-parse's error names it). `test/unit/ledgerRecords.test.ts` proves it equals csv-parse.
 */
export function preparedLedgerRecords(body: string): string[][] | undefined {
  if (body.includes('\r') || !isWellFormed(body)) return undefined;
  const records: string[][] = [];
  // Splitting the whole text at line ends and each line at `|` is what V8 does fastest; measured against slicing
  // line by line from the text, which became several times slower once optimised.
  const lines = body.split('\n');
  const quoted = body.includes('"');
  let position = 0; // where `lines[index]` starts in `body`
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (quoted && line.includes('"')) {
      const record = quotedRecord(body, position);
      if (record === undefined) return undefined;
      records.push(record.cells);
      // On from the line after the record's end: a line end inside quotes carries a record over several lines.
      while (position < record.next) position += lines[index++]!.length + 1;
      continue;
    }
    // skip_empty_lines: only a line with no character at all is skipped.
    if (line !== '') records.push(line.split('|'));
    position += line.length + 1;
    index++;
  }
  return records;
}

// String.prototype.isWellFormed is in Node 20 but in TypeScript's ES2024 library, past this project's ES2023; where it
// is missing the text goes to csv-parse.
function isWellFormed(text: string): boolean {
  const check = (text as string & { isWellFormed?: () => boolean }).isWellFormed;
  return check !== undefined && check.call(text);
}

/**
 * One record that holds a quote, from `start` to its unquoted line end, read as csv-parse reads it: a cell that
 * starts with `"` is quoted until a `"` followed by `|`, a line end or the end of the text, `""` inside it is one `"`;
 * with relax_quotes, a `"` inside an unquoted cell is a character, and a quoted cell whose closing `"` is followed by
 * something else becomes `"` + what was read + `"` and continues unquoted. Undefined when a quote is never closed.
 */
function quotedRecord(body: string, start: number): { cells: string[]; next: number } | undefined {
  const cells: string[] = [];
  const length = body.length;
  let cell = '';
  let cellStart = start; // where the plain run of characters not yet added to `cell` starts
  let quoting = false;
  let position = start;
  for (; position < length; position++) {
    const code = body.charCodeAt(position);
    if (quoting) {
      if (code !== QUOTE) continue;
      cell += body.slice(cellStart, position);
      const next = position + 1 < length ? body.charCodeAt(position + 1) : -1;
      if (next === QUOTE) {
        cell += '"';
        position++;
        cellStart = position + 1;
      } else if (next === -1 || next === 0 || next === PIPE || next === NEWLINE) {
        // csv-parse tests the next byte for truth, so a NUL closes a quote as the end of the text does.
        quoting = false;
        cellStart = position + 1;
      } else {
        // An invalid closing quote: the cell so far between quotes, then unquoted from here.
        quoting = false;
        cell = `"${cell}"`;
        cellStart = position + 1;
      }
      continue;
    }
    if (code === QUOTE) {
      if (cell === '' && cellStart === position) {
        quoting = true;
        cellStart = position + 1;
      }
      continue;
    }
    if (code === PIPE || code === NEWLINE) {
      cells.push(cell + body.slice(cellStart, position));
      cell = '';
      cellStart = position + 1;
      if (code === NEWLINE) return { cells, next: position + 1 };
    }
  }
  if (quoting) return undefined;
  cells.push(cell + body.slice(cellStart, position));
  return { cells, next: length };
}
