// The launches of this batchfile, newest first; choosing one asks the host for that launch's snapshot.
import { ShowLaunchMessage } from '../../core/dashboard/protocol.js';
import type { DashboardHistoryEntry } from '../../core/dashboard/protocol.js';
import { formatTime } from '../../core/dashboard/page/table.js';
import { summaryText } from '../../core/truth/summary.js';
import { el, replaceChildren } from './dom.js';
import type { Host } from './host.js';

export class HistoryList {
  readonly element: HTMLElement;
  private readonly list = el('ol', { className: 'history-list' });

  constructor(private readonly host: Host) {
    this.element = el('section', { className: 'history', attrs: { 'aria-label': 'Earlier launches' } }, el('h2', { text: 'History' }), this.list);
  }

  set(entries: readonly DashboardHistoryEntry[], shownId: string | null): void {
    if (entries.length === 0) {
      replaceChildren(this.list, el('li', { className: 'empty', text: 'No launches recorded yet.' }));
      return;
    }
    replaceChildren(this.list, ...entries.map((entry) => this.item(entry, entry.id === shownId)));
  }

  private item(entry: DashboardHistoryEntry, current: boolean): HTMLLIElement {
    const counts = entry.counts ? summaryText(entry.counts) : '';
    const times = `${formatTime(entry.startTime)}${entry.endTime !== null ? ` → ${formatTime(entry.endTime)}` : ''}`;
    const button = el(
      'button',
      { className: 'history-item', attrs: { type: 'button', ...(current ? { 'aria-current': 'true' } : {}) } },
      el('span', { className: 'history-name', text: `#${entry.runNumber} ${entry.name}` }),
      el('span', { className: `record-status status-${entry.status}`, text: entry.status.replace('_', ' ') }),
      el('span', { className: 'history-times', text: times }),
      counts !== '' && el('span', { className: 'history-counts', text: counts }),
      entry.message !== '' && el('span', { className: 'history-message', text: entry.message }),
    );
    button.addEventListener('click', () => this.host.post(ShowLaunchMessage, { recordId: entry.id }));
    return el('li', {}, button);
  }
}
