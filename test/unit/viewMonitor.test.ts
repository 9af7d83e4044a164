// The Batches view's live state over real files: a live runner's ledger is followed without asking SLURM; otherwise
// ONE shared poller (real Poller, scripted squeue/sacct, fake clock) serves every batch; a failing squeue makes the
// batches stale with the last states kept; ended jobs are decided from their output; updates carry the transitions.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { jobKey } from '../../core/ledger/jobKey.js';
import { writeLedger } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { acquireRunnerLock } from '../../core/runner/lock.js';
import { Poller } from '../../core/slurm/poller.js';
import { SlurmScheduler } from '../../core/slurm/slurmScheduler.js';
import { BatchMonitor } from '../../core/view/batchMonitor.js';
import type { FileWatcherFactory, WatchRequest } from '../../core/view/batchMonitor.js';
import { BatchTree, batchNodeId } from '../../core/view/batchTree.js';
import type { TreeDiff } from '../../core/view/batchTree.js';
import type { BatchUpdate } from '../../core/view/notifications.js';
import { noticesFor } from '../../core/view/notifications.js';
import { FakeClock } from '../support/slurm/fakeClock.js';
import { FakeSlurm } from '../support/slurm/fakeSlurm.js';
import { scriptedRunner } from '../support/slurm/scriptedRunner.js';

const scratch = mkdtempSync(join(tmpdir(), 'batchman-view-monitor-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const BATCHFILE = ['root_directory=.', 'job_basename|job_directory|program|pipe', 'a|a|shell|', 'b|b|shell|coords{../a,a.xyz}', 'c|c|shell|coords{../b,b.xyz}', ''].join('\n');

let counter = 0;
function batchDir(): { dir: string; batchfile: string; ledger: string } {
  const dir = join(scratch, `batch${++counter}`);
  for (const name of ['a', 'b', 'c']) mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, 'batchfile.csv'), BATCHFILE);
  return { dir, batchfile: join(dir, 'batchfile.csv'), ledger: join(dir, '__ledger__.csv') };
}

function row(dir: string, basename: string, status: LedgerRow['status'], jobId = -1): LedgerRow {
  return { jobId, basename, directory: join(dir, basename), status, program: 'shell' };
}

/** Records watch requests; `changed(path)` plays the file watcher's part for a file the test just wrote. */
class Watchers {
  readonly requests: { request: WatchRequest; onChange: () => void; disposed: boolean }[] = [];
  readonly factory: FileWatcherFactory = (request, onChange) => {
    const entry = { request, onChange, disposed: false };
    this.requests.push(entry);
    return { dispose: () => void (entry.disposed = true) };
  };

  changed(path: string): number {
    let fired = 0;
    for (const { request, onChange, disposed } of this.requests) {
      if (disposed) continue;
      const pattern = new RegExp(`^${escape(request.base)}/${request.pattern.split('*').map(escape).join('[^/]*')}$`);
      if (pattern.test(path)) {
        onChange();
        fired++;
      }
    }
    return fired;
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function setup() {
  const clock = new FakeClock(Date.now());
  const slurm = new FakeSlurm();
  const runner = scriptedRunner(slurm.respond, () => clock.now());
  const pollers: Poller[] = [];
  const watchers = new Watchers();
  const tree = new BatchTree();
  const monitor = new BatchMonitor({
    tree,
    clock,
    now: () => clock.now(),
    debounceMs: 50,
    watchFiles: watchers.factory,
    defaultExecutor: () => 'slurm',
    pollerFor: () => {
      const poller = new Poller({ scheduler: new SlurmScheduler({ runner: runner.run, now: () => clock.now() }), clock });
      pollers.push(poller);
      return poller;
    },
  });
  const diffs: TreeDiff[] = [];
  const updates: BatchUpdate[] = [];
  monitor.onDidChangeTree((diff) => diffs.push(diff));
  monitor.onDidUpdateBatch((update) => updates.push(update));
  /** Time passes: debounced reloads and poller ticks run, then everything they queued. */
  const advance = async (ms: number) => {
    await clock.advance(ms);
    await monitor.settled();
    for (const poller of pollers) await poller.settled();
    await monitor.settled();
  };
  const statuses = (id: string) => tree.children(batchNodeId(id)).map((node) => `${node.label}:${node.job?.status}`);
  return { clock, slurm, runner, pollers, watchers, tree, monitor, diffs, updates, advance, statuses };
}

describe('batch monitor: where live state comes from', () => {
  test('a batchfile with errors: the batch says how many, with an error mark, instead of dropping the bad row silently', async () => {
    const { monitor, tree, watchers, advance, statuses } = setup();
    const { batchfile } = batchDir();
    writeFileSync(batchfile, BATCHFILE.replace('c|c|shell|', 'c|c|nosuchprogram|'));
    await monitor.add(batchfile);
    assert.deepEqual(statuses(batchfile), ['a:not_started', 'b:not_started'], 'the bad row is not a job');
    const node = tree.node(batchNodeId(batchfile))!;
    assert.match(node.description, /^1 error in the batchfile · 0\/2 succeeded$/);
    assert.equal(node.icon.id, 'error');
    assert.equal(node.problems, 1);
    assert.match(tree.tooltip(node.id), /1 error in the batchfile: its rows with errors are not jobs/);
    // fixed: the mark goes, the row is a job again
    writeFileSync(batchfile, BATCHFILE);
    watchers.changed(batchfile);
    await advance(100);
    assert.deepEqual(statuses(batchfile), ['a:not_started', 'b:not_started', 'c:not_started']);
    assert.equal(tree.node(batchNodeId(batchfile))!.description, '0/3 succeeded');
    assert.equal(tree.node(batchNodeId(batchfile))!.problems, undefined);
  });

  test('a batch never launched: its jobs, not started, and nobody asks SLURM', async () => {
    const { monitor, tree, runner, pollers, statuses } = setup();
    const { batchfile } = batchDir();
    await monitor.add(batchfile);
    assert.deepEqual(statuses(batchfile), ['a:not_started', 'b:not_started', 'c:not_started']);
    assert.equal(tree.batch(batchfile)?.live, 'idle');
    assert.equal(pollers.length, 0);
    assert.equal(runner.calls.length, 0);
    monitor.dispose();
  });

  test('while the runner is alive the ledger is followed, SLURM is not asked; when it stops, the poller takes over', async () => {
    const { monitor, tree, runner, pollers, watchers, slurm, advance, statuses, updates } = setup();
    const { dir, batchfile, ledger } = batchDir();
    const lock = await acquireRunnerLock({ rootPath: dir, batchfilePath: batchfile });
    await writeLedger(ledger, { rows: [row(dir, 'a', 'running', 11), row(dir, 'b', 'not_started'), row(dir, 'c', 'not_started')], extraColumns: [] });
    await monitor.add(batchfile);
    assert.equal(tree.batch(batchfile)?.live, 'runner');
    assert.deepEqual(statuses(batchfile), ['a:running', 'b:not_started', 'c:not_started']);
    // its files are known as its own (a runner's atomic rewrites need no workspace search); others are not
    assert.ok(monitor.owns(batchfile) && monitor.owns(ledger));
    assert.ok(!monitor.owns(join(dir, 'other', '__ledger__.csv')) && !monitor.owns(join(dir, 'batchfile2.csv')));

    // the runner writes its ledger: the file watcher fires, the view follows after the debounce
    await writeLedger(ledger, { rows: [row(dir, 'a', 'succeeded', 11), row(dir, 'b', 'pending', 12), row(dir, 'c', 'not_started')], extraColumns: [] });
    assert.ok(watchers.changed(ledger) > 0, 'the ledger is watched');
    await advance(50);
    assert.deepEqual(statuses(batchfile), ['a:succeeded', 'b:pending', 'c:not_started']);
    assert.equal(runner.count('squeue'), 0, 'a live runner\'s batch is never polled');
    assert.equal(pollers.length, 0);
    assert.deepEqual(updates.at(-1)?.transitions.map((t) => `${t.basename}:${t.from}>${t.to}`), ['a:running>succeeded', 'b:not_started>pending']);
    assert.equal(updates.at(-1)?.ended, false);

    // the runner stops (killed: its lock stays... here released) with b still in SLURM: the shared poller follows b
    slurm.add({ id: '12', state: 'RUNNING', elapsed: '0:07' });
    await lock.release();
    assert.ok(watchers.changed(join(dir, '.batchman', 'x.lock')) > 0, 'the root\'s locks are watched');
    await advance(50);
    assert.equal(tree.batch(batchfile)?.live, 'poller');
    await advance(0);
    assert.equal(runner.count('squeue'), 1);
    assert.deepEqual(statuses(batchfile), ['a:succeeded', 'b:running', 'c:not_started']);
    assert.equal(tree.job(batchfile, jobKey(join(dirname(batchfile), 'b'), 'b'))?.elapsed, '0:07');

    // b ends in SLURM: its output decides (a shell job: exit code 0 is success); the batch has nothing active left
    slurm.update('12', { inQueue: false, sacct: { state: 'COMPLETED', exitCode: '0:0' } });
    await advance(5_000);
    assert.deepEqual(statuses(batchfile), ['a:succeeded', 'b:succeeded', 'c:not_started']);
    assert.equal(tree.batch(batchfile)?.live, 'idle');
    assert.equal(updates.at(-1)?.ended, true);
    monitor.dispose();
  });

  test('ONE squeue per tick serves every batch; a failing squeue makes them stale and keeps the last states', async () => {
    const { monitor, tree, runner, slurm, advance, statuses, pollers } = setup();
    const one = batchDir();
    const two = batchDir();
    await writeLedger(one.ledger, { rows: [row(one.dir, 'a', 'pending', 21), row(one.dir, 'b', 'not_started'), row(one.dir, 'c', 'not_started')], extraColumns: [] });
    await writeLedger(two.ledger, { rows: [row(two.dir, 'a', 'succeeded', 31), row(two.dir, 'b', 'pending', 32), row(two.dir, 'c', 'not_started')], extraColumns: [] });
    slurm.add({ id: '21', state: 'RUNNING' }, { id: '32', state: 'PENDING', reason: 'Priority' });
    await monitor.sync([one.batchfile, two.batchfile]);
    await advance(0);
    assert.equal(pollers.length, 1, 'one poller for both batches');
    assert.equal(runner.count('squeue'), 1);
    assert.deepEqual(statuses(one.batchfile), ['a:running', 'b:not_started', 'c:not_started']);
    assert.deepEqual(statuses(two.batchfile), ['a:succeeded', 'b:pending', 'c:not_started']);
    assert.equal(tree.job(two.batchfile, jobKey(join(dirname(two.batchfile), 'b'), 'b'))?.reason, 'Priority');
    await advance(60_000);
    await advance(60_000);
    assert.ok(runner.count('squeue') >= 2);
    assert.equal(runner.count('squeue'), pollers[0]!.stats.ticks, 'one squeue per tick, whatever the number of batches');

    slurm.squeueFault = 'exit1';
    await advance(60_000);
    for (const id of [one.batchfile, two.batchfile]) {
      assert.match(tree.batch(id)?.stale ?? '', /^squeue failed: .*Unable to contact slurm controller/);
      assert.match(tree.roots().find((n) => n.batchId === id)!.description, /stale$/);
    }
    assert.deepEqual(statuses(one.batchfile), ['a:running', 'b:not_started', 'c:not_started'], 'the last known states stay');
    assert.equal(tree.children(batchNodeId(one.batchfile))[0]!.icon.id, 'warning');

    slurm.squeueFault = undefined;
    await advance(120_000);
    assert.equal(tree.batch(one.batchfile)?.stale, null);
    assert.equal(tree.batch(two.batchfile)?.stale, null);

    // hidden: the poller slows down (its next tick moves out by the hidden factor)
    const before = pollers[0]!.stats.nextTickAt!;
    monitor.setVisible(false);
    assert.ok(pollers[0]!.stats.nextTickAt! > before, 'hidden view, slower polling');
    monitor.setVisible(true);
    monitor.dispose();
  });

  test('a job that fails: failed from its output, the jobs below broken, one update naming it, and the batch ends', async () => {
    const { monitor, tree, slurm, advance, statuses, updates } = setup();
    const { dir, batchfile, ledger } = batchDir();
    await writeLedger(ledger, { rows: [row(dir, 'a', 'running', 41), row(dir, 'b', 'not_started'), row(dir, 'c', 'not_started')], extraColumns: [] });
    slurm.add({ id: '41', state: 'RUNNING' });
    await monitor.add(batchfile);
    await advance(0);
    assert.deepEqual(statuses(batchfile), ['a:running', 'b:not_started', 'c:not_started']);
    slurm.update('41', { inQueue: false, sacct: { state: 'FAILED', exitCode: '3:0' } });
    await advance(5_000);
    assert.deepEqual(statuses(batchfile), ['a:failed', 'b:broken_dependency', 'c:broken_dependency']);
    assert.equal(tree.job(batchfile, jobKey(join(dirname(batchfile), 'a'), 'a'))?.exitCode, 3);
    const last = updates.at(-1)!;
    assert.ok(last.transitions.some((t) => t.basename === 'a' && t.to === 'failed'));
    assert.equal(last.ended, true);
    const notices = noticesFor(last, { batchEnded: 'always', jobFailed: 'always' });
    assert.deepEqual(notices.map((n) => n.kind), ['batchEnded'], 'the ending names the failure: one notification');
    assert.match(notices[0]!.message, /0\/3 succeeded, 1 failed, 2 broken dependency/);
    assert.deepEqual(noticesFor(last, { batchEnded: 'never', jobFailed: 'always' }).map((n) => n.message), [`Job a of ${last.label} failed (${tree.job(batchfile, jobKey(join(dirname(batchfile), 'a'), 'a'))?.cause}).`]);
    monitor.dispose();
  });

  test('an unreadable batch shows why; fixing the batchfile brings its jobs', async () => {
    const { monitor, tree, watchers, advance, statuses } = setup();
    const { batchfile } = batchDir();
    writeFileSync(batchfile, 'job_basename|job_directory|program|pipe\na|a|shell|\n');
    await monitor.add(batchfile);
    assert.match(tree.batch(batchfile)?.error ?? '', /root folder/);
    writeFileSync(batchfile, BATCHFILE);
    watchers.changed(batchfile);
    await advance(50);
    assert.equal(tree.batch(batchfile)?.error, null);
    assert.deepEqual(statuses(batchfile), ['a:not_started', 'b:not_started', 'c:not_started']);
    monitor.remove(batchfile);
    assert.equal(tree.roots().length, 0);
    assert.ok(watchers.requests.every((r) => r.disposed), 'a removed batch leaves no watcher behind');
    monitor.dispose();
  });
});
