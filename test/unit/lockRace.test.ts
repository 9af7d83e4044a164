// Real processes racing for one runner lock (fresh, and stale in each way): exactly one wins, the others are refused.
// Run with BATCHMAN_LOCK_RACE_CHILD set, this file is the racing child instead of the test.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { LockHeldError, STALE_AFTER_MS, acquireRunnerLock, isPidAlive, lockPathFor } from '../../core/runner/lock.js';
import type { LockInfo } from '../../core/runner/lock.js';
import { tempDirs } from '../support/tempDir.js';

interface ChildReport {
  result: 'won' | 'refused' | 'error';
  pid: number;
  holderPid?: number;
  message?: string;
}

if (process.env.BATCHMAN_LOCK_RACE_CHILD) {
  await runChild(process.env.BATCHMAN_LOCK_RACE_CHILD);
} else {
  defineTests();
}

/** Says `ready`, waits for `go` on stdin, races for the lock, reports, then holds on until stdin closes. */
async function runChild(batchfile: string): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  process.stdout.write('ready\n');
  await lines.next();
  let report: ChildReport;
  try {
    const lock = await acquireRunnerLock({ rootPath: dirname(batchfile), batchfilePath: batchfile, recordId: `child_${process.pid}` });
    report = { result: 'won', pid: process.pid, holderPid: lock.info.pid };
  } catch (error) {
    report = error instanceof LockHeldError
      ? { result: 'refused', pid: process.pid, holderPid: error.holder.pid, message: error.message }
      : { result: 'error', pid: process.pid, message: String((error as Error).stack ?? error) };
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  // Holding the process (and so the pid in the lock) alive until every racer has reported.
  while (!(await lines.next()).done) {
    // ignore further input
  }
}

function defineTests(): void {
  const RACERS = 5;
  const self = fileURLToPath(import.meta.url);
  const tempDir = tempDirs();

  async function race(batchfile: string): Promise<ChildReport[]> {
    const children: ResultPromise[] = [];
    try {
      for (let i = 0; i < RACERS; i++) {
        children.push(
          execa(process.execPath, ['--import', 'tsx', self], {
            env: { BATCHMAN_LOCK_RACE_CHILD: batchfile },
            stdin: 'pipe',
            timeout: 60_000,
            reject: false,
          }),
        );
      }
      const readers = children.map((child) => createInterface({ input: child.stdout! })[Symbol.asyncIterator]());
      // Everyone is loaded and waiting before anyone starts: the race is as tight as writes to pipes.
      for (const reader of readers) assert.equal((await reader.next()).value, 'ready');
      for (const child of children) child.stdin!.write('go\n');
      const reports: ChildReport[] = [];
      for (const reader of readers) reports.push(JSON.parse((await reader.next()).value as string) as ChildReport);
      return reports;
    } finally {
      for (const child of children) child.stdin?.end();
      const results = await Promise.all(children);
      for (const result of results) assert.equal(result.exitCode, 0, String(result.stderr));
    }
  }

  function checkOneWinner(reports: ChildReport[], lockPath: string): void {
    const errors = reports.filter((r) => r.result === 'error');
    assert.deepEqual(errors, [], 'no racer may fail other than by being refused');
    const winners = reports.filter((r) => r.result === 'won');
    assert.equal(winners.length, 1, `exactly one winner, got ${JSON.stringify(reports)}`);
    const winner = winners[0]!.pid;
    for (const loser of reports.filter((r) => r.result === 'refused')) {
      assert.equal(loser.holderPid, winner, 'a refused racer names the winner');
      assert.match(loser.message!, new RegExp(`pid ${winner} on host `));
    }
    const onDisk = JSON.parse(readFileSync(lockPath, 'utf8')) as LockInfo;
    assert.equal(onDisk.pid, winner);
    assert.equal(onDisk.recordId, `child_${winner}`);
    assert.deepEqual(readdirSync(dirname(lockPath)), [basename(lockPath)], 'no claim or temporary file left');
  }

  function setup(existing?: Partial<LockInfo>): { batchfile: string; lockPath: string } {
    const root = tempDir('batchman-lockrace-');
    const batchfile = join(root, 'batchfile.csv');
    writeFileSync(batchfile, 'root_directory=.\n');
    const lockPath = lockPathFor(root, batchfile);
    if (existing) {
      mkdirSync(dirname(lockPath), { recursive: true });
      const at = new Date().toISOString();
      writeFileSync(lockPath, JSON.stringify({ host: hostname(), pid: process.pid, started: at, recordId: 'lost_1', heartbeat: at, token: 'stale', ...existing }));
    }
    return { batchfile, lockPath };
  }

  async function deadPid(): Promise<number> {
    const child = execa(process.execPath, ['-e', ''], { timeout: 10_000 });
    const pid = child.pid!;
    await child;
    assert.equal(isPidAlive(pid), false);
    return pid;
  }

  describe('runner lock races between real processes', { timeout: 300_000 }, () => {
    it('no lock yet: exactly one of the racers takes it', async () => {
      const { batchfile, lockPath } = setup();
      checkOneWinner(await race(batchfile), lockPath);
    });

    it('stale lock of a dead runner on this host: exactly one takes it over (three rounds)', async () => {
      for (let round = 0; round < 3; round++) {
        const { batchfile, lockPath } = setup({ pid: await deadPid() });
        checkOneWinner(await race(batchfile), lockPath);
      }
    });

    it('stale lock of another host (old heartbeat): exactly one takes it over', async () => {
      const { batchfile, lockPath } = setup({ host: 'compute-9', pid: 1, heartbeat: new Date(Date.now() - STALE_AFTER_MS - 60_000).toISOString() });
      checkOneWinner(await race(batchfile), lockPath);
    });

    it('live runner (this test process): every racer is refused and the lock is untouched', async () => {
      const { batchfile, lockPath } = setup({ pid: process.pid });
      const before = readFileSync(lockPath, 'utf8');
      const reports = await race(batchfile);
      assert.deepEqual(reports.map((r) => [r.result, r.holderPid]), reports.map(() => ['refused', process.pid]));
      assert.equal(readFileSync(lockPath, 'utf8'), before);
    });
  });
}
