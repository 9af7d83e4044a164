// One batch's dashboard feed: from the tree's BatchView, the batchfile's pipes and the batch records, the messages
// the host posts to the page: a snapshot, then only what changed since the last message it built. VS-Code-free.
import { BatchChangedMessage, HistoryChangedMessage, JobsChangedMessage, SnapshotMessage, message, sameDashboardJob } from './protocol.js';
import type { DashboardBatch, DashboardHistoryEntry, DashboardJob, DashboardLink, HostToPageMessage, MessageOf } from './protocol.js';
import { effectiveStatus } from '../runner/records.js';
import type { BatchRecord } from '../runner/records.js';
import type { BatchView } from '../view/batchTree.js';
import { dashboardBatch, dashboardJob, dashboardRecord, historyEntries } from './data.js';
import type { JobView } from '../view/jobView.js';
import { jobLabels } from '../view/jobLabel.js';
import { keyOf, keyOfModelJob } from '../ledger/jobKey.js';

export type SnapshotPayload = MessageOf<typeof SnapshotMessage>;

/** What the links need of a batchfile model (core/batchfile's BatchModel fits). */
export interface LinkSource {
  readonly jobs: readonly {
    readonly basename: string;
    /** The resolved job folder: with the basename, the job's key. */
    readonly path: string;
    readonly pipes: readonly { readonly kind: string; readonly noTransfer: boolean; readonly upstream?: number }[];
  }[];
}

/**
 * The pipes between jobs of the batch by key, in batchfile order: a `./` pipe (no transfer) and a pipe whose folder is
 * no job of this batch are no links, and the same link written twice is one.
 */
export function dashboardLinks(model: LinkSource | undefined): DashboardLink[] {
  if (!model) return [];
  const links: DashboardLink[] = [];
  const seen = new Set<string>();
  for (const job of model.jobs) {
    for (const pipe of job.pipes) {
      if (pipe.noTransfer || pipe.upstream === undefined || (pipe.kind !== 'coords' && pipe.kind !== 'orbitals')) continue;
      const upstream = model.jobs[pipe.upstream];
      if (upstream === undefined) continue;
      const from = keyOfModelJob(upstream);
      const to = keyOfModelJob(job);
      if (from === to) continue;
      const link = `${from}\u0000${to}\u0000${pipe.kind}`;
      if (seen.has(link)) continue;
      seen.add(link);
      links.push({ from, to, kind: pipe.kind });
    }
  }
  return links;
}

/** Everything the feed builds its messages from. */
export interface DashboardSource {
  view: BatchView;
  links: readonly DashboardLink[];
  /** The batchfile's launches, newest first (as readBatchRecords lists them). */
  records: readonly BatchRecord[];
}

export interface DashboardFeedOptions {
  /** Wall time for `at` and for `lost` records (stale heartbeats); default Date.now. */
  now?: () => number;
  isPidAlive?: (pid: number) => boolean;
}

/** What the page was last sent, to diff the next state against. */
interface Sent {
  /** The tree's jobs the rows were built from: an unchanged JobView object needs no compare. */
  views: (JobView | undefined)[];
  jobs: DashboardJob[];
  links: string;
  batch: string;
  history: string;
}

export class DashboardFeed {
  private source: DashboardSource;
  /** The launch chosen in the history; null follows the newest. */
  private chosen: string | null = null;
  private sent: Sent | undefined;
  private readonly now: () => number;

  constructor(
    source: DashboardSource,
    private readonly options: DashboardFeedOptions = {},
  ) {
    this.source = source;
    this.now = options.now ?? Date.now;
  }

  get batchId(): string {
    return this.source.view.id;
  }

  get view(): BatchView {
    return this.source.view;
  }

  /** The launch the header shows: the chosen one while it still exists, else the newest. */
  get shownRecord(): BatchRecord | null {
    const records = this.source.records;
    return (this.chosen !== null ? records.find((record) => record.id === this.chosen) : undefined) ?? records[0] ?? null;
  }

  /** The tree's current job of that key. */
  job(key: string): JobView | undefined {
    return this.source.view.jobs.find((job) => keyOf(job) === key);
  }

  /**
   * Shows a launch from the history; false when no record has that id. Only the header and the history's mark
   * follow: the jobs stay the current ledger's, since the ledger keeps only the newest state of each job.
   */
  showLaunch(recordId: string): boolean {
    const records = this.source.records;
    if (!records.some((record) => record.id === recordId)) return false;
    // choosing the newest means following it, so the next launch shows when it begins
    this.chosen = records[0]!.id === recordId ? null : recordId;
    return true;
  }

  /** The page was reloaded (or hidden, which discards it): it knows nothing, the next message must be a snapshot. */
  reset(): void {
    this.sent = undefined;
  }

  /** Everything at once; what the page will know from now on. */
  snapshot(): SnapshotPayload {
    const { view, links } = this.source;
    const labels = jobLabels(view.jobs, view.rootPath);
    const jobs = view.jobs.map((job, index) => dashboardJob(job, labels[index]));
    const batch = this.batch();
    const history = this.history();
    this.sent = {
      views: [...view.jobs],
      jobs,
      links: JSON.stringify(links),
      batch: JSON.stringify(batch),
      history: JSON.stringify(history),
    };
    return message(SnapshotMessage, { batch, jobs: [...jobs], links: links.map((link) => ({ ...link })), history, at: this.at() });
  }

  /**
   * Takes in what changed and returns the messages that bring the page from what it was last sent to now: a
   * snapshot when jobs were added, removed or reordered or the links changed; else the header when it changed, the
   * history when it changed, and the rows that changed (field by field). Nothing before the first snapshot.
   */
  update(patch: Partial<DashboardSource> = {}): HostToPageMessage[] {
    this.source = { ...this.source, ...patch };
    const sent = this.sent;
    if (!sent) return [];
    const { view, links } = this.source;
    const jobs = view.jobs;
    if (jobs.length !== sent.jobs.length || jobs.some((job, i) => keyOf(job) !== sent.jobs[i]!.key) || JSON.stringify(links) !== sent.links) {
      return [this.snapshot()];
    }
    const messages: HostToPageMessage[] = [];
    const batch = this.batch();
    const batchText = JSON.stringify(batch);
    if (batchText !== sent.batch) {
      sent.batch = batchText;
      messages.push(message(BatchChangedMessage, { batch }));
    }
    const history = this.history();
    const historyText = JSON.stringify(history);
    if (historyText !== sent.history) {
      sent.history = historyText;
      messages.push(message(HistoryChangedMessage, { history }));
    }
    const changed: DashboardJob[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      if (job === sent.views[i]) continue;
      sent.views[i] = job;
      // the same jobs in the same folders: each keeps the label it was sent with
      const row = dashboardJob(job, sent.jobs[i]!.label);
      if (sameDashboardJob(row, sent.jobs[i]!)) continue;
      sent.jobs[i] = row;
      changed.push(row);
    }
    if (changed.length > 0) messages.push(message(JobsChangedMessage, { jobs: changed, at: this.at() }));
    return messages;
  }

  private batch(): DashboardBatch {
    const record = this.shownRecord;
    return dashboardBatch(this.source.view, record && dashboardRecord(record, effectiveStatus(record, this.now(), this.options.isPidAlive)));
  }

  private history(): DashboardHistoryEntry[] {
    return historyEntries(this.source.records, { now: this.now(), ...(this.options.isPidAlive ? { isPidAlive: this.options.isPidAlive } : {}) });
  }

  private at(): string {
    return new Date(this.now()).toISOString();
  }
}

/** Whether these messages gave the page a new row (or every row) for the job: its detail may be out of date. */
export function touchesJob(messages: readonly HostToPageMessage[], key: string): boolean {
  return messages.some((m) => m.method === SnapshotMessage.method || (m.method === JobsChangedMessage.method && m.params.jobs.some((job) => job.key === key)));
}
