// The runner lock in one process: taking, refusing, taking over stale holders, heartbeat, release, leftovers.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import {
  HEARTBEAT_INTERVAL_MS,
  LockHeldError,
  LockLostError,
  STALE_AFTER_MS,
  acquireRunnerLock,
  isPidAlive,
  isRunnerAlive,
  lockPathFor,
  startHeartbeat,
} from '../../core/runner/lock.js';
import type { LockInfo } from '../../core/runner/lock.js';
import { FakeClock } from '../support/slurm/fakeClock.js';
import { tempDirs } from '../support/tempDir.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const tempDir = tempDirs();

function tempBatch(): { root: string; batchfile: string } {
  const root = tempDir('batchman-lock-');
  const batchfile = join(root, 'batchfile.csv');
  writeFileSync(batchfile, 'root_directory=.\n');
  return { root, batchfile };
}

function readLock(path: string): LockInfo {
  return JSON.parse(readFileSync(path, 'utf8')) as LockInfo;
}

function writeLock(path: string, info: Partial<LockInfo>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ host: hostname(), pid: process.pid, started: new Date(T0).toISOString(), recordId: 'old_1', heartbeat: new Date(T0).toISOString(), token: 'old', ...info }));
}

/** The pid of a process that has certainly exited (and was reaped). */
async function deadPid(): Promise<number> {
  const child = execa(process.execPath, ['-e', ''], { timeout: 10_000 });
  const pid = child.pid;
  await child;
  assert.ok(pid !== undefined);
  assert.equal(isPidAlive(pid), false);
  return pid;
}

describe('runner lock', () => {
  it('is taken atomically with host, pid, start, record id and heartbeat, and refuses a second runner by name', async () => {
    const { root, batchfile } = tempBatch();
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, recordId: '1740823200000_aaaa', now: () => T0 });
    assert.equal(lock.path, lockPathFor(root, batchfile));
    assert.equal(dirname(lock.path), join(root, '.batchman'));
    assert.match(basename(lock.path), /^batchfile-[0-9a-f]{10}\.lock$/);
    assert.equal(lock.previous, null);
    const onDisk = readLock(lock.path);
    assert.deepEqual(onDisk, lock.info);
    assert.deepEqual({ ...onDisk, token: '' }, { host: hostname(), pid: process.pid, started: '2025-03-01T10:00:00.000Z', recordId: '1740823200000_aaaa', heartbeat: '2025-03-01T10:00:00.000Z', token: '' });

    const refused = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => T0 + 5000 }).then(
      () => assert.fail('a second runner got the lock'),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof LockHeldError);
    assert.equal(refused.holder.pid, process.pid);
    assert.equal(refused.lockPath, lock.path);
    assert.match(refused.message, new RegExp(`pid ${process.pid} on host ${hostname()}, started 2025-03-01T10:00:00.000Z, last heartbeat 5 s ago`));
    assert.match(refused.message, /batch record 1740823200000_aaaa/);
    assert.deepEqual(readLock(lock.path), onDisk, 'a refused runner leaves the lock alone');

    assert.equal(await lock.release(), true);
    assert.deepEqual(readdirSync(join(root, '.batchman')), [], 'no lock, no temporary file left');
    const again = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile });
    assert.equal(again.previous, null);
    await again.release();
  });

  it('keeps two batchfiles of one root (even with the same stem) on different locks', async () => {
    const { root, batchfile } = tempBatch();
    mkdirSync(join(root, 'sub'));
    const twin = join(root, 'sub', 'batchfile.csv');
    writeFileSync(twin, 'root_directory=..\n');
    assert.notEqual(lockPathFor(root, batchfile), lockPathFor(root, twin));
    const a = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile });
    const b = await acquireRunnerLock({ rootPath: root, batchfilePath: twin });
    await a.release();
    await b.release();
  });

  it('takes over a lock whose runner on this host is dead, and reports the lost record', async () => {
    const { root, batchfile } = tempBatch();
    const path = lockPathFor(root, batchfile);
    const pid = await deadPid();
    writeLock(path, { pid, heartbeat: new Date().toISOString() });
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile });
    assert.equal(lock.previous?.pid, pid);
    assert.equal(lock.previous?.recordId, 'old_1');
    assert.equal(readLock(path).pid, process.pid);
    assert.deepEqual(readdirSync(dirname(path)), [basename(path)], 'claims and temporary files are cleaned up');
    await lock.release();
  });

  it('another host: refused while its heartbeat is fresh, taken over once it is stale (fake clock)', async () => {
    const { root, batchfile } = tempBatch();
    const path = lockPathFor(root, batchfile);
    writeLock(path, { host: 'compute-7', pid: 1, heartbeat: new Date(T0).toISOString() });
    const isPidAliveNeverAsked = () => assert.fail('another host’s pid must not be checked here');
    await assert.rejects(
      acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => T0 + STALE_AFTER_MS, isPidAlive: isPidAliveNeverAsked }),
      (error: unknown) => error instanceof LockHeldError && /pid 1 on host compute-7/.test(error.message),
    );
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => T0 + STALE_AFTER_MS + 1, isPidAlive: isPidAliveNeverAsked });
    assert.equal(lock.previous?.host, 'compute-7');
    await lock.release();
  });

  it('this host: a live pid with a heartbeat older than the limit is stale too (a hung runner)', async () => {
    const { root, batchfile } = tempBatch();
    const path = lockPathFor(root, batchfile);
    writeLock(path, { pid: process.pid, heartbeat: new Date(T0).toISOString() });
    await assert.rejects(acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => T0 + 1000 }), LockHeldError);
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => T0 + STALE_AFTER_MS + 1 });
    assert.equal(lock.previous?.token, 'old');
    await lock.release();
  });

  it('takes over a damaged lock file', async () => {
    const { root, batchfile } = tempBatch();
    const path = lockPathFor(root, batchfile);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '{"host": "lo');
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile });
    assert.equal(lock.previous, null);
    assert.equal(readLock(path).token, lock.info.token);
    await lock.release();
  });

  it('skips the claim of a taker that died mid-takeover instead of waiting forever', async () => {
    const { root, batchfile } = tempBatch();
    const path = lockPathFor(root, batchfile);
    const pid = await deadPid();
    writeLock(path, { pid });
    // what a taker leaves when it dies between claiming and replacing: a claim for this exact lock version
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(readFileSync(path, 'utf8')).digest('hex').slice(0, 16);
    writeFileSync(`${path}.takeover-${hash}-0`, JSON.stringify({ host: hostname(), pid, at: new Date().toISOString() }));
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, waitMs: 2000 });
    assert.equal(lock.previous?.pid, pid);
    assert.deepEqual(readdirSync(dirname(path)), [basename(path)]);
    await lock.release();
  });

  it('refreshes the heartbeat and record id; once taken over, refresh throws LockLostError and release leaves the new lock', async () => {
    const { root, batchfile } = tempBatch();
    let now = T0;
    const lock = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => now });
    now += HEARTBEAT_INTERVAL_MS;
    await lock.refreshHeartbeat();
    assert.equal(readLock(lock.path).heartbeat, new Date(T0 + HEARTBEAT_INTERVAL_MS).toISOString());
    await lock.refreshHeartbeat(T0 + 2 * HEARTBEAT_INTERVAL_MS);
    await lock.setRecordId('1740823200000_bbbb');
    assert.deepEqual(readLock(lock.path), lock.info);
    assert.equal(lock.info.recordId, '1740823200000_bbbb');
    assert.equal(lock.info.started, '2025-03-01T10:00:00.000Z');

    // This runner hangs; another one finds the heartbeat stale and takes over.
    const usurper = await acquireRunnerLock({ rootPath: root, batchfilePath: batchfile, now: () => T0 + 2 * HEARTBEAT_INTERVAL_MS + STALE_AFTER_MS + 1, pid: 31337 });
    assert.equal(usurper.previous?.token, lock.info.token);
    const lost = await lock.refreshHeartbeat().then(
      () => assert.fail('refresh succeeded on a lock that is not ours'),
      (error: unknown) => error,
    );
    assert.ok(lost instanceof LockLostError);
    assert.equal(lost.holder?.pid, 31337);
    assert.equal(await lock.release(), false);
    assert.equal(readLock(usurper.path).pid, 31337);
    assert.equal(await usurper.release(), true);
    await assert.rejects(lock.refreshHeartbeat(), (error: unknown) => error instanceof LockLostError && error.holder === null && /removed/.test(error.message));
  });
});

describe('isRunnerAlive', () => {
  const runner = (host: string, heartbeatAt: number) => ({ host, pid: 5, heartbeat: new Date(heartbeatAt).toISOString() });
  it('decides by pid on this host and by heartbeat everywhere', () => {
    assert.equal(isRunnerAlive(runner('a', T0), T0 + STALE_AFTER_MS, { host: 'a', isPidAlive: () => true }), true);
    assert.equal(isRunnerAlive(runner('a', T0), T0, { host: 'a', isPidAlive: () => false }), false);
    assert.equal(isRunnerAlive(runner('b', T0), T0, { host: 'a', isPidAlive: () => false }), true);
    assert.equal(isRunnerAlive(runner('b', T0), T0 + STALE_AFTER_MS + 1, { host: 'a' }), false);
    assert.equal(isRunnerAlive(runner('b', T0 + 30_000), T0, { host: 'a' }), true, 'a clock running ahead elsewhere is not stale');
    assert.equal(isRunnerAlive({ host: 'b', pid: 5, heartbeat: 'garbage' }, T0, { host: 'a' }), false);
  });

  it('checks pids with signal 0', async () => {
    assert.equal(isPidAlive(process.pid), true);
    assert.equal(isPidAlive(1), true, 'init exists even if it is not ours to signal');
    assert.equal(isPidAlive(await deadPid()), false);
    assert.equal(isPidAlive(0), false);
    assert.equal(isPidAlive(-1), false);
  });
});

describe('startHeartbeat', () => {
  it('beats every interval on its own timer, reports errors without stopping, and stops', async () => {
    const clock = new FakeClock(T0);
    const beats: number[] = [];
    const errors: unknown[] = [];
    const handle = startHeartbeat({
      clock,
      intervalMs: 1000,
      beat: async (now) => {
        beats.push(now);
        if (beats.length === 2) throw new Error('disk full');
      },
      onError: (error) => errors.push(error),
    });
    await clock.advance(999);
    assert.deepEqual(beats, []);
    await clock.advance(1);
    await clock.advance(3000);
    assert.deepEqual(beats, [T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /disk full/);
    await handle.stop();
    assert.equal(clock.pendingTimerCount, 0);
    await clock.advance(10_000);
    assert.equal(beats.length, 4);
  });

  it('stop waits for a beat in flight', async () => {
    const clock = new FakeClock(T0);
    let finish!: () => void;
    let finished = false;
    const handle = startHeartbeat({
      clock,
      intervalMs: 1000,
      beat: () =>
        new Promise<void>((resolve) => {
          finish = () => {
            finished = true;
            resolve();
          };
        }),
    });
    await clock.advance(1000);
    const stopped = handle.stop().then(() => finished);
    finish();
    assert.equal(await stopped, true);
    assert.equal(clock.pendingTimerCount, 0);
  });
});
