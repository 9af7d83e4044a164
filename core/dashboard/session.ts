// One dashboard page's host side, VS-Code-free: it hears the page's messages and the batch's changes and decides
// what to post and when. Nothing before the page's `ready`; a snapshot for every `ready` (a hidden panel's page is
// discarded and reloads when shown); then only what changed; the chosen job's detail, the newest answer only. The
// panel gives it ports (post, read, run an action) and keeps only the VS Code wiring.
import { DASHBOARD_PROTOCOL_VERSION, JobDetailMessage, ResultsMessage, RevealJobMessage, isDashboardBatchFile, isDashboardJobAction, isPageToHostMessage, message } from './protocol.js';
import type { DashboardBatchFile, DashboardJobAction, DashboardJobDetail, DashboardLink, DashboardViewState, HostToPageMessage } from './protocol.js';
import { DashboardFeed, touchesJob } from './feed.js';
import type { DashboardFeedOptions, DashboardSource } from './feed.js';
import type { BatchRecord } from '../runner/records.js';
import type { BatchView } from '../view/batchTree.js';
import type { JobView } from '../view/jobView.js';
import { keyOf } from '../ledger/jobKey.js';
import type { ResultsRow } from '../results/batchResults.js';
import { resultsCsv } from '../results/resultsCsv.js';
import { isFinal } from '../status.js';
import { dashboardResultRows } from './resultsRows.js';
import { resultColumnsOf } from './resultColumns.js';

/** What the session may do outside itself; the panel implements these over VS Code, the tests over a fake page. */
export interface DashboardSessionPorts {
  /** Delivers a message to the page; called only while the page listens. */
  post(message: HostToPageMessage): void;
  /** The batch as the model has it now; undefined once it is no longer followed (the page keeps its last picture). */
  batchView(): BatchView | undefined;
  /** The batch's launches, newest first. */
  readRecords(view: BatchView): Promise<BatchRecord[]>;
  /** The pipes between the batch's jobs. */
  readLinks(view: BatchView): Promise<DashboardLink[]>;
  /** A job's detail, read from its folder (the model's job: its directory, never the page's text). */
  readDetail(job: JobView): Promise<DashboardJobDetail>;
  /** Loads the current page again: the page spoke another protocol version. */
  reloadPage(): void;
  /** The batch's label as the panel's title. */
  setTitle(title: string): void;
  /** A job button the page pressed, checked: a known action on a job of the batch (by key). */
  runJobAction(key: string, action: DashboardJobAction): Promise<void>;
  /** A header link the page followed, checked: one of the batch's own files. */
  openBatchFile(view: BatchView, which: DashboardBatchFile): Promise<void>;
  warn(text: string, error?: unknown): void;
  error(text: string, error: unknown): void;
  /**
   * Every job's results, as `batchman results` reads them (core/dashboard/resultsRows.ts: readViewResults, writing
   * nothing). Absent: the page's Results tab is never answered (a host without results).
   */
  readResults?(view: BatchView): Promise<ResultsRow[]>;
  /** Asks where to save the results' CSV (the batch folder's results.csv by default) and writes `csv` there. */
  saveResultsCsv?(view: BatchView, csv: string): Promise<void>;
}

export interface DashboardSessionOptions {
  /** The batchfile's absolute path (the monitor's batch id). */
  batchId: string;
  ports: DashboardSessionPorts;
  /** A job (its key) to show and choose once the page is ready (the dashboard was opened from a job). */
  reveal?: string;
  feed?: DashboardFeedOptions;
  /** How long after a job ends the results are read again (a burst of ends is one read); default 2,000 ms. */
  resultsDelayMs?: number;
}

/** The panel's title for a batch. */
export function dashboardTitle(view: Pick<BatchView, 'label'>): string {
  return `Batch: ${view.label}`;
}

export class DashboardSession {
  readonly batchId: string;
  private readonly ports: DashboardSessionPorts;
  private readonly feedOptions: DashboardFeedOptions;
  private feed: DashboardFeed | undefined;
  /** The page said `ready` and has not been discarded since: messages reach it. */
  private ready = false;
  /** The page said ready and has not had its snapshot yet. */
  private snapshotOwed = false;
  /** A job to reveal once the page is ready (opened from a job). */
  private pendingReveal: string | undefined;
  private selected: string | null = null;
  /** The page shows the selected job's detail as of its current row. */
  private detailFresh = false;
  /** A detail read for the selected job is under way. */
  private detailLoading = false;
  /** Answers to older selections are dropped. */
  private detailSeq = 0;
  /** The page was reloaded once for speaking another protocol version (not again: the bundle is what it is). */
  private reloadedForVersion = false;
  /** The record view and the job list the records and links were last read for. */
  private recordsKey: string | undefined;
  private jobsKey: string | undefined;
  /** Reads and posts run one after the other, so messages go out in the order the feed built them. */
  private queue: Promise<void> = Promise.resolve();
  private refreshQueued = false;
  /** Detail reads under way (they run beside the queue: a slow folder must not hold the rows back). */
  private readonly detailReads = new Set<Promise<void>>();
  private disposed = false;
  /** The page showed its Results tab since it said ready: it is sent the results, and again as jobs end. */
  private resultsWanted = false;
  /** Which jobs had ended at the last sync (keys and final flags), to notice a job ending or restarting. */
  private endedKey: string | undefined;
  private readonly resultsDelayMs: number;
  private resultsTimer: ReturnType<typeof setTimeout> | undefined;
  private resultsTimerDone: (() => void) | undefined;
  /** A results read is under way; `resultsAgain`: another was asked meanwhile and follows it. */
  private resultsReading = false;
  private resultsAgain = false;
  /** What the page was last sent (a read that changed nothing posts nothing). */
  private lastResults: string | undefined;
  /** Results read before the page had its snapshot: posted right after it. */
  private pendingResults: HostToPageMessage | undefined;
  /** Results reads, timers and exports under way, for settled(). */
  private readonly resultsWork = new Set<Promise<void>>();

  constructor(options: DashboardSessionOptions) {
    this.batchId = options.batchId;
    this.ports = options.ports;
    this.feedOptions = options.feed ?? {};
    this.pendingReveal = options.reveal;
    this.resultsDelayMs = options.resultsDelayMs ?? 2000;
  }

  /** A message from the page; anything that is not one of the page's messages is ignored. */
  receive(raw: unknown): void {
    if (this.disposed || !isPageToHostMessage(raw)) return;
    switch (raw.method) {
      case 'batchman/dashboard/ready':
        this.onReady(raw.params.protocolVersion);
        break;
      case 'batchman/dashboard/selectJob':
        this.select(typeof raw.params.key === 'string' ? raw.params.key : null);
        break;
      case 'batchman/dashboard/jobAction':
        this.jobAction(raw.params.key, raw.params.action);
        break;
      case 'batchman/dashboard/showLaunch':
        this.showLaunch(raw.params.recordId);
        break;
      case 'batchman/dashboard/openBatchFile':
        this.openBatchFile(raw.params.which);
        break;
      case 'batchman/dashboard/viewState':
        this.onViewState(raw.params.state);
        break;
      case 'batchman/dashboard/requestResults':
        this.onRequestResults();
        break;
      case 'batchman/dashboard/exportResultsCsv':
        this.exportResultsCsv();
        break;
    }
  }

  /** The page was discarded (its panel hidden): it hears nothing until it reloads and says ready again. */
  pageGone(): void {
    this.ready = false;
    this.detailFresh = false;
    this.detailLoading = false;
    this.detailSeq++;
    this.feed?.reset();
    this.resultsWanted = false;
    this.lastResults = undefined;
    this.pendingResults = undefined;
    this.cancelResultsTimer();
  }

  /** Shows and chooses the job of this key: at once in turn with the feed's messages, or after the snapshot of a page still loading. */
  reveal(key: string): void {
    this.pendingReveal = key;
    this.enqueue(async () => {
      const pending = this.pendingReveal;
      if (pending === undefined || !this.ready || this.snapshotOwed) return;
      this.pendingReveal = undefined;
      this.revealJob(pending);
    });
  }

  /** The model changed the batch: post what changed (if the page listens). Bursts are one read. */
  batchChanged(): void {
    if (this.refreshQueued || this.disposed) return;
    this.refreshQueued = true;
    this.enqueue(async () => {
      this.refreshQueued = false;
      const messages = await this.sync(false);
      // a page that said ready before the batch was loaded still waits for its snapshot
      if (this.snapshotOwed) {
        this.sendSnapshot();
        return;
      }
      for (const m of messages) this.post(m);
      if (this.selected !== null && touchesJob(messages, this.selected)) this.sendDetail(this.selected);
    });
  }

  /** Resolves once nothing is queued and no detail read is under way (what a test awaits). */
  async settled(): Promise<void> {
    for (;;) {
      const queue = this.queue;
      await queue;
      await Promise.allSettled([...this.detailReads, ...this.resultsWork]);
      if (queue === this.queue && this.detailReads.size === 0 && this.resultsWork.size === 0) return;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.detailSeq++;
    this.cancelResultsTimer();
  }

  // ------------------------------------------------------------------ the page

  private post(m: HostToPageMessage): void {
    if (this.ready && !this.disposed) this.ports.post(m);
  }

  private onReady(protocolVersion: unknown): void {
    if (protocolVersion !== DASHBOARD_PROTOCOL_VERSION) {
      this.ports.warn(`dashboard: the page speaks protocol ${String(protocolVersion)}, the host ${DASHBOARD_PROTOCOL_VERSION}`);
      if (!this.reloadedForVersion) {
        // a page restored from an older build: load the current bundle
        this.reloadedForVersion = true;
        this.ports.reloadPage();
        return;
      }
    }
    this.pageGone();
    this.ready = true;
    this.snapshotOwed = true;
    this.enqueue(async () => {
      await this.sync(true);
      this.sendSnapshot();
    });
  }

  /** The snapshot a ready page waits for (once the batch is known), then the job to reveal or the chosen job's detail. */
  private sendSnapshot(): void {
    if (!this.feed || !this.ready || !this.snapshotOwed) return;
    this.snapshotOwed = false;
    this.post(this.feed.snapshot());
    const reveal = this.pendingReveal;
    this.pendingReveal = undefined;
    if (reveal !== undefined) this.revealJob(reveal);
    else if (this.selected !== null) this.sendDetail(this.selected);
    const results = this.pendingResults;
    this.pendingResults = undefined;
    if (results) this.post(results);
  }

  private revealJob(key: string): void {
    if (!this.feed?.job(key)) return;
    this.post(message(RevealJobMessage, { key }));
    this.select(key);
  }

  private select(key: string | null): void {
    if (key === this.selected && (this.detailFresh || this.detailLoading)) return;
    this.selected = key;
    this.detailFresh = false;
    this.detailLoading = false;
    this.detailSeq++;
    if (key !== null) this.sendDetail(key);
  }

  private onViewState(state: Partial<DashboardViewState> | undefined): void {
    const selected = state?.selected;
    if ((typeof selected === 'string' || selected === null) && selected !== this.selected) this.select(selected);
  }

  /** Reads the chosen job's folder and posts its detail, unless the page chose again or went away meanwhile. */
  private sendDetail(key: string): void {
    const job = this.feed?.job(key);
    if (!job) return;
    const seq = ++this.detailSeq;
    this.detailLoading = true;
    const current = (): boolean => seq === this.detailSeq && this.ready && this.selected === key;
    const read = this.ports.readDetail(job).then(
      (detail) => {
        if (!current()) return;
        this.detailLoading = false;
        this.detailFresh = true;
        this.post(message(JobDetailMessage, { detail }));
      },
      (error: unknown) => {
        if (current()) this.detailLoading = false;
        this.ports.warn(`dashboard: cannot read the detail of ${job.basename} in ${job.directory}`, error);
      },
    );
    this.detailReads.add(read);
    void read.finally(() => this.detailReads.delete(read));
  }

  private showLaunch(recordId: unknown): void {
    if (typeof recordId !== 'string') return;
    this.enqueue(async () => {
      if (!this.feed?.showLaunch(recordId)) return;
      this.post(this.feed.snapshot());
      if (this.selected !== null) this.sendDetail(this.selected);
    });
  }

  private jobAction(key: unknown, action: unknown): void {
    const job = typeof key === 'string' ? this.feed?.job(key) : undefined;
    if (!isDashboardJobAction(action) || typeof key !== 'string' || !job) return;
    this.ports.runJobAction(key, action).catch((error: unknown) => this.ports.warn(`dashboard: ${action} of ${job.basename} in ${job.directory} failed`, error));
  }

  private openBatchFile(which: unknown): void {
    const view = this.ports.batchView();
    if (!view || !isDashboardBatchFile(which)) return;
    this.ports.openBatchFile(view, which).catch((error: unknown) => this.ports.warn(`dashboard: cannot open the ${which} of ${this.batchId}`, error));
  }

  // ------------------------------------------------------------------ the feed

  private enqueue(work: () => Promise<void>): void {
    const run = async (): Promise<void> => {
      if (this.disposed) return;
      try {
        await work();
      } catch (error) {
        this.ports.error(`dashboard of ${this.batchId} failed`, error);
      }
    };
    this.queue = this.queue.then(run, run);
  }

  /**
   * Brings the feed up to the model's view of the batch, reading the records when the model's record changed (or
   * `fresh`: a new page wants the newest heartbeat) and the links when the job list changed; returns what to post.
   */
  private async sync(fresh: boolean): Promise<HostToPageMessage[]> {
    const view = this.ports.batchView();
    // a batch no longer followed keeps its last picture
    if (!view) return [];
    this.noteEndedJobs(view);
    this.ports.setTitle(dashboardTitle(view));
    const patch: Partial<DashboardSource> = { view };
    const recordsKey = JSON.stringify(view.record);
    if (fresh || !this.feed || recordsKey !== this.recordsKey) {
      this.recordsKey = recordsKey;
      patch.records = await this.ports.readRecords(view);
    }
    const jobsKey = view.jobs.map(keyOf).join('\n');
    if (fresh || !this.feed || jobsKey !== this.jobsKey) {
      this.jobsKey = jobsKey;
      patch.links = await this.ports.readLinks(view);
    }
    if (!this.feed) {
      this.feed = new DashboardFeed({ view, links: patch.links ?? [], records: patch.records ?? [] }, this.feedOptions);
      return [];
    }
    return this.feed.update(patch);
  }

  // ------------------------------------------------------------------ the Results tab

  private onRequestResults(): void {
    if (!this.ready || !this.ports.readResults) return;
    this.resultsWanted = true;
    this.cancelResultsTimer();
    this.readResults();
  }

  /** A job ended, restarted, or the job list changed: the results are read again after the delay, if the page shows them. */
  private noteEndedJobs(view: BatchView): void {
    const key = view.jobs.map((job) => `${keyOf(job)}\u0000${isFinal(job.status) ? 1 : 0}`).join('\n');
    const changed = this.endedKey !== undefined && key !== this.endedKey;
    this.endedKey = key;
    if (changed && this.resultsWanted) this.scheduleResults();
  }

  private scheduleResults(): void {
    if (this.resultsTimer !== undefined || this.disposed) return;
    const waited = new Promise<void>((resolve) => {
      this.resultsTimerDone = resolve;
      this.resultsTimer = setTimeout(() => {
        this.resultsTimer = undefined;
        this.resultsTimerDone = undefined;
        resolve();
        if (this.resultsWanted && this.ready) this.readResults();
      }, this.resultsDelayMs);
    });
    this.track(waited);
  }

  private cancelResultsTimer(): void {
    if (this.resultsTimer === undefined) return;
    clearTimeout(this.resultsTimer);
    this.resultsTimer = undefined;
    this.resultsTimerDone?.();
    this.resultsTimerDone = undefined;
  }

  /** One read at a time: a read asked for meanwhile runs once after it, so a burst of ends is at most two reads. */
  private readResults(): void {
    const read = this.ports.readResults;
    const view = this.ports.batchView();
    if (!read || !view) return;
    if (this.resultsReading) {
      this.resultsAgain = true;
      return;
    }
    this.resultsReading = true;
    const work = read(view)
      .then((rows) => {
        if (!this.ready || !this.resultsWanted || this.disposed) return;
        const m = message(ResultsMessage, { columns: resultColumnsOf(dashboardResultRows(rows, view.rootPath)), at: new Date().toISOString() });
        const text = JSON.stringify(m.params.columns);
        if (text === this.lastResults) return;
        this.lastResults = text;
        if (this.snapshotOwed) this.pendingResults = m;
        else this.post(m);
      })
      .catch((error: unknown) => this.ports.warn(`dashboard: cannot read the results of ${this.batchId}`, error));
    this.track(
      work.finally(() => {
        this.resultsReading = false;
        if (this.resultsAgain) {
          this.resultsAgain = false;
          if (this.resultsWanted && this.ready) this.readResults();
        }
      }),
    );
  }

  /** Reads the results afresh and hands `batchman results --csv`'s text to the port that asks where to save it. */
  private exportResultsCsv(): void {
    const read = this.ports.readResults;
    const save = this.ports.saveResultsCsv;
    const view = this.ports.batchView();
    if (!read || !save || !view) return;
    this.track(
      read(view)
        .then((rows) => save(view, resultsCsv(rows)))
        .catch((error: unknown) => this.ports.warn(`dashboard: cannot export the results of ${this.batchId}`, error)),
    );
  }

  private track(work: Promise<void>): void {
    this.resultsWork.add(work);
    void work.finally(() => this.resultsWork.delete(work));
  }
}
