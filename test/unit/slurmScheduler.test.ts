// The SLURM adapter against a scripted command runner: exact arguments, one call per method, errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SchedulerError } from '../../core/slurm/scheduler.js';
import { SlurmScheduler } from '../../core/slurm/slurmScheduler.js';
import { formatSqueue } from '../../core/slurm/squeue.js';
import { scriptedRunner } from '../support/slurm/scriptedRunner.js';

describe('SlurmScheduler', () => {
  test('submit: sbatch --parsable with the folder and name as separate arguments, no shell', async () => {
    const runner = scriptedRunner(() => ({ stdout: '4242\n' }));
    const scheduler = new SlurmScheduler({ runner: runner.run });
    const result = await scheduler.submit('/b/j1/j1.sh', {
      cwd: '/b/j1',
      jobName: 'name with | and "quotes" $(x)',
      extraArgs: ['--dependency=afterok:12', '--time=10'],
    });
    assert.deepEqual(result, { jobId: '4242' });
    assert.equal(runner.calls.length, 1);
    const call = runner.calls[0];
    assert.equal(call?.file, 'sbatch');
    assert.deepEqual(call?.args, [
      '--parsable',
      '--chdir=/b/j1',
      '--job-name=name with | and "quotes" $(x)',
      '--dependency=afterok:12',
      '--time=10',
      '/b/j1/j1.sh',
    ]);
    assert.equal(call?.options.cwd, '/b/j1');
    assert.ok((call?.options.timeoutMs ?? 0) > 0, 'every call has a timeout');
  });

  test('submit: "ID;cluster" gives the id and the cluster', async () => {
    const runner = scriptedRunner(() => ({ stdout: '77;cluster2\n' }));
    const result = await new SlurmScheduler({ runner: runner.run }).submit('/x.sh', { cwd: '/' });
    assert.deepEqual(result, { jobId: '77', cluster: 'cluster2' });
  });

  test('submit: a refusal or a garbled answer is a SchedulerError, not an id', async () => {
    const refused = scriptedRunner(() => ({ exitCode: 1, stderr: 'sbatch: error: Batch job submission failed: Invalid account\n' }));
    await assert.rejects(new SlurmScheduler({ runner: refused.run }).submit('/x.sh', { cwd: '/' }), (error: unknown) => {
      assert.ok(error instanceof SchedulerError);
      assert.equal(error.kind, 'failed');
      assert.match(error.message, /Invalid account/);
      return true;
    });
    const garbled = scriptedRunner(() => ({ stdout: 'Submitted batch job 12\n' }));
    await assert.rejects(new SlurmScheduler({ runner: garbled.run }).submit('/x.sh', { cwd: '/' }), { kind: 'garbled' });
  });

  test('command paths and timeouts are configurable', async () => {
    const runner = scriptedRunner(() => ({ stdout: '' }));
    const scheduler = new SlurmScheduler({
      runner: runner.run,
      commands: { squeue: '/opt/slurm/bin/squeue' },
      timeouts: { queue: 1234 },
    });
    await scheduler.queue();
    assert.equal(runner.calls[0]?.file, '/opt/slurm/bin/squeue');
    assert.equal(runner.calls[0]?.options.timeoutMs, 1234);
  });

  test('queue: ONE squeue call, parsed', async () => {
    const stdout = formatSqueue([
      { id: '1', state: 'RUNNING', reason: 'None', elapsed: '0:05', workDir: '/w', name: 'a|b' },
      { id: '2', state: 'PENDING', reason: 'Dependency', elapsed: '0:00', workDir: '/w', name: 'c' },
    ]);
    const runner = scriptedRunner(() => ({ stdout }));
    const snapshot = await new SlurmScheduler({ runner: runner.run, now: () => 5 }).queue();
    assert.equal(runner.count('squeue'), 1);
    assert.equal(snapshot.at, 5);
    assert.deepEqual(
      snapshot.entries.map((e) => [e.id, e.state, e.name]),
      [
        ['1', 'RUNNING', 'a|b'],
        ['2', 'PENDING', 'c'],
      ],
    );
  });

  test('queue: failure, timeout, garbage and a missing command are distinct SchedulerErrors', async () => {
    const cases = [
      [{ exitCode: 1, stderr: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n' }, 'failed'],
      [{ exitCode: -1, timedOut: true }, 'timeout'],
      [{ stdout: 'this is not squeue output\n' }, 'garbled'],
      [{ exitCode: -1, error: 'ENOENT' }, 'unavailable'],
    ] as const;
    for (const [answer, kind] of cases) {
      const runner = scriptedRunner(() => answer);
      await assert.rejects(new SlurmScheduler({ runner: runner.run }).queue(), (error: unknown) => {
        assert.ok(error instanceof SchedulerError, kind);
        assert.equal(error.kind, kind);
        assert.equal(error.command, 'squeue');
        return true;
      });
    }
  });

  test('accounting: ONE sacct for many ids, records by the id asked (array tasks too)', async () => {
    const runner = scriptedRunner(() => ({
      stdout: '7|7|FAILED|3:0|00:00:02|2026-01-01T10:00:00|2026-01-01T10:00:02\n11_2|13|COMPLETED|0:0|00:00:01|x|y\n',
    }));
    const scheduler = new SlurmScheduler({ runner: runner.run });
    assert.equal(scheduler.accountingAvailable, undefined);
    const result = await scheduler.accounting(['7', '11_2', '99']);
    assert.equal(runner.count('sacct'), 1);
    assert.equal(runner.calls[0]?.args[4], '7,11_2,99');
    assert.equal(result.available, true);
    assert.equal(scheduler.accountingAvailable, true);
    assert.equal(result.records.get('7')?.exitCode, 3);
    assert.equal(result.records.get('11_2')?.state, 'COMPLETED');
    assert.equal(result.records.has('99'), false);
  });

  test('accounting: disabled storage is found out by asking ONCE, then never asked again', async () => {
    const runner = scriptedRunner(() => ({ exitCode: 1, stderr: 'Slurm accounting storage is disabled\n' }));
    const scheduler = new SlurmScheduler({ runner: runner.run });
    const first = await scheduler.accounting(['1', '2']);
    assert.equal(first.available, false);
    assert.equal(scheduler.accountingAvailable, false);
    const second = await scheduler.accounting(['3']);
    assert.equal(second.available, false);
    assert.equal(runner.count('sacct'), 1);
  });

  test('accounting: a database outage is an error, and accounting is still asked later', async () => {
    const runner = scriptedRunner(() => ({ exitCode: 1, stderr: 'sacct: error: Problem talking to the database: Connection refused\n' }));
    const scheduler = new SlurmScheduler({ runner: runner.run });
    await assert.rejects(scheduler.accounting(['1']), { kind: 'failed' });
    runner.respond(() => ({ stdout: '1|1|COMPLETED|0:0|00:00:01|x|y\n' }));
    const result = await scheduler.accounting(['1']);
    assert.equal(result.records.get('1')?.state, 'COMPLETED');
  });

  test('accounting and cancel with no ids run nothing', async () => {
    const runner = scriptedRunner(() => ({}));
    const scheduler = new SlurmScheduler({ runner: runner.run });
    await scheduler.accounting([]);
    await scheduler.cancel([]);
    assert.equal(runner.calls.length, 0);
  });

  test('cancel: ONE scancel for many ids; a refusal is an error', async () => {
    const runner = scriptedRunner(() => ({}));
    const scheduler = new SlurmScheduler({ runner: runner.run });
    await scheduler.cancel(['1', '2', '3_4']);
    assert.equal(runner.count('scancel'), 1);
    assert.deepEqual(runner.calls[0]?.args, ['1', '2', '3_4']);
    runner.respond(() => ({ exitCode: 1, stderr: 'scancel: error: Kill job error on job id 5: Access/permission denied\n' }));
    await assert.rejects(scheduler.cancel(['5']), /permission denied/);
  });
});
