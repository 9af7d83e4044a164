// `batchman run --detach`: returns at once, the runner keeps going in the background, logging to
// `.batchman/runner.log`, and `batchman wait` sees the end.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { batchman, cleanupSandboxes, gateScript, history, ledgerStatuses, processAlive, release, sandbox, trackRunner, waitFor, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

test('--detach returns at once; the background runner finishes the batch; wait sees the end', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    { basename: 'gate', directory: 'gate', script: gateScript() },
    { basename: 'next', directory: 'next', pipe: 'coords{../gate,released.xyz}', script: 'cat released.xyz\n' },
  ]);
  const detached = await batchman(box, ['run', box.batchfile, '--executor', 'local', '--detach', '--name', 'in-the-background'], { timeoutMs: 15_000 });
  assert.equal(detached.exitCode, 0, detached.stderr);
  const pid = Number(/runner started in the background \(pid (\d+)\)/.exec(detached.stdout)?.[1]);
  assert.ok(pid > 0, detached.stdout);
  trackRunner(pid);
  const logPath = join(box.dir, '.batchman', 'runner.log');
  assert.ok(detached.stdout.includes(logPath));

  // it returned while the batch cannot have ended: the gate job waits for us
  assert.equal(await processAlive(pid), true, 'the runner lives on after the command returned');
  await waitFor('the gate job to run', async () => (await ledgerStatuses(box))['gate'] === 'running');
  const [record] = await history(box);
  assert.equal(record?.status, 'in_progress');
  assert.equal(record?.runner.pid, pid);
  assert.equal(record?.name, 'in-the-background');

  const waiting = batchman(box, ['wait', box.batchfile, '--timeout', '60']);
  await release(box, 'gate');
  const waited = await waiting;
  assert.equal(waited.exitCode, 0, waited.stderr);
  assert.deepEqual(await ledgerStatuses(box), { gate: 'succeeded', next: 'succeeded' });
  await waitFor('the background runner to exit', async () => !(await processAlive(pid)));
  assert.equal((await history(box))[0]?.status, 'completed');

  const log = await readFile(logPath, 'utf8');
  assert.match(log, /^starting batch in-the-background \(run 1, local/m);
  assert.match(log, /^batch in-the-background: 2\/2 succeeded$/m);
});
