// Above the run table: the text search, one toggle per status (with its count) to filter by, and how many rows show.
import { JOB_STATUSES } from '../../core/status.js';
import type { JobStatus } from '../../core/status.js';
import type { StatusSummary } from '../../core/truth/summary.js';
import { statusLabel } from '../../core/dashboard/page/table.js';
import { el, setText } from './dom.js';

export interface ToolbarCallbacks {
  onSearch(text: string): void;
  onStatuses(statuses: JobStatus[]): void;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly toggles = new Map<JobStatus, { button: HTMLButtonElement; count: HTMLSpanElement }>();
  private readonly shown = el('span', { className: 'shown', attrs: { 'aria-live': 'polite', 'data-testid': 'shown-count' } });
  private statuses = new Set<JobStatus>();

  constructor(private readonly callbacks: ToolbarCallbacks) {
    this.search = el('input', { className: 'search', attrs: { type: 'search', placeholder: 'Search jobs', 'aria-label': 'Search jobs' } });
    this.search.addEventListener('input', () => this.callbacks.onSearch(this.search.value));
    const filters = el('div', { className: 'filters', attrs: { role: 'group', 'aria-label': 'Show statuses' } });
    for (const status of JOB_STATUSES) {
      const count = el('span', { className: 'count' });
      const button = el(
        'button',
        { className: `filter status-${status}`, attrs: { type: 'button', 'aria-pressed': 'false', 'data-status': status } },
        statusLabel(status),
        ' ',
        count,
      );
      button.addEventListener('click', () => this.toggle(status));
      this.toggles.set(status, { button, count });
      filters.appendChild(button);
    }
    this.element = el('div', { className: 'toolbar' }, this.search, filters, this.shown);
  }

  /** Restores a saved search and filter without reporting them back. */
  restore(search: string, statuses: readonly JobStatus[]): void {
    this.search.value = search;
    this.statuses = new Set(statuses);
    for (const [status, { button }] of this.toggles) button.setAttribute('aria-pressed', String(this.statuses.has(status)));
  }

  setCounts(summary: StatusSummary, shown: number): void {
    for (const [status, { button, count }] of this.toggles) {
      setText(count, String(summary[status]));
      button.classList.toggle('empty', summary[status] === 0);
    }
    setText(this.shown, shown === summary.total ? `${summary.total} jobs` : `${shown} of ${summary.total} jobs`);
  }

  private toggle(status: JobStatus): void {
    if (this.statuses.has(status)) this.statuses.delete(status);
    else this.statuses.add(status);
    this.toggles.get(status)!.button.setAttribute('aria-pressed', String(this.statuses.has(status)));
    this.callbacks.onStatuses(JOB_STATUSES.filter((candidate) => this.statuses.has(candidate)));
  }
}
