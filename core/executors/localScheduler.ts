// The embedded local executor: jobs run as detached local processes, seen through SLURM's calls and states;
// a job whose submitter died between publishing it and starting it is started by the first reader to see it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import type { AccountingRecord } from '../slurm/sacct.js';
import { SchedulerError } from '../slurm/scheduler.js';
import type { AccountingResult, QueueSnapshot, Scheduler, SubmitOptions, SubmitResult } from '../slurm/scheduler.js';
import type { QueueEntry } from '../slurm/squeue.js';
import { crashBeforeWrapperHook } from './localCrashHook.js';
import { cancelFileName, endFileName, launchFileName, lostFileName, parseJobListing, specFileName } from './localJobFiles.js';
import type { JobListing, LocalJobFacts } from './localJobFiles.js';
import { deriveJobState } from './localJobState.js';
import type { DerivedJobState, LocalJobSpec, SubmitterState } from './localJobState.js';
import { formatElapsed, formatSacctTime } from './localTime.js';
import { installWrapper } from './localWrapper.js';
import { localJobOptions, scriptDirectives } from './sbatchOptions.js';

/** The file-system calls the executor makes, injectable so a test can count them. */
export type LocalFs = Pick<
  typeof fsPromises,
  'readdir' | 'readFile' | 'writeFile' | 'link' | 'unlink' | 'mkdir' | 'rename' | 'stat' | 'open'
>;

export interface LocalSchedulerOptions {
  /** Where job states live; default `$BATCHMAN_LOCAL_STATE`, else `~/.batchman/local`. */
  stateDir?: string;
  /** How long an ended job stays in queue() (SLURM's MinJobAge; default 300 s). */
  minJobAgeMs?: number;
  /** How long an ended job's files are kept for accounting() before they are pruned (default 7 days). */
  retentionMs?: number;
  /** Between a cancel's (or time limit's) SIGTERM and its SIGKILL (default 10 s). */
  killGraceMs?: number;
  /** How long a submitted job may take to start before it counts as never started (default 60 s). */
  startGraceMs?: number;
  /** Smallest gap between two prunings (default 1 h). */
  pruneIntervalMs?: number;
  /** Extra environment for the jobs. */
  env?: Readonly<Record<string, string>>;
  /** The bash that runs the wrapper (default `bash` from PATH). */
  bash?: string;
  now?: () => number;
  fs?: LocalFs;
}

export const LOCAL_STATE_ENV = 'BATCHMAN_LOCAL_STATE';

export function defaultLocalStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[LOCAL_STATE_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(homedir(), '.batchman', 'local');
}

const DEFAULTS = {
  minJobAgeMs: 300_000,
  retentionMs: 7 * 24 * 3600_000,
  killGraceMs: 10_000,
  startGraceMs: 60_000,
  pruneIntervalMs: 3600_000,
};
/** A cached next id older than this is re-read, so a pruned old id is never handed out again. */
const ID_HINT_MAX_AGE_MS = 60_000;

interface Snapshot {
  listing: JobListing;
  now: number;
  derived: Map<number, DerivedJobState>;
}

export class LocalScheduler implements Scheduler {
  readonly kind = 'local' as const;
  readonly stateDir: string;
  /** One file per fact per job (see localJobFiles.ts). */
  readonly jobsDir: string;
  private readonly config: typeof DEFAULTS;
  private readonly env: Readonly<Record<string, string>> | undefined;
  private readonly bash: string;
  private readonly now: () => number;
  private readonly fs: LocalFs;
  private readonly bootId: string | null;
  private readonly host: string;
  /** This process as a submitter: pid and start time (tells it apart from a later owner of the pid). */
  private readonly self: { pid: number; startTicks: number | undefined };
  /** The crash test hook (core/executors/localCrashHook.ts); undefined outside those tests. */
  private readonly crashBeforeWrapper: (() => void) | undefined;
  /** Specs as read (without their environment: see LocalJobLaunch.env). */
  private readonly specs = new Map<number, LocalJobSpec>();
  private ready: Promise<string> | undefined;
  private nextId: { value: number; readAt: number } | undefined;
  private lastPrune = Number.NEGATIVE_INFINITY;

  constructor(options: LocalSchedulerOptions = {}) {
    this.stateDir = resolve(options.stateDir ?? defaultLocalStateDir());
    this.jobsDir = join(this.stateDir, 'jobs');
    this.config = {
      minJobAgeMs: options.minJobAgeMs ?? DEFAULTS.minJobAgeMs,
      retentionMs: options.retentionMs ?? DEFAULTS.retentionMs,
      killGraceMs: options.killGraceMs ?? DEFAULTS.killGraceMs,
      startGraceMs: options.startGraceMs ?? DEFAULTS.startGraceMs,
      pruneIntervalMs: options.pruneIntervalMs ?? DEFAULTS.pruneIntervalMs,
    };
    this.env = options.env;
    this.bash = options.bash ?? 'bash';
    this.now = options.now ?? Date.now;
    this.fs = options.fs ?? fsPromises;
    this.bootId = readBootId();
    this.host = hostname();
    this.self = { pid: process.pid, startTicks: processStartTicks(process.pid) };
    this.crashBeforeWrapper = crashBeforeWrapperHook();
  }

  /**
   * Starts `bash <scriptPath>` in `cwd` under the wrapper, detached (its own session), output to
   * `slurm-<id>.out` in `cwd`. `--time`, `--job-name` and `--cpus-per-task` are honoured from the
   * script's `#SBATCH` lines and `extraArgs`; other sbatch options are accepted and ignored.
   *
   * The spec is published first (that gives the id), with all it takes to start the job; then the
   * exclusive `<id>.launch` claim is taken and the wrapper started. Should this process die between
   * the two, a reader (queue() in any process) finds the job unclaimed and its submitter gone, and
   * starts it from the spec; the claim makes sure only one process ever starts a job.
   */
  async submit(scriptPath: string, options: SubmitOptions): Promise<SubmitResult> {
    const cwd = resolve(options.cwd);
    const script = resolve(cwd, scriptPath);
    await this.checkFolder(cwd);
    let text: string;
    try {
      text = await this.fs.readFile(script, 'utf8');
    } catch (error) {
      throw new SchedulerError('failed', 'local submit', `cannot read the job script ${script}: ${errorMessage(error)}`);
    }
    const parsed = localJobOptions([...scriptDirectives(text), ...(options.extraArgs ?? [])]);
    const name = options.jobName ?? parsed.jobName ?? basename(script);
    const wrapper = await this.prepare();
    const env: Record<string, string> = {
      ...definedEnv(process.env),
      ...this.env,
      SLURM_JOB_NAME: name,
      SLURM_SUBMIT_DIR: cwd,
      BATCHMAN_EXECUTOR: 'local',
    };
    if (parsed.cpusPerTask !== undefined) env.SLURM_CPUS_PER_TASK = String(parsed.cpusPerTask);
    const spec: Omit<LocalJobSpec, 'id'> = {
      version: 1,
      name,
      cwd,
      script,
      submittedAt: this.now(),
      timeLimitSeconds: parsed.timeLimitSeconds,
      bootId: this.bootId,
      submitter: { pid: this.self.pid, host: this.host, ...(this.self.startTicks !== undefined ? { startTicks: this.self.startTicks } : {}) },
      launch: { bash: this.bash, killGraceSeconds: seconds(this.config.killGraceMs), env },
    };
    const id = await this.claimId(spec);
    this.crashBeforeWrapper?.();

    let output;
    try {
      output = await this.fs.open(join(cwd, `slurm-${id}.out`), 'w');
    } catch (error) {
      await this.recordEnd(id, 1);
      throw new SchedulerError('failed', 'local submit', `cannot create the job output in ${cwd}: ${errorMessage(error)}`);
    }
    // Claimed as late as possible, right before the start: dying after the claim and before the
    // spawn leaves a job nobody may start, which only the start grace ends.
    let claimed: boolean;
    try {
      claimed = await this.claimLaunch(id);
    } catch (error) {
      await output.close();
      await this.recordEnd(id, 1);
      throw new SchedulerError('failed', 'local submit', `cannot record the job's start in ${this.jobsDir}: ${errorMessage(error)}`);
    }
    if (!claimed) {
      // a reader took it, so it judged this process gone (it is not): that reader starts the job
      await output.close();
      return { jobId: String(id) };
    }
    const failure = await this.startWrapper(wrapper, { ...spec, id }, output);
    if (failure !== undefined) {
      await this.recordEnd(id, 127);
      throw new SchedulerError('unavailable', 'local submit', `cannot start ${this.bash}: ${errorMessage(failure)}`);
    }
    return { jobId: String(id) };
  }

  /**
   * Spawns the wrapper of a claimed job with its output on `output` (closed here); resolves to the
   * spawn's error, or undefined once the wrapper runs.
   */
  private async startWrapper(wrapper: string, spec: LocalJobSpec, output: fsPromises.FileHandle): Promise<unknown> {
    const launch = spec.launch;
    const bash = launch?.bash ?? this.bash;
    const env: NodeJS.ProcessEnv = { ...(launch?.env ?? definedEnv(process.env)), SLURM_JOB_ID: String(spec.id), SLURM_JOBID: String(spec.id) };
    const grace = launch?.killGraceSeconds ?? seconds(this.config.killGraceMs);
    const args = [wrapper, this.jobsDir, String(spec.id), String(spec.timeLimitSeconds), grace, spec.script];
    // Not execa: the job must outlive this process (detached session, unref'ed, no timeout, no
    // cleanup on exit); the wrapper, not a promise here, records how it ends.
    let child;
    try {
      child = spawn(bash, args, { cwd: spec.cwd, env, detached: true, stdio: ['ignore', output.fd, output.fd] });
    } catch (error) {
      await output.close();
      return error ?? new Error('spawn failed');
    }
    const started = new Promise<unknown>((done) => {
      child.once('error', done);
      child.once('spawn', () => done(undefined));
    });
    child.on('error', () => undefined);
    await output.close(); // the child has its own copy of the descriptor
    const failure = await started;
    if (failure !== undefined || child.pid === undefined) return failure ?? new Error('no pid');
    child.unref();
    return undefined;
  }

  /**
   * Starts a job whose submitter died between publishing it and starting it, if this process wins
   * its `<id>.launch` claim (another reader, in this process or any other, may win it instead).
   * Failures become the job's end record, never queue()'s error.
   */
  private async adopt(id: number): Promise<void> {
    try {
      if (!(await this.claimLaunch(id))) return;
    } catch {
      return; // cannot write the claim here: nobody starts it, and the start grace ends it
    }
    let spec: LocalJobSpec | undefined;
    let output;
    let wrapper: string;
    try {
      wrapper = await this.prepare();
      // the spec again, whole: the cached one has no environment
      spec = parseSpec(await this.fs.readFile(join(this.jobsDir, specFileName(id)), 'utf8'), id);
      if (!spec) throw new Error('unreadable spec');
      output = await this.fs.open(join(spec.cwd, `slurm-${id}.out`), 'w');
    } catch {
      await this.recordEnd(id, 1).catch(() => undefined);
      return;
    }
    const failure = await this.startWrapper(wrapper, spec, output);
    if (failure !== undefined) await this.recordEnd(id, 127).catch(() => undefined);
  }

  /** Every job the state folder lists, ended ones for minJobAgeMs: ONE directory listing. */
  async queue(): Promise<QueueSnapshot> {
    const snapshot = await this.snapshot('local queue');
    const { now } = snapshot;
    const listed: [LocalJobFacts, DerivedJobState][] = [];
    for (const [id, derived] of snapshot.derived) {
      if (derived.final && (derived.endMs ?? 0) < now - this.config.minJobAgeMs) continue;
      const facts = snapshot.listing.jobs.get(id);
      if (facts) listed.push([facts, derived]);
    }
    await this.loadSpecs(listed.map(([facts]) => facts.id));
    const entries: QueueEntry[] = [];
    for (const [facts, derived] of listed) {
      const spec = this.specs.get(facts.id);
      const elapsedSeconds = elapsedOf(derived, now);
      entries.push({
        id: String(facts.id),
        state: derived.state,
        reason: derived.reason,
        elapsed: formatElapsed(elapsedSeconds),
        elapsedSeconds: Math.floor(elapsedSeconds),
        workDir: spec?.cwd ?? '',
        name: spec?.name ?? '',
      });
    }
    return { entries, at: now };
  }

  /** End records from the state files; always available (no slurmdbd to lack). */
  async accounting(ids: readonly string[]): Promise<AccountingResult> {
    const records = new Map<string, AccountingRecord>();
    if (ids.length === 0) return { available: true, records };
    const snapshot = await this.snapshot('local accounting');
    for (const id of ids) {
      if (!/^\d{1,15}$/.test(id)) continue;
      const derived = snapshot.derived.get(Number(id));
      const facts = snapshot.listing.jobs.get(Number(id));
      if (!derived || !facts) continue;
      records.set(id, accountingRecord(id, facts, derived, snapshot.now));
    }
    return { available: true, records };
  }

  /**
   * Cancels like scancel: the job's whole process group gets SIGTERM, then SIGKILL after the grace
   * period (the detached wrapper does it, so it happens even if this process exits). Unknown and
   * ended ids are ignored.
   */
  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const before = parseJobListing(await this.listJobs('local cancel'));
    const now = this.now();
    const uid = process.getuid?.() ?? 0;
    const asked: number[] = [];
    for (const raw of ids) {
      const id = Number(raw);
      const job = /^\d{1,15}$/.test(raw) ? before.jobs.get(id) : undefined;
      if (!job || job.end || job.lost) continue;
      asked.push(id);
      if (!job.cancel) await this.createMarker(cancelFileName(id, uid, now));
    }
    if (asked.length === 0) return;
    // Listed again AFTER the markers exist: a wrapper that had not written its run file yet will
    // find the marker once it has (it looks after writing it), so no cancel falls between the two.
    const after = parseJobListing(await this.listJobs('local cancel'));
    await this.loadSpecs(asked.filter((id) => after.jobs.get(id)?.run));
    for (const id of asked) {
      const job = after.jobs.get(id);
      if (!job?.run || job.end) continue;
      const spec = this.specs.get(id);
      if (!this.sameBoot(spec)) continue;
      if (processAlive(job.run.wrapperPid)) {
        signal(job.run.wrapperPid, 'SIGTERM');
      } else {
        // the wrapper is gone (killed on its own): signal the job's group from here
        const pgid = job.run.jobPid;
        if (signal(-pgid, 'SIGTERM')) {
          setTimeout(() => signal(-pgid, 'SIGKILL'), this.config.killGraceMs).unref();
        }
      }
    }
  }

  /** Lists the jobs folder once and derives every job's state; records jobs found gone. */
  private async snapshot(command: string): Promise<Snapshot> {
    const names = await this.listJobs(command);
    const listing = parseJobListing(names);
    const now = this.now();
    // Jobs still in motion need their spec (boot id, submit time); ended ones are known by name.
    await this.loadSpecs([...listing.jobs.values()].filter((job) => !job.end && !job.lost).map((job) => job.id));
    const derived = new Map<number, DerivedJobState>();
    const context = {
      now,
      startGraceMs: this.config.startGraceMs,
      alive: (run: NonNullable<LocalJobFacts['run']>, spec: LocalJobSpec | undefined) =>
        this.sameBoot(spec) && (processAlive(run.wrapperPid) || processAlive(run.jobPid)),
      submitter: (spec: LocalJobSpec) => this.submitterState(spec),
    };
    for (const job of listing.jobs.values()) {
      let state = deriveJobState(job, this.specs.get(job.id), context);
      if (state.markLost) {
        // The listing is a moment old: a job whose processes ended since wrote its end (or run) file after it, and is
        // not lost. Only a job still without them in a fresh listing is marked.
        const fresh = parseJobListing(await this.listJobs(command)).jobs.get(job.id) ?? job;
        state = deriveJobState(fresh, this.specs.get(job.id), context);
        if (state.markLost) await this.createMarker(lostFileName(job.id, now));
      }
      if (state.launch) {
        // PENDING either way: its run file comes from the wrapper this (or another) reader starts
        await this.adopt(job.id);
        state = { ...state, launch: false };
      }
      derived.set(job.id, state);
    }
    for (const id of this.specs.keys()) if (!listing.jobs.has(id)) this.specs.delete(id);
    if (now - this.lastPrune >= this.config.pruneIntervalMs) {
      this.lastPrune = now;
      await this.prune(names, listing, derived, now);
    }
    return { listing, now, derived };
  }

  private async listJobs(command: string): Promise<string[]> {
    try {
      return await this.fs.readdir(this.jobsDir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw new SchedulerError('failed', command, `cannot list ${this.jobsDir}: ${errorMessage(error)}`);
    }
  }

  /** Reads the specs not cached yet (a spec never changes, so each is read once per process). */
  private async loadSpecs(ids: readonly number[]): Promise<void> {
    const missing = ids.filter((id) => !this.specs.has(id));
    await Promise.all(
      missing.map(async (id) => {
        try {
          const spec = parseSpec(await this.fs.readFile(join(this.jobsDir, specFileName(id)), 'utf8'), id);
          if (spec) this.specs.set(id, withoutEnv(spec));
        } catch {
          // pruned meanwhile, or not ours: the job shows without a name
        }
      }),
    );
  }

  private sameBoot(spec: LocalJobSpec | undefined): boolean {
    return !spec?.bootId || !this.bootId || spec.bootId === this.bootId;
  }

  /** Judged only on the submitter's own host, and only where boot ids tell a reboot from a reused pid. */
  private submitterState(spec: LocalJobSpec): SubmitterState {
    const { pid, host, startTicks } = spec.submitter;
    if (host !== this.host || !spec.bootId || !this.bootId) return 'unknown';
    if (spec.bootId !== this.bootId) return 'rebooted';
    if (!processAlive(pid)) return 'gone';
    // the pid lives, but a process started later may have been given it
    return startTicks === undefined || processStartTicks(pid) === startTicks ? 'alive' : 'gone';
  }

  /** Drops jobs that ended more than retentionMs ago (never the highest id: new ids start above it). */
  private async prune(names: readonly string[], listing: JobListing, derived: Map<number, DerivedJobState>, now: number): Promise<void> {
    const cutoff = now - this.config.retentionMs;
    const doomed: string[][] = [];
    for (const [id, state] of derived) {
      if (id === listing.maxId || !state.final || (state.endMs ?? now) >= cutoff) continue;
      const files = listing.jobs.get(id)?.files ?? [];
      // the spec first: without it the rest is ignored debris, removed by a later pass
      doomed.push([...files.filter((f) => f.endsWith('.json')), ...files.filter((f) => !f.endsWith('.json'))]);
    }
    for (const orphan of listing.orphans) if (orphan.id < listing.maxId) doomed.push(orphan.files);
    // a submitter killed in the middle of claiming an id leaves its temporary spec behind
    for (const name of names) {
      const pid = /^\.claim\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1];
      if (pid !== undefined && !processAlive(Number(pid))) doomed.push([name]);
    }
    for (const files of doomed) {
      for (const file of files) await this.fs.unlink(join(this.jobsDir, file)).catch(() => undefined);
    }
  }

  private async checkFolder(cwd: string): Promise<void> {
    try {
      if ((await this.fs.stat(cwd)).isDirectory()) return;
    } catch (error) {
      throw new SchedulerError('failed', 'local submit', `cannot use ${cwd} as the job folder: ${errorMessage(error)}`);
    }
    throw new SchedulerError('failed', 'local submit', `cannot use ${cwd} as the job folder: not a directory`);
  }

  /** The state folders and the wrapper, made once per process. */
  private prepare(): Promise<string> {
    this.ready ??= (async () => {
      await this.fs.mkdir(this.jobsDir, { recursive: true, mode: 0o700 });
      return installWrapper(this.stateDir, this.fs);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw new SchedulerError('failed', 'local submit', `cannot prepare ${this.stateDir}: ${errorMessage(error)}`);
    });
    return this.ready;
  }

  /**
   * Publishes the spec under the next free id: written to a temporary file, then link()ed to
   * `<id>.json`, which fails if the name exists. So ids are unique across concurrent submitters
   * (any process, any instance) and no reader ever sees a half-written spec.
   */
  private async claimId(spec: Omit<LocalJobSpec, 'id'>): Promise<number> {
    const temp = join(this.jobsDir, `.claim.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      for (let attempt = 0; attempt < 10_000; attempt++) {
        const now = this.now();
        if (!this.nextId || now - this.nextId.readAt > ID_HINT_MAX_AGE_MS || attempt % 50 === 49) {
          const { maxId } = parseJobListing(await this.listJobs('local submit'));
          this.nextId = { value: Math.max(maxId + 1, this.nextId?.value ?? 1), readAt: now };
        }
        const id = this.nextId.value++;
        await this.fs.writeFile(temp, JSON.stringify({ ...spec, id }), { mode: 0o600 });
        try {
          await this.fs.link(temp, join(this.jobsDir, specFileName(id)));
        } catch (error) {
          if (isErrno(error, 'EEXIST')) continue;
          throw error;
        }
        this.specs.set(id, withoutEnv({ ...spec, id }));
        return id;
      }
      throw new Error('no free job id after 10,000 attempts');
    } catch (error) {
      throw new SchedulerError('failed', 'local submit', `cannot record the job in ${this.jobsDir}: ${errorMessage(error)}`);
    } finally {
      await this.fs.unlink(temp).catch(() => undefined);
    }
  }

  /** Takes the exclusive right to start job `id`'s wrapper: true for exactly one caller, ever. */
  private async claimLaunch(id: number): Promise<boolean> {
    try {
      await this.fs.writeFile(join(this.jobsDir, launchFileName(id)), '', { flag: 'wx', mode: 0o600 });
      return true;
    } catch (error) {
      if (isErrno(error, 'EEXIST')) return false;
      throw error;
    }
  }

  private async recordEnd(id: number, status: number): Promise<void> {
    await this.createMarker(endFileName(id, status, this.now()));
  }

  /** Creates an empty fact file; one that exists already (another reader was first) is fine. */
  private async createMarker(name: string): Promise<void> {
    try {
      await this.fs.writeFile(join(this.jobsDir, name), '', { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw new SchedulerError('failed', 'local', `cannot write ${name}: ${errorMessage(error)}`);
    }
  }
}

function accountingRecord(id: string, facts: LocalJobFacts, derived: DerivedJobState, now: number): AccountingRecord {
  let state: string = derived.state;
  if (derived.state === 'CANCELLED') state = `CANCELLED by ${facts.cancel?.uid ?? 0}`;
  const status = derived.exitStatus;
  let exitCode: number | undefined;
  let signalNumber: number | undefined;
  if (status !== undefined) {
    // bash reports a job killed by signal N as 128+N; after a cancel or a time limit that is the signal
    const killed = (derived.state === 'CANCELLED' || derived.state === 'TIMEOUT') && status > 128 && status < 128 + 65;
    exitCode = killed ? 0 : status;
    signalNumber = killed ? status - 128 : 0;
  }
  const elapsedSeconds = elapsedOf(derived, now);
  return {
    jobId: id,
    rawJobId: id,
    state,
    exitCode,
    signal: signalNumber,
    elapsed: formatElapsed(elapsedSeconds),
    elapsedSeconds: Math.floor(elapsedSeconds),
    start: derived.startMs !== undefined ? formatSacctTime(derived.startMs) : undefined,
    end: derived.final && derived.endMs !== undefined ? formatSacctTime(derived.endMs) : undefined,
  };
}

function elapsedOf(derived: DerivedJobState, now: number): number {
  if (derived.startMs === undefined) return 0;
  const until = derived.final ? (derived.endMs ?? now) : now;
  return Math.max(0, (until - derived.startMs) / 1000);
}

/**
 * Whether a process is alive: it exists and, where /proc tells, is not a zombie. A zombie is dead;
 * under an init that reaps lazily (some containers) a killed wrapper can stay one for long.
 * Never signals anything (and never pid 0 or 1).
 */
function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (!isErrno(error, 'EPERM')) return false;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // no /proc here (macOS): trust kill(); gone between the two calls: dead
    return !isErrno(error, 'ENOENT') || !existsSync('/proc/self');
  }
  // `pid (comm) S …`: the command may hold spaces and parentheses, the state follows the last `)`
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** Sends a signal to a pid (or a group when negative); false when there is no such process. */
function signal(target: number, name: NodeJS.Signals): boolean {
  if (!Number.isSafeInteger(target) || Math.abs(target) <= 1) return false;
  try {
    process.kill(target, name);
    return true;
  } catch {
    return false;
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat); undefined where unknown. */
function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after `pid (comm) `: state is field 3, so field 22 is the 20th of the rest
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function parseSpec(text: string, id: number): LocalJobSpec | undefined {
  const spec = JSON.parse(text) as LocalJobSpec;
  return spec.version === 1 && spec.id === id ? spec : undefined;
}

/** The spec to keep in memory: its environment is only needed to start it, and is read again then. */
function withoutEnv(spec: LocalJobSpec): LocalJobSpec {
  if (!spec.launch?.env) return spec;
  return { ...spec, launch: { bash: spec.launch.bash, killGraceSeconds: spec.launch.killGraceSeconds } };
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) defined[key] = value;
  return defined;
}

function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function seconds(ms: number): string {
  return String(Math.max(0, Math.round(ms) / 1000));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
