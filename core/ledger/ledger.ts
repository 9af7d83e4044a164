// The batch ledger `__ledger__.csv`: CCBatchMan's nine `|`-separated columns, then Batchman's, then any others.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { isErrno, writeFileAtomicIfChanged } from '../fsAtomic.js';
import type { JobStatus } from '../status.js';
import { LedgerCorruptError } from './errors.js';
import { jobKey } from './jobKey.js';
import { LEDGER_CSV_OPTIONS, readLedgerRecords } from './ledgerRecords.js';
import { parseJobIdText, parseStatusText } from './statusText.js';

export const DEFAULT_LEDGER_NAME = '__ledger__.csv';

/** CCBatchMan's columns, in its order; Batchman always writes these first. */
export const CCBATCHMAN_COLUMNS = [
  'job_id',
  'job_basename',
  'job_directory',
  'job_status',
  'program',
  'coords_from',
  'xyz_filename',
  'orbitals_from',
  'gbw_filename',
] as const;

/** Columns Batchman appends after CCBatchMan's (pandas reads them as extra columns and keeps them). */
export const BATCHMAN_COLUMNS = [
  'submitted_at',
  'started_at',
  'ended_at',
  'exit_code',
  'cause',
  'restarts',
  'slurm_state',
] as const;

/** Without these a file is not a ledger (older CCBatchMan versions lack the pipe columns). */
export const REQUIRED_COLUMNS = ['job_id', 'job_basename', 'job_directory', 'job_status', 'program'] as const;

/** `job_id` of a job that has not been submitted. */
export const NO_JOB_ID = -1;

// Control characters other than tab and line ends, and U+FFFD (what invalid UTF-8 decodes to).
// eslint-disable-next-line no-control-regex
const JUNK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]/;

type KnownColumn = (typeof CCBATCHMAN_COLUMNS)[number] | (typeof BATCHMAN_COLUMNS)[number];

/** One job of the ledger. Optional fields are empty cells on disk. */
export interface LedgerRow {
  /** SLURM (or local executor) job id; -1 until submitted. */
  jobId: number;
  basename: string;
  /** As written: CCBatchMan stores `root/dir`, Batchman the absolute job folder. */
  directory: string;
  status: JobStatus;
  /** As written in the batchfile (CCBatchMan keeps its case); see `programById`. */
  program: string;
  coordsFrom?: string;
  xyzFilename?: string;
  orbitalsFrom?: string;
  gbwFilename?: string;
  /** ISO 8601 times. */
  submittedAt?: string;
  startedAt?: string;
  endedAt?: string;
  exitCode?: number;
  /** Why the job failed: TIMEOUT, `exit code 2`, `SCF not converged`… (see programs/outcome). */
  cause?: string;
  /** Attempts after the first. */
  restarts?: number;
  /** Last SLURM state seen (RUNNING, COMPLETED, TIMEOUT…). */
  slurmState?: string;
  /** Non-empty cells of columns someone else added, by column name; written back unchanged. */
  extra?: Record<string, string>;
}

export interface Ledger {
  rows: LedgerRow[];
  /** Names of unknown columns, in their order on disk; written after Batchman's own. */
  extraColumns: string[];
}

/** The ledger's path: `name` (default `__ledger__.csv`) beside the batchfile. */
export function ledgerPathFor(batchfilePath: string, name: string = DEFAULT_LEDGER_NAME): string {
  return join(dirname(batchfilePath), name);
}

export function emptyLedger(): Ledger {
  return { rows: [], extraColumns: [] };
}

/** Reads and parses a ledger; throws LedgerCorruptError when it is not one, ENOENT when missing. */
export async function readLedger(path: string): Promise<Ledger> {
  const bytes = await readFile(path);
  return parseLedger(bytes.toString('utf8'), path);
}

/** Like readLedger, but undefined when the file does not exist. */
export async function readLedgerIfExists(path: string): Promise<Ledger | undefined> {
  try {
    return await readLedger(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/** Writes the ledger atomically, only when its text changed; returns true when it wrote. */
export async function writeLedger(path: string, ledger: Ledger): Promise<boolean> {
  return writeFileAtomicIfChanged(path, serializeLedger(ledger));
}

/** Parses ledger text (Batchman's or CCBatchMan's); `path` only names the file in errors. */
export function parseLedger(text: string, path = DEFAULT_LEDGER_NAME): Ledger {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw new LedgerCorruptError(path, 1, 'empty file (no header)');
  const junk = JUNK.exec(body);
  if (junk) {
    throw new LedgerCorruptError(path, lineOf(body, junk.index), 'binary data or invalid UTF-8 (a ledger is text)');
  }

  let records: string[][];
  try {
    records = readLedgerRecords(body);
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 1;
      throw new LedgerCorruptError(path, line, error.message);
    }
    throw error;
  }
  // Line numbers cost a third of the parse time; they are only needed for an error message.
  let recordLines: number[] | undefined;
  const lineOfRecord = (index: number): number => {
    recordLines ??= (parse(body, { ...LEDGER_CSV_OPTIONS, info: true }) as unknown as { info: { lines: number } }[]).map((entry) => entry.info.lines);
    return recordLines[index] ?? index + 1;
  };

  const header = records[0]!.map((name) => name.trim());
  // pandas' `to_csv` without `index=False` adds an unnamed first column of row numbers.
  const skipIndex = header[0] === '' || header[0] === 'Unnamed: 0' ? 1 : 0;
  const columns = header.slice(skipIndex);
  const seen = new Set<string>();
  for (const name of columns) {
    if (name === '') throw new LedgerCorruptError(path, lineOfRecord(0), 'bad header: a column has no name');
    if (seen.has(name)) throw new LedgerCorruptError(path, lineOfRecord(0), `bad header: column "${name}" appears twice`);
    seen.add(name);
  }
  const missing = REQUIRED_COLUMNS.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new LedgerCorruptError(path, lineOfRecord(0), `bad header: missing column(s) ${missing.join(', ')}`);
  }
  const known = new Set<string>([...CCBATCHMAN_COLUMNS, ...BATCHMAN_COLUMNS]);
  const extraColumns = columns.filter((name) => !known.has(name));

  const endsMidLine = !/[\r\n]$/.test(body);
  const layout = columnLayout(columns, extraColumns, skipIndex);
  const rows: LedgerRow[] = [];
  for (let index = 1; index < records.length; index++) {
    const record = records[index]!;
    const cellCount = Math.max(0, record.length - skipIndex);
    if (cellCount !== columns.length) {
      const isLast = index === records.length - 1;
      const reason =
        isLast && endsMidLine && cellCount < columns.length
          ? `file ends mid-line (${cellCount} of ${columns.length} columns)`
          : `expected ${columns.length} columns, found ${cellCount}`;
      throw new LedgerCorruptError(path, lineOfRecord(index), reason);
    }
    rows.push(rowFromCells(record, layout, (reason) => new LedgerCorruptError(path, lineOfRecord(index), reason)));
  }
  return { rows, extraColumns };
}

/**
 * The rows that can still be read from a damaged ledger, line by line; lines that do not parse are
 * skipped. When the header itself is unreadable, Batchman's column order is assumed.
 */
export function salvageLedger(text: string): Ledger {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const parseLine = (line: string): string[] | undefined => {
    try {
      const records = parse(line, { delimiter: '|', relax_quotes: true, relax_column_count: true }) as string[][];
      return records.length === 1 ? records[0] : undefined;
    } catch {
      return undefined;
    }
  };
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  const headerCells = firstIndex === -1 ? undefined : parseLine(lines[firstIndex]!)?.map((cell) => cell.trim());
  let columns: string[];
  let skipIndex = 0;
  let dataStart = firstIndex + 1;
  const assumed = !(headerCells && REQUIRED_COLUMNS.every((name) => headerCells.includes(name)));
  if (!assumed && headerCells) {
    skipIndex = headerCells[0] === '' || headerCells[0] === 'Unnamed: 0' ? 1 : 0;
    columns = headerCells.slice(skipIndex);
  } else {
    columns = [...CCBATCHMAN_COLUMNS, ...BATCHMAN_COLUMNS];
    dataStart = Math.max(firstIndex, 0);
  }
  const known = new Set<string>([...CCBATCHMAN_COLUMNS, ...BATCHMAN_COLUMNS]);
  const extraColumns = columns.filter((name) => !known.has(name));
  const layout = columnLayout(columns, extraColumns, 0);
  const rows: LedgerRow[] = [];
  for (const line of lines.slice(dataStart)) {
    if (line.trim() === '' || JUNK.test(line)) continue;
    const cells = parseLine(line)?.slice(skipIndex);
    // With the header lost, a row may be CCBatchMan's nine columns as well as Batchman's layout.
    if (!cells || (cells.length !== columns.length && !(assumed && cells.length === CCBATCHMAN_COLUMNS.length))) continue;
    try {
      rows.push(rowFromCells(cells, layout, (reason) => new LedgerCorruptError('', 0, reason)));
    } catch {
      // unreadable line: skipped
    }
  }
  return { rows, extraColumns };
}

/** The ledger as text: CCBatchMan's columns, Batchman's, then the unknown ones; `\n` line ends. */
export function serializeLedger(ledger: Ledger): string {
  const extraColumns = writtenExtraColumns(ledger);
  let text = ledgerHeaderLine(extraColumns);
  for (const row of ledger.rows) text += ledgerRowLine(row, extraColumns);
  return text;
}

/** The unknown columns a ledger is written with (a name that is one of the known columns is not written twice). */
export function writtenExtraColumns(ledger: Ledger): string[] {
  return ledger.extraColumns.filter((name) => !(CCBATCHMAN_COLUMNS as readonly string[]).includes(name) && !(BATCHMAN_COLUMNS as readonly string[]).includes(name));
}

/** The header line, `\n` included; `extraColumns` from `writtenExtraColumns`. */
export function ledgerHeaderLine(extraColumns: readonly string[]): string {
  return `${[...CCBATCHMAN_COLUMNS, ...BATCHMAN_COLUMNS, ...extraColumns].map(csvCell).join('|')}\n`;
}

/** One row's line, `\n` included, as serializeLedger writes it (the runner keeps these and renders only changed rows). */
export function ledgerRowLine(row: LedgerRow, extraColumns: readonly string[]): string {
  // The runner writes the ledger every pass: a plain join is several times faster than csv-stringify
  // on 10,000 rows, and writes exactly what csv-stringify wrote with these options.
  const cells = cellsOf(row);
  for (const name of extraColumns) cells.push(row.extra?.[name] ?? '');
  const plain = cells.join('|');
  // Almost every row needs no quoting: one scan of the joined line instead of one per cell.
  return `${needsQuoting(plain, cells.length) ? cells.map(csvCell).join('|') : plain}\n`;
}

function needsQuoting(line: string, cellCount: number): boolean {
  let pipes = 0;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if (code === 34 /* " */ || code === 10 /* \n */) return true;
    if (code === 124 /* | */ && ++pipes >= cellCount) return true;
  }
  return false;
}

/** csv-stringify's quoting with `|` as delimiter: quoted when it holds `"`, `|` or `\n`, with `"` doubled. */
function csvCell(value: string): string {
  return /["|\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A fresh row for a job that has not been submitted. */
export function newLedgerRow(job: {
  basename: string;
  directory: string;
  program: string;
  coordsFrom?: string;
  xyzFilename?: string;
  orbitalsFrom?: string;
  gbwFilename?: string;
}): LedgerRow {
  return {
    jobId: NO_JOB_ID,
    basename: job.basename,
    directory: job.directory,
    status: 'not_started',
    program: job.program,
    ...definedOnly({
      coordsFrom: job.coordsFrom,
      xyzFilename: job.xyzFilename,
      orbitalsFrom: job.orbitalsFrom,
      gbwFilename: job.gbwFilename,
    }),
  };
}

/**
 * The first row of this basename, and of this folder when one is given. Basenames repeat across folders
 * (`mol1/opt`, `mol2/opt`): what decides about jobs keys rows by folder and basename (`keyOf`).
 */
export function findRow(ledger: Ledger, basename: string, directory?: string): LedgerRow | undefined {
  return ledger.rows.find((row) => row.basename === basename && (directory === undefined || row.directory === directory));
}

/**
 * The key of a ledger row as written: Batchman writes the resolved job folder, CCBatchMan `root/dir` with the root as
 * its batchfile has it, which is relative to the batchfile's folder when it is relative (`baseDirectory`).
 */
export function rowKeyOnDisk(row: Pick<LedgerRow, 'directory' | 'basename'>, baseDirectory: string): string {
  return jobKey(isAbsolute(row.directory) ? resolve(row.directory) : resolve(baseDirectory, row.directory), row.basename);
}

/** A ledger's rows by key (`rowKeyOnDisk`); a key written twice is its last row, as CCBatchMan keeps the last. */
export function rowsByKeyOnDisk(rows: readonly LedgerRow[], baseDirectory: string): Map<string, LedgerRow> {
  return new Map(rows.map((row) => [rowKeyOnDisk(row, baseDirectory), row]));
}

/** Where each column's cell stands in a record, found once per ledger instead of once per row. */
interface ColumnLayout {
  readonly known: Readonly<Record<KnownColumn, number>>;
  /** Unknown columns by name, each at its last place (a name written twice reads its last cell). */
  readonly extra: readonly (readonly [name: string, index: number])[];
}

/** The layout of `columns` in records whose first `offset` cells are not columns (pandas' index). */
function columnLayout(columns: readonly string[], extraColumns: readonly string[], offset: number): ColumnLayout {
  const indexOf = new Map<string, number>();
  columns.forEach((name, i) => indexOf.set(name, i + offset));
  const known = {} as Record<KnownColumn, number>;
  for (const name of [...CCBATCHMAN_COLUMNS, ...BATCHMAN_COLUMNS]) known[name] = indexOf.get(name) ?? -1;
  return { known, extra: extraColumns.map((name) => [name, indexOf.get(name) ?? -1] as const) };
}

function rowFromCells(record: readonly string[], layout: ColumnLayout, fail: (reason: string) => LedgerCorruptError): LedgerRow {
  const { known } = layout;
  const jobIdText = cellAt(record, known.job_id) ?? '';
  const jobId = parseJobIdText(jobIdText);
  if (jobId === undefined) throw fail(`job_id "${jobIdText}" is not a job id`);
  const statusText = cellAt(record, known.job_status) ?? '';
  const status = parseStatusText(statusText);
  if (status === undefined) {
    throw fail(
      `unknown job_status "${statusText}" (expected not_started, pending, running, succeeded, failed, broken_dependency or cancelled)`,
    );
  }
  const basename = cellAt(record, known.job_basename) ?? '';
  if (isEmptyCell(basename)) throw fail('job_basename is empty');

  // Fields are set in one order and absent ones never: rows compare and print alike however they were read.
  const row: LedgerRow = {
    jobId,
    basename,
    directory: filledCellAt(record, known.job_directory) ?? '',
    status,
    program: filledCellAt(record, known.program) ?? '',
  };
  const fields = row as unknown as Record<string, string | number>;
  for (const [field, column] of OPTIONAL_FIELDS) {
    const value = filledCellAt(record, known[column]);
    if (value === undefined) continue;
    fields[field] = column === 'exit_code' || column === 'restarts' ? integerCell(column, value, fail) : value;
  }
  // Unknown cells are kept verbatim; empty ones are simply absent.
  let extra: Record<string, string> | undefined;
  for (const [name, index] of layout.extra) {
    const value = cellAt(record, index) ?? '';
    if (value !== '') (extra ??= {})[name] = value;
  }
  if (extra) row.extra = extra;
  return row;
}

/** The cell at `index`, undefined when the column is absent (-1) or the record shorter. */
function cellAt(record: readonly string[], index: number): string | undefined {
  return index < 0 ? undefined : record[index];
}

/** The cell at `index` unless it is absent or empty (pandas' `nan` included). */
function filledCellAt(record: readonly string[], index: number): string | undefined {
  const value = cellAt(record, index);
  return value === undefined || isEmptyCell(value) ? undefined : value;
}

function integerCell(column: KnownColumn, cell: string, fail: (reason: string) => LedgerCorruptError): number {
  const value = cell.trim();
  if (!/^[+-]?\d+(?:\.0*)?$/.test(value)) throw fail(`${column} "${value}" is not an integer`);
  return Math.trunc(Number(value));
}

/** The optional fields of a row in the order they are set, each with its column. */
const OPTIONAL_FIELDS = [
  ['coordsFrom', 'coords_from'],
  ['xyzFilename', 'xyz_filename'],
  ['orbitalsFrom', 'orbitals_from'],
  ['gbwFilename', 'gbw_filename'],
  ['submittedAt', 'submitted_at'],
  ['startedAt', 'started_at'],
  ['endedAt', 'ended_at'],
  ['exitCode', 'exit_code'],
  ['cause', 'cause'],
  ['restarts', 'restarts'],
  ['slurmState', 'slurm_state'],
] as const satisfies readonly (readonly [keyof LedgerRow, KnownColumn])[];

function text(value: string | number | undefined): string {
  return value === undefined ? '' : String(value);
}

function cellsOf(row: LedgerRow): string[] {
  return [
    String(row.jobId < 0 ? NO_JOB_ID : row.jobId),
    row.basename,
    row.directory,
    row.status,
    row.program,
    text(row.coordsFrom),
    text(row.xyzFilename),
    text(row.orbitalsFrom),
    text(row.gbwFilename),
    text(row.submittedAt),
    text(row.startedAt),
    text(row.endedAt),
    text(row.exitCode),
    text(row.cause),
    text(row.restarts),
    text(row.slurmState),
  ];
}

// pandas writes missing values as empty cells, and `nan` when a NaN was turned into a string.
function isEmptyCell(value: string): boolean {
  const trimmed = value.trim();
  return trimmed === '' || trimmed === 'nan' || trimmed === 'NaN';
}

function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
