// The run table, virtualised: one scrolling grid whose spacer is as tall as every row, holding only the rows in view
// (plus a few either side) absolutely placed; scrolling re-fills that small pool of row elements, so 10,000 jobs
// cost what 40 do. Cells are filled with textContent. Keyboard: arrows, Page Up/Down, Home/End move the selection.
import { DASHBOARD_COLUMNS } from '../../core/dashboard/protocol.js';
import type { DashboardColumn, DashboardJob, SortDirection } from '../../core/dashboard/protocol.js';
import { COLUMN_LABELS, cellText } from '../../core/dashboard/page/table.js';
import type { RunTable } from '../../core/dashboard/page/table.js';
import { el, setText } from './dom.js';
import { listKeyTarget, visibleRows } from './rowLists.js';

/** Fixed row height: virtualisation places rows by arithmetic, not by measuring them. Mirrors --row-height in CSS. */
export const ROW_HEIGHT = 24;
/** Rows rendered beyond each edge of the view, so a fast scroll shows no blank band. */
const OVERSCAN = 10;

export interface TableCallbacks {
  /** A header was clicked: the next sort (asc → desc → none). */
  onSort(column: DashboardColumn): void;
  /** The selected job changed (click or keyboard), by key. */
  onSelect(key: string | null): void;
}

interface RowElement {
  node: HTMLDivElement;
  cells: HTMLDivElement[];
  badge: HTMLSpanElement;
  /** What it shows now; compared by identity, since RunTable replaces a job's object when it changes. */
  job: DashboardJob | undefined;
  position: number;
}

export class VirtualTable {
  /** The grid: focusable, scrolls, holds the sticky header row and the rows' spacer. */
  readonly element: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly headers = new Map<DashboardColumn, { cell: HTMLDivElement; arrow: HTMLSpanElement }>();
  private readonly pool: RowElement[] = [];
  private selected: string | null = null;
  private nextRowId = 0;
  /** The batch's root directory: folders are shown relative to it. */
  private root: string | null = null;

  constructor(
    private readonly table: RunTable,
    private readonly callbacks: TableCallbacks,
  ) {
    const headerRow = el('div', { className: 'row header-row', attrs: { role: 'row', 'aria-rowindex': '1' } });
    for (const column of DASHBOARD_COLUMNS) {
      const arrow = el('span', { className: 'sort-arrow', attrs: { 'aria-hidden': 'true' } });
      const button = el('button', { className: 'sort-button', attrs: { type: 'button', 'data-column': column } }, COLUMN_LABELS[column], arrow);
      button.addEventListener('click', () => this.callbacks.onSort(column));
      const cell = el('div', { className: `cell col-${column}`, attrs: { role: 'columnheader', 'aria-sort': 'none' } }, button);
      this.headers.set(column, { cell, arrow });
      headerRow.appendChild(cell);
    }
    this.spacer = el('div', { className: 'rows', attrs: { role: 'rowgroup' } });
    this.element = el(
      'div',
      { className: 'grid', attrs: { role: 'grid', tabindex: '0', 'aria-label': 'Jobs', 'aria-colcount': String(DASHBOARD_COLUMNS.length) } },
      el('div', { className: 'header-group', attrs: { role: 'rowgroup' } }, headerRow),
      this.spacer,
    );
    this.element.addEventListener('scroll', () => this.render(), { passive: true });
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.spacer.addEventListener('click', (event) => {
      const row = (event.target as Element | null)?.closest<HTMLDivElement>('.job-row');
      const found = row ? this.pool.find((candidate) => candidate.node === row) : undefined;
      if (found?.job) this.select(found.job.key, false);
    });
    new ResizeObserver(() => this.render()).observe(this.element);
  }

  /** After the rows on show changed (snapshot, filter, sort, a job moved): new height, then the rows in view. */
  refresh(): void {
    this.spacer.style.height = `${this.table.length * ROW_HEIGHT}px`;
    this.element.setAttribute('aria-rowcount', String(this.table.length + 1));
    this.render();
  }

  showSort(sort: { column: DashboardColumn; direction: SortDirection } | null): void {
    for (const [column, { cell, arrow }] of this.headers) {
      const direction = sort?.column === column ? sort.direction : null;
      cell.setAttribute('aria-sort', direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none');
      setText(arrow, direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : '');
    }
  }

  /** The batch's root directory (folders show relative to it); every row is refilled when it changes. */
  setRoot(root: string | null): void {
    if (root === this.root) return;
    this.root = root;
    for (const row of this.pool) row.job = undefined;
    this.render();
  }

  get selection(): string | null {
    return this.selected;
  }

  /** Selects a job (null: none) and scrolls it into view when `reveal`. */
  select(key: string | null, reveal: boolean): void {
    const changed = key !== this.selected;
    this.selected = key;
    if (reveal && key !== null) {
      const position = this.table.positionOf(key);
      if (position >= 0) this.reveal(position);
    }
    this.render();
    if (changed) this.callbacks.onSelect(key);
  }

  /** Fills the pool of row elements for the rows in view; rows whose job did not change are left alone. */
  render(): void {
    const count = this.table.length;
    const viewHeight = this.element.clientHeight || 600;
    const top = this.element.scrollTop;
    const { first, needed } = visibleRows(count, top, viewHeight, ROW_HEIGHT, OVERSCAN);
    while (this.pool.length < needed) this.pool.push(this.createRow());
    while (this.pool.length > needed) this.pool.pop()!.node.remove();
    let active: string | null = null;
    for (let k = 0; k < needed; k++) {
      const row = this.pool[k]!;
      this.fill(row, first + k);
      if (row.job !== undefined && row.job.key === this.selected) active = row.node.id;
    }
    if (active !== null) this.element.setAttribute('aria-activedescendant', active);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private createRow(): RowElement {
    const cells = DASHBOARD_COLUMNS.map((column, i) =>
      el('div', { className: `cell col-${column}`, attrs: { role: 'gridcell', 'aria-colindex': String(i + 1) } }),
    );
    const badge = el('span', { className: 'badge' });
    cells[DASHBOARD_COLUMNS.indexOf('status')]!.appendChild(badge);
    const node = el('div', { className: 'row job-row', attrs: { role: 'row', id: `job-row-${this.nextRowId++}` } }, ...cells);
    this.spacer.appendChild(node);
    return { node, cells, badge, job: undefined, position: -1 };
  }

  private fill(row: RowElement, position: number): void {
    const job = this.table.rowAt(position);
    if (row.position !== position) {
      row.position = position;
      row.node.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
      row.node.setAttribute('aria-rowindex', String(position + 2));
    }
    if (row.job !== job && job !== undefined) {
      row.job = job;
      DASHBOARD_COLUMNS.forEach((column, i) => {
        const text = cellText(job, column, this.root);
        if (column === 'status') {
          setText(row.badge, text);
          row.badge.className = `badge status-${job.status}`;
          row.cells[i]!.title = text;
        } else {
          setText(row.cells[i]!, text);
        }
      });
      // full names and paths on hover, since cells cut them off (the folder cell shows its path from the root)
      row.cells[0]!.title = job.basename;
      row.cells[1]!.title = job.directory;
      row.cells[DASHBOARD_COLUMNS.indexOf('cause')]!.title = job.cause ?? '';
      // the job as shown, and its identity
      row.node.dataset.job = job.label;
      row.node.dataset.key = job.key;
    }
    const selected = job !== undefined && job.key === this.selected;
    if (row.node.classList.contains('selected') !== selected) {
      row.node.classList.toggle('selected', selected);
      row.node.setAttribute('aria-selected', String(selected));
    }
  }

  private reveal(position: number): void {
    const rowsHeight = this.element.clientHeight - this.headerHeight();
    const rowTop = position * ROW_HEIGHT;
    if (rowTop < this.element.scrollTop) this.element.scrollTop = rowTop;
    else if (rowTop + ROW_HEIGHT > this.element.scrollTop + rowsHeight) this.element.scrollTop = rowTop + ROW_HEIGHT - rowsHeight;
  }

  private headerHeight(): number {
    return this.spacer.offsetTop;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.target !== this.element) return; // header buttons keep their own keys
    const count = this.table.length;
    if (count === 0) return;
    const current = this.selected === null ? -1 : this.table.positionOf(this.selected);
    const page = Math.max(1, Math.floor((this.element.clientHeight - this.headerHeight()) / ROW_HEIGHT) - 1);
    if (event.key === 'Escape') {
      event.preventDefault();
      this.select(null, false);
      return;
    }
    const position = listKeyTarget(event.key, current, count, page);
    if (position === undefined) return;
    event.preventDefault();
    this.select(this.table.rowAt(position)!.key, true);
  }
}
