// The Results tab: a toolbar (text filter, energy unit, CSV export, how relative energies are referenced) above a
// virtualised grid of every job's results — only the rows in view are in the DOM, placed by arithmetic, so 10,000
// jobs cost what 40 do. Cells are filled with textContent; a click or Enter on a row chooses the job.
import './results.css';
import { DASHBOARD_ENERGY_UNITS, DASHBOARD_RESULT_COLUMNS } from '../../core/dashboard/protocol.js';
import type { DashboardEnergyUnit, DashboardResultColumn, DashboardResultRow, DashboardResultsViewState } from '../../core/dashboard/protocol.js';
import { ENERGY_UNITS, REFERENCE_RULE, ResultsTable, isNumericColumn, nextResultsSort, resultColumnLabel } from '../../core/dashboard/page/results.js';
import { el, setText } from './dom.js';
import { listKeyTarget, visibleRows } from './rowLists.js';

/** Fixed row height: rows are placed by arithmetic. Mirrors --results-row-height in results.css. */
export const RESULTS_ROW_HEIGHT = 24;
const OVERSCAN = 10;

export interface ResultsCallbacks {
  /** A row was chosen (click, keyboard), by job key. */
  onSelect(key: string | null): void;
  /** Sort, filter or unit changed (to keep with the page's state). */
  onQuery(query: DashboardResultsViewState): void;
  /** The export button was pressed. */
  onExport(): void;
}

interface RowElement {
  node: HTMLDivElement;
  cells: HTMLDivElement[];
  badge: HTMLSpanElement;
  row: DashboardResultRow | undefined;
  /** The unit its texts are in. */
  unit: DashboardEnergyUnit | undefined;
  position: number;
}

export class ResultsView {
  readonly element: HTMLElement;
  readonly table = new ResultsTable();
  private readonly grid: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly search: HTMLInputElement;
  private readonly unitSelect: HTMLSelectElement;
  private readonly shown = el('span', { className: 'results-shown', attrs: { 'aria-live': 'polite', 'data-testid': 'results-count' } });
  private readonly headers = new Map<DashboardResultColumn, { cell: HTMLDivElement; label: HTMLSpanElement; arrow: HTMLSpanElement }>();
  private readonly pool: RowElement[] = [];
  private selected: string | null = null;
  private loaded = false;

  constructor(
    initial: DashboardResultsViewState,
    private readonly callbacks: ResultsCallbacks,
  ) {
    this.table.setQuery(initial);
    this.search = el('input', { className: 'search', attrs: { type: 'search', placeholder: 'Filter results', 'aria-label': 'Filter results' } });
    this.search.value = initial.search;
    this.search.addEventListener('input', () => this.changeQuery({ ...this.table.query, search: this.search.value }));
    this.unitSelect = el('select', { className: 'results-unit', attrs: { 'aria-label': 'Energy unit' } });
    for (const unit of DASHBOARD_ENERGY_UNITS) {
      const option = el('option', { attrs: { value: unit }, text: ENERGY_UNITS[unit].label });
      this.unitSelect.appendChild(option);
    }
    this.unitSelect.value = initial.unit;
    this.unitSelect.addEventListener('change', () => {
      const unit = DASHBOARD_ENERGY_UNITS.find((candidate) => candidate === this.unitSelect.value) ?? 'hartree';
      this.changeQuery({ ...this.table.query, unit });
    });
    const exportButton = el('button', { className: 'results-export', attrs: { type: 'button', 'data-testid': 'results-export' } }, 'Export CSV…');
    exportButton.addEventListener('click', () => this.callbacks.onExport());
    const toolbar = el(
      'div',
      { className: 'toolbar results-toolbar' },
      this.search,
      el('label', { className: 'results-unit-label' }, 'Energies in ', this.unitSelect),
      exportButton,
      this.shown,
    );
    const rule = el('p', { className: 'results-rule', attrs: { 'data-testid': 'results-rule' } }, REFERENCE_RULE);

    const headerRow = el('div', { className: 'results-row results-header-row', attrs: { role: 'row', 'aria-rowindex': '1' } });
    for (const column of DASHBOARD_RESULT_COLUMNS) {
      const label = el('span');
      const arrow = el('span', { className: 'sort-arrow', attrs: { 'aria-hidden': 'true' } });
      const button = el('button', { className: 'sort-button', attrs: { type: 'button', 'data-result-column': column } }, label, arrow);
      button.addEventListener('click', () => this.changeQuery({ ...this.table.query, sort: nextResultsSort(this.table.query.sort, column) }));
      const cell = el('div', { className: `cell rcol-${column}${isNumericColumn(column) ? ' numeric' : ''}`, attrs: { role: 'columnheader', 'aria-sort': 'none' } }, button);
      this.headers.set(column, { cell, label, arrow });
      headerRow.appendChild(cell);
    }
    this.spacer = el('div', { className: 'results-rows', attrs: { role: 'rowgroup' } });
    this.grid = el(
      'div',
      { className: 'results-grid', attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Results', 'aria-colcount': String(DASHBOARD_RESULT_COLUMNS.length) } },
      el('div', { className: 'results-header-group', attrs: { role: 'rowgroup' } }, headerRow),
      this.spacer,
    );
    this.grid.addEventListener('scroll', () => this.render(), { passive: true });
    this.grid.addEventListener('keydown', (event) => this.onKey(event));
    this.spacer.addEventListener('click', (event) => {
      const node = (event.target as Element | null)?.closest<HTMLDivElement>('.result-row');
      const found = node ? this.pool.find((candidate) => candidate.node === node) : undefined;
      if (found?.row) this.choose(found.row.key, false);
    });
    new ResizeObserver(() => this.render()).observe(this.grid);
    this.element = el('section', { className: 'results', attrs: { 'aria-label': 'Results' } }, toolbar, rule, this.grid);
    this.showHeaders();
    this.showCount();
  }

  /** Every job's results from the host (batchfile order); the query and selection stay. */
  setRows(rows: readonly DashboardResultRow[]): void {
    this.loaded = true;
    this.table.setRows(rows);
    for (const row of this.pool) row.row = undefined;
    this.refresh();
  }

  /** The batch's root folder (folders show relative to it); repaints the rows when it changed. */
  setRoot(root: string | null): void {
    this.table.setRoot(root);
    for (const row of this.pool) row.row = undefined;
    this.render();
  }

  /** Statuses the run table heard of since the last results (see ResultsTable.updateStatuses). */
  updateStatuses(jobs: Iterable<{ readonly key: string; readonly status: DashboardResultRow['status'] }>): void {
    if (this.table.updateStatuses(jobs)) this.refresh();
  }

  /** The job chosen elsewhere (the run table, the graph…), shown selected and, when `reveal`, scrolled into view. */
  select(key: string | null, reveal = true): void {
    this.selected = key;
    if (key !== null && reveal) {
      const position = this.table.positionOf(key);
      if (position >= 0) this.reveal(position);
    }
    this.render();
  }

  /** New height, then the rows in view. */
  refresh(): void {
    this.spacer.style.height = `${this.table.length * RESULTS_ROW_HEIGHT}px`;
    this.grid.setAttribute('aria-rowcount', String(this.table.length + 1));
    this.showCount();
    this.render();
  }

  render(): void {
    const count = this.table.length;
    const { first, needed } = visibleRows(count, this.grid.scrollTop, this.grid.clientHeight || 600, RESULTS_ROW_HEIGHT, OVERSCAN);
    while (this.pool.length < needed) this.pool.push(this.createRow());
    while (this.pool.length > needed) this.pool.pop()!.node.remove();
    for (let k = 0; k < needed; k++) this.fill(this.pool[k]!, first + k);
  }

  private changeQuery(query: DashboardResultsViewState): void {
    this.table.setQuery(query);
    this.showHeaders();
    this.refresh();
    this.callbacks.onQuery(this.table.query);
  }

  private showHeaders(): void {
    const { sort, unit } = this.table.query;
    for (const [column, { cell, label, arrow }] of this.headers) {
      const direction = sort?.column === column ? sort.direction : null;
      cell.setAttribute('aria-sort', direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none');
      setText(label, resultColumnLabel(column, unit));
      setText(arrow, direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : '');
    }
  }

  private showCount(): void {
    const { length, total } = this.table;
    if (!this.loaded) setText(this.shown, 'reading the outputs…');
    else setText(this.shown, length === total ? `${total} jobs` : `${length} of ${total} jobs`);
  }

  private createRow(): RowElement {
    const cells = DASHBOARD_RESULT_COLUMNS.map((column, i) =>
      el('div', { className: `cell rcol-${column}${isNumericColumn(column) ? ' numeric' : ''}`, attrs: { role: 'gridcell', 'aria-colindex': String(i + 1) } }),
    );
    const badge = el('span', { className: 'badge' });
    cells[DASHBOARD_RESULT_COLUMNS.indexOf('status')]!.appendChild(badge);
    const node = el('div', { className: 'results-row result-row', attrs: { role: 'row' } }, ...cells);
    this.spacer.appendChild(node);
    return { node, cells, badge, row: undefined, unit: undefined, position: -1 };
  }

  private fill(element: RowElement, position: number): void {
    const row = this.table.rowAt(position);
    if (element.position !== position) {
      element.position = position;
      element.node.style.transform = `translateY(${position * RESULTS_ROW_HEIGHT}px)`;
      element.node.setAttribute('aria-rowindex', String(position + 2));
    }
    const unit = this.table.unit;
    if (row !== undefined && (element.row !== row || element.unit !== unit)) {
      element.row = row;
      element.unit = unit;
      DASHBOARD_RESULT_COLUMNS.forEach((column, i) => {
        const text = this.table.cell(row, column);
        if (column === 'status') {
          setText(element.badge, text);
          element.badge.className = `badge status-${row.status}`;
        } else {
          setText(element.cells[i]!, text);
        }
      });
      element.cells[0]!.title = row.basename;
      element.cells[1]!.title = row.directory;
      element.cells[DASHBOARD_RESULT_COLUMNS.indexOf('relative')]!.title = row.method !== null ? `method: ${row.method}` : '';
      element.cells[DASHBOARD_RESULT_COLUMNS.indexOf('problems')]!.title = row.problems.join('\n');
      element.node.classList.toggle('has-problems', row.problems.length > 0);
      element.node.dataset.key = row.key;
      element.node.dataset.job = row.label;
    }
    const selected = row !== undefined && row.key === this.selected;
    if (element.node.classList.contains('selected') !== selected) {
      element.node.classList.toggle('selected', selected);
      element.node.setAttribute('aria-selected', String(selected));
    }
  }

  private choose(key: string | null, reveal: boolean): void {
    const changed = key !== this.selected;
    this.select(key);
    if (!reveal) this.render();
    if (changed) this.callbacks.onSelect(key);
  }

  private reveal(position: number): void {
    const rowsHeight = this.grid.clientHeight - this.spacer.offsetTop;
    const rowTop = position * RESULTS_ROW_HEIGHT;
    if (rowTop < this.grid.scrollTop) this.grid.scrollTop = rowTop;
    else if (rowTop + RESULTS_ROW_HEIGHT > this.grid.scrollTop + rowsHeight) this.grid.scrollTop = rowTop + RESULTS_ROW_HEIGHT - rowsHeight;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.target !== this.grid) return;
    const count = this.table.length;
    if (count === 0) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      this.choose(null, false);
      return;
    }
    const current = this.selected === null ? -1 : this.table.positionOf(this.selected);
    const page = Math.max(1, Math.floor((this.grid.clientHeight - this.spacer.offsetTop) / RESULTS_ROW_HEIGHT) - 1);
    const position = listKeyTarget(event.key, current, count, page);
    if (position === undefined) return;
    event.preventDefault();
    this.choose(this.table.rowAt(position)!.key, true);
  }
}
