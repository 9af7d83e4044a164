// Keeps the Batches tree true for every batch in view. While a batch's runner is alive (fresh heartbeat, liveRunner)
// the runner owns the truth: the monitor follows its ledger and record files. Otherwise the shared core Poller
// watches the batch's active jobs (one squeue per tick for every batch), and an ended job's outcome is decided from
// its output by the runner's and `status`'s decision path (applyObservations). A failing squeue marks the batch stale and keeps the last states. The view never writes
// the ledger: a runner may start at any moment and owns it then.
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Severity, buildBatchModel, parseBatchfile, validateModel } from '../batchfile/index.js';
import type { BatchModel } from '../batchfile/index.js';
import { keyOf } from '../ledger/jobKey.js';
import { NO_JOB_ID, ledgerPathFor, readLedgerIfExists, rowsByKeyOnDisk } from '../ledger/ledger.js';
import type { LedgerRow } from '../ledger/ledger.js';
import { liveRunner as defaultLiveRunner } from '../runner/lock.js';
import type { LockInfo } from '../runner/lock.js';
import { effectiveStatus, latestBatchRecord } from '../runner/records.js';
import { describeWaiting } from '../runner/waiting.js';
import type { ListedBatchRecord } from '../runner/records.js';
import { systemClock } from '../slurm/clock.js';
import type { Clock, TimerHandle } from '../slurm/clock.js';
import { Emitter } from '../slurm/events.js';
import type { Disposable, Event } from '../slurm/events.js';
import type { Poller } from '../slurm/poller.js';
import type { JobObservation, JobsChangedEvent, PollerHealthEvent } from '../slurm/poller.js';
import { isFinal } from '../status.js';
import { ledgerJobs } from '../truth/batchJobs.js';
import type { Decision } from '../truth/decide.js';
import { applyObservations } from '../truth/observations.js';
import { readBatchTruth } from '../truth/truth.js';
import type { BatchRecordView, BatchTree, BatchView, LiveSource, TreeDiff } from './batchTree.js';
import { isActive, jobViewFromRow, jobViewFromTruth, notStartedJob, observationEnded, overlayObservation } from './jobView.js';
import type { JobView } from './jobView.js';
import { jobLabels } from './jobLabel.js';
import type { BatchUpdate, JobTransition } from './notifications.js';

/** What the monitor needs of the core Poller. */
export type PollerLike = Pick<Poller, 'watch' | 'unwatch' | 'nudge' | 'setVisible' | 'get' | 'stale' | 'onDidChangeJobs' | 'onDidChangeHealth'>;

export type ExecutorKind = 'slurm' | 'local';

/** A file pattern relative to a folder (`__ledger__.csv`, `.batchman/batches/*.json`). */
export interface WatchRequest {
  base: string;
  pattern: string;
}

/** Calls `onChange` when a file matching the request is created, changed or deleted (VS Code's watcher in the client). */
export type FileWatcherFactory = (request: WatchRequest, onChange: () => void) => Disposable;

export type MonitorLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface BatchMonitorOptions {
  tree: BatchTree;
  /** The shared poller of an executor (one per kind; normally only SLURM's exists). */
  pollerFor: (kind: ExecutorKind) => PollerLike;
  watchFiles: FileWatcherFactory;
  /** The batch's label in the tree (the client makes it workspace-relative). */
  label?: (batchfilePath: string) => string;
  ledgerName?: () => string | undefined;
  /** The executor of a batch whose record does not say (never launched, or by CCBatchMan). */
  defaultExecutor?: () => ExecutorKind;
  /** Timers of the monitor (debounce, liveness checks); default the real clock. */
  clock?: Clock;
  /** Wall time for heartbeats; default Date.now. */
  now?: () => number;
  /** How often a live runner's liveness is checked again besides file events (default 10 s). */
  livenessCheckMs?: number;
  /** File events within this many ms are one reload (default 150 ms). */
  debounceMs?: number;
  liveRunner?: (rootPath: string, batchfilePath: string, now: number) => Promise<LockInfo | null>;
  log?: MonitorLog;
}

interface Entry {
  readonly id: string;
  model: BatchModel | undefined;
  rootPath: string | null;
  ledgerPath: string;
  jobs: JobView[];
  record: ListedBatchRecord | null;
  live: LiveSource;
  stale: string | null;
  error: string | null;
  /** Errors in the batchfile's own text (rows with errors are not jobs, so the tree says how many there are). */
  problems: number;
  /** The text the problems were counted on: a ledger change re-reads the batchfile, an unchanged one is not re-validated. */
  problemsOf: string | undefined;
  executor: ExecutorKind | null;
  /** The poller this batch's jobs are watched by, if any. */
  pollKind: ExecutorKind | null;
  /** The live source at the last commit (an ended runner is the end of a batch). */
  lastLive: LiveSource;
  /** Job ids the poller watches for this batch → job index. */
  watched: Map<string, number>;
  /** Outcomes decided from the output for jobs SLURM said ended (the view does not write the ledger). */
  decided: Map<string, Decision>;
  watchers: Disposable[];
  watchedRoot: string | null | undefined;
  /** Reloads and poller updates of a batch run one after the other. */
  queue: Promise<void>;
  reloadTimer: TimerHandle | undefined;
  reloadFull: boolean;
  livenessTimer: TimerHandle | undefined;
  loaded: boolean;
  disposed: boolean;
}

export class BatchMonitor {
  private readonly entries = new Map<string, Entry>();
  private readonly pollers = new Map<ExecutorKind, { poller: PollerLike; subscriptions: Disposable[] }>();
  private readonly treeEmitter = new Emitter<TreeDiff>();
  private readonly updateEmitter = new Emitter<BatchUpdate>();
  private readonly clock: Clock;
  private readonly now: () => number;
  private readonly liveRunner: (rootPath: string, batchfilePath: string, now: number) => Promise<LockInfo | null>;
  private readonly log: MonitorLog;
  private visible = true;
  private disposed = false;

  /** The tree changed: refresh these nodes. */
  readonly onDidChangeTree: Event<TreeDiff> = this.treeEmitter.event;
  /** Jobs of a batch changed status, or it ended (never fired for a batch's first load). */
  readonly onDidUpdateBatch: Event<BatchUpdate> = this.updateEmitter.event;

  constructor(private readonly options: BatchMonitorOptions) {
    this.clock = options.clock ?? systemClock;
    this.now = options.now ?? Date.now;
    this.liveRunner = options.liveRunner ?? ((root, file, now) => defaultLiveRunner(root, file, now));
    this.log = options.log ?? (() => undefined);
  }

  get tree(): BatchTree {
    return this.options.tree;
  }

  has(batchfilePath: string): boolean {
    return this.entries.has(batchfilePath);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Whether `path` is a file of a batch already followed: its batchfile, its ledger or its current record. A runner
   * replaces its ledger and record by renaming (atomic writes), which file watchers report as new files; those need no
   * search of the workspace for batches.
   */
  owns(path: string): boolean {
    if (this.entries.has(path)) return true;
    for (const entry of this.entries.values()) if (entry.ledgerPath === path || entry.record?.path === path) return true;
    return false;
  }

  /** Shows these batches (absolute batchfile paths) and no others; resolves when the new ones are loaded. */
  async sync(batchfilePaths: Iterable<string>): Promise<void> {
    const wanted = new Set(batchfilePaths);
    for (const id of [...this.entries.keys()]) if (!wanted.has(id)) this.remove(id);
    await Promise.all([...wanted].filter((id) => !this.entries.has(id)).map((id) => this.add(id)));
  }

  /** Starts following a batch; resolves when its first state is in the tree. */
  add(batchfilePath: string): Promise<void> {
    const existing = this.entries.get(batchfilePath);
    if (existing) return existing.queue;
    const entry: Entry = {
      id: batchfilePath,
      model: undefined,
      rootPath: null,
      ledgerPath: ledgerPathFor(batchfilePath, this.options.ledgerName?.()),
      jobs: [],
      record: null,
      live: 'idle',
      stale: null,
      error: null,
      problems: 0,
      problemsOf: undefined,
      executor: null,
      pollKind: null,
      lastLive: 'idle',
      watched: new Map(),
      decided: new Map(),
      watchers: [],
      watchedRoot: undefined,
      queue: Promise.resolve(),
      reloadTimer: undefined,
      reloadFull: false,
      livenessTimer: undefined,
      loaded: false,
      disposed: false,
    };
    this.entries.set(batchfilePath, entry);
    return this.enqueue(entry, () => this.reload(entry, true));
  }

  remove(batchfilePath: string): void {
    const entry = this.entries.get(batchfilePath);
    if (!entry) return;
    entry.disposed = true;
    this.entries.delete(batchfilePath);
    this.stopPolling(entry);
    this.clearTimers(entry);
    for (const watcher of entry.watchers) watcher.dispose();
    this.fireTree(this.tree.removeBatch(batchfilePath));
  }

  /** Reads one batch (or every batch) again from disk, the whole truth, and polls soon. */
  async refresh(batchfilePath?: string): Promise<void> {
    const entries = batchfilePath === undefined ? [...this.entries.values()] : [this.entries.get(batchfilePath)].filter((e): e is Entry => e !== undefined);
    await Promise.all(entries.map((entry) => this.enqueue(entry, () => this.reload(entry, true))));
    for (const { poller } of this.pollers.values()) poller.nudge();
  }

  /** A launch or cancel just happened: read the batch soon, then poll (or follow the runner) at once. */
  nudge(batchfilePath: string): void {
    const entry = this.entries.get(batchfilePath);
    if (entry) this.scheduleReload(entry, false, 0);
    if (entry?.pollKind) this.pollers.get(entry.pollKind)?.poller.nudge();
  }

  /** Slows the pollers down while the view is hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const { poller } of this.pollers.values()) poller.setVisible(visible);
  }

  /** Resolves when no reload or decision is queued (tests, orderly shutdown). */
  async settled(): Promise<void> {
    for (;;) {
      const queues = [...this.entries.values()].map((entry) => entry.queue);
      await Promise.all(queues);
      const again = [...this.entries.values()].map((entry) => entry.queue);
      if (again.every((queue, i) => queue === queues[i])) return;
    }
  }

  /** The batch's record, ledger and live source as last read. */
  info(batchfilePath: string): { rootPath: string | null; ledgerPath: string; live: LiveSource; record: ListedBatchRecord | null; executor: ExecutorKind | null } | undefined {
    const entry = this.entries.get(batchfilePath);
    return entry && { rootPath: entry.rootPath, ledgerPath: entry.ledgerPath, live: entry.live, record: entry.record, executor: entry.executor };
  }

  dispose(): void {
    this.disposed = true;
    for (const id of [...this.entries.keys()]) this.remove(id);
    for (const { subscriptions } of this.pollers.values()) for (const s of subscriptions) s.dispose();
    this.pollers.clear();
    this.treeEmitter.dispose();
    this.updateEmitter.dispose();
  }

  // ------------------------------------------------------------------ loading

  private enqueue(entry: Entry, work: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (entry.disposed) return;
      try {
        await work();
      } catch (error) {
        this.log('error', `${entry.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    };
    entry.queue = entry.queue.then(run, run);
    return entry.queue;
  }

  private scheduleReload(entry: Entry, full: boolean, delay = this.options.debounceMs ?? 150): void {
    if (entry.disposed) return;
    entry.reloadFull ||= full;
    if (entry.reloadTimer !== undefined) {
      if (delay > 0) return; // the pending reload will read the change
      this.clock.clearTimeout(entry.reloadTimer);
    }
    entry.reloadTimer = this.clock.setTimeout(() => {
      entry.reloadTimer = undefined;
      const wantFull = entry.reloadFull;
      entry.reloadFull = false;
      void this.enqueue(entry, () => this.reload(entry, wantFull));
    }, delay);
  }

  /**
   * Reads the batch again. `full`: the whole truth from the job folders (first load, refresh, a runner that just
   * stopped); otherwise the ledger is enough (the runner keeps it current; without a runner only the poller moves).
   */
  private async reload(entry: Entry, full: boolean): Promise<void> {
    let text: string;
    try {
      text = (await readFile(entry.id, 'utf8')).replace(/^\uFEFF/, '');
    } catch (error) {
      this.showError(entry, `cannot read the batchfile (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return;
    }
    const model = buildBatchModel(parseBatchfile(text), entry.id);
    entry.model = model;
    if (entry.problemsOf !== text) {
      // the batchfile's own rules, not the disk's: what the view needs is why rows are missing, not a launch check
      entry.problems = validateModel(model).filter((diagnostic) => diagnostic.severity === Severity.Error).length;
      entry.problemsOf = text;
    }
    entry.ledgerPath = ledgerPathFor(entry.id, this.options.ledgerName?.());
    const rootPath = model.rootPath ?? null;
    entry.rootPath = rootPath;
    this.watchFiles(entry);
    if (rootPath === null) {
      this.showError(entry, 'the root folder cannot be resolved (line 1 must be root_directory=FOLDER)');
      return;
    }
    const specs = ledgerJobs(model);
    entry.record = await latestBatchRecord(rootPath, entry.id).catch(() => null);
    const recorded = entry.record?.computed_options?.executor;
    entry.executor = recorded === 'slurm' || recorded === 'local' ? recorded : (this.options.defaultExecutor?.() ?? 'slurm');
    const runner = await this.liveRunner(rootPath, entry.id, this.now()).catch(() => null);
    const wasRunner = entry.live === 'runner';

    let jobs: JobView[];
    if (runner) {
      // The runner owns the truth and writes it to the ledger: follow that, ask SLURM nothing.
      this.stopPolling(entry);
      const rows = await this.readRows(entry);
      jobs = specs.map((spec) => {
        const row = rows?.get(keyOf(spec));
        return row ? { ...jobViewFromRow(row), directory: spec.directory, program: spec.program } : notStartedJob(spec);
      });
      entry.live = 'runner';
      entry.stale = null;
      this.scheduleLivenessCheck(entry);
    } else {
      this.clearLivenessTimer(entry);
      if (full || !entry.loaded || wasRunner) {
        const truth = await readBatchTruth({ model, ledgerPath: entry.ledgerPath, write: false });
        // the truth's jobs are the ledger's first rows, in order
        jobs = truth.jobs.map((job, index) => ({ ...jobViewFromTruth(job, truth.ledger.rows[index]), directory: job.directory }));
      } else {
        const rows = await this.readRows(entry);
        jobs = specs.map((spec) => {
          const row = rows?.get(keyOf(spec));
          return row ? { ...jobViewFromRow(row), directory: spec.directory, program: spec.program } : notStartedJob(spec);
        });
      }
      jobs = this.followWithPoller(entry, jobs);
    }
    entry.error = null;
    this.commit(entry, jobs);
  }

  private async readRows(entry: Entry): Promise<Map<string, LedgerRow> | undefined> {
    try {
      const ledger = await readLedgerIfExists(entry.ledgerPath);
      // CCBatchMan's rows name their folder relative to the batchfile's.
      return ledger && rowsByKeyOnDisk(ledger.rows, dirname(entry.id));
    } catch (error) {
      // A ledger caught mid-replace or damaged: keep what is shown, say so.
      this.log('warn', `${entry.ledgerPath}: ${error instanceof Error ? error.message : String(error)}`);
      return new Map(entry.jobs.map((job) => [keyOf(job), rowOf(job)]));
    }
  }

  /** Watches the batch's active jobs with the shared poller and lays what it already knows over the ledger's view. */
  private followWithPoller(entry: Entry, jobs: JobView[]): JobView[] {
    const kind = entry.executor ?? 'slurm';
    if (entry.pollKind !== null && entry.pollKind !== kind) this.stopPolling(entry);
    const active = new Map<string, number>();
    for (const [index, job] of jobs.entries()) {
      if (job.jobId === null || isFinal(job.status)) continue;
      // SLURM already said it ended and its output decided: that stands until the ledger catches up
      const decision = entry.decided.get(job.jobId);
      if (decision) jobs[index] = withDecision(job, decision);
      else active.set(job.jobId, index);
    }
    const gone = [...entry.watched.keys()].filter((jobId) => !active.has(jobId));
    if (gone.length > 0 && entry.pollKind !== null) this.pollers.get(entry.pollKind)?.poller.unwatch(entry.id, gone);
    entry.watched = active;
    if (active.size === 0) {
      entry.pollKind = null;
      entry.live = 'idle';
      entry.stale = null;
      return jobs;
    }
    const poller = this.poller(kind);
    entry.pollKind = kind;
    for (const [jobId, index] of active) {
      const observation = poller.get(jobId);
      if (observation && !observationEnded(observation)) jobs[index] = overlayObservation(jobs[index]!, observation);
    }
    entry.live = 'poller';
    entry.stale = poller.stale ? `squeue failed: ${poller.stale.reason}` : null;
    poller.watch(entry.id, active.keys());
    // ended in SLURM before this load: decide them now (the poller reports only changes)
    const ended = [...active].flatMap(([jobId, index]) => {
      const observation = poller.get(jobId);
      return observation && observationEnded(observation) ? [[index, observation] as const] : [];
    });
    if (ended.length > 0) void this.enqueue(entry, () => this.decide(entry, ended));
    return jobs;
  }

  private stopPolling(entry: Entry): void {
    if (entry.pollKind !== null) this.pollers.get(entry.pollKind)?.poller.unwatch(entry.id);
    entry.pollKind = null;
    entry.watched = new Map();
  }

  private poller(kind: ExecutorKind): PollerLike {
    const existing = this.pollers.get(kind);
    if (existing) return existing.poller;
    const poller = this.options.pollerFor(kind);
    poller.setVisible(this.visible);
    const subscriptions = [
      poller.onDidChangeJobs((event) => this.onJobsChanged(kind, event)),
      poller.onDidChangeHealth((event) => this.onHealth(kind, event)),
    ];
    this.pollers.set(kind, { poller, subscriptions });
    return poller;
  }

  // ------------------------------------------------------------------ poller events

  private onJobsChanged(kind: ExecutorKind, event: JobsChangedEvent): void {
    const byBatch = new Map<string, JobObservation[]>();
    for (const change of event.changes) {
      for (const batchId of change.batchIds) {
        let list = byBatch.get(batchId);
        if (!list) byBatch.set(batchId, (list = []));
        list.push(change.current);
      }
    }
    for (const [batchId, observations] of byBatch) {
      const entry = this.entries.get(batchId);
      if (!entry || entry.live !== 'poller' || entry.pollKind !== kind) continue;
      void this.enqueue(entry, async () => {
        if (entry.live !== 'poller') return;
        const jobs = [...entry.jobs];
        const ended: [number, JobObservation][] = [];
        for (const observation of observations) {
          const index = entry.watched.get(observation.jobId);
          if (index === undefined || jobs[index]?.jobId !== observation.jobId) continue;
          if (observationEnded(observation)) ended.push([index, observation]);
          else jobs[index] = overlayObservation(jobs[index]!, observation);
        }
        this.commit(entry, jobs);
        if (ended.length > 0) await this.decide(entry, ended);
      });
    }
  }

  /**
   * SLURM says these jobs ended: the program output decides how (COMPLETED is not success until it says so), and jobs
   * waiting on a failed one are broken, by the one decision path the runner and `status` take, over the ledger rows the
   * view's jobs stand for (the view never writes them).
   */
  private async decide(entry: Entry, ended: readonly (readonly [number, JobObservation])[]): Promise<void> {
    const model = entry.model;
    if (entry.live !== 'poller' || !model) return;
    const jobs = [...entry.jobs];
    const seen = ended.filter(([index, observation]) => jobs[index]?.jobId === observation.jobId);
    const rows = new Map(jobs.map((job) => [keyOf(job), rowOf(job)]));
    const observations = seen.map(([index, observation]) => ({
      key: keyOf(jobs[index]!),
      jobId: observation.jobId,
      ...(observation.slurmState !== undefined ? { state: observation.slurmState } : {}),
      ...(observation.exitCode !== undefined ? { exitCode: observation.exitCode } : {}),
      ...(observation.elapsedSeconds !== undefined ? { elapsedSeconds: observation.elapsedSeconds } : {}),
      ...(observation.startedAt !== undefined ? { startedAt: observation.startedAt } : {}),
      ...(observation.endedAt !== undefined ? { endedAt: observation.endedAt } : {}),
    }));
    const { decided, broken } = await applyObservations({ model, rows, observations, at: new Date(this.now()).toISOString() });
    for (const [index, observation] of seen) {
      const decision = decided.get(keyOf(jobs[index]!));
      if (!decision) continue;
      entry.decided.set(observation.jobId, decision);
      jobs[index] = withDecision(overlayObservation(jobs[index]!, observation), decision);
    }
    const indexOf = new Map(jobs.map((job, i) => [keyOf(job), i]));
    for (const key of broken) {
      const i = indexOf.get(key)!;
      const row = rows.get(key)!;
      jobs[i] = { ...jobs[i]!, status: row.status, cause: row.cause ?? null };
    }
    const done = seen.map(([, observation]) => observation.jobId);
    for (const jobId of done) entry.watched.delete(jobId);
    if (done.length > 0 && entry.pollKind !== null) this.pollers.get(entry.pollKind)?.poller.unwatch(entry.id, done);
    if (entry.watched.size === 0) {
      entry.live = 'idle';
      entry.pollKind = null;
      entry.stale = null;
    }
    this.commit(entry, jobs);
  }

  private onHealth(kind: ExecutorKind, event: PollerHealthEvent): void {
    if (event.command !== 'squeue') return;
    const stale = event.ok ? null : `squeue failed: ${event.reason ?? 'no answer'}`;
    if (!event.ok) this.log('warn', stale!);
    else this.log('info', 'squeue answers again');
    for (const entry of this.entries.values()) {
      if (entry.live !== 'poller' || entry.pollKind !== kind) continue;
      void this.enqueue(entry, async () => {
        if (entry.live !== 'poller') return;
        entry.stale = stale;
        this.commit(entry, entry.jobs);
      });
    }
  }

  // ------------------------------------------------------------------ the tree

  private commit(entry: Entry, jobs: JobView[]): void {
    if (entry.disposed) return;
    const before = entry.jobs;
    const wasActive = entry.loaded && (this.activeIn(before) || entry.lastLive === 'runner');
    const transitions: JobTransition[] = [];
    if (entry.loaded && before.length === jobs.length) {
      let labels: string[] | undefined;
      for (let i = 0; i < jobs.length; i++) {
        const a = before[i]!;
        const b = jobs[i]!;
        if (keyOf(a) !== keyOf(b) || a.status === b.status) continue;
        labels ??= jobLabels(jobs, entry.rootPath);
        transitions.push({ key: keyOf(b), basename: b.basename, label: labels[i]!, from: a.status, to: b.status, cause: b.cause });
      }
    }
    entry.jobs = jobs;
    const view = this.viewOf(entry);
    this.fireTree(this.tree.setBatch(view));
    const nowActive = this.activeIn(jobs) || entry.live === 'runner';
    const ended = wasActive && !nowActive;
    const firstLoad = !entry.loaded;
    entry.loaded = true;
    entry.lastLive = entry.live;
    if (firstLoad || (transitions.length === 0 && !ended)) return;
    this.updateEmitter.fire({ batchId: entry.id, label: view.label, transitions, ended, summary: this.tree.summary(entry.id)! }, (error) => this.log('error', String(error)));
  }

  private activeIn(jobs: readonly JobView[]): boolean {
    return jobs.some(isActive);
  }

  private showError(entry: Entry, error: string): void {
    this.stopPolling(entry);
    entry.error = error;
    entry.live = 'idle';
    this.commit(entry, []);
  }

  private viewOf(entry: Entry): BatchView {
    return {
      id: entry.id,
      label: this.options.label?.(entry.id) ?? basename(entry.id),
      batchfilePath: entry.id,
      rootPath: entry.rootPath,
      ledgerPath: entry.ledgerPath,
      record: entry.record ? recordView(entry.record, this.now()) : null,
      live: entry.live,
      stale: entry.stale,
      error: entry.error,
      problems: entry.problems,
      jobs: entry.jobs,
    };
  }

  private fireTree(diff: TreeDiff): void {
    if (this.disposed || (diff.changed.length === 0 && diff.childrenChanged.length === 0)) return;
    this.treeEmitter.fire(diff, (error) => this.log('error', String(error)));
  }

  // ------------------------------------------------------------------ files and timers

  /** The batchfile, its ledger, and the root's records and locks: a runner starting, writing or stopping shows here. */
  private watchFiles(entry: Entry): void {
    if (entry.watchedRoot === entry.rootPath && entry.watchers.length > 0) return;
    for (const watcher of entry.watchers) watcher.dispose();
    const onLight = (): void => this.scheduleReload(entry, false);
    const onRunner = (): void => this.scheduleReload(entry, false);
    const dir = dirname(entry.id);
    entry.watchers = [
      this.options.watchFiles({ base: dir, pattern: basename(entry.id) }, onLight),
      this.options.watchFiles({ base: dir, pattern: basename(entry.ledgerPath) }, onLight),
    ];
    if (entry.rootPath !== null) {
      entry.watchers.push(
        this.options.watchFiles({ base: entry.rootPath, pattern: '.batchman/batches/*.json' }, onRunner),
        this.options.watchFiles({ base: entry.rootPath, pattern: '.batchman/*.lock' }, onRunner),
      );
    }
    entry.watchedRoot = entry.rootPath;
  }

  /** A runner killed outright leaves its files unchanged: look again now and then. */
  private scheduleLivenessCheck(entry: Entry): void {
    if (entry.livenessTimer !== undefined) return;
    entry.livenessTimer = this.clock.setTimeout(() => {
      entry.livenessTimer = undefined;
      void this.enqueue(entry, async () => {
        if (entry.live !== 'runner' || entry.rootPath === null) return;
        const runner = await this.liveRunner(entry.rootPath, entry.id, this.now()).catch(() => null);
        if (runner) this.scheduleLivenessCheck(entry);
        else this.scheduleReload(entry, true, 0);
      });
    }, this.options.livenessCheckMs ?? 10_000);
  }

  private clearLivenessTimer(entry: Entry): void {
    if (entry.livenessTimer !== undefined) this.clock.clearTimeout(entry.livenessTimer);
    entry.livenessTimer = undefined;
  }

  private clearTimers(entry: Entry): void {
    this.clearLivenessTimer(entry);
    if (entry.reloadTimer !== undefined) this.clock.clearTimeout(entry.reloadTimer);
    entry.reloadTimer = undefined;
  }
}

function withDecision(job: JobView, decision: Decision): JobView {
  return {
    ...job,
    status: decision.status,
    cause: decision.cause ?? (decision.status === 'succeeded' ? null : job.cause),
    exitCode: decision.exitCode ?? job.exitCode,
    reason: null,
  };
}

/** The ledger row a view's job stands for: the fields the decision path reads. */
function rowOf(job: JobView): LedgerRow {
  return {
    jobId: job.jobId === null ? NO_JOB_ID : Number(job.jobId),
    basename: job.basename,
    directory: job.directory,
    status: job.status,
    program: job.program,
    ...(job.cause !== null ? { cause: job.cause } : {}),
  };
}

function recordView(record: ListedBatchRecord, now: number): BatchRecordView {
  const executor = record.computed_options?.executor;
  const status = effectiveStatus(record, now);
  return {
    id: record.id,
    name: record.name,
    status,
    runNumber: record.run_number,
    startTime: record.start_time,
    endTime: record.end_time,
    executor: typeof executor === 'string' ? executor : null,
    runnerHost: record.runner.host,
    runnerPid: record.runner.pid,
    message: record.message,
    tags: record.tags,
    error: record.error_msg,
    // only a live runner waits; a dead one's last wait is history
    ...(record.waiting && status === 'in_progress' ? { waiting: describeWaiting(record.waiting) } : {}),
  };
}
