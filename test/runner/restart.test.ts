// `run -r` on the local executor with real processes: a TIMEOUT restarts with twice the walltime (the
// failed attempt kept as `<dir>_history_N`), at most maxRestarts times; an exit code does not restart.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanupSandboxes, history, ledgerRows, localJobs, runBatchman, sandbox, slurmOutputIds, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

test('-r: TIMEOUT restarts with the walltime doubled; past maxRestarts it stays failed; exit 3 never restarts', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    // 3 s of work under a 2 s limit: killed once, then done under 4 s
    { basename: 'slow', directory: 'slow', walltime: '00:00:02', script: '#!/usr/bin/env bash\necho "attempt $SLURM_JOB_ID"\nsleep 3\necho done\n' },
    // never fits: 1 s, then 2 s, then 4 s (maxRestarts 2), then it stays failed
    { basename: 'never', directory: 'never', walltime: '00:00:01', script: '#!/usr/bin/env bash\nsleep 30\n' },
    // a plain failure: restarting would fail the same way
    { basename: 'bad', directory: 'bad', walltime: '00:00:30', script: '#!/usr/bin/env bash\necho failing\nexit 3\n' },
  ]);
  const result = await runBatchman(box, ['-r', '-j', '3'], { timeoutMs: 120_000 });
  assert.equal(result.exitCode, 1, result.stderr);
  const rows = await ledgerRows(box);
  const specs = await localJobs(box);
  const limits = (folder: string) => specs.filter((job) => job.spec.cwd === join(box.dir, folder)).map((job) => job.spec.timeLimitSeconds);

  const slow = rows.get('slow')!;
  assert.equal(slow.status, 'succeeded', slow.cause);
  assert.equal(slow.restarts, 1);
  assert.deepEqual(limits('slow'), [2, 4], 'the walltime doubled for the second attempt');
  const slowHistory = join(box.dir, 'slow_history_1');
  const [firstId] = await slurmOutputIds(slowHistory);
  assert.ok(firstId !== undefined, 'the failed attempt\'s output is kept in slow_history_1');
  assert.match(await readFile(join(slowHistory, `slurm-${firstId}.out`), 'utf8'), new RegExp(`^attempt ${firstId}\\n`));
  assert.equal(existsSync(join(box.dir, 'slow_history_2')), false);
  assert.deepEqual(await slurmOutputIds(join(box.dir, 'slow')), [slow.jobId], 'the job folder holds the last attempt only');
  assert.ok(existsSync(join(box.dir, 'slow', 'slow.sh')), 'the user\'s script is kept for the next attempt');
  const info = JSON.parse(await readFile(join(box.dir, 'slow', 'run_info.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(info['restarts'], 1);
  assert.equal(info['restart_walltime'], '00:00:04');
  assert.equal(info['restarted_from'], slowHistory);

  const never = rows.get('never')!;
  assert.equal(never.status, 'failed');
  assert.equal(never.cause, 'TIMEOUT');
  assert.equal(never.restarts, 2, 'maxRestarts (2) restarts, no more');
  assert.deepEqual(limits('never'), [1, 2, 4]);
  assert.ok(existsSync(join(box.dir, 'never_history_1')) && existsSync(join(box.dir, 'never_history_2')));
  assert.equal(existsSync(join(box.dir, 'never_history_3')), false, 'the last attempt stays in the job folder');

  const bad = rows.get('bad')!;
  assert.equal(bad.status, 'failed');
  assert.equal(bad.cause, 'exit code 3');
  assert.equal(bad.restarts ?? 0, 0);
  assert.equal(limits('bad').length, 1, 'submitted once');
  assert.equal(existsSync(join(box.dir, 'bad_history_1')), false);
  assert.ok(existsSync(join(box.dir, 'fail_output', '__bad')), 'its output went to fail_output/');

  const [record] = await history(box);
  assert.equal(record?.status, 'completed');
  assert.equal(record?.computed_options['restartFailed'], true);
});
