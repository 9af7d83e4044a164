// The dashboard page (dist/webview.js): builds the view, says `ready`, then applies the host's messages in place.
// Plain DOM and VS Code's theme variables (no UI kit is installed); the host side lives in client/.
import './styles.css';
import { DASHBOARD_PROTOCOL_VERSION, ReadyMessage, SelectJobMessage, ViewStateMessage } from '../../core/protocol/dashboard.js';
import type { DashboardColumn, DashboardViewState, HostToPageMessage } from '../../core/protocol/dashboard.js';
import { RunTable } from '../../core/view/dashboardTable.js';
import type { RunTableQuery } from '../../core/view/dashboardTable.js';
import { el } from './dom.js';
import { BatchHeader } from './header.js';
import { HistoryList } from './history.js';
import { Host } from './host.js';
import { VirtualTable } from './table.js';
import { Toolbar } from './toolbar.js';

const host = new Host();
const saved = host.savedState();
const table = new RunTable();
let query: RunTableQuery = { sort: saved?.sort ?? null, statuses: saved?.statuses ?? [], search: saved?.search ?? '' };
table.setQuery(query);

const header = new BatchHeader(host);
const history = new HistoryList(host);
const toolbar = new Toolbar({
  onSearch: (search) => changeQuery({ ...query, search }),
  onStatuses: (statuses) => changeQuery({ ...query, statuses }),
});
const grid = new VirtualTable(table, {
  onSort: (column) => changeQuery({ ...query, sort: nextSort(query.sort, column) }),
  onSelect: (basename) => {
    host.post(SelectJobMessage, { basename });
    saveState();
  },
});
toolbar.restore(query.search, query.statuses);
grid.showSort(query.sort);

const root = el(
  'main',
  { className: 'dashboard' },
  header.element,
  el('section', { className: 'run-table', attrs: { 'aria-label': 'Run table' } }, toolbar.element, grid.element),
  history.element,
);
document.body.appendChild(root);

let shownRecord: string | null = null;

host.onMessage((message) => apply(message));
host.post(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION });

function apply(message: HostToPageMessage): void {
  switch (message.method) {
    case 'batchman/dashboard/snapshot': {
      const { batch, jobs, history: entries } = message.params;
      shownRecord = batch.record?.id ?? null;
      header.setBatch(batch);
      table.setJobs(jobs);
      grid.refresh();
      history.set(entries, shownRecord);
      if (saved?.selected && grid.selection === null && table.job(saved.selected)) grid.select(saved.selected, true);
      break;
    }
    case 'batchman/dashboard/jobsChanged': {
      const change = table.applyChanges(message.params.jobs);
      if (change.reordered) grid.refresh();
      else if (change.changed.length > 0) grid.render();
      break;
    }
    case 'batchman/dashboard/batchChanged':
      shownRecord = message.params.batch.record?.id ?? null;
      header.setBatch(message.params.batch);
      break;
    case 'batchman/dashboard/historyChanged':
      history.set(message.params.history, shownRecord);
      break;
  }
  const summary = table.summary();
  header.setSummary(summary);
  toolbar.setCounts(summary, table.length);
}

function changeQuery(next: RunTableQuery): void {
  query = next;
  table.setQuery(query);
  grid.showSort(query.sort);
  grid.refresh();
  toolbar.setCounts(table.summary(), table.length);
  saveState();
}

function saveState(): void {
  const state: DashboardViewState = { sort: query.sort, statuses: [...query.statuses], search: query.search, selected: grid.selection };
  host.saveState(state);
  host.post(ViewStateMessage, { state });
}

/** Ascending, then descending, then batchfile order again. */
function nextSort(current: RunTableQuery['sort'], column: DashboardColumn): RunTableQuery['sort'] {
  if (current?.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : null;
}
