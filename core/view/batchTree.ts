// The Batches tree as plain data: batches → jobs in batchfile order (or grouped by status), each node's label,
// description, icon, colour and context value, tooltips on demand, and a diff naming the nodes an update changed,
// so the VS Code TreeDataProvider (client/src/batchesView.ts) refreshes only those.
import { JOB_STATUSES, isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import type { EffectiveBatchStatus } from '../runner/records.js';
import { summarise, summaryText } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';
import { keyOf } from '../ledger/jobKey.js';
import { escapeMarkdown, markdownCode } from '../markdown.js';
import { isActive, sameJobView } from './jobView.js';
import type { JobView } from './jobView.js';
import { schedulerStateLabel } from './executorWords.js';
import { jobLabels } from './jobLabel.js';
import { jobWhy } from './jobWhy.js';
import { formatTime } from './timeFormat.js';
import { resultsLines } from './resultsTooltip.js';
import type { JobResults } from '../results/types.js';

/** Kept here for the tree's callers; the one escaping lives in core/markdown.ts. */
export { escapeMarkdown } from '../markdown.js';

/** Where a batch's live state comes from (see batchMonitor.ts). */
export type LiveSource = 'runner' | 'poller' | 'idle';

/** The newest launch of a batch, as its record says. */
export interface BatchRecordView {
  id: string;
  name: string;
  status: EffectiveBatchStatus;
  runNumber: number;
  startTime: string;
  endTime: string | null;
  executor: string | null;
  runnerHost: string;
  runnerPid: number;
  message: string;
  tags: readonly string[];
  error: string | null;
  /** While the runner's submissions wait for the cluster: `waiting — submit limit 3 reached`. */
  waiting?: string;
}

/** Everything the tree shows of one batch. */
export interface BatchView {
  /** Stable identity: the batchfile's absolute path. */
  id: string;
  /** Usually the batchfile's path relative to the workspace. */
  label: string;
  batchfilePath: string;
  rootPath: string | null;
  ledgerPath: string | null;
  record: BatchRecordView | null;
  live: LiveSource;
  /** Why the shown states may be old (squeue failing); the last known states are kept. */
  stale: string | null;
  /** Why the batch cannot be shown (unreadable batchfile, no root line…). */
  error: string | null;
  /** Errors in the batchfile: its rows with errors are not jobs, so they are missing below it. */
  problems?: number;
  /** In batchfile order. */
  jobs: readonly JobView[];
}

export type NodeKind = 'batch' | 'group' | 'job';

/** A codicon id (`sync~spin` spins) and a theme colour id. */
export interface StatusIcon {
  id: string;
  color: string;
}

/** `contextValue`s, which the manifest's `viewItem == …` menu clauses match. */
export const CONTEXT_VALUES = {
  batch: 'batch',
  /** A batch with a live runner or jobs pending or running: can be cancelled. */
  batchActive: 'batchActive',
  group: 'statusGroup',
  /** Not submitted (yet): no job id. */
  job: 'job',
  /** Pending or running with a job id: can be cancelled. */
  jobActive: 'jobActive',
  /** Submitted once, now ended: has a job id. */
  jobSubmitted: 'jobSubmitted',
} as const;

export type ContextValue = (typeof CONTEXT_VALUES)[keyof typeof CONTEXT_VALUES];

export interface TreeNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly batchId: string;
  readonly label: string;
  readonly description: string;
  readonly icon: StatusIcon;
  readonly contextValue: ContextValue;
  readonly collapsible: boolean;
  /** Job nodes: the job. */
  readonly job?: JobView;
  /** Group nodes: their status. */
  readonly status?: JobStatus;
  /** Batch nodes: errors in the batchfile (clicking the batch shows them). */
  readonly problems?: number;
}

/**
 * What an update changed. `changed`: nodes whose own item (label, description, icon, tooltip) changed.
 * `childrenChanged`: nodes whose list of children changed; `null` stands for the roots.
 */
export interface TreeDiff {
  changed: string[];
  childrenChanged: (string | null)[];
}

export const STATUS_ICONS: Readonly<Record<JobStatus | 'stale' | 'error', StatusIcon>> = {
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  pending: { id: 'clock', color: 'charts.yellow' },
  not_started: { id: 'circle-large-outline', color: 'disabledForeground' },
  broken_dependency: { id: 'debug-disconnect', color: 'charts.orange' },
  cancelled: { id: 'circle-slash', color: 'testing.iconSkipped' },
  stale: { id: 'warning', color: 'list.warningForeground' },
  error: { id: 'error', color: 'list.errorForeground' },
};

/** Groups, most urgent first. */
export const GROUP_ORDER: readonly JobStatus[] = ['running', 'pending', 'failed', 'broken_dependency', 'cancelled', 'not_started', 'succeeded'];

export function statusText(status: JobStatus): string {
  return status.replace('_', ' ');
}

export interface BatchTreeOptions {
  groupByStatus?: boolean;
}

interface BatchState {
  view: BatchView;
  /** Job index by key (`keyOf`: folder and basename). */
  index: Map<string, number>;
  /** Each job's label: its basename, with its folder when another job shares it. */
  labels: string[];
  jobNodes: TreeNode[];
  summary: StatusSummary;
  node: TreeNode;
  /** Group children in batchfile order, built when asked; a group missing here is rebuilt on demand. */
  groups: Map<JobStatus, string[]>;
}

// Ids are printable (VS Code puts them in tree handles) and unambiguous: the parts are URI-encoded, so `:` only separates.
export function batchNodeId(batchId: string): string {
  return `batch:${encodeURIComponent(batchId)}`;
}

/** A job's node id, from the job's key (`keyOf`). */
export function jobNodeId(batchId: string, jobKey: string, encodedBatchId = encodeURIComponent(batchId)): string {
  return `job:${encodedBatchId}:${encodeURIComponent(jobKey)}`;
}

export function groupNodeId(batchId: string, status: JobStatus): string {
  return `group:${encodeURIComponent(batchId)}:${status}`;
}

export class BatchTree {
  private readonly batchStates = new Map<string, BatchState>();
  /** Node id → batch id and, for jobs, the job's index. */
  private readonly byId = new Map<string, { batchId: string; kind: NodeKind; index?: number; status?: JobStatus }>();
  private grouped: boolean;

  constructor(options: BatchTreeOptions = {}) {
    this.grouped = options.groupByStatus ?? false;
  }

  get groupByStatus(): boolean {
    return this.grouped;
  }

  setGroupByStatus(grouped: boolean): TreeDiff {
    if (grouped === this.grouped) return emptyDiff();
    this.grouped = grouped;
    for (const state of this.batchStates.values()) state.groups.clear();
    return { changed: [], childrenChanged: [null] };
  }

  /** Adds a batch or replaces what is known of it; the diff names only what differs from before. */
  setBatch(view: BatchView): TreeDiff {
    const previous = this.batchStates.get(view.id);
    if (!previous) {
      this.batchStates.set(view.id, this.buildState(view));
      return { changed: [], childrenChanged: [null] };
    }
    const sameJobs = previous.view.jobs.length === view.jobs.length && view.jobs.every((job, i) => keyOf(previous.view.jobs[i]!) === keyOf(job));
    const staleChanged = (previous.view.stale === null) !== (view.stale === null) || (previous.view.error === null) !== (view.error === null);
    if (!sameJobs || staleChanged) {
      // Jobs added, removed or reordered (the batchfile was edited), or every active job's icon flips: rebuild.
      this.dropIds(previous);
      const state = this.buildState(view);
      this.batchStates.set(view.id, state);
      const changed = nodeDiffers(previous.node, state.node) ? [state.node.id] : [];
      return { changed, childrenChanged: [state.node.id] };
    }
    const diff = this.applyJobs(previous, view.jobs.map((job, index) => [index, job] as const));
    const metaDiff = this.setMeta(previous, { ...view, jobs: previous.view.jobs });
    return mergeDiffs(diff, metaDiff);
  }

  /** Replaces some jobs of a batch (matched by key); unknown jobs are ignored. */
  updateJobs(batchId: string, jobs: Iterable<JobView>): TreeDiff {
    const state = this.batchStates.get(batchId);
    if (!state) return emptyDiff();
    const updates: (readonly [number, JobView])[] = [];
    for (const job of jobs) {
      const index = state.index.get(keyOf(job));
      if (index !== undefined) updates.push([index, job]);
    }
    return this.applyJobs(state, updates);
  }

  /** Changes what is known of a batch besides its jobs (record, live source, stale reason, error). */
  updateBatch(batchId: string, patch: Partial<Omit<BatchView, 'id' | 'jobs'>>): TreeDiff {
    const state = this.batchStates.get(batchId);
    if (!state) return emptyDiff();
    const view = { ...state.view, ...patch };
    const flips = (state.view.stale === null) !== (view.stale === null) || (state.view.error === null) !== (view.error === null);
    if (flips) return this.setBatch(view);
    return this.setMeta(state, view);
  }

  removeBatch(batchId: string): TreeDiff {
    const state = this.batchStates.get(batchId);
    if (!state) return emptyDiff();
    this.dropIds(state);
    this.batchStates.delete(batchId);
    return { changed: [], childrenChanged: [null] };
  }

  batch(batchId: string): BatchView | undefined {
    return this.batchStates.get(batchId)?.view;
  }

  batches(): BatchView[] {
    return [...this.batchStates.values()].map((state) => state.view);
  }

  summary(batchId: string): StatusSummary | undefined {
    const summary = this.batchStates.get(batchId)?.summary;
    return summary ? { ...summary } : undefined;
  }

  /** A job by its key (`keyOf`). */
  job(batchId: string, jobKey: string): JobView | undefined {
    const state = this.batchStates.get(batchId);
    const index = state?.index.get(jobKey);
    return index === undefined ? undefined : state!.view.jobs[index];
  }

  /** Batches sorted by label. */
  roots(): TreeNode[] {
    return [...this.batchStates.values()].map((state) => state.node).sort((a, b) => a.label.localeCompare(b.label));
  }

  node(id: string): TreeNode | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    const state = this.batchStates.get(entry.batchId)!;
    if (entry.kind === 'batch') return state.node;
    if (entry.kind === 'job') return state.jobNodes[entry.index!];
    return this.grouped && state.summary[entry.status!] > 0 ? groupNode(state, entry.status!) : undefined;
  }

  children(id: string | null): TreeNode[] {
    if (id === null) return this.roots();
    const entry = this.byId.get(id);
    if (!entry) return [];
    const state = this.batchStates.get(entry.batchId)!;
    if (entry.kind === 'job') return [];
    if (entry.kind === 'batch') {
      if (state.view.error !== null) return [];
      if (!this.grouped) return state.jobNodes;
      return GROUP_ORDER.filter((status) => state.summary[status] > 0).map((status) => groupNode(state, status));
    }
    return this.groupMembers(state, entry.status!).map((jobId) => state.jobNodes[this.byId.get(jobId)!.index!]!);
  }

  /** The parent's id; null for a batch; undefined for an unknown node. */
  parent(id: string): string | null | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    if (entry.kind === 'batch') return null;
    if (entry.kind === 'group') return batchNodeId(entry.batchId);
    const state = this.batchStates.get(entry.batchId)!;
    return this.grouped ? groupNodeId(entry.batchId, state.view.jobs[entry.index!]!.status) : batchNodeId(entry.batchId);
  }

  /**
   * The node's tooltip as Markdown (job names are escaped: they are the user's text). A job's tooltip ends with what it
   * computed when `results` are given (the caller reads them through a ResultsCache: the tree itself never reads files).
   */
  tooltip(id: string, results?: JobResults | null): string {
    const node = this.node(id);
    if (!node) return '';
    const state = this.batchStates.get(node.batchId)!;
    if (node.kind === 'job') return jobTooltip(node.job!, node.label, state.view, results ?? null);
    if (node.kind === 'group') return `**${state.summary[node.status!]}** ${statusText(node.status!)} job(s) of ${escapeMarkdown(state.view.label)}`;
    return batchTooltip(state.view, state.summary);
  }

  // ------------------------------------------------------------------ internals

  private buildState(view: BatchView): BatchState {
    const index = new Map<string, number>();
    const jobNodes: TreeNode[] = new Array(view.jobs.length);
    const stale = view.stale !== null;
    const encoded = encodeURIComponent(view.id);
    const labels = jobLabels(view.jobs, view.rootPath);
    for (let i = 0; i < view.jobs.length; i++) {
      const job = view.jobs[i]!;
      index.set(keyOf(job), i);
      const node = jobNode(view.id, job, labels[i]!, stale, encoded);
      jobNodes[i] = node;
      this.byId.set(node.id, { batchId: view.id, kind: 'job', index: i });
    }
    const summary = summarise(view.jobs.map((job) => job.status));
    const node = batchNode(view, summary);
    this.byId.set(node.id, { batchId: view.id, kind: 'batch' });
    for (const status of JOB_STATUSES) this.byId.set(groupNodeId(view.id, status), { batchId: view.id, kind: 'group', status });
    return { view: { ...view, jobs: [...view.jobs] }, index, labels, jobNodes, summary, node, groups: new Map() };
  }

  private dropIds(state: BatchState): void {
    for (const node of state.jobNodes) this.byId.delete(node.id);
    this.byId.delete(state.node.id);
    for (const status of JOB_STATUSES) this.byId.delete(groupNodeId(state.view.id, status));
  }

  private applyJobs(state: BatchState, updates: Iterable<readonly [number, JobView]>): TreeDiff {
    const changed: string[] = [];
    const childrenChanged = new Set<string>();
    const jobs = state.view.jobs as JobView[];
    const stale = state.view.stale !== null;
    const groupsBefore = this.grouped ? GROUP_ORDER.filter((status) => state.summary[status] > 0).join() : '';
    const touchedGroups = new Set<JobStatus>();
    for (const [index, job] of updates) {
      const before = jobs[index]!;
      if (sameJobView(before, job)) continue;
      jobs[index] = job;
      state.jobNodes[index] = jobNode(state.view.id, job, state.labels[index]!, stale);
      changed.push(state.jobNodes[index].id);
      if (before.status !== job.status) {
        state.summary[before.status]--;
        state.summary[job.status]++;
        touchedGroups.add(before.status).add(job.status);
      }
    }
    if (changed.length === 0) return emptyDiff();
    const batchBefore = state.node;
    state.node = batchNode(state.view, state.summary);
    if (nodeDiffers(batchBefore, state.node)) changed.push(state.node.id);
    if (this.grouped && touchedGroups.size > 0) {
      for (const status of touchedGroups) {
        state.groups.delete(status);
        const id = groupNodeId(state.view.id, status);
        childrenChanged.add(id);
        if (state.summary[status] > 0) changed.push(id);
      }
      const groupsAfter = GROUP_ORDER.filter((status) => state.summary[status] > 0).join();
      if (groupsAfter !== groupsBefore) childrenChanged.add(state.node.id);
    }
    return { changed, childrenChanged: [...childrenChanged] };
  }

  private setMeta(state: BatchState, view: BatchView): TreeDiff {
    const before = state.node;
    const metaBefore = state.view;
    state.view = { ...view, jobs: state.view.jobs };
    state.node = batchNode(state.view, state.summary);
    // the tooltip shows the record and the live source: any change refreshes the node
    return nodeDiffers(before, state.node) || !sameBatchMeta(metaBefore, state.view) ? { changed: [state.node.id], childrenChanged: [] } : emptyDiff();
  }

  private groupMembers(state: BatchState, status: JobStatus): string[] {
    let members = state.groups.get(status);
    if (!members) {
      members = [];
      const jobs = state.view.jobs;
      for (let i = 0; i < jobs.length; i++) if (jobs[i]!.status === status) members.push(state.jobNodes[i]!.id);
      state.groups.set(status, members);
    }
    return members;
  }
}

function sameBatchMeta(a: BatchView, b: BatchView): boolean {
  return (
    a.label === b.label &&
    a.batchfilePath === b.batchfilePath &&
    a.rootPath === b.rootPath &&
    a.ledgerPath === b.ledgerPath &&
    a.live === b.live &&
    a.stale === b.stale &&
    a.error === b.error &&
    (a.problems ?? 0) === (b.problems ?? 0) &&
    JSON.stringify(a.record) === JSON.stringify(b.record)
  );
}

function emptyDiff(): TreeDiff {
  return { changed: [], childrenChanged: [] };
}

function mergeDiffs(a: TreeDiff, b: TreeDiff): TreeDiff {
  return {
    changed: [...new Set([...a.changed, ...b.changed])],
    childrenChanged: [...new Set([...a.childrenChanged, ...b.childrenChanged])],
  };
}

function nodeDiffers(a: TreeNode, b: TreeNode): boolean {
  return a.label !== b.label || a.description !== b.description || a.icon !== b.icon || a.contextValue !== b.contextValue;
}

function jobNode(batchId: string, job: JobView, label: string, stale: boolean, encodedBatchId?: string): TreeNode {
  const staleHere = stale && !isFinal(job.status);
  return {
    id: jobNodeId(batchId, keyOf(job), encodedBatchId),
    kind: 'job',
    batchId,
    label,
    description: jobDescription(job, staleHere),
    icon: staleHere ? STATUS_ICONS.stale : STATUS_ICONS[job.status],
    contextValue: isActive(job) ? CONTEXT_VALUES.jobActive : job.jobId !== null ? CONTEXT_VALUES.jobSubmitted : CONTEXT_VALUES.job,
    collapsible: false,
    job,
  };
}

/** `job id · state · elapsed · reason`, leaving out what is unknown. */
export function jobDescription(job: JobView, stale = false): string {
  const parts: string[] = [];
  if (job.jobId !== null) parts.push(job.jobId);
  parts.push(stale ? `${statusText(job.status)} (stale)` : statusText(job.status));
  if (job.elapsed !== null && job.status !== 'not_started') parts.push(job.elapsed);
  const why = jobWhy(job);
  if (why !== null) parts.push(why);
  return parts.join(' · ');
}

function batchNode(view: BatchView, summary: StatusSummary): TreeNode {
  const problems = view.error === null ? (view.problems ?? 0) : 0;
  const description = view.error !== null ? view.error : batchDescription(summary, view.stale !== null, view.record?.waiting);
  return {
    id: batchNodeId(view.id),
    kind: 'batch',
    batchId: view.id,
    label: view.label,
    // rows with errors are not jobs: say so first, or the batch reads `0/1` with its bad rows silently gone
    description: problems > 0 ? `${problemsText(problems)} · ${description}` : description,
    icon: problems > 0 ? STATUS_ICONS.error : batchIcon(view, summary),
    contextValue: view.live === 'runner' || summary.running + summary.pending > 0 ? CONTEXT_VALUES.batchActive : CONTEXT_VALUES.batch,
    collapsible: view.error === null && view.jobs.length > 0,
    ...(problems > 0 ? { problems } : {}),
  };
}

/** `1 error in the batchfile`, `3 errors in the batchfile`. */
export function problemsText(errors: number): string {
  return `${errors} error${errors === 1 ? '' : 's'} in the batchfile`;
}

/** The counts as every view says them (`summaryText`), then stale and the runner's wait. */
export function batchDescription(summary: StatusSummary, stale = false, waiting?: string): string {
  const parts = [summaryText(summary)];
  if (stale) parts.push('stale');
  if (waiting !== undefined) parts.push(waiting);
  return parts.join(' · ');
}

export function batchIcon(view: Pick<BatchView, 'stale' | 'error' | 'live'>, summary: StatusSummary): StatusIcon {
  if (view.error !== null) return STATUS_ICONS.error;
  if (view.stale !== null) return STATUS_ICONS.stale;
  if (summary.running > 0 || summary.pending > 0 || view.live === 'runner') return STATUS_ICONS.running;
  if (summary.total > 0 && summary.succeeded === summary.total) return STATUS_ICONS.succeeded;
  if (summary.failed > 0 || summary.broken_dependency > 0) return STATUS_ICONS.failed;
  if (summary.cancelled > 0) return STATUS_ICONS.cancelled;
  return STATUS_ICONS.not_started;
}

function groupNode(state: BatchState, status: JobStatus): TreeNode {
  return {
    id: groupNodeId(state.view.id, status),
    kind: 'group',
    batchId: state.view.id,
    label: statusText(status),
    description: String(state.summary[status]),
    icon: STATUS_ICONS[status],
    contextValue: CONTEXT_VALUES.group,
    collapsible: true,
    status,
  };
}

function code(text: string): string {
  return text === '' ? '' : markdownCode(text);
}

function jobTooltip(job: JobView, label: string, batch: BatchView, results: JobResults | null): string {
  const lines = [`**${escapeMarkdown(label)}** · ${escapeMarkdown(job.program)}`, ''];
  const row = (name: string, value: string | number | null): void => {
    if (value !== null && value !== '') lines.push(`${name}: ${value}  `);
  };
  row('Status', `${statusText(job.status)}${batch.stale !== null && !isFinal(job.status) ? ` (last known; ${escapeMarkdown(batch.stale)})` : ''}`);
  row('Job id', job.jobId !== null ? escapeMarkdown(job.jobId) : null);
  // a local job's state is the local executor's, not SLURM's
  row(schedulerStateLabel(batch.record?.executor), job.slurmState !== null ? escapeMarkdown(job.slurmState) : null);
  row('Reason', job.reason !== null ? escapeMarkdown(job.reason) : null);
  row('Cause', job.cause !== null ? escapeMarkdown(job.cause) : null);
  row('Exit code', job.exitCode);
  row('Elapsed', job.elapsed);
  // local time, as the dashboard writes it
  row('Submitted', formatTime(job.submittedAt));
  row('Started', formatTime(job.startedAt));
  row('Ended', formatTime(job.endedAt));
  row('Restarts', job.restarts > 0 ? job.restarts : null);
  row('Folder', code(job.directory));
  const computed = results ? resultsLines(results) : [];
  if (computed.length > 0) lines.push('', ...computed);
  return lines.join('\n');
}

const LIVE_TEXT: Readonly<Record<LiveSource, string>> = {
  runner: 'followed through the runner\'s ledger (the runner is alive)',
  poller: 'polled with one squeue for every batch',
  idle: 'nothing running',
};

function batchTooltip(view: BatchView, summary: StatusSummary): string {
  const lines = [`**${escapeMarkdown(view.label)}**`, ''];
  const row = (name: string, value: string | number | null): void => {
    if (value !== null && value !== '') lines.push(`${name}: ${value}  `);
  };
  row('Error', view.error !== null ? escapeMarkdown(view.error) : null);
  const problems = view.error === null ? (view.problems ?? 0) : 0;
  row('Problems', problems > 0 ? `${problemsText(problems)}: its rows with errors are not jobs until they are fixed (click the batch to see them in the Problems view)` : null);
  row('Batchfile', code(view.batchfilePath));
  row('Root', view.rootPath !== null ? code(view.rootPath) : null);
  const record = view.record;
  if (record) {
    row('Launch', `${escapeMarkdown(record.name)} (run ${record.runNumber}), ${record.status.replace('_', ' ')}`);
    row('Message', record.message !== '' ? escapeMarkdown(record.message) : null);
    row('Tags', record.tags.length > 0 ? record.tags.map(escapeMarkdown).join(', ') : null);
    row('Started', formatTime(record.startTime));
    row('Ended', formatTime(record.endTime));
    row('Executor', record.executor !== null ? escapeMarkdown(record.executor) : null);
    row('Runner', record.runnerPid > 0 ? `pid ${record.runnerPid} on ${escapeMarkdown(record.runnerHost)}` : null);
    row('Internal error', record.error !== null ? escapeMarkdown(record.error) : null);
    row('Submissions', record.waiting !== undefined ? escapeMarkdown(record.waiting) : null);
  }
  row('Live state', LIVE_TEXT[view.live]);
  row('Stale', view.stale !== null ? `${escapeMarkdown(view.stale)} — the last known states are shown` : null);
  row(
    'Jobs',
    `${summary.total}: ${GROUP_ORDER.filter((status) => summary[status] > 0)
      .map((status) => `${summary[status]} ${statusText(status)}`)
      .join(', ') || 'none'}`,
  );
  return lines.join('\n');
}
