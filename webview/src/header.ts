// The top of the dashboard: which launch this is (name, run number, message, id, tags), the batch's state and its
// launch's status as one phrase, who started it and when, git, the runner, links to the batch's files, and the
// progress bar. Everything from the batch is inserted as text.
import { OpenBatchFileMessage } from '../../core/dashboard/protocol.js';
import type { DashboardBatch, DashboardBatchFile } from '../../core/dashboard/protocol.js';
import { batchProgress, batchStateWords } from '../../core/dashboard/page/state.js';
import { formatTime } from '../../core/dashboard/page/table.js';
import { summaryText } from '../../core/truth/summary.js';
import type { StatusSummary } from '../../core/truth/summary.js';
import { el, replaceChildren, setText } from './dom.js';
import type { Host } from './host.js';

export class BatchHeader {
  readonly element: HTMLElement;
  private readonly title = el('h1', { className: 'title' });
  private readonly state = el('span', { className: 'state-badge', attrs: { 'data-testid': 'batch-state' } });
  private readonly facts = el('dl', { className: 'facts' });
  private readonly banner = el('div', { className: 'banner', attrs: { role: 'status', hidden: '' } });
  private readonly bar = el('div', { className: 'progress', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-label': 'Jobs ended' } });
  private readonly barSucceeded = el('div', { className: 'progress-succeeded' });
  private readonly barFailed = el('div', { className: 'progress-failed' });
  private readonly barOther = el('div', { className: 'progress-other' });
  private readonly progressText = el('div', { className: 'progress-text', attrs: { 'data-testid': 'progress-text' } });
  private batch: DashboardBatch | null = null;

  constructor(private readonly host: Host) {
    this.bar.append(this.barSucceeded, this.barFailed, this.barOther);
    this.element = el(
      'header',
      { className: 'batch-header' },
      el('div', { className: 'title-line' }, this.title, this.state),
      this.banner,
      this.facts,
      el('div', { className: 'progress-line' }, this.bar, this.progressText),
    );
  }

  setBatch(batch: DashboardBatch): void {
    this.batch = batch;
    const record = batch.record;
    setText(this.title, record ? `${batch.label} · ${record.name} (run ${record.runNumber})` : batch.label);
    const notice =
      batch.error ?? (batch.stale !== null ? `Stale: ${batch.stale}. The last known states are shown.` : record?.waiting !== undefined ? `${record.waiting}: the runner submits the rest as the cluster takes them.` : null);
    this.banner.hidden = notice === null;
    setText(this.banner, notice ?? '');

    const rows: [string, Node | string][] = [];
    if (record) {
      if (record.message !== '') rows.push(['Message', record.message]);
      rows.push(['Batch id', record.id]);
      if (record.tags.length > 0) rows.push(['Tags', record.tags.join(', ')]);
      rows.push(['Created', `${formatTime(record.startTime)} by ${record.createdBy || 'unknown'}`]);
      if (record.endTime !== null) rows.push(['Ended', formatTime(record.endTime)]);
      if (record.git) {
        const where = [record.git.branch ?? '(detached)', record.git.commit ? record.git.commit.slice(0, 12) : '(no commit)'].join(' @ ');
        rows.push(['Git', `${where} in ${record.git.repository}`]);
      }
      rows.push(['Runner', `${record.runner.host} pid ${record.runner.pid}, heartbeat ${formatTime(record.runner.heartbeat)}`]);
      if (record.executor !== null) rows.push(['Executor', record.executor]);
      if (record.error !== null) rows.push(['Error', record.error]);
    }
    rows.push(['Batchfile', this.link('batchfile', batch.batchfilePath)]);
    if (batch.rootPath !== null) rows.push(['Root', this.link('root', batch.rootPath)]);
    if (batch.ledgerPath !== null) rows.push(['Ledger', this.link('ledger', batch.ledgerPath)]);
    replaceChildren(this.facts, ...rows.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', {}, value)]));
  }

  /** The state and the progress bar, from the counts over every job. */
  setSummary(summary: StatusSummary): void {
    // the jobs' state and the launch's status as one phrase (never a red ERROR beside "completed")
    const state = batchStateWords(summary, this.batch?.record?.status ?? null);
    setText(this.state, state.text);
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
  }

  private link(which: DashboardBatchFile, path: string): HTMLButtonElement {
    const button = el('button', { className: 'link', attrs: { type: 'button', title: `Open ${path}` }, text: path });
    button.addEventListener('click', () => this.host.post(OpenBatchFileMessage, { which }));
    return button;
  }
}
