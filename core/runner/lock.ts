// One runner per batch: the lock file under `<root>/.batchman/`, who holds it, when it is stale, and the heartbeat.
//
// Why links and claims: the lock is created with link(2) from a complete temporary file, which fails with
// EEXIST when a lock exists, so a reader never sees a half-written lock and exactly one of two fresh
// runners wins. Taking over a STALE lock cannot be a plain unlink + create (two takers would each remove
// the other's new lock), so a taker first claims that exact lock version (the hash of its bytes) with
// another exclusive link, re-checks the lock still has those bytes, then renames its own lock over it.
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import type { Clock, TimerHandle } from '../slurm/clock.js';
import { systemClock } from '../slurm/clock.js';

/** How often a runner refreshes its heartbeat (lock and batch record). */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A heartbeat older than this means the runner is gone (or hung): six missed beats. */
export const STALE_AFTER_MS = 6 * HEARTBEAT_INTERVAL_MS;
/** A takeover takes milliseconds; a claim older than this belongs to a taker that died or hung. */
const CLAIM_STALE_MS = 30_000;
/** How long `acquireRunnerLock` waits for a competing takeover to finish before giving up. */
const DEFAULT_WAIT_MS = 10_000;
const RETRY_DELAY_MS = 15;

/** What the lock file holds (JSON). */
export interface LockInfo {
  host: string;
  pid: number;
  /** ISO 8601. */
  started: string;
  recordId: string | null;
  /** ISO 8601, refreshed every HEARTBEAT_INTERVAL_MS. */
  heartbeat: string;
  /** A random nonce: how a runner recognises its own lock. */
  token: string;
}

/** The facts liveness is decided from; both LockInfo and a batch record's `runner` have them. */
export interface RunnerIdentity {
  host: string;
  pid: number;
  heartbeat: string;
}

export interface LivenessOptions {
  /** This machine's name; default os.hostname(). */
  host?: string;
  /** Default `isPidAlive` (signal 0). */
  isPidAlive?: (pid: number) => boolean;
  staleAfterMs?: number;
}

/**
 * A runner is alive when its heartbeat is fresher than the staleness limit and, when it runs on this host,
 * its pid still exists. Another host's pid cannot be checked, so there the heartbeat alone decides.
 */
export function isRunnerAlive(runner: RunnerIdentity, now: number, options: LivenessOptions = {}): boolean {
  const beat = Date.parse(runner.heartbeat);
  if (!Number.isFinite(beat) || now - beat > (options.staleAfterMs ?? STALE_AFTER_MS)) return false;
  if (runner.host === (options.host ?? hostname())) return (options.isPidAlive ?? isPidAlive)(runner.pid);
  return true;
}

/** Signal 0 checks existence without touching the process; EPERM means it exists but is someone else's. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

/**
 * `<root>/.batchman/<batchfile-stem>-<hash>.lock`: the stem keeps it readable, the hash of the batchfile's
 * real path keeps two batchfiles sharing a root (or one stem) apart, and one batchfile reached through a
 * symlink on the same lock.
 */
export function lockPathFor(rootPath: string, batchfilePath: string): string {
  const absolute = resolve(batchfilePath);
  let real = absolute;
  try {
    real = realpathSync(absolute);
  } catch {
    // not there (yet): the absolute path is the best key
  }
  const stem = basename(absolute, extname(absolute)).replace(/[^A-Za-z0-9._-]/g, '_') || 'batch';
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 10);
  return join(resolve(rootPath), '.batchman', `${stem}-${hash}.lock`);
}

/** Another live runner holds the batch. */
export class LockHeldError extends Error {
  constructor(
    readonly holder: LockInfo,
    readonly lockPath: string,
    now: number = Date.now(),
  ) {
    const beat = Date.parse(holder.heartbeat);
    const age = Number.isFinite(beat) ? `, last heartbeat ${Math.max(0, Math.round((now - beat) / 1000))} s ago` : '';
    super(
      `another runner is already running this batch: pid ${holder.pid} on host ${holder.host}, started ${holder.started}${age}` +
        `${holder.recordId ? ` (batch record ${holder.recordId})` : ''}; lock file ${lockPath}`,
    );
    this.name = 'LockHeldError';
  }
}

/** Our lock was taken over (we looked dead: heartbeat stale) or removed; this runner must stop. */
export class LockLostError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: LockInfo | null,
  ) {
    super(
      holder
        ? `the runner lock ${lockPath} was taken over by pid ${holder.pid} on host ${holder.host}`
        : `the runner lock ${lockPath} was removed by someone else`,
    );
    this.name = 'LockLostError';
  }
}

export interface AcquireLockOptions extends LivenessOptions {
  rootPath: string;
  batchfilePath: string;
  /** The batch record this runner writes; can be set later with `setRecordId`. */
  recordId?: string | null;
  /** Default Date.now; timestamps in the lock and staleness use it. */
  now?: () => number;
  /** Default process.pid. */
  pid?: number;
  /** How long to wait while another process is taking over the same stale lock. */
  waitMs?: number;
}

export interface RunnerLock {
  readonly path: string;
  /** What our lock file holds now. */
  readonly info: LockInfo;
  /** The stale lock this one replaced (its `recordId` names the batch record that was lost), or null. */
  readonly previous: LockInfo | null;
  /** Rewrites the heartbeat; throws LockLostError when the lock is no longer ours. */
  refreshHeartbeat(now?: number): Promise<void>;
  setRecordId(recordId: string): Promise<void>;
  /** Removes the lock if it is still ours; true when it was. */
  release(): Promise<boolean>;
}

/**
 * Takes the runner lock of a batchfile: throws LockHeldError when a live runner holds it, takes it over
 * when the holder is stale (dead pid on this host, or heartbeat older than the staleness limit).
 */
export async function acquireRunnerLock(options: AcquireLockOptions): Promise<RunnerLock> {
  const path = lockPathFor(options.rootPath, options.batchfilePath);
  await mkdir(dirname(path), { recursive: true });
  const now = options.now ?? Date.now;
  const liveness: LivenessOptions = { host: options.host ?? hostname(), ...(options.isPidAlive ? { isPidAlive: options.isPidAlive } : {}), ...(options.staleAfterMs !== undefined ? { staleAfterMs: options.staleAfterMs } : {}) };
  // Waiting on a competitor is measured in real time, whatever clock the caller injected.
  const deadline = Date.now() + (options.waitMs ?? DEFAULT_WAIT_MS);
  for (;;) {
    const time = new Date(now()).toISOString();
    const mine: LockInfo = {
      host: liveness.host!,
      pid: options.pid ?? process.pid,
      started: time,
      recordId: options.recordId ?? null,
      heartbeat: time,
      token: randomBytes(12).toString('hex'),
    };
    if (await linkNew(path, serialise(mine))) {
      await removeClaims(path);
      return new FileRunnerLock(path, mine, null, now);
    }
    const current = await readLockFile(path);
    if (current === null) continue; // released between our link and our read
    if (current.info && isRunnerAlive(current.info, now(), liveness)) throw new LockHeldError(current.info, path, now());
    const outcome = await takeOver(path, current.raw, serialise(mine), now(), liveness);
    if (outcome === 'won') {
      await removeClaims(path);
      return new FileRunnerLock(path, mine, current.info, now);
    }
    if (Date.now() > deadline) {
      const holder = (await readLockFile(path))?.info;
      if (holder) throw new LockHeldError(holder, path, now());
      throw new Error(`could not take the runner lock ${path}: another process kept taking it over`);
    }
    // 'busy': another process is taking the same stale lock over; 'changed': the lock moved on. Look again.
    await delay(outcome === 'busy' ? RETRY_DELAY_MS : 0);
  }
}

class FileRunnerLock implements RunnerLock {
  constructor(
    readonly path: string,
    public info: LockInfo,
    readonly previous: LockInfo | null,
    private readonly now: () => number,
  ) {}

  async refreshHeartbeat(now: number = this.now()): Promise<void> {
    await this.rewrite({ ...this.info, heartbeat: new Date(now).toISOString() });
  }

  async setRecordId(recordId: string): Promise<void> {
    await this.rewrite({ ...this.info, recordId });
  }

  async release(): Promise<boolean> {
    const current = await readLockFile(this.path);
    if (current?.info?.token !== this.info.token) return false;
    await unlink(this.path).catch((error: unknown) => {
      if (!isErrno(error, 'ENOENT')) throw error;
    });
    return true;
  }

  private async rewrite(next: LockInfo): Promise<void> {
    const current = await readLockFile(this.path);
    if (current?.info?.token !== this.info.token) throw new LockLostError(this.path, current?.info ?? null);
    await replaceWith(this.path, serialise(next));
    this.info = next;
  }
}

interface LockFileContent {
  raw: string;
  /** Null when the file is damaged (not a lock we can read): such a lock is stale. */
  info: LockInfo | null;
}

/** The runner that holds a batch's lock and is alive, or null: others then follow the ledger, not SLURM. */
export async function liveRunner(rootPath: string, batchfilePath: string, now: number = Date.now(), options: LivenessOptions = {}): Promise<LockInfo | null> {
  const content = await readLockFile(lockPathFor(rootPath, batchfilePath));
  return content?.info && isRunnerAlive(content.info, now, options) ? content.info : null;
}

async function readLockFile(path: string): Promise<LockFileContent | null> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  return { raw, info: parseLockInfo(raw) };
}

function parseLockInfo(raw: string): LockInfo | null {
  try {
    const value = JSON.parse(raw) as Partial<LockInfo> | null;
    if (typeof value !== 'object' || value === null) return null;
    if (typeof value.host !== 'string' || typeof value.pid !== 'number' || typeof value.heartbeat !== 'string') return null;
    return {
      host: value.host,
      pid: value.pid,
      started: typeof value.started === 'string' ? value.started : value.heartbeat,
      recordId: typeof value.recordId === 'string' ? value.recordId : null,
      heartbeat: value.heartbeat,
      token: typeof value.token === 'string' ? value.token : '',
    };
  } catch {
    return null;
  }
}

function serialise(info: LockInfo): string {
  return `${JSON.stringify(info, null, 2)}\n`;
}

type TakeoverOutcome = 'won' | 'busy' | 'changed';

/**
 * Replaces the stale lock whose bytes are `staleRaw`. Claims are `<lock>.takeover-<hash>-<level>`, made
 * exclusively; a claim whose taker died or hung is never removed by others (that would race) but skipped
 * by claiming the next level.
 */
async function takeOver(path: string, staleRaw: string, mineRaw: string, now: number, liveness: LivenessOptions): Promise<TakeoverOutcome> {
  const staleHash = createHash('sha256').update(staleRaw).digest('hex').slice(0, 16);
  const claim = (level: number) => `${path}.takeover-${staleHash}-${level}`;
  const claimRaw = JSON.stringify({ host: liveness.host, pid: process.pid, at: new Date(now).toISOString() });
  for (let level = 0; level < 64; level++) {
    if (await linkNew(claim(level), claimRaw)) {
      try {
        // Only the holder of this claim may replace this version of the lock; is it still this version?
        const current = await readLockFile(path);
        if (current === null || current.raw !== staleRaw) return 'changed';
        await replaceWith(path, mineRaw);
        return 'won';
      } finally {
        for (let done = 0; done <= level; done++) await unlink(claim(done)).catch(() => undefined);
      }
    }
    if (await claimIsLive(claim(level), now, liveness)) return 'busy';
  }
  return 'busy';
}

async function claimIsLive(path: string, now: number, liveness: LivenessOptions): Promise<boolean> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    // removed: the taker finished (won or found the lock changed); the caller looks at the lock again
    if (isErrno(error, 'ENOENT')) return true;
    throw error;
  }
  try {
    const claim = JSON.parse(raw) as { host?: unknown; pid?: unknown; at?: unknown };
    const at = typeof claim.at === 'string' ? Date.parse(claim.at) : NaN;
    if (!Number.isFinite(at) || now - at > CLAIM_STALE_MS) return false;
    if (claim.host === liveness.host && typeof claim.pid === 'number') return (liveness.isPidAlive ?? isPidAlive)(claim.pid);
    return true;
  } catch {
    return false;
  }
}

/** Creates `path` with `content` only if it does not exist; false when it does. The content is complete on arrival. */
async function linkNew(path: string, content: string): Promise<boolean> {
  const temp = tempPathFor(path);
  await writeFile(temp, content, { flag: 'wx', mode: 0o644 });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Replaces `path` atomically (rename), whatever is there. */
async function replaceWith(path: string, content: string): Promise<void> {
  const temp = tempPathFor(path);
  await writeFile(temp, content, { flag: 'wx', mode: 0o644 });
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Leftover claims (of takers that died) are moot once we hold the lock: no one can take over a version that is gone. */
async function removeClaims(path: string): Promise<void> {
  const prefix = `${basename(path)}.takeover-`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) if (name.startsWith(prefix)) await unlink(join(dirname(path), name)).catch(() => undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface HeartbeatOptions {
  /** One beat: typically `lock.refreshHeartbeat(now)` then `heartbeat(recordPath, now)`. */
  beat: (now: number) => Promise<void>;
  intervalMs?: number;
  clock?: Clock;
  /** A failed beat (LockLostError means another runner took over: stop). Beats go on after an error unless stopped. */
  onError?: (error: unknown) => void;
}

export interface HeartbeatHandle {
  /** Stops beating; resolves once a beat in flight has finished. */
  stop(): Promise<void>;
}

/** Beats every `intervalMs` on its own timer, so a long poll or a slow submit never lets the heartbeat go stale. */
export function startHeartbeat(options: HeartbeatOptions): HeartbeatHandle {
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  let stopped = false;
  let timer: TimerHandle | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const schedule = () => {
    timer = clock.setTimeout(() => {
      inFlight = options
        .beat(clock.now())
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, interval);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      await inFlight;
    },
  };
}
