// The dashboard page (dist/webview.js): builds the view, says `ready`, then applies the host's messages in place.
// One selection is shared by the table, the graph, the timeline and the detail pane; the host is told of it and
// answers with the job's detail. VS Code's theme variables and vscode-elements; the host side lives in client/.
import './styles.css';
import { DASHBOARD_PROTOCOL_VERSION, ExportResultsCsvMessage, JobActionMessage, ReadyMessage, RequestResultsMessage, SelectJobMessage, ViewStateMessage } from '../../core/dashboard/protocol.js';
import type { DashboardColumn, DashboardJob, DashboardLayout, DashboardLink, DashboardTab, DashboardViewState, HostToPageMessage } from '../../core/dashboard/protocol.js';
import { RunTable } from '../../core/dashboard/page/table.js';
import { DEFAULT_RESULTS_QUERY } from '../../core/dashboard/page/results.js';
import { resultRowsOf } from '../../core/dashboard/resultColumns.js';
import type { RunTableQuery } from '../../core/dashboard/page/table.js';
import { JobDetailPane } from './detail.js';
import type { JobRelations } from './detail.js';
import { el } from './dom.js';
import { GraphView } from './graph.js';
import { BatchHeader } from './header.js';
import { HistoryList } from './history.js';
import { Host } from './host.js';
import { Splitter } from './splitter.js';
import { ResultsView } from './results.js';
import { VirtualTable } from './table.js';
import { DashboardTabs } from './tabs.js';
import { TimelineView } from './timeline.js';
import { Toolbar } from './toolbar.js';

const host = new Host();
const saved = host.savedState();
const table = new RunTable();
let query: RunTableQuery = { sort: saved?.sort ?? null, statuses: saved?.statuses ?? [], search: saved?.search ?? '' };
table.setQuery(query);
let batchId: string | null = saved?.batchId ?? null;
let selected: string | null = saved?.selected ?? null;
let shownRecord: string | null = null;
let links: readonly DashboardLink[] = [];
/** Built from the links when a job's detail first needs its neighbours (not on every snapshot). */
let relations: Map<string, { upstream: DashboardLink[]; downstream: DashboardLink[] }> | null = null;

/** The layout the reader chose (header folded, detail pane's share), kept in the webview's state. */
const layout: DashboardLayout = { headerCollapsed: saved?.layout?.headerCollapsed ?? null, detailShare: saved?.layout?.detailShare ?? null };
const header = new BatchHeader(host, {
  // folded by default on a short window (a laptop with VS Code's panel open), so the jobs and their detail get the room
  collapsed: layout.headerCollapsed ?? window.innerHeight < 900,
  onToggle: (collapsed) => {
    layout.headerCollapsed = collapsed;
    saveState();
  },
});
const history = new HistoryList(host);
const toolbar = new Toolbar({
  onSearch: (search) => changeQuery({ ...query, search }),
  onStatuses: (statuses) => changeQuery({ ...query, statuses }),
});
const grid = new VirtualTable(table, {
  onSort: (column) => changeQuery({ ...query, sort: nextSort(query.sort, column) }),
  onSelect: (key) => choose(key, 'table'),
});
const graph = new GraphView({ onSelect: (key) => choose(key, 'graph') });
const timeline = new TimelineView({ onSelect: (key) => choose(key, 'timeline') });
const detail = new JobDetailPane({
  onSelect: (key) => choose(key, 'detail'),
  onAction: (key, action) => host.post(JobActionMessage, { key, action }),
  onClose: () => choose(null, 'detail'),
  labelOf: (key) => table.job(key)?.label ?? key,
});
const results = new ResultsView(saved?.results ?? DEFAULT_RESULTS_QUERY, {
  onSelect: (key) => choose(key, 'results'),
  onQuery: () => saveState(),
  onExport: () => host.post(ExportResultsCsvMessage, {}),
});
/** The host is asked for the results once per page, when the Results tab is first shown; it sends them again as jobs end. */
let resultsRequested = false;
toolbar.restore(query.search, query.statuses);
grid.showSort(query.sort);

const tabs = new DashboardTabs(
  {
    jobs: el('section', { className: 'run-table', attrs: { 'aria-label': 'Run table' } }, toolbar.element, grid.element),
    results: results.element,
    graph: graph.element,
    timeline: timeline.element,
    history: history.element,
  },
  saved?.tab ?? 'jobs',
  (tab) => {
    showPictures(tab);
    showResults(tab);
    saveState();
  },
);
// The header takes what it needs; below it the tabs and the job detail share the height, split by a splitter.
const body = el('div', { className: 'dashboard-body' });
const splitter = new Splitter({
  container: body,
  pane: detail.element,
  share: layout.detailShare,
  onChange: (share) => {
    layout.detailShare = share;
    saveState();
  },
});
body.append(tabs.element, splitter.element, detail.element);
document.body.appendChild(el('main', { className: 'dashboard' }, header.element, body));
showPictures(tabs.selected);

host.onMessage((message) => apply(message));
host.post(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION });
showResults(tabs.selected);

function apply(message: HostToPageMessage): void {
  switch (message.method) {
    case 'batchman/dashboard/snapshot': {
      const { batch, jobs, history: entries } = message.params;
      links = message.params.links;
      relations = null;
      if (batchId !== batch.id) selected = batchId === null ? selected : null;
      batchId = batch.id;
      shownRecord = batch.record?.id ?? null;
      header.setBatch(batch);
      results.setRoot(batch.rootPath);
      grid.setRoot(batch.rootPath);
      detail.setExecutor(batch.record?.executor ?? null);
      table.setJobs(jobs);
      grid.refresh();
      graph.setJobs(jobs, links);
      timeline.setJobs(jobs);
      history.set(entries, shownRecord);
      tabs.setCount('history', entries.length > 0 ? String(entries.length) : '');
      if (selected !== null && table.job(selected)) choose(selected, 'restore');
      else if (selected !== null) choose(null, 'restore');
      saveState();
      break;
    }
    case 'batchman/dashboard/jobsChanged': {
      const change = table.applyChanges(message.params.jobs);
      if (change.reordered) grid.refresh();
      else if (change.changed.length > 0) grid.render();
      graph.updateJobs(message.params.jobs);
      results.updateStatuses(message.params.jobs);
      timeline.updateJobs(message.params.jobs);
      const chosen = selected !== null ? message.params.jobs.find((job) => job.key === selected) : undefined;
      if (chosen) detail.show(chosen, relationsFor(chosen.key));
      break;
    }
    case 'batchman/dashboard/batchChanged':
      shownRecord = message.params.batch.record?.id ?? null;
      header.setBatch(message.params.batch);
      grid.setRoot(message.params.batch.rootPath);
      detail.setExecutor(message.params.batch.record?.executor ?? null);
      break;
    case 'batchman/dashboard/historyChanged':
      history.set(message.params.history, shownRecord);
      tabs.setCount('history', message.params.history.length > 0 ? String(message.params.history.length) : '');
      break;
    case 'batchman/dashboard/jobDetail':
      detail.setDetail(message.params.detail);
      break;
    case 'batchman/dashboard/results':
      results.setRows(resultRowsOf(message.params.columns));
      // a refresh keeps the reader's scroll position
      results.select(selected, false);
      break;
    case 'batchman/dashboard/revealJob':
      if (table.job(message.params.key)) {
        tabs.select('jobs');
        choose(message.params.key, 'host');
      }
      break;
  }
  const summary = table.summary();
  header.setSummary(summary);
  toolbar.setCounts(summary, table.length);
  tabs.setCount('jobs', String(table.length));
}

/** One selection for every view, by job key; the host hears of each change (it answers with the job's detail). */
function choose(key: string | null, from: 'table' | 'results' | 'graph' | 'timeline' | 'detail' | 'host' | 'restore'): void {
  const job: DashboardJob | undefined = key !== null ? table.job(key) : undefined;
  const next = job ? job.key : null;
  const changed = next !== selected || from === 'restore';
  selected = next;
  if (from !== 'table' && grid.selection !== next) grid.select(next, true);
  graph.select(next);
  timeline.select(next);
  if (from !== 'results') results.select(next);
  detail.show(job ?? null, next !== null ? relationsFor(next) : { upstream: [], downstream: [] });
  if (changed || from === 'host') host.post(SelectJobMessage, { key: next });
  saveState();
}

function relationsFor(key: string): JobRelations {
  relations ??= relationsOf(links);
  return relations.get(key) ?? { upstream: [], downstream: [] };
}

function relationsOf(links: readonly DashboardLink[]): Map<string, { upstream: DashboardLink[]; downstream: DashboardLink[] }> {
  const map = new Map<string, { upstream: DashboardLink[]; downstream: DashboardLink[] }>();
  const entry = (name: string) => {
    let value = map.get(name);
    if (!value) map.set(name, (value = { upstream: [], downstream: [] }));
    return value;
  };
  for (const link of links) {
    entry(link.to).upstream.push(link);
    entry(link.from).downstream.push(link);
  }
  return map;
}

/** Pictures lay out only while their tab shows. */
function showPictures(tab: DashboardTab): void {
  graph.setVisible(tab === 'graph');
  timeline.setVisible(tab === 'timeline');
}

/** The Results tab asks the host for the rows the first time it shows (after `ready`: the host hears nothing before). */
function showResults(tab: DashboardTab): void {
  if (tab !== 'results') return;
  if (!resultsRequested) {
    resultsRequested = true;
    host.post(RequestResultsMessage, {});
  }
  results.refresh();
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
  const state: DashboardViewState = { batchId, sort: query.sort, statuses: [...query.statuses], search: query.search, selected, tab: tabs.selected, results: results.table.query };
  state.layout = { ...layout };
  host.saveState(state);
  host.post(ViewStateMessage, { state });
}

/** Ascending, then descending, then batchfile order again. */
function nextSort(current: RunTableQuery['sort'], column: DashboardColumn): RunTableQuery['sort'] {
  if (current?.column !== column) return { column, direction: 'asc' };
  return current.direction === 'asc' ? { column, direction: 'desc' } : null;
}
