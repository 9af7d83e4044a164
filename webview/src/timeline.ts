// The dashboard's timeline (the Timeline tab): one row per submitted job, in submission order, with its pending bar
// (submitted → started) and running bar (started → ended, coloured by outcome, with an end mark), under a time axis
// of nice ticks. Virtualised like the run table (only the rows in view are in the DOM, a small pool of row elements
// re-filled on scroll), so thousands of rows stay smooth; bars are placed in percent of the track, so a resize
// re-lays nothing out. Running bars grow: a one-second timer re-renders while the view is visible and a job goes on.
import './pictures.css';
import type { DashboardJob } from '../../core/dashboard/protocol.js';
import { TimelineRows, describeEntry, formatDuration, timeScale, timelineBars } from '../../core/dashboard/page/timeline.js';
import type { TimeRange, TimeScale } from '../../core/dashboard/page/timeline.js';
import { el, setText } from './dom.js';
import { listKeyTarget, visibleRows } from './rowLists.js';

/** Fixed row height: rows are placed by arithmetic. Mirrors --timeline-row-height in pictures.css. */
export const TIMELINE_ROW_HEIGHT = 22;
const OVERSCAN = 10;
/** Room each tick label needs, in px: the track's width decides how many ticks there are. */
const TICK_SPACING = 110;

export interface TimelineViewOptions {
  /** A row was clicked, or the selection moved with the keyboard. */
  /** A job was chosen, by key. */
  onSelect(key: string): void;
  /** The clock (tests pass their own). */
  now?: () => number;
}

interface RowElement {
  node: HTMLDivElement;
  label: HTMLSpanElement;
  pending: HTMLDivElement;
  running: HTMLDivElement;
  end: HTMLDivElement;
}

interface TickElement {
  tick: HTMLDivElement;
  label: HTMLSpanElement;
  date: HTMLSpanElement;
  line: HTMLDivElement;
}

export class TimelineView {
  readonly element: HTMLElement;
  private readonly scroller: HTMLDivElement;
  private readonly axisTrack: HTMLDivElement;
  private readonly rowsBox: HTMLDivElement;
  private readonly grid: HTMLDivElement;
  private readonly nowLine: HTMLDivElement;
  private readonly empty: HTMLDivElement;
  private readonly info: HTMLSpanElement;
  private readonly rows = new TimelineRows();
  private readonly pool: RowElement[] = [];
  private readonly ticks: TickElement[] = [];
  private readonly now: () => number;
  private jobCount = 0;
  private selected: string | null = null;
  private visible = false;
  private frame: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private revealPending = false;
  private nextRowId = 0;
  /** Jobs given while the tab is hidden, in batchfile order: the rows are built when it shows (first render is cheaper). */
  private deferred: Map<string, DashboardJob> | null = null;

  constructor(private readonly options: TimelineViewOptions) {
    this.now = options.now ?? (() => Date.now());
    this.info = el('span', { className: 'timeline-info' });
    const toolbar = el('div', { className: 'timeline-toolbar' }, legend(), this.info);

    this.axisTrack = el('div', { className: 'timeline-axis-track' });
    const axis = el('div', { className: 'timeline-axis', attrs: { 'aria-hidden': 'true' } }, el('div', { className: 'timeline-axis-label', text: 'Job' }), this.axisTrack);
    this.nowLine = el('div', { className: 'timeline-now', attrs: { title: 'now' } });
    this.grid = el('div', { className: 'timeline-grid', attrs: { 'aria-hidden': 'true' } }, this.nowLine);
    this.rowsBox = el('div', { className: 'timeline-rows' }, this.grid);
    this.scroller = el('div', { className: 'timeline-scroll', attrs: { tabindex: '0', role: 'listbox', 'aria-label': 'Jobs over time' } }, axis, this.rowsBox);
    this.empty = el('div', { className: 'timeline-empty', text: 'No job has been submitted yet.' });
    this.element = el('section', { className: 'timeline-view', attrs: { 'aria-label': 'Timeline' } }, toolbar, this.scroller, this.empty);

    this.scroller.addEventListener('scroll', () => this.render(), { passive: true });
    this.scroller.addEventListener('keydown', (event) => this.onKey(event));
    this.rowsBox.addEventListener('click', (event) => {
      const row = (event.target as Element | null)?.closest<HTMLDivElement>('.timeline-row');
      const key = row?.dataset.key;
      if (key !== undefined) this.choose(key, false);
    });
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.showEmpty();
  }

  setJobs(jobs: readonly DashboardJob[]): void {
    this.jobCount = jobs.length;
    if (!this.visible) {
      this.deferred = new Map(jobs.map((job) => [job.key, job]));
      return;
    }
    this.deferred = null;
    this.rows.setJobs(jobs);
    this.afterChange();
  }

  /** Jobs whose row changed (matched by key); the list of jobs itself is unchanged. */
  updateJobs(changed: readonly DashboardJob[]): void {
    if (this.deferred) {
      for (const job of changed) if (this.deferred.has(job.key)) this.deferred.set(job.key, job);
      return;
    }
    const change = this.rows.applyChanges(changed);
    if (change.changed.length > 0) this.afterChange();
  }

  /** Highlights a job's row (null: none) and scrolls it into view. */
  select(key: string | null): void {
    this.selected = key;
    this.revealPending = key !== null;
    this.schedule();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.deferred) {
      const jobs = [...this.deferred.values()];
      this.deferred = null;
      this.rows.setJobs(jobs);
      this.afterChange();
    }
    if (visible) this.schedule();
    else if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
    this.keepTime();
  }

  private afterChange(): void {
    this.rowsBox.style.height = `${this.rows.length * TIMELINE_ROW_HEIGHT}px`;
    this.scroller.setAttribute('aria-setsize', String(this.rows.length));
    this.showEmpty();
    this.keepTime();
    this.schedule();
  }

  private showEmpty(): void {
    const none = this.rows.length === 0;
    this.empty.hidden = !none;
    this.scroller.hidden = none;
  }

  /** The one-second timer runs only while running bars grow on screen. */
  private keepTime(): void {
    const wanted = this.visible && this.rows.hasOpen;
    if (wanted && this.timer === null) this.timer = setInterval(() => this.render(), 1000);
    else if (!wanted && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private schedule(): void {
    if (!this.visible || this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  // ---------------------------------------------------------------- drawing

  private render(): void {
    if (!this.visible) return;
    const now = this.now();
    const range = this.rows.range(now);
    if (range === null) {
      setText(this.info, `${this.jobCount} ${this.jobCount === 1 ? 'job' : 'jobs'}, none submitted`);
      return;
    }
    if (this.revealPending) this.reveal();
    const scale = timeScale(range.start, range.end, Math.max(2, Math.floor(this.axisTrack.clientWidth / TICK_SPACING)));
    this.drawTicks(range, scale);
    const nowShown = this.rows.hasOpen;
    this.nowLine.hidden = !nowShown;
    if (nowShown) this.nowLine.style.left = percent(now, range);
    setText(this.info, `${this.rows.length} of ${this.jobCount} jobs submitted · ${formatDuration(range.end - range.start)}`);

    const count = this.rows.length;
    const viewHeight = this.scroller.clientHeight || 600;
    const top = Math.max(0, this.scroller.scrollTop - this.rowsBox.offsetTop);
    const { first, needed } = visibleRows(count, top, viewHeight, TIMELINE_ROW_HEIGHT, OVERSCAN);
    while (this.pool.length < needed) this.pool.push(this.createRow());
    while (this.pool.length > needed) this.pool.pop()!.node.remove();
    let active: string | null = null;
    for (let k = 0; k < needed; k++) {
      const row = this.pool[k]!;
      this.fill(row, first + k, range, now);
      if (row.node.classList.contains('selected')) active = row.node.id;
    }
    if (active !== null) this.scroller.setAttribute('aria-activedescendant', active);
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  private drawTicks(range: TimeRange, scale: TimeScale): void {
    while (this.ticks.length < scale.ticks.length) {
      const label = el('span', { className: 'timeline-tick-label' });
      const date = el('span', { className: 'timeline-tick-date' });
      const tick = el('div', { className: 'timeline-tick' }, date, label);
      const line = el('div', { className: 'timeline-gridline' });
      this.axisTrack.appendChild(tick);
      this.grid.insertBefore(line, this.nowLine);
      this.ticks.push({ tick, label, date, line });
    }
    while (this.ticks.length > scale.ticks.length) {
      const gone = this.ticks.pop()!;
      gone.tick.remove();
      gone.line.remove();
    }
    scale.ticks.forEach((tick, i) => {
      const element = this.ticks[i]!;
      const left = percent(tick.at, range);
      element.tick.style.left = left;
      element.line.style.left = left;
      setText(element.label, tick.label);
      setText(element.date, tick.date ?? '');
    });
  }

  private createRow(): RowElement {
    const label = el('span', { className: 'timeline-label' });
    const pending = el('div', { className: 'timeline-bar timeline-pending' });
    const running = el('div', { className: 'timeline-bar timeline-running' });
    const end = el('div', { className: 'timeline-end' });
    const node = el('div', { className: 'timeline-row', attrs: { role: 'option', id: `timeline-row-${this.nextRowId++}` } }, label, el('div', { className: 'timeline-track' }, pending, running, end));
    this.rowsBox.appendChild(node);
    return { node, label, pending, running, end };
  }

  private fill(row: RowElement, position: number, range: TimeRange, now: number): void {
    const entry = this.rows.at(position)!;
    const bars = timelineBars(entry, now);
    row.node.style.transform = `translateY(${position * TIMELINE_ROW_HEIGHT}px)`;
    row.node.dataset.job = entry.label;
    row.node.dataset.key = entry.key;
    row.node.setAttribute('aria-posinset', String(position + 1));
    setText(row.label, entry.label);
    const tip = describeEntry(entry, now);
    if (row.node.title !== tip) row.node.title = tip;
    place(row.pending, bars.pending, range);
    place(row.running, bars.running, range);
    const runningClass = `timeline-bar timeline-running status-${entry.open ? 'running' : entry.status}`;
    if (row.running.className !== runningClass) row.running.className = runningClass;
    if (bars.end) {
      row.end.hidden = false;
      row.end.style.left = percent(bars.end.at, range);
      const endClass = `timeline-end status-${bars.end.status}`;
      if (row.end.className !== endClass) row.end.className = endClass;
    } else {
      row.end.hidden = true;
    }
    const selected = entry.key === this.selected;
    if (row.node.classList.contains('selected') !== selected) {
      row.node.classList.toggle('selected', selected);
      row.node.setAttribute('aria-selected', String(selected));
    }
  }

  private reveal(): void {
    this.revealPending = false;
    const position = this.selected === null ? -1 : this.rows.positionOf(this.selected);
    if (position < 0) return;
    const header = this.rowsBox.offsetTop;
    const rowTop = header + position * TIMELINE_ROW_HEIGHT;
    const viewTop = this.scroller.scrollTop + header; // the sticky axis covers the first `header` pixels
    const viewBottom = this.scroller.scrollTop + this.scroller.clientHeight;
    if (rowTop < viewTop) this.scroller.scrollTop = rowTop - header;
    else if (rowTop + TIMELINE_ROW_HEIGHT > viewBottom) this.scroller.scrollTop = rowTop + TIMELINE_ROW_HEIGHT - this.scroller.clientHeight;
  }

  // ---------------------------------------------------------------- input

  private choose(key: string, reveal: boolean): void {
    this.selected = key;
    this.revealPending = reveal;
    this.render();
    this.options.onSelect(key);
  }

  private onKey(event: KeyboardEvent): void {
    const count = this.rows.length;
    if (count === 0 || event.target !== this.scroller) return;
    const current = this.selected === null ? -1 : this.rows.positionOf(this.selected);
    const page = Math.max(1, Math.floor((this.scroller.clientHeight - this.rowsBox.offsetTop) / TIMELINE_ROW_HEIGHT) - 1);
    const next = listKeyTarget(event.key, current, count, page);
    if (next === undefined) return;
    event.preventDefault();
    this.choose(this.rows.at(next)!.key, true);
  }
}

function percent(at: number, range: TimeRange): string {
  return `${(((at - range.start) / (range.end - range.start)) * 100).toFixed(3)}%`;
}

function place(bar: HTMLDivElement, span: { start: number; end: number } | null, range: TimeRange): void {
  if (span === null) {
    bar.hidden = true;
    return;
  }
  bar.hidden = false;
  bar.style.left = percent(span.start, range);
  bar.style.width = `${(((span.end - span.start) / (range.end - range.start)) * 100).toFixed(3)}%`;
}

function legend(): HTMLUListElement {
  const item = (className: string, text: string) => el('li', { className: 'timeline-legend-item' }, el('span', { className, attrs: { 'aria-hidden': 'true' } }), text);
  return el(
    'ul',
    { className: 'timeline-legend', attrs: { 'aria-label': 'Legend' } },
    item('timeline-swatch timeline-pending', 'waiting in the queue'),
    item('timeline-swatch status-running', 'running'),
    item('timeline-swatch status-succeeded', 'succeeded'),
    item('timeline-swatch status-failed', 'failed'),
    item('timeline-swatch status-cancelled', 'cancelled'),
    item('timeline-swatch timeline-swatch-now', 'now'),
  );
}
