// A runner killed right after submitting a RESTARTED job (before anything recorded its id): the next
// run adopts that attempt from the queue instead of submitting it a third time or losing it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CRASH_AFTER_SUBMIT_ENV } from '../../core/runner/crashHook.js';
import { cleanupSandboxes, ledgerRows, localJobs, runBatchman, sandbox, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

test('-r and kill -9 after the restart\'s submission: the restarted attempt is adopted, not resubmitted', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    // 3 s of work under a 2 s limit: the first attempt times out, the restart (4 s) succeeds
    { basename: 'slow', directory: 'slow', walltime: '00:00:02', script: '#!/usr/bin/env bash\nsleep 3\necho done\n' },
  ]);
  // Submission 1 is the first attempt, submission 2 the restart: die right after it.
  const crashed = await runBatchman(box, ['-r'], { timeoutMs: 60_000, env: { [CRASH_AFTER_SUBMIT_ENV]: '2' } });
  assert.equal(crashed.signal, 'SIGKILL', `the runner died as asked (exit ${crashed.exitCode}, ${crashed.stderr})`);
  assert.equal((await localJobs(box)).length, 2, 'two attempts submitted before the crash');

  const resumed = await runBatchman(box, ['-r'], { timeoutMs: 60_000 });
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const jobs = await localJobs(box);
  assert.deepEqual(jobs.map((job) => job.spec.cwd), [join(box.dir, 'slow'), join(box.dir, 'slow')], 'no third submission');
  const slow = (await ledgerRows(box)).get('slow')!;
  assert.equal(slow.status, 'succeeded');
  assert.equal(slow.restarts, 1);
  assert.equal(String(slow.jobId), String(jobs.at(-1)!.facts.id), 'the ledger names the restarted attempt');
});
