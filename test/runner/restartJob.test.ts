// Restarting after the run (what "Restart Job" and "Restart Failed Jobs" launch), with real processes on the local
// executor: `run -r --job NAME` restarts only the named job even when its cause is not retried by itself, the jobs
// blocked behind it run after it, each attempt's end is written into its run_info.json, and the job detail shows
// both attempts' history; a plain `-r` after the run restarts earlier failures by their cause and unblocks their jobs.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { jobViewFromRow } from '../../core/view/jobView.js';
import { readJobDetail } from '../../core/dashboard/jobDetail.js';
import { batchman, cleanupSandboxes, ledgerRows, runBatchman, sandbox, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

const FAILING = '#!/usr/bin/env bash\necho "line $RANDOM"\nexit 3\n';
const FIXED = '#!/usr/bin/env bash\necho fixed > step.xyz\necho "all good"\n';

test('run -r --job: only the named job restarts, once, whatever its cause; its downstream runs after it', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    { basename: 'step', directory: 'step', script: FAILING },
    { basename: 'after', directory: 'after', pipe: 'coords{../step,step.xyz}', script: '#!/usr/bin/env bash\ncat step.xyz\n' },
    { basename: 'other', directory: 'other', script: '#!/usr/bin/env bash\nexit 4\n' },
  ]);
  const first = await runBatchman(box, ['-j', '3'], { timeoutMs: 60_000 });
  assert.equal(first.exitCode, 1, first.stderr);
  let rows = await ledgerRows(box);
  assert.equal(rows.get('step')?.status, 'failed');
  assert.equal(rows.get('after')?.status, 'broken_dependency');
  assert.equal(rows.get('other')?.status, 'failed');

  // The first attempt's end is in its own folder, not only in the ledger.
  const firstInfo = JSON.parse(await readFile(join(box.dir, 'step', 'run_info.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(firstInfo['status'], 'failed');
  assert.equal(firstInfo['cause'], 'exit code 3');
  assert.equal(typeof firstInfo['ended_at'], 'string');

  // A plain -r does not retry an exit code: nothing changes.
  const plain = await runBatchman(box, ['-r'], { timeoutMs: 60_000 });
  assert.equal(plain.exitCode, 1, plain.stderr);
  assert.equal(existsSync(join(box.dir, 'step_history_1')), false, 'exit 3 is not retried by -r alone');

  // The user fixes the input and restarts that one job.
  await writeFile(join(box.dir, 'step', 'step.sh'), FIXED);
  const usage = await batchman(box, ['run', box.batchfile, '--executor', 'local', '--job', 'step']);
  assert.equal(usage.exitCode, 2, 'without -r, --job is a usage error');
  const second = await runBatchman(box, ['-r', '--job', 'step'], { timeoutMs: 60_000 });
  assert.equal(second.exitCode, 1, `"other" still failed: ${second.stderr}`);
  rows = await ledgerRows(box);
  assert.equal(rows.get('step')?.status, 'succeeded', rows.get('step')?.cause);
  assert.equal(rows.get('step')?.restarts, 1);
  assert.equal(rows.get('after')?.status, 'succeeded', 'unblocked by the restart, it ran after it');
  assert.equal(rows.get('other')?.status, 'failed');
  assert.equal(rows.get('other')?.restarts ?? 0, 0, 'a job not named is not restarted');
  assert.equal(existsSync(join(box.dir, 'other_history_1')), false);
  assert.ok(existsSync(join(box.dir, 'step_history_1', 'run_info.json')), 'the failed attempt is kept');
  assert.match(await readFile(join(box.dir, 'after', 'slurm-' + String(rows.get('after')!.jobId) + '.out'), 'utf8'), /^fixed$/m);

  // The job detail tells both attempts apart, oldest first.
  const detail = await readJobDetail(jobViewFromRow(rows.get('step')!));
  // `running` appears only when a poll saw the job run; these jobs take milliseconds.
  const attempts = detail.history.filter((event) => event.status !== 'running').map((event) => `${event.attempt}:${event.status}`);
  assert.deepEqual(attempts, ['0:pending', '0:failed', '1:pending', '1:succeeded']);
  for (let i = 1; i < detail.history.length; i++) assert.ok(detail.history[i - 1]!.at <= detail.history[i]!.at, 'times ascend');
  assert.ok(detail.runInfo?.includes('"restarted_from"'), 'run_info.json shown as it is on disk');
  assert.equal(detail.runInfoError, null);
  assert.equal(detail.outputTail?.text, 'all good');
  assert.deepEqual(detail.files, { output: true, input: true, folder: true });
});

test('run -r after the run ("Restart Failed Jobs"): an earlier TIMEOUT restarts with twice the walltime, its blocked job runs', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    // 3 s of work under a 2 s limit: fails the first launch, fits the doubled 4 s of the restart
    { basename: 'slow', directory: 'slow', walltime: '00:00:02', script: '#!/usr/bin/env bash\nsleep 3\necho slow > slow.xyz\n' },
    { basename: 'after', directory: 'after', pipe: 'coords{../slow,slow.xyz}', walltime: '00:00:30', script: '#!/usr/bin/env bash\ncat slow.xyz\n' },
  ]);
  const first = await runBatchman(box, [], { timeoutMs: 60_000 });
  assert.equal(first.exitCode, 1, first.stderr);
  let rows = await ledgerRows(box);
  assert.equal(rows.get('slow')?.status, 'failed');
  assert.equal(rows.get('slow')?.cause, 'TIMEOUT');
  assert.equal(rows.get('after')?.status, 'broken_dependency');

  const second = await runBatchman(box, ['-r'], { timeoutMs: 60_000 });
  assert.equal(second.exitCode, 0, second.stderr);
  rows = await ledgerRows(box);
  assert.equal(rows.get('slow')?.status, 'succeeded');
  assert.equal(rows.get('slow')?.restarts, 1);
  assert.equal(rows.get('after')?.status, 'succeeded', 'unblocked and run after the restart');
  const info = JSON.parse(await readFile(join(box.dir, 'slow', 'run_info.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(info['restart_walltime'], '00:00:04');
});
