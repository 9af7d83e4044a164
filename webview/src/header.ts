// The top of the dashboard, compact: one line with which launch this is (name, run number), the batch's state, how long
// it has run, the executor, who started it and when; a second with the progress bar and the counts. On a narrow window
// the first line's items wrap or are elided (each with its whole text as tooltip), the least important first. The rest
// (message, batch id, tags, git, runner, the batch's files) folds away behind a toggle button (aria-expanded), folded
// by default on short windows; the page remembers the reader's choice. Everything from the batch is inserted as text.
import { OpenBatchFileMessage } from '../../core/dashboard/protocol.js';
import type { DashboardBatch, DashboardBatchFile } from '../../core/dashboard/protocol.js';
import { launchLine } from '../../core/dashboard/page/header.js';
import { batchProgress, batchStateWords } from '../../core/dashboard/page/state.js';
import { formatTime } from '../../core/dashboard/page/table.js';
import { summaryText } from '../../core/truth/summary.js';
import type { StatusSummary } from '../../core/truth/summary.js';
import { el, replaceChildren, setText } from './dom.js';
import type { Host } from './host.js';

export interface HeaderOptions {
  /** Whether the run details start folded. */
  collapsed: boolean;
  /** The reader folded or unfolded them. */
  onToggle(collapsed: boolean): void;
}

export class BatchHeader {
  readonly element: HTMLElement;
  private readonly toggle = el('button', {
    className: 'header-toggle',
    attrs: { type: 'button', 'aria-controls': 'run-details', 'data-testid': 'header-toggle' },
  });
  private readonly titleLabel = el('span', { className: 'title-label' });
  private readonly titleSeparator = el('span', { className: 'title-separator', text: ' · ' });
  private readonly titleLaunch = el('span', { className: 'title-launch' });
  private readonly title = el('h1', { className: 'title' }, this.titleLabel, this.titleSeparator, this.titleLaunch);
  private readonly state = el('span', { className: 'state-badge', attrs: { 'data-testid': 'batch-state' } });
  private readonly executor = el('span', { className: 'header-fact header-executor' });
  private readonly started = el('span', { className: 'header-fact header-started' });
  private readonly elapsed = el('span', { className: 'header-fact header-elapsed', attrs: { 'data-testid': 'batch-elapsed' } });
  private readonly failure = el('span', { className: 'header-fact header-error' });
  private readonly facts = el('dl', { className: 'facts run-facts' });
  private readonly details = el('div', { className: 'run-details', attrs: { id: 'run-details', 'data-testid': 'run-details' } }, this.facts);
  private readonly banner = el('div', { className: 'banner', attrs: { role: 'status', hidden: '' } });
  private readonly bar = el('div', { className: 'progress', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-label': 'Jobs ended' } });
  private readonly barSucceeded = el('div', { className: 'progress-succeeded' });
  private readonly barFailed = el('div', { className: 'progress-failed' });
  private readonly barOther = el('div', { className: 'progress-other' });
  private readonly progressText = el('span', { className: 'progress-text', attrs: { 'data-testid': 'progress-text' } });
  private batch: DashboardBatch | null = null;
  private collapsed: boolean;
  /** Ticks the elapsed time of a launch still running; null while nothing grows. */
  private clock: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly host: Host,
    private readonly options: HeaderOptions,
  ) {
    this.collapsed = options.collapsed;
    this.bar.append(this.barSucceeded, this.barFailed, this.barOther);
    this.toggle.addEventListener('click', () => {
      this.setCollapsed(!this.collapsed);
      this.options.onToggle(this.collapsed);
    });
    this.element = el(
      'header',
      { className: 'batch-header' },
      // in the order they give way when the line runs out of room: the last wraps (or is elided) first (styles.css)
      el('div', { className: 'title-line' }, this.toggle, this.title, this.state, this.elapsed, this.failure, this.executor, this.started),
      el('div', { className: 'progress-line' }, this.bar, this.progressText),
      this.banner,
      this.details,
    );
    this.setCollapsed(this.collapsed);
  }

  get isCollapsed(): boolean {
    return this.collapsed;
  }

  setCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed;
    this.details.hidden = collapsed;
    this.element.classList.toggle('collapsed', collapsed);
    this.toggle.setAttribute('aria-expanded', String(!collapsed));
    const words = collapsed ? 'Show the run details' : 'Hide the run details';
    this.toggle.setAttribute('aria-label', words);
    this.toggle.title = words;
    setText(this.toggle, collapsed ? '▸' : '▾');
  }

  setBatch(batch: DashboardBatch): void {
    this.batch = batch;
    const record = batch.record;
    setText(this.titleLabel, batch.label);
    // the label is elided first; its tooltip says the whole label and where the batchfile is
    this.titleLabel.title = batch.batchfilePath.endsWith(batch.label) ? batch.batchfilePath : `${batch.label} (${batch.batchfilePath})`;
    // no launch, no separator: the heading's text stays exactly the label
    setText(this.titleSeparator, record ? ' · ' : '');
    setText(this.titleLaunch, record ? `${record.name} (run ${record.runNumber})` : '');
    this.titleLaunch.title = this.titleLaunch.textContent ?? '';
    const notice =
      batch.error ?? (batch.stale !== null ? `Stale: ${batch.stale}. The last known states are shown.` : record?.waiting !== undefined ? `${record.waiting}: the runner submits the rest as the cluster takes them.` : null);
    this.banner.hidden = notice === null;
    setText(this.banner, notice ?? '');
    setText(this.executor, record?.executor ?? '');
    this.executor.title = record?.executor ?? '';
    setText(this.failure, record?.error ?? '');
    this.failure.title = record?.error ?? '';
    this.tick();

    const rows: [string, Node | string][] = [];
    if (record) {
      if (record.message !== '') rows.push(['Message', record.message]);
      rows.push(['Batch id', record.id]);
      if (record.tags.length > 0) rows.push(['Tags', record.tags.join(', ')]);
      if (record.endTime !== null) rows.push(['Ended', formatTime(record.endTime)]);
      if (record.git) {
        const where = [record.git.branch ?? '(detached)', record.git.commit ? record.git.commit.slice(0, 12) : '(no commit)'].join(' @ ');
        rows.push(['Git', `${where} in ${record.git.repository}`]);
      }
      rows.push(['Runner', `${record.runner.host} pid ${record.runner.pid}, heartbeat ${formatTime(record.runner.heartbeat)}`]);
      if (record.error !== null) rows.push(['Error', record.error]);
    }
    rows.push(['Batchfile', this.link('batchfile', batch.batchfilePath)]);
    if (batch.rootPath !== null) rows.push(['Root', this.link('root', batch.rootPath)]);
    if (batch.ledgerPath !== null) rows.push(['Ledger', this.link('ledger', batch.ledgerPath)]);
    replaceChildren(this.facts, ...rows.map(([name, value]) => el('div', { className: 'fact' }, el('dt', { text: name }), el('dd', {}, value))));
  }

  /** The state and the progress bar, from the counts over every job. */
  setSummary(summary: StatusSummary): void {
    // the jobs' state and the launch's status as one phrase (never a red ERROR beside "completed")
    const state = batchStateWords(summary, this.batch?.record?.status ?? null);
    setText(this.state, state.text);
    this.state.title = state.text;
    this.state.className = `state-badge tone-${state.tone}`;
    const progress = batchProgress(summary);
    const width = (n: number): string => (progress.total === 0 ? '0%' : `${(100 * n) / progress.total}%`);
    this.barSucceeded.style.width = width(progress.succeeded);
    this.barFailed.style.width = width(progress.failed);
    this.barOther.style.width = width(progress.cancelled);
    this.bar.setAttribute('aria-valuemax', String(progress.total));
    this.bar.setAttribute('aria-valuenow', String(progress.final));
    // the counts in the words the tree, the status bar and notifications use
    setText(this.progressText, `${progress.final}/${progress.total} ended · ${summaryText(summary)}`);
    this.progressText.title = this.progressText.textContent ?? '';
  }

  /** Started and elapsed, now; a launch still running keeps a one-second clock going. */
  private tick(): void {
    const record = this.batch?.record ?? null;
    const line = record ? launchLine(record, Date.now()) : null;
    setText(this.started, line?.started ?? '');
    setText(this.elapsed, line?.elapsed ?? '');
    // a narrow window elides these; the tooltip keeps the whole text
    this.started.title = line?.started ?? '';
    this.elapsed.title = line?.elapsed ?? '';
    if (line?.live && this.clock === null) this.clock = setInterval(() => this.tick(), 1000);
    else if (!line?.live && this.clock !== null) {
      clearInterval(this.clock);
      this.clock = null;
    }
  }

  private link(which: DashboardBatchFile, path: string): HTMLButtonElement {
    const button = el('button', { className: 'link', attrs: { type: 'button', title: `Open ${path}` }, text: path });
    button.addEventListener('click', () => this.host.post(OpenBatchFileMessage, { which }));
    return button;
  }
}
