// The poller with a fake clock and a scripted SLURM: calls per tick, pace, staleness, what it emits.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Poller } from '../../core/slurm/poller.js';
import type { JobsChangedEvent, PollerHealthEvent, PollerOptions } from '../../core/slurm/poller.js';
import { SlurmScheduler } from '../../core/slurm/slurmScheduler.js';
import type { CommandResult } from '../../core/slurm/commandRunner.js';
import { FakeClock } from '../support/slurm/fakeClock.js';
import { FakeSlurm, jobIds } from '../support/slurm/fakeSlurm.js';
import { scriptedRunner } from '../support/slurm/scriptedRunner.js';
import type { Responder } from '../support/slurm/scriptedRunner.js';

function setup(options: Partial<PollerOptions> = {}, responder?: Responder) {
  const clock = new FakeClock();
  const slurm = new FakeSlurm();
  const runner = scriptedRunner(responder ?? slurm.respond, () => clock.now());
  const scheduler = new SlurmScheduler({ runner: runner.run, now: () => clock.now() });
  const poller = new Poller({ scheduler, clock, ...options });
  const events: JobsChangedEvent[] = [];
  const health: PollerHealthEvent[] = [];
  poller.onDidChangeJobs((event) => events.push(event));
  poller.onDidChangeHealth((event) => health.push(event));
  const t0 = clock.now();
  /** Times of the squeue calls, relative to the start. */
  const squeueTimes = () => runner.callsTo('squeue').map((call) => (call.at ?? 0) - t0);
  return { clock, slurm, runner, poller, events, health, t0, squeueTimes };
}

/** Splits ids over three batches, round robin. */
function watchInThreeBatches(poller: Poller, ids: string[]): void {
  const batches: string[][] = [[], [], []];
  ids.forEach((id, i) => batches[i % 3]?.push(id));
  batches.forEach((batch, i) => poller.watch(`batch-${i}`, batch));
}

describe('poller: one squeue per tick, at most one sacct', () => {
  for (const count of [1, 100, 1000, 10_000]) {
    test(`${count} job(s) over 3 batches`, async () => {
      const { clock, slurm, runner, poller, events } = setup();
      const ids = jobIds(1, count);
      slurm.add(...ids.map((id) => ({ id, state: 'RUNNING' })));
      slurm.add({ id: '999999', state: 'RUNNING' }); // someone else's batch: listed, not watched
      watchInThreeBatches(poller, ids);

      await clock.advance(0);
      assert.equal(runner.count('squeue'), 1, 'the first tick: one squeue');
      assert.equal(runner.count('sacct'), 0, 'nothing ended: no sacct');
      assert.equal(events.length, 1);
      assert.equal(events[0]?.changes.length, count);
      assert.equal(poller.get(ids[0] ?? '')?.status, 'running');

      for (let tick = 2; tick <= 4; tick++) {
        await clock.runNext();
        assert.equal(runner.count('squeue'), tick, `tick ${tick}: exactly one more squeue`);
        assert.equal(runner.count('sacct'), 0);
      }

      // everything ends and leaves squeue: each tick still ONE squeue and at most ONE sacct
      for (const id of ids) slurm.update(id, { inQueue: false, sacct: { state: 'COMPLETED' } });
      let ticks = 0;
      const allKnown = () => ids.every((id) => poller.get(id)?.status === 'succeeded');
      while (!allKnown()) {
        const squeueBefore = runner.count('squeue');
        const sacctBefore = runner.count('sacct');
        await clock.runNext();
        assert.equal(runner.count('squeue') - squeueBefore, 1);
        assert.ok(runner.count('sacct') - sacctBefore <= 1);
        assert.ok(++ticks <= 20, 'all fates known within 20 ticks');
      }
      assert.equal(runner.callsTo('sacct').length, Math.ceil(count / 1000), 'sacct batches of up to 1000 ids');
      assert.equal(runner.calls.length, runner.count('squeue') + runner.count('sacct'));
      poller.dispose();
    });
  }

  test('after every fate is known the poller stops asking until told otherwise', async () => {
    const { clock, slurm, runner, poller } = setup();
    slurm.add({ id: '5', state: 'FAILED', sacct: { state: 'FAILED', exitCode: '3:0' } });
    poller.watch('b', ['5']);
    await clock.advance(0);
    assert.equal(poller.get('5')?.cause, 'exit code 3');
    assert.equal(clock.pendingTimerCount, 0, 'nothing left to learn: no timer');
    await clock.advance(600_000);
    assert.equal(runner.count('squeue'), 1);
    assert.equal(runner.count('sacct'), 1);
    poller.nudge();
    await clock.advance(0);
    assert.equal(runner.count('squeue'), 2);
    assert.equal(runner.count('sacct'), 1, 'a known end record is never asked again');
  });
});

describe('poller: what a job is', () => {
  test('pending → running → FAILED in squeue, exit code and cause from sacct', async () => {
    const { clock, slurm, poller, events } = setup();
    slurm.add({ id: '7', state: 'PENDING', reason: 'Priority', name: 'opt|freq' });
    poller.watch('b', ['7']);
    await clock.advance(0);
    assert.deepEqual(
      [poller.get('7')?.status, poller.get('7')?.reason, poller.get('7')?.name],
      ['pending', 'Priority', 'opt|freq'],
    );
    slurm.update('7', { state: 'RUNNING', reason: 'None', elapsed: '0:03' });
    await clock.runNext();
    assert.equal(poller.get('7')?.status, 'running');
    slurm.update('7', { state: 'COMPLETING' });
    await clock.runNext();
    assert.equal(poller.get('7')?.status, 'running', 'COMPLETING is still running');
    slurm.update('7', { state: 'FAILED', reason: 'NonZeroExitCode', sacct: { state: 'FAILED', exitCode: '3:0' } });
    await clock.runNext();
    const job = poller.get('7');
    assert.equal(job?.status, 'failed');
    assert.equal(job?.exitCode, 3);
    assert.equal(job?.signal, 0);
    assert.equal(job?.cause, 'exit code 3');
    assert.equal(job?.source, 'sacct');
    assert.equal(job?.final, true);
    assert.deepEqual(
      events.map((e) => e.changes[0]?.current.status),
      ['pending', 'running', 'running', 'failed'],
    );
  });

  test('TIMEOUT, OUT_OF_MEMORY and "CANCELLED by 0" from sacct', async () => {
    const { clock, slurm, poller } = setup();
    slurm.add(
      { id: '1', state: 'TIMEOUT', sacct: { state: 'TIMEOUT', exitCode: '0:0' } },
      { id: '2', state: 'OUT_OF_MEMORY', sacct: { state: 'OUT_OF_MEMORY', exitCode: '0:125' } },
      { id: '3', state: 'CANCELLED', inQueue: false, sacct: { state: 'CANCELLED by 0', exitCode: '0:15' } },
    );
    poller.watch('b', ['1', '2', '3']);
    await clock.advance(0);
    assert.deepEqual(
      ['1', '2', '3'].map((id) => [poller.get(id)?.status, poller.get(id)?.cause]),
      [
        ['failed', 'TIMEOUT'],
        ['failed', 'OUT_OF_MEMORY'],
        ['cancelled', 'CANCELLED'],
      ],
    );
    assert.equal(poller.get('3')?.cancelledBy, '0');
    assert.equal(poller.get('3')?.slurmState, 'CANCELLED by 0');
  });

  test('a job missing from squeue is unknown, never failed, until sacct says', async () => {
    const { clock, slurm, runner, poller } = setup();
    slurm.add({ id: '9', state: 'RUNNING' });
    poller.watch('b', ['9']);
    await clock.advance(0);
    slurm.update('9', { inQueue: false });
    await clock.runNext();
    assert.equal(poller.get('9')?.status, 'unknown');
    assert.equal(poller.get('9')?.inQueue, false);
    assert.equal(poller.get('9')?.slurmState, 'RUNNING', 'the last state seen is kept for display');
    assert.equal(runner.count('sacct'), 1);
    slurm.update('9', { sacct: { state: 'COMPLETED', exitCode: '0:0' } });
    await clock.runNext();
    assert.equal(poller.get('9')?.status, 'succeeded');
    assert.equal(poller.get('9')?.exitCode, 0);
  });

  test('accounting lagging behind the controller is asked again', async () => {
    const { clock, slurm, runner, poller } = setup();
    slurm.add({ id: '4', state: 'COMPLETED', sacct: { state: 'RUNNING' } });
    poller.watch('b', ['4']);
    await clock.advance(0);
    assert.equal(poller.get('4')?.status, 'succeeded', 'squeue already says COMPLETED');
    assert.equal(poller.get('4')?.source, 'squeue');
    slurm.update('4', { sacct: { state: 'COMPLETED', exitCode: '0:0' } });
    await clock.runNext();
    assert.equal(runner.count('sacct'), 2);
    assert.equal(poller.get('4')?.source, 'sacct');
    assert.equal(poller.get('4')?.exitCode, 0);
  });

  test('without accounting: asked once, then squeue alone; a vanished job stays unknown', async () => {
    const { clock, slurm, runner, poller } = setup();
    slurm.accountingDisabled = true;
    slurm.add({ id: '1', state: 'COMPLETED' }, { id: '2', state: 'RUNNING' });
    poller.watch('b', ['1', '2']);
    await clock.advance(0);
    slurm.update('2', { inQueue: false });
    for (let i = 0; i < 5; i++) await clock.runNext();
    assert.equal(runner.count('sacct'), 1, 'found out once, never asked again');
    assert.equal(poller.get('1')?.status, 'succeeded');
    assert.equal(poller.get('2')?.status, 'unknown');
  });

  test('a job neither squeue nor sacct knows is asked about a bounded number of times', async () => {
    const { clock, runner, poller } = setup({ maxAccountingAttempts: 3 });
    poller.watch('b', ['404']);
    for (let i = 0; i < 10; i++) await clock.runNext();
    assert.equal(runner.count('sacct'), 3);
    assert.equal(poller.get('404')?.status, 'unknown');
  });
});

describe('poller: pace', () => {
  test('floor after a change, doubling while quiet, capped at the ceiling', async () => {
    const { clock, slurm, poller, squeueTimes } = setup();
    slurm.add({ id: '1', state: 'RUNNING' });
    poller.watch('b', ['1']);
    await clock.advance(0);
    for (let i = 0; i < 7; i++) await clock.runNext();
    // 0 (new job: a change) +5 (quiet → 10) +10 (→ 20) +20 (→ 40) +40 (→ 60) +60 +60 +60
    assert.deepEqual(squeueTimes(), [0, 5_000, 15_000, 35_000, 75_000, 135_000, 195_000, 255_000]);
    slurm.update('1', { state: 'COMPLETING' });
    await clock.runNext(); // sees the change at 315 s
    await clock.runNext();
    assert.deepEqual(squeueTimes().slice(-2), [315_000, 320_000], 'back to the floor after a change');
  });

  test('nudge ticks at once, coalesces, and keeps a minimum gap', async () => {
    const { clock, slurm, poller, squeueTimes } = setup();
    slurm.add({ id: '1', state: 'RUNNING' });
    poller.watch('b', ['1']);
    await clock.advance(0);
    for (let i = 0; i < 4; i++) await clock.runNext(); // interval has grown to 40 s
    const before = squeueTimes().length;
    await clock.advance(3_000);
    for (let i = 0; i < 10; i++) poller.nudge(); // e.g. ten submits in a row
    await clock.advance(0);
    assert.equal(squeueTimes().length, before + 1, 'ten nudges, one tick');
    const nudgedAt = squeueTimes().at(-1) ?? 0;
    poller.nudge(); // right after: waits for the 1 s gap
    await clock.advance(999);
    assert.equal(squeueTimes().length, before + 1);
    await clock.advance(1);
    assert.equal(squeueTimes().at(-1), nudgedAt + 1_000);
    await clock.runNext();
    // the nudges reset the interval to the 5 s floor; that quiet tick doubled it
    assert.equal(squeueTimes().at(-1), nudgedAt + 1_000 + 10_000, 'then the adaptive interval from the floor');
  });

  test('hidden: slower by the hidden factor; shown again: back to normal', async () => {
    const { clock, slurm, poller, squeueTimes } = setup({ hiddenFactor: 4 });
    slurm.add({ id: '1', state: 'RUNNING' });
    poller.watch('b', ['1']);
    await clock.advance(0);
    poller.setVisible(false);
    await clock.runNext();
    assert.equal(squeueTimes().at(-1), 20_000, '5 s × 4');
    poller.setVisible(true);
    await clock.runNext();
    assert.equal(squeueTimes().at(-1), 30_000, 'interval has doubled to 10 s, no factor');
  });

  test('unwatching everything stops polling; watching again starts it', async () => {
    const { clock, slurm, runner, poller } = setup();
    slurm.add({ id: '1', state: 'RUNNING' }, { id: '2', state: 'RUNNING' });
    poller.watch('a', ['1']);
    poller.watch('b', ['1', '2']);
    await clock.advance(0);
    poller.unwatch('b');
    assert.ok(clock.pendingTimerCount > 0, 'batch a still watches job 1');
    assert.deepEqual([...poller.batchJobs('a').keys()], ['1']);
    poller.unwatch('a', ['1']);
    assert.equal(poller.watchedJobCount, 0);
    assert.equal(clock.pendingTimerCount, 0);
    await clock.advance(120_000);
    assert.equal(runner.count('squeue'), 1);
    poller.watch('c', ['2']);
    await clock.advance(0);
    assert.equal(runner.count('squeue'), 2);
  });

  test('a job watched while a tick is in flight is polled right after it', async () => {
    const { clock, slurm, poller, events } = setup();
    let release: (() => void) | undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    slurm.add({ id: '1', state: 'RUNNING' }, { id: '2', state: 'PENDING' });
    const scheduler = new SlurmScheduler({
      runner: async (file, args, options) => {
        await gate;
        const answer = slurm.respond({ command: file, file, args, options, at: clock.now() });
        return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...answer } satisfies CommandResult;
      },
    });
    const gated = new Poller({ scheduler, clock });
    gated.onDidChangeJobs((e) => events.push(e));
    gated.watch('b', ['1']);
    await clock.advance(0); // tick 1 is waiting on squeue
    gated.watch('b', ['2']);
    release?.();
    await gated.settled();
    assert.equal(gated.get('2'), undefined, 'the in-flight answer predates job 2: not judged by it');
    assert.equal(gated.get('1')?.status, 'running');
    await clock.advance(1_000);
    await gated.settled();
    assert.equal(gated.get('2')?.status, 'pending');
    poller.dispose();
    gated.dispose();
  });
});

describe('poller: a failing squeue', () => {
  for (const fault of ['exit1', 'timeout', 'garbage'] as const) {
    test(`${fault}: last states kept and marked stale, reported once, backs off, recovers`, async () => {
      const { clock, slurm, runner, poller, events, health, squeueTimes, t0 } = setup();
      slurm.add({ id: '1', state: 'RUNNING' }, { id: '2', state: 'PENDING' });
      poller.watch('b', ['1', '2']);
      await clock.advance(0);
      events.length = 0;

      slurm.squeueFault = fault;
      const failStart = squeueTimes().length;
      for (let i = 0; i < 5; i++) await clock.runNext();
      assert.equal(health.length, 1, 'reported once');
      assert.equal(health[0]?.ok, false);
      assert.equal(health[0]?.command, 'squeue');
      assert.match(health[0]?.reason ?? '', fault === 'timeout' ? /timed out/ : fault === 'exit1' ? /Unable to contact/ : /garbled|unterminated/);
      assert.ok(poller.stale, 'marked stale');
      assert.equal(poller.stale?.since, t0 + (squeueTimes()[failStart] ?? NaN), 'stale since the first failed call');
      assert.equal(events.length, 0, 'never turned into job changes');
      assert.equal(poller.get('1')?.status, 'running', 'last known state kept');
      assert.equal(poller.get('2')?.status, 'pending');
      assert.equal(runner.count('sacct'), 0, 'no failure is guessed, no sacct asked');
      const gaps = squeueTimes()
        .slice(failStart - 1)
        .map((t, i, all) => (i === 0 ? 0 : t - (all[i - 1] ?? 0)))
        .slice(1);
      assert.deepEqual(gaps, [5_000, 10_000, 20_000, 40_000, 60_000], 'backs off to the ceiling');

      slurm.squeueFault = undefined;
      slurm.update('1', { state: 'COMPLETED', sacct: { state: 'COMPLETED', exitCode: '0:0' } });
      await clock.runNext();
      assert.equal(health.length, 2);
      assert.deepEqual([health[1]?.command, health[1]?.ok], ['squeue', true]);
      assert.equal(poller.stale, undefined);
      assert.equal(poller.get('1')?.status, 'succeeded');
      assert.deepEqual(
        events.flatMap((e) => e.changes.map((c) => c.jobId)),
        ['1'],
      );
    });
  }

  test('a failing sacct is reported once and only delays the end record', async () => {
    const { clock, slurm, runner, poller, health } = setup();
    slurm.sacctFails = true;
    slurm.add({ id: '1', state: 'FAILED', sacct: { state: 'FAILED', exitCode: '2:0' } });
    poller.watch('b', ['1']);
    await clock.advance(0);
    await clock.runNext();
    await clock.runNext();
    assert.equal(runner.count('sacct'), 3);
    assert.deepEqual(
      health.map((h) => [h.command, h.ok]),
      [['sacct', false]],
    );
    assert.equal(poller.stale, undefined, 'squeue works: not stale');
    assert.equal(poller.get('1')?.status, 'failed');
    assert.equal(poller.get('1')?.cause, 'FAILED');
    slurm.sacctFails = false;
    await clock.runNext();
    assert.deepEqual(health.at(-1), { command: 'sacct', ok: true, at: clock.now() });
    assert.equal(poller.get('1')?.cause, 'exit code 2');
  });
});

describe('poller: robustness', () => {
  test('pollNow joins the poll in flight instead of starting a second squeue', async () => {
    const { clock, slurm, runner, poller } = setup();
    slurm.add({ id: '1', state: 'RUNNING' });
    poller.watch('b', ['1']);
    await Promise.all([poller.pollNow(), poller.pollNow(), poller.pollNow()]);
    assert.equal(runner.count('squeue'), 1);
    await clock.advance(0);
    assert.equal(runner.count('squeue'), 1, 'the nudge from watch() was served by that poll');
  });

  test('a scheduler that throws something unexpected makes the poller stale, not crash', async () => {
    const clock = new FakeClock();
    const health: PollerHealthEvent[] = [];
    const poller = new Poller({
      clock,
      scheduler: {
        queue: () => Promise.reject(new TypeError('boom')),
        accounting: () => Promise.reject(new Error('not reached')),
      },
    });
    poller.onDidChangeHealth((event) => health.push(event));
    poller.watch('b', ['1']);
    await clock.advance(0);
    await clock.runNext();
    assert.equal(health.length, 1);
    assert.match(poller.stale?.reason ?? '', /boom/);
    assert.equal(poller.get('1'), undefined, 'nothing invented about the job');
    poller.dispose();
    assert.equal(clock.pendingTimerCount, 0, 'disposed: no timer left');
  });
});

describe('poller: emits only what changed', () => {
  test('elapsed time alone is not a change; three state changes are three changes', async () => {
    const { clock, slurm, poller, events } = setup();
    const ids = jobIds(1, 1000);
    slurm.add(...ids.map((id) => ({ id, state: 'RUNNING', elapsed: '0:01' })));
    watchInThreeBatches(poller, ids);
    poller.watch('extra', ['2']);
    await clock.advance(0);
    assert.equal(events.length, 1);
    for (const id of ids) slurm.update(id, { elapsed: '0:09' });
    await clock.runNext();
    assert.equal(events.length, 1, 'nothing but elapsed changed: no event');
    assert.equal(poller.get('1')?.elapsed, '0:09', 'the snapshot is still fresh');
    slurm.update('2', { state: 'COMPLETING' });
    slurm.update('500', { state: 'SUSPENDED', reason: 'Suspended' });
    slurm.update('1000', { reason: 'Resources' });
    await clock.runNext();
    assert.equal(events.length, 2);
    const changes = events[1]?.changes ?? [];
    assert.deepEqual(changes.map((c) => c.jobId).sort(), ['1000', '2', '500']);
    const two = changes.find((c) => c.jobId === '2');
    assert.deepEqual([...(two?.batchIds ?? [])].sort(), ['batch-1', 'extra']);
    assert.equal(two?.previous?.slurmState, 'RUNNING');
    assert.equal(two?.current.slurmState, 'COMPLETING');
  });

  test('a listener that throws does not stop the others or the poller', async () => {
    const errors: unknown[] = [];
    const { clock, slurm, poller } = setup({ onListenerError: (e) => errors.push(e) });
    let seen = 0;
    poller.onDidChangeJobs(() => {
      throw new Error('bad listener');
    });
    poller.onDidChangeJobs(() => seen++);
    slurm.add({ id: '1', state: 'RUNNING' });
    poller.watch('b', ['1']);
    await clock.advance(0);
    assert.equal(seen, 1);
    assert.equal(errors.length, 1);
    slurm.update('1', { state: 'COMPLETING' });
    await clock.runNext();
    assert.equal(seen, 2);
  });
});
