// The job detail pane: the chosen job's facts from its row at once, then what the host read from its folder (status
// history, run_info.json, the output's tail, what it computed); its upstream and downstream jobs as links; buttons to
// open its files, cancel or restart it. Every value is inserted as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { DashboardJob, DashboardJobAction, DashboardJobDetail, DashboardLink } from '../../core/dashboard/protocol.js';
import { formatTime } from '../../core/dashboard/page/table.js';
import { schedulerStateLabel } from '../../core/view/executorWords.js';
import { el, replaceChildren, setText } from './dom.js';
import { JobResultsSection } from './jobResultsSection.js';

export interface DetailCallbacks {
  /** An upstream or downstream job was chosen (by key). */
  onSelect(key: string): void;
  onAction(key: string, action: DashboardJobAction): void;
  onClose(): void;
  /** How a job is named, by key (links name jobs by key). */
  labelOf(key: string): string;
}

/** A job's neighbours through pipes, from the snapshot's links. */
export interface JobRelations {
  upstream: readonly DashboardLink[];
  downstream: readonly DashboardLink[];
}

const ACTIONS: { action: DashboardJobAction; label: string; secondary: boolean }[] = [
  { action: 'openOutput', label: 'Open output', secondary: false },
  { action: 'openInput', label: 'Open input', secondary: true },
  { action: 'openFolder', label: 'Open folder', secondary: true },
  { action: 'cancel', label: 'Cancel', secondary: true },
  { action: 'restart', label: 'Restart', secondary: true },
];

type ButtonElement = HTMLElement & { disabled: boolean };

export class JobDetailPane {
  readonly element: HTMLElement;
  private readonly title = el('h2', { className: 'detail-title' });
  private readonly badge = el('span', { className: 'badge' });
  private readonly facts = el('dl', { className: 'facts detail-facts' });
  private readonly relations = el('div', { className: 'detail-relations' });
  private readonly history = el('ol', { className: 'detail-history', attrs: { 'aria-label': 'Status history' } });
  private readonly runInfo = el('pre', { className: 'detail-pre detail-run-info', attrs: { 'data-testid': 'run-info' } });
  private readonly outputName = el('span', { className: 'detail-output-name' });
  private readonly output = el('pre', { className: 'detail-pre detail-output', attrs: { 'data-testid': 'output-tail', tabindex: '0' } });
  private readonly loading = el('p', { className: 'detail-loading', text: 'Reading the job folder…' });
  private readonly buttons = new Map<DashboardJobAction, ButtonElement>();
  private readonly results = new JobResultsSection();
  private job: DashboardJob | null = null;
  private detail: DashboardJobDetail | null = null;
  /** The launch's executor: a local job's state is the local executor's, not SLURM's. */
  private executor: string | null = null;

  constructor(private readonly callbacks: DetailCallbacks) {
    const actions = el('div', { className: 'detail-actions' });
    for (const { action, label, secondary } of ACTIONS) {
      const button = document.createElement('vscode-button') as ButtonElement;
      button.textContent = label;
      button.dataset.action = action;
      if (secondary) button.setAttribute('secondary', '');
      button.addEventListener('click', () => {
        if (this.job && !button.disabled) this.callbacks.onAction(this.job.key, action);
      });
      this.buttons.set(action, button);
      actions.append(button);
    }
    const close = el('button', { className: 'detail-close', attrs: { type: 'button', 'aria-label': 'Close the job detail', title: 'Close' }, text: '×' });
    close.addEventListener('click', () => this.callbacks.onClose());
    this.element = el(
      'aside',
      { className: 'job-detail', attrs: { 'data-testid': 'job-detail', 'aria-label': 'Job detail', hidden: '' } },
      el('div', { className: 'detail-head' }, this.title, this.badge, close),
      actions,
      this.facts,
      this.relations,
      this.results.element,
      el('h3', { text: 'Status history' }),
      this.history,
      this.loading,
      el('h3', {}, 'Output ', this.outputName),
      this.output,
      el('h3', { text: 'run_info.json' }),
      this.runInfo,
    );
  }

  get shown(): string | null {
    return this.job?.key ?? null;
  }

  /** Shows a job from its row at once (null hides the pane); the folder's detail follows with setDetail. */
  /** The shown launch's executor (its record's), which names the scheduler's state. */
  setExecutor(executor: string | null): void {
    if (executor === this.executor) return;
    this.executor = executor;
    if (this.job) this.renderRow(this.job);
  }

  show(job: DashboardJob | null, relations: JobRelations): void {
    const same = job !== null && this.job?.key === job.key;
    this.job = job;
    this.element.hidden = job === null;
    if (job === null) return;
    if (!same) {
      this.detail = null;
      this.loading.hidden = false;
      replaceChildren(this.history);
      setText(this.runInfo, '');
      setText(this.output, '');
      setText(this.outputName, '');
      this.results.show(null);
    }
    this.renderRow(job);
    this.renderRelations(relations);
    this.renderButtons();
  }

  /** The host's answer; ignored when another job was chosen meanwhile. */
  setDetail(detail: DashboardJobDetail): void {
    if (this.job?.key !== detail.key) return;
    this.detail = detail;
    this.loading.hidden = true;
    replaceChildren(
      this.history,
      ...(detail.history.length === 0
        ? [el('li', { className: 'empty', text: 'Not submitted yet.' })]
        : detail.history.map((event) =>
            el(
              'li',
              {},
              el('span', { className: 'detail-attempt', text: event.attempt === 0 ? 'first attempt' : `restart ${event.attempt}` }),
              el('span', { className: `badge status-${event.status}`, text: event.status.replace('_', ' ') }),
              el('span', { className: 'detail-time', text: formatTime(event.at) }),
            ),
          )),
    );
    setText(this.runInfo, detail.runInfoError ? `${detail.runInfoError}${detail.runInfo ? `\n\n${detail.runInfo}` : ''}` : (detail.runInfo ?? 'No run_info.json yet.'));
    setText(this.outputName, detail.outputTail ? `(${detail.outputTail.fileName}${detail.outputTail.truncated ? ', last lines' : ''})` : '');
    setText(this.output, detail.outputTail ? detail.outputTail.text : 'No output yet.');
    this.output.scrollTop = this.output.scrollHeight;
    this.results.show(detail.results, detail.resultsAt);
    this.renderButtons();
  }

  private renderRow(job: DashboardJob): void {
    setText(this.title, job.label);
    setText(this.badge, job.status.replace('_', ' '));
    this.badge.className = `badge status-${job.status}`;
    const rows: [string, string][] = [
      ['Folder', job.directory],
      ['Program', job.program],
      ['Job id', job.jobId ?? '—'],
    ];
    if (job.slurmState !== null) rows.push([schedulerStateLabel(this.executor), job.slurmState + (job.reason ? ` (${job.reason})` : '')]);
    if (job.submittedAt !== null) rows.push(['Submitted', formatTime(job.submittedAt)]);
    if (job.elapsed !== null) rows.push(['Elapsed', job.elapsed]);
    if (job.exitCode !== null) rows.push(['Exit code', String(job.exitCode)]);
    if (job.restarts > 0) rows.push(['Restarts', String(job.restarts)]);
    if (job.cause !== null) rows.push(['Failure cause', job.cause]);
    replaceChildren(this.facts, ...rows.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value, ...(name === 'Failure cause' ? { className: 'detail-cause' } : {}) })]));
  }

  private renderRelations(relations: JobRelations): void {
    const list = (title: string, links: readonly DashboardLink[], end: 'from' | 'to') =>
      el(
        'div',
        { className: 'detail-relation' },
        el('h3', { text: title }),
        links.length === 0
          ? el('span', { className: 'empty', text: 'none' })
          : el(
              'ul',
              {},
              ...links.map((link) => {
                const button = el(
                  'button',
                  { className: 'link', attrs: { type: 'button', 'data-job': this.callbacks.labelOf(link[end]), 'data-key': link[end] } },
                  this.callbacks.labelOf(link[end]),
                  el('span', { className: 'detail-kind', text: ` (${link.kind})` }),
                );
                button.addEventListener('click', () => this.callbacks.onSelect(link[end]));
                return el('li', {}, button);
              }),
            ),
      );
    replaceChildren(this.relations, list('Upstream', relations.upstream, 'from'), list('Downstream', relations.downstream, 'to'));
  }

  private renderButtons(): void {
    const job = this.job;
    if (!job) return;
    const files = this.detail?.files;
    const enabled: Record<DashboardJobAction, boolean> = {
      openOutput: files?.output ?? false,
      openInput: files?.input ?? false,
      openFolder: files?.folder ?? false,
      cancel: job.jobId !== null && (job.status === 'pending' || job.status === 'running'),
      // a succeeded job too: the host asks to rerun it and what depends on it
      restart: job.status === 'failed' || job.status === 'cancelled' || job.status === 'succeeded',
    };
    for (const [action, button] of this.buttons) button.disabled = !enabled[action];
  }
}
