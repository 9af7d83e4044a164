// A failing squeue or sacct in front of the real cluster: states kept and marked stale, reported once, recovered.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Clock } from '../../core/slurm/clock.js';
import { Poller } from '../../core/slurm/poller.js';
import type { JobsChangedEvent, PollerHealthEvent } from '../../core/slurm/poller.js';
import { SlurmScheduler } from '../../core/slurm/slurmScheduler.js';
import { countingWrapper, faultWrapper, prepareCluster, removeTempDirs, sharedDir, tempDirFor, waitFor, writeScript } from '../support/slurm/cluster.js';
import type { Fault } from '../support/slurm/cluster.js';

const cluster = await prepareCluster();
after(removeTempDirs);
const drivenClock: Clock = { now: () => Date.now(), setTimeout: () => undefined, clearTimeout: () => undefined };

describe('a failing squeue on the real cluster', { skip: cluster.skip }, () => {
  let scheduler: SlurmScheduler;
  let poller: Poller;
  let setFault: (fault: Fault) => Promise<void>;
  let squeueCount: () => Promise<number>;
  const ids: string[] = [];
  const events: JobsChangedEvent[] = [];
  const health: PollerHealthEvent[] = [];

  before(async () => {
    const wrapDir = await sharedDir();
    const fault = await faultWrapper(wrapDir, 'squeue');
    setFault = fault.set;
    // the counting wrapper sits in front of the fault wrapper: every call is counted, failed or not
    const countDir = await sharedDir();
    const counting = await countingWrapper(countDir, 'squeue', fault.path);
    squeueCount = counting.count;
    scheduler = new SlurmScheduler({ commands: { squeue: counting.path }, timeouts: { queue: 1_500 } });
    poller = new Poller({ scheduler, clock: drivenClock });
    poller.onDidChangeJobs((event) => events.push(event));
    poller.onDidChangeHealth((event) => health.push(event));
    const dir = await tempDirFor('root');
    const long = await writeScript(dir, 'long.sh', 'exec sleep 300');
    const held = await writeScript(dir, 'held.sh', 'exit 0');
    ids.push((await scheduler.submit(long, { cwd: dir, jobName: 'bm-fault-long' })).jobId);
    ids.push((await scheduler.submit(held, { cwd: dir, jobName: 'bm-fault-held', extraArgs: ['--hold'] })).jobId);
    poller.watch('faults', ids);
    await waitFor('the long job to run', async () => {
      await poller.pollNow();
      return poller.get(ids[0] ?? '')?.status === 'running';
    });
  });

  after(async () => {
    poller?.dispose();
    await scheduler?.cancel(ids).catch(() => undefined);
  });

  for (const fault of ['exit1', 'hang', 'garbage', 'no-controller'] as const) {
    test(`${fault}: the last states stay, marked stale, reported once, no job changes; then it recovers`, async () => {
      events.length = 0;
      health.length = 0;
      await setFault(fault);
      const before = await squeueCount();
      const started = Date.now();
      await poller.pollNow();
      await poller.pollNow();
      assert.equal((await squeueCount()) - before, 2, 'one squeue call per poll, even failing');
      if (fault === 'hang') assert.ok(Date.now() - started < 2 * 1_500 + 6_000, 'the hung squeue was killed at its timeout');
      assert.equal(health.length, 1, `reported once: ${JSON.stringify(health)}`);
      assert.equal(health[0]?.ok, false);
      const expected = {
        exit1: /injected failure/,
        hang: /timed out/,
        garbage: /unterminated|garbled|bad/,
        'no-controller': /Unable to contact slurm controller/,
      }[fault];
      assert.match(health[0]?.reason ?? '', expected);
      assert.ok(poller.stale, 'marked stale');
      assert.match(poller.stale.reason, expected);
      assert.equal(events.length, 0, 'a failing squeue never turns into job changes');
      assert.equal(poller.get(ids[0] ?? '')?.status, 'running', 'last known state kept');
      assert.equal(poller.get(ids[1] ?? '')?.status, 'pending');

      await setFault('none');
      await poller.pollNow();
      assert.equal(poller.stale, undefined);
      assert.deepEqual(
        health.map((h) => [h.command, h.ok]),
        [
          ['squeue', false],
          ['squeue', true],
        ],
      );
      assert.equal(poller.get(ids[0] ?? '')?.status, 'running');
    });
  }
});

describe('sacct on a cluster without accounting', { skip: cluster.skip }, () => {
  test('asked once ("accounting storage is disabled"), never again; squeue alone tells the end', async () => {
    const wrapDir = await sharedDir();
    const fault = await faultWrapper(wrapDir, 'sacct');
    await fault.set('no-accounting');
    const countDir = await sharedDir();
    const counting = await countingWrapper(countDir, 'sacct', fault.path);
    const scheduler = new SlurmScheduler({ commands: { sacct: counting.path } });
    const poller = new Poller({ scheduler, clock: drivenClock });
    const dir = await tempDirFor('root');
    const script = await writeScript(dir, 'fail.sh', 'exit 4');
    const { jobId } = await scheduler.submit(script, { cwd: dir, jobName: 'bm-noacct' });
    poller.watch('b', [jobId]);
    await waitFor(
      'the job to end in squeue',
      async () => {
        await poller.pollNow();
        return poller.get(jobId)?.final;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    for (let i = 0; i < 3; i++) await poller.pollNow();
    assert.equal(await counting.count(), 1, 'sacct asked exactly once');
    assert.equal(scheduler.accountingAvailable, false);
    const job = poller.get(jobId);
    assert.equal(job?.status, 'failed');
    assert.equal(job?.cause, 'FAILED', 'without accounting the exit code is unknown');
    assert.equal(job?.exitCode, undefined);
    poller.dispose();
  });
});
