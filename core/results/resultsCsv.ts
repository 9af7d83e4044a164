// The CSV of a batch's results, exactly as `batchman results --csv` prints it: the dashboard's export writes this text too.
import { stringify } from 'csv-stringify/sync';
import { flatRow, RESULT_COLUMNS } from './batchResults.js';
import type { ResultsRow } from './batchResults.js';

/** A header row (RESULT_COLUMNS, `basename` first), then one row per job; an unknown value is an empty cell. Ends with a newline. */
export function resultsCsv(rows: readonly ResultsRow[]): string {
  const text = stringify(
    rows.map((row) => {
      const flat = flatRow(row);
      return RESULT_COLUMNS.map((column) => csvCell(flat[column]));
    }),
    { header: true, columns: [...RESULT_COLUMNS] },
  );
  // the CLI's output adds a newline to text without one; the file gets the same bytes
  return text.endsWith('\n') ? text : `${text}\n`;
}

function csvCell(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}
