// The dashboard's Results tab as data: the rows on show (text filter, sort by any column, nulls last), energies
// converted from Hartree into the chosen unit, and every cell's text ("—" where the output does not say). Pure and
// DOM-free, so the page and the unit tests run the same code; 10,000 rows must stay cheap (search texts are cached).
import { DASHBOARD_ENERGY_UNITS, DASHBOARD_RESULT_COLUMNS } from '../protocol.js';
import type { DashboardEnergyUnit, DashboardResultColumn, DashboardResultRow, DashboardResultsViewState } from '../protocol.js';
import { HARTREE_TO_EV, HARTREE_TO_KCAL, HARTREE_TO_KJ } from '../../results/types.js';
import type { JobStatus } from '../../status.js';
import { folderUnderRoot } from '../../view/jobLabel.js';
import { KeyedRows, sortOrder, STATUS_RANK } from './keyedRows.js';
import type { SortKey } from './keyedRows.js';

/** What a cell shows for a value the output does not hold. */
export const UNKNOWN = '—';

/** How relative energies are referenced, in the tab's words (the rule of `batchman results`, core/results/relative.ts). */
export const REFERENCE_RULE =
  'ΔE: final energy minus the lowest final energy among jobs of the same program, method, formula and charge (a job alone in its group is 0).';

export interface EnergyUnit {
  readonly label: string;
  /** Multiplies a value in Hartree. */
  readonly factor: number;
  /** Decimals shown. */
  readonly digits: number;
}

export const ENERGY_UNITS: Readonly<Record<DashboardEnergyUnit, EnergyUnit>> = {
  hartree: { label: 'Eh', factor: 1, digits: 6 },
  kcal: { label: 'kcal/mol', factor: HARTREE_TO_KCAL, digits: 2 },
  kj: { label: 'kJ/mol', factor: HARTREE_TO_KJ, digits: 2 },
  ev: { label: 'eV', factor: HARTREE_TO_EV, digits: 4 },
};

export const DEFAULT_RESULTS_QUERY: DashboardResultsViewState = { sort: null, search: '', unit: 'hartree' };

/** A column's header label; energy columns name the unit. */
export function resultColumnLabel(column: DashboardResultColumn, unit: DashboardEnergyUnit): string {
  const u = ENERGY_UNITS[unit].label;
  switch (column) {
    case 'job':
      return 'Job';
    case 'folder':
      return 'Folder';
    case 'program':
      return 'Program';
    case 'status':
      return 'Status';
    case 'energy':
      return `E (${u})`;
    case 'relative':
      return `ΔE (${u})`;
    case 'gibbs':
      return `G (${u})`;
    case 'imaginary':
      return 'Imag.';
    case 'steps':
      return 'Opt. steps';
    case 'wall':
      return 'Wall';
    case 'problems':
      return 'Problems';
  }
}

/** Columns whose values are numbers (sorted by value, shown right-aligned). */
export function isNumericColumn(column: DashboardResultColumn): boolean {
  return column === 'energy' || column === 'relative' || column === 'gibbs' || column === 'imaginary' || column === 'steps' || column === 'wall';
}

/** A value in Hartree in the unit; null stays null. */
export function convertEnergy(hartree: number | null, unit: DashboardEnergyUnit): number | null {
  return hartree === null ? null : hartree * ENERGY_UNITS[unit].factor;
}

/** An energy's text in the unit, with the unit's decimals; "—" when unknown. */
export function formatEnergy(hartree: number | null, unit: DashboardEnergyUnit): string {
  const value = convertEnergy(hartree, unit);
  if (value === null || !Number.isFinite(value)) return UNKNOWN;
  const text = value.toFixed(ENERGY_UNITS[unit].digits);
  // -0.00 is 0.00
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** `50s`, `3m05s`, `1h02m`; "—" when unknown. */
export function formatWall(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return UNKNOWN;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  return minutes > 0 ? `${minutes}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

function statusText(status: JobStatus): string {
  return status.replace('_', ' ');
}

/** The text a cell shows; the folder as the batchfile writes it (relative to the batch's `root` when given). */
export function resultCellText(row: DashboardResultRow, column: DashboardResultColumn, unit: DashboardEnergyUnit, root: string | null = null): string {
  switch (column) {
    case 'job':
      return row.label;
    case 'folder':
      return folderUnderRoot(row.directory, root);
    case 'program':
      return row.program;
    case 'status':
      return statusText(row.status);
    case 'energy':
      return formatEnergy(row.finalEnergy, unit);
    case 'relative':
      return formatEnergy(row.relativeEnergy, unit);
    case 'gibbs':
      return formatEnergy(row.gibbs, unit);
    case 'imaginary':
      return row.imaginaryFrequencies === null ? UNKNOWN : String(row.imaginaryFrequencies);
    case 'steps':
      return row.optimization === null ? UNKNOWN : `${row.optimization.steps} ${row.optimization.converged ? '✓' : '✗ not converged'}`;
    case 'wall':
      return formatWall(row.wallSeconds);
    case 'problems':
      return row.hasOutput ? (row.problems.length > 0 ? row.problems.join('; ') : '') : 'no output';
  }
}

/** The value a column sorts on: numbers for numeric columns (converted units keep the order), text otherwise; null sorts last. */
export function resultSortKey(row: DashboardResultRow, column: DashboardResultColumn): SortKey {
  switch (column) {
    case 'job':
      return row.label;
    case 'folder':
      return row.directory;
    case 'program':
      return row.program;
    case 'status':
      return STATUS_RANK.get(row.status) ?? null;
    case 'energy':
      return finite(row.finalEnergy);
    case 'relative':
      return finite(row.relativeEnergy);
    case 'gibbs':
      return finite(row.gibbs);
    case 'imaginary':
      return row.imaginaryFrequencies;
    case 'steps':
      return row.optimization?.steps ?? null;
    case 'wall':
      return finite(row.wallSeconds);
    case 'problems':
      return row.hasOutput ? (row.problems.length > 0 ? row.problems.join('; ') : null) : 'no output';
  }
}

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function searchText(row: DashboardResultRow): string {
  return [row.label, row.directory, row.program, statusText(row.status), row.method ?? '', ...row.problems, row.hasOutput ? '' : 'no output']
    .filter((part) => part !== '')
    .join('\n')
    .toLowerCase();
}

/** Ascending, then descending, then batchfile order again (as the run table). */
export function nextResultsSort(
  current: DashboardResultsViewState['sort'],
  column: DashboardResultColumn,
): DashboardResultsViewState['sort'] {
  if (current?.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : null;
}

export class ResultsTable {
  private readonly rows = new KeyedRows<DashboardResultRow>();
  /** Search texts, built on the first search (a first render with no filter needs none). */
  private haystacks: string[] | null = null;
  private currentQuery: DashboardResultsViewState = DEFAULT_RESULTS_QUERY;
  private root: string | null = null;

  /** The batch's root folder: folders are shown relative to it. */
  setRoot(root: string | null): void {
    this.root = root;
  }

  /** Replaces every row (each results message carries them all, in batchfile order). */
  setRows(rows: readonly DashboardResultRow[]): void {
    this.rows.replace(rows);
    this.haystacks = null;
    this.recompute();
  }

  /**
   * The run table's newer statuses (a job started or was queued again between two reads of the results, which
   * follow only ends); true when a row changed.
   */
  updateStatuses(jobs: Iterable<{ readonly key: string; readonly status: JobStatus }>): boolean {
    let changed = false;
    for (const job of jobs) {
      const i = this.rows.indexOf(job.key);
      const row = i === undefined ? undefined : this.rows.all()[i];
      if (i === undefined || row === undefined || row.status === job.status) continue;
      this.rows.set(i, { ...row, status: job.status });
      changed = true;
    }
    if (changed) {
      this.haystacks = null;
      if (this.currentQuery.search.trim() !== '' || this.currentQuery.sort?.column === 'status') this.recompute();
    }
    return changed;
  }

  setQuery(query: DashboardResultsViewState): void {
    const resort = query.search !== this.currentQuery.search || query.sort?.column !== this.currentQuery.sort?.column || query.sort?.direction !== this.currentQuery.sort?.direction;
    this.currentQuery = { sort: query.sort, search: query.search, unit: query.unit };
    // a unit only changes the texts: converting by a positive factor keeps every order
    if (resort) this.recompute();
  }

  get query(): DashboardResultsViewState {
    return this.currentQuery;
  }

  get unit(): DashboardEnergyUnit {
    return this.currentQuery.unit;
  }

  /** Rows on show. */
  get length(): number {
    return this.rows.shown;
  }

  /** Every row, whatever is on show. */
  get total(): number {
    return this.rows.all().length;
  }

  rowAt(position: number): DashboardResultRow | undefined {
    return this.rows.rowAt(position);
  }

  /** Where a job is among the rows on show; -1 when filtered out or unknown. */
  positionOf(key: string): number {
    return this.rows.positionOf(key);
  }

  row(key: string): DashboardResultRow | undefined {
    return this.rows.byKey(key);
  }

  /** The cell's text in the current unit. */
  cell(row: DashboardResultRow, column: DashboardResultColumn): string {
    return resultCellText(row, column, this.currentQuery.unit, this.root);
  }

  private recompute(): void {
    const all = this.rows.all();
    const needle = this.currentQuery.search.trim().toLowerCase();
    let order: number[];
    if (needle === '') {
      order = Array.from({ length: all.length }, (_, i) => i);
    } else {
      const haystacks = (this.haystacks ??= all.map(searchText));
      order = [];
      for (let i = 0; i < haystacks.length; i++) if (haystacks[i]!.includes(needle)) order.push(i);
    }
    const sort = this.currentQuery.sort;
    if (sort !== null) sortOrder(order, all, (row) => resultSortKey(row, sort.column), sort.direction);
    this.rows.show(order);
  }
}

/** The columns in order, for the page. */
export { DASHBOARD_RESULT_COLUMNS };

/** A saved Results query, each field checked (state from an older build or hand-edited keeps the defaults). */
export function resultsQueryOf(value: unknown): DashboardResultsViewState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { sort, search, unit } = value as Partial<DashboardResultsViewState>;
  const column = sort?.column;
  const direction = sort?.direction;
  return {
    sort: column !== undefined && DASHBOARD_RESULT_COLUMNS.includes(column) && (direction === 'asc' || direction === 'desc') ? { column, direction } : null,
    search: typeof search === 'string' ? search : '',
    unit: unit !== undefined && DASHBOARD_ENERGY_UNITS.includes(unit) ? unit : 'hartree',
  };
}
