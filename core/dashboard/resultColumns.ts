// The Results tab's rows as they travel to the page: column by column (one array per field, in row order). Cloning
// a dozen arrays of 10,000 plain values costs postMessage a third of what 10,000 objects do. Node- and DOM-free: the
// host builds the columns, the page turns them back into rows.
import type { DashboardResultRow } from './protocol.js';

/** Each field of DashboardResultRow as an array over the rows. */
export type DashboardResultColumns = { [K in keyof DashboardResultRow]: DashboardResultRow[K][] };

const FIELDS = [
  'key', 'label', 'basename', 'directory', 'program', 'status', 'hasOutput', 'finalEnergy', 'relativeEnergy', 'gibbs',
  'method', 'imaginaryFrequencies', 'optimization', 'wallSeconds', 'problems',
] as const satisfies readonly (keyof DashboardResultRow)[];

// A field added to DashboardResultRow and forgotten above fails here.
type Missing = Exclude<keyof DashboardResultRow, (typeof FIELDS)[number]>;
const EVERY_FIELD: Missing extends never ? true : Missing = true;
void EVERY_FIELD;

export function resultColumnsOf(rows: readonly DashboardResultRow[]): DashboardResultColumns {
  const columns = {} as Record<keyof DashboardResultRow, unknown[]>;
  for (const field of FIELDS) columns[field] = rows.map((row) => row[field]);
  return columns as DashboardResultColumns;
}

/** The rows again; a column shorter than `key` (never sent by the host) reads as null. */
export function resultRowsOf(columns: DashboardResultColumns): DashboardResultRow[] {
  const count = columns.key.length;
  const rows: DashboardResultRow[] = new Array<DashboardResultRow>(count);
  for (let i = 0; i < count; i++) {
    rows[i] = {
      key: columns.key[i]!,
      label: columns.label[i] ?? columns.key[i]!,
      basename: columns.basename[i] ?? '',
      directory: columns.directory[i] ?? '',
      program: columns.program[i] ?? '',
      status: columns.status[i] ?? 'not_started',
      hasOutput: columns.hasOutput[i] ?? false,
      finalEnergy: columns.finalEnergy[i] ?? null,
      relativeEnergy: columns.relativeEnergy[i] ?? null,
      gibbs: columns.gibbs[i] ?? null,
      method: columns.method[i] ?? null,
      imaginaryFrequencies: columns.imaginaryFrequencies[i] ?? null,
      optimization: columns.optimization[i] ?? null,
      wallSeconds: columns.wallSeconds[i] ?? null,
      problems: columns.problems[i] ?? [],
    };
  }
  return rows;
}
