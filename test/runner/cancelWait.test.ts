// `batchman cancel` and `batchman wait` against a live runner on the local executor, with real processes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { EXIT_TIMEOUT } from '../../core/cli/wait.js';
import {
  batchman,
  cleanupSandboxes,
  gateScript,
  history,
  ledgerRows,
  ledgerStatuses,
  localJobs,
  processAlive,
  release,
  sandbox,
  startRunner,
  waitForStatus,
  writeShellBatch,
} from '../support/runner.js';

after(cleanupSandboxes);

describe('cancel with a live runner', () => {
  test('the whole batch: the running job is killed, nothing more is submitted, the record is canceled; wait exits 1', async () => {
    const box = await sandbox();
    await writeShellBatch(box, [
      { basename: 'long', directory: 'long', script: gateScript() },
      { basename: 'later', directory: 'later', pipe: 'coords{../long,released.xyz}', script: 'cat released.xyz\n' },
    ]);
    const runner = startRunner(box);
    const long = await waitForStatus(box, 'long', ['running']);
    const job = (await localJobs(box)).find((j) => j.facts.id === long.jobId);
    assert.ok(job?.facts.run, 'the job runs in the executor');

    const cancel = await batchman(box, ['cancel', box.batchfile]);
    assert.equal(cancel.exitCode, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`cancelled every job of .*the runner, pid ${runner.pid} on`));
    const result = await runner;
    assert.equal(result.exitCode, 1, result.stderr);
    assert.deepEqual(await ledgerStatuses(box), { long: 'cancelled', later: 'cancelled' });
    assert.equal((await ledgerRows(box)).get('later')?.jobId, -1, 'later was never submitted');
    assert.equal(await processAlive(job.facts.run.jobPid), false, 'the job process is gone');
    const records = await history(box);
    assert.equal(records[0]?.status, 'canceled');
    assert.equal(records[0]?.counts?.['cancelled'], 2);
    assert.equal((await localJobs(box)).length, 1, 'nothing was submitted after the cancel');

    const wait = await batchman(box, ['wait', box.batchfile, '--timeout', '20']);
    assert.equal(wait.exitCode, 1, wait.stderr);
  });

  test('one running job (--job): it is cancelled, its downstream is broken_dependency, the rest finishes; wait follows the live runner', async () => {
    const box = await sandbox();
    await writeShellBatch(box, [
      { basename: 'slow', directory: 'slow', script: gateScript() },
      { basename: 'child', directory: 'child', pipe: 'coords{../slow,released.xyz}', script: 'cat released.xyz\n' },
      { basename: 'other', directory: 'other', script: gateScript() },
    ]);
    const runner = startRunner(box, ['-j', '2']);
    await waitForStatus(box, 'slow', ['running']);
    await waitForStatus(box, 'other', ['running']);

    // while the batch runs, a short --timeout ends with 124
    const started = Date.now();
    const timedOut = await batchman(box, ['wait', box.batchfile, '--timeout', '1']);
    assert.equal(timedOut.exitCode, EXIT_TIMEOUT, timedOut.stderr);
    assert.ok(Date.now() - started < 15_000, 'the timeout is honoured');

    const cancel = await batchman(box, ['cancel', box.batchfile, '--job', 'slow']);
    assert.equal(cancel.exitCode, 0, cancel.stderr);
    await waitForStatus(box, 'slow', ['cancelled']);
    assert.equal((await ledgerRows(box)).get('child')?.status, 'broken_dependency');
    assert.equal((await ledgerRows(box)).get('other')?.status, 'running', 'the other job goes on');

    const waiting = batchman(box, ['wait', box.batchfile, '--timeout', '60']);
    await release(box, 'other');
    const [result, waited] = await Promise.all([runner, waiting]);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.equal(waited.exitCode, 1, waited.stderr);
    assert.deepEqual(await ledgerStatuses(box), { slow: 'cancelled', child: 'broken_dependency', other: 'succeeded' });
    assert.equal((await history(box))[0]?.status, 'completed', 'a per-job cancel does not cancel the batch');
  });

  test('wait exits 0 when every job succeeded', async () => {
    const box = await sandbox();
    await writeShellBatch(box, [{ basename: 'one', directory: 'one', script: gateScript() }]);
    const runner = startRunner(box);
    await waitForStatus(box, 'one', ['running']);
    const waiting = batchman(box, ['wait', box.batchfile, '--timeout', '60']);
    await release(box, 'one');
    const [result, waited] = await Promise.all([runner, waiting]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(waited.exitCode, 0, waited.stderr);
    // and without a runner, from the truth on disk
    assert.equal((await batchman(box, ['wait', box.batchfile])).exitCode, 0);
  });
});

