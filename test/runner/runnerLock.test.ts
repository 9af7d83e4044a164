// One runner per batch, with real processes: a second `run` while the first is alive is refused and
// names it; after `kill -9` of the first, the next `run` takes the batch over and finishes it.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanupSandboxes, gateScript, history, ledgerStatuses, release, runBatchman, sandbox, startRunner, submissionsByFolder, waitFor, waitForStatus, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

test('a second run is refused while the first lives; after kill -9 of the first, the next run takes over', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    { basename: 'gate', directory: 'gate', script: gateScript() },
    { basename: 'next', directory: 'next', pipe: 'coords{../gate,released.xyz}', script: 'cat released.xyz\n' },
  ]);
  const first = startRunner(box);
  await waitForStatus(box, 'gate', ['running']);

  const second = await runBatchman(box);
  assert.equal(second.exitCode, 1);
  assert.ok(second.stderr.includes(`another runner is already running this batch: pid ${first.pid} on host ${hostname()}`), second.stderr);
  assert.equal(first.exitCode, null, 'the first runner is untouched');
  const records = await history(box);
  assert.equal(records.length, 1, 'the refused run left no record');
  assert.equal(records[0]?.status, 'in_progress');

  first.kill('SIGKILL');
  assert.equal((await first).signal, 'SIGKILL');
  assert.equal((await history(box))[0]?.status, 'lost');

  // the gate job keeps running while no runner watches; the new runner takes the lock and picks it up
  const third = startRunner(box);
  await waitFor('the takeover', async () => {
    const record = (await history(box))[0];
    return record?.status === 'in_progress' && record.runner.pid === third.pid;
  });
  await release(box, 'gate');
  const result = await third;
  assert.equal(result.exitCode, 0, result.stderr);
  assert.match(result.stderr, /^resuming batch /m);
  assert.deepEqual(await ledgerStatuses(box), { gate: 'succeeded', next: 'succeeded' });
  const end = await history(box);
  assert.equal(end.length, 1, 'the same launch, resumed');
  assert.equal(end[0]?.status, 'completed');
  assert.equal(end[0]?.resumes.length, 1);
  const byFolder = await submissionsByFolder(box);
  assert.equal(byFolder.get(join(box.dir, 'gate'))?.length, 1, 'gate submitted once, by the first runner');
  assert.equal(byFolder.get(join(box.dir, 'next'))?.length, 1);
});
