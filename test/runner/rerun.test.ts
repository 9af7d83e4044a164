// `run --rerun NAME` with real processes on the local executor: a succeeded job and the job piped from it run again
// after the user fixed the first one's input, the second reads the first one's new output, both old folders are
// kept as history, and the ledger still has one row per job; a runner killed in the middle of a rerun is resumed by a
// plain run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readLedgerIfExists } from '../../core/ledger/ledger.js';
import { CRASH_AFTER_SUBMIT_ENV } from '../../core/runner/crashHook.js';
import { batchman, cleanupSandboxes, ledgerRows, runBatchman, sandbox, slurmOutputIds, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

const script = (version: string) => `#!/usr/bin/env bash\necho ${version} > step.xyz\necho "wrote ${version}"\n`;

test('run --rerun on a succeeded step: it and the job piped from it run again, old folders kept, one ledger row each', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    { basename: 'step', directory: 'step', script: script('first') },
    { basename: 'after', directory: 'after', pipe: 'coords{../step,step.xyz}', script: '#!/usr/bin/env bash\ncat step.xyz\n' },
  ]);
  const first = await runBatchman(box, [], { timeoutMs: 60_000 });
  assert.equal(first.exitCode, 0, first.stderr);
  let rows = await ledgerRows(box);
  const firstIds = { step: rows.get('step')!.jobId, after: rows.get('after')!.jobId };
  assert.match(await readFile(join(box.dir, 'after', `slurm-${firstIds.after}.out`), 'utf8'), /^first$/m);

  // Launching again without --rerun has nothing to do.
  const idle = await runBatchman(box, [], { timeoutMs: 60_000 });
  assert.equal(idle.exitCode, 0, idle.stderr);
  assert.match(idle.stderr, /--rerun NAME/, 'the "nothing to do" line says how to run a job again');
  assert.equal(existsSync(join(box.dir, 'step_history_1')), false);

  // An unknown name is a usage error, before anything is touched.
  const unknown = await runBatchman(box, ['--rerun', 'nosuchjob'], { timeoutMs: 60_000 });
  assert.equal(unknown.exitCode, 2, unknown.stderr);

  await writeFile(join(box.dir, 'step', 'step.sh'), script('second'));
  const rerun = await runBatchman(box, ['--rerun', 'step'], { timeoutMs: 60_000 });
  assert.equal(rerun.exitCode, 0, rerun.stderr);
  rows = await ledgerRows(box);
  assert.equal(rows.get('step')?.status, 'succeeded');
  assert.equal(rows.get('after')?.status, 'succeeded');
  assert.notEqual(rows.get('step')?.jobId, firstIds.step, 'step was submitted again');
  assert.notEqual(rows.get('after')?.jobId, firstIds.after, 'after was submitted again');
  assert.ok(rows.get('after')!.jobId > rows.get('step')!.jobId, 'after ran after step');
  assert.match(await readFile(join(box.dir, 'after', `slurm-${rows.get('after')!.jobId}.out`), 'utf8'), /^second$/m, "after read step's new output");

  // The old attempts are kept whole; the fresh folders hold the new run only.
  assert.ok(existsSync(join(box.dir, 'step_history_1', `slurm-${firstIds.step}.out`)), "step's first run is kept");
  assert.match(await readFile(join(box.dir, 'after_history_1', `slurm-${firstIds.after}.out`), 'utf8'), /^first$/m, "after's first run is kept");
  assert.equal(existsSync(join(box.dir, 'step', `slurm-${firstIds.step}.out`)), false);
  const info = JSON.parse(await readFile(join(box.dir, 'after', 'run_info.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(info['restart_reason'], 'rerun after an upstream job reran');

  const ledger = await readLedgerIfExists(box.ledger);
  const keys = (ledger?.rows ?? []).map((row) => `${row.directory}|${row.basename}`);
  assert.equal(keys.length, 2, `one row per job: ${keys.join(', ')}`);
  assert.equal(new Set(keys).size, 2);
});

test('run --rerun without a job name is a usage error', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [{ basename: 'step', directory: 'step', script: script('first') }]);
  const usage = await batchman(box, ['run', box.batchfile, '--executor', 'local', '--rerun']);
  assert.equal(usage.exitCode, 2, usage.stderr);
});

test('a runner killed right after a rerun submitted its first job: the next plain run resumes the rerun, nothing runs twice', async () => {
  const box = await sandbox();
  await writeShellBatch(box, [
    { basename: 'step', directory: 'step', script: script('first') },
    { basename: 'after', directory: 'after', pipe: 'coords{../step,step.xyz}', script: '#!/usr/bin/env bash\ncat step.xyz\n' },
  ]);
  assert.equal((await runBatchman(box, [], { timeoutMs: 60_000 })).exitCode, 0);
  const firstIds = Object.fromEntries([...(await ledgerRows(box))].map(([name, row]) => [name, row.jobId]));
  // still running when the next runner starts, so that runner finds it in the queue by its folder
  await writeFile(join(box.dir, 'step', 'step.sh'), `#!/usr/bin/env bash\nsleep 4\n${script('second').split('\n').slice(1).join('\n')}`);

  // killed like kill -9 after sbatch answered for `step`, before anything recorded its id
  const killed = await runBatchman(box, ['--rerun', 'step'], { timeoutMs: 60_000, env: { [CRASH_AFTER_SUBMIT_ENV]: '1' } });
  assert.equal(killed.signal, 'SIGKILL', `the runner died as asked (exit ${killed.exitCode}, ${killed.stderr})`);
  const reset = await ledgerRows(box);
  assert.deepEqual([reset.get('step')?.status, reset.get('after')?.status], ['not_started', 'not_started'], 'the reset was written before the submission');

  const resumed = await runBatchman(box, [], { timeoutMs: 60_000 });
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const rows = await ledgerRows(box);
  assert.equal(rows.get('step')?.status, 'succeeded');
  assert.equal(rows.get('after')?.status, 'succeeded');
  assert.notEqual(rows.get('after')?.jobId, firstIds['after'], 'after ran again');
  assert.match(await readFile(join(box.dir, 'after', `slurm-${rows.get('after')!.jobId}.out`), 'utf8'), /^second$/m);
  assert.deepEqual(await slurmOutputIds(join(box.dir, 'step')), [rows.get('step')!.jobId], 'step ran once since the rerun: the submission the kill interrupted was adopted');
  assert.equal(existsSync(join(box.dir, 'step_history_2')), false, 'the resume did not archive again');
});
