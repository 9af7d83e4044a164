// A runner killed between publishing a job to the local executor and starting it (the job exists, nothing
// runs it): the next `run` starts it from its spec, once, in the first runner's environment, long before the
// 60 s start grace would have failed it, and the batch completes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CRASH_BEFORE_WRAPPER_ENV } from '../../core/executors/localCrashHook.js';
import { cleanupSandboxes, history, ledgerStatuses, localJobs, runBatchman, sandbox, submissionsByFolder, writeShellBatch } from '../support/runner.js';

after(cleanupSandboxes);

test('kill -9 right after the first spec is published, before its wrapper starts: the resume starts it once', async (t) => {
  const box = await sandbox();
  await writeShellBatch(box, [
    {
      basename: 'first',
      directory: 'first',
      script: '#!/usr/bin/env bash\nset -eu\necho "ran in $ORPHAN_PROBE" >> runs.log\nprintf "1\\nH\\nH 0 0 0\\n" > first.xyz\n',
    },
    { basename: 'second', directory: 'second', pipe: 'coords{../first,first.xyz}', script: '#!/usr/bin/env bash\nset -eu\ntest -s first.xyz\necho second >> runs.log\n' },
  ]);
  const first = join(box.dir, 'first');
  const second = join(box.dir, 'second');

  const crashed = await runBatchman(box, ['-j', '1'], { timeoutMs: 60_000, env: { [CRASH_BEFORE_WRAPPER_ENV]: '1', ORPHAN_PROBE: 'the first runner' } });
  assert.equal(crashed.signal, 'SIGKILL', `the runner died as asked (exit ${crashed.exitCode}, ${crashed.stderr})`);
  // the window itself: the spec is published, nothing claimed or started it
  const [orphan, ...others] = await localJobs(box);
  assert.equal(others.length, 0, 'one job published');
  assert.equal(orphan?.spec.cwd, first);
  assert.deepEqual(orphan?.facts.files, [`${orphan?.facts.id}.json`], 'only the spec: no launch claim, no run, no end');

  const started = performance.now();
  const resumed = await runBatchman(box, ['-j', '1'], { timeoutMs: 60_000, env: { ORPHAN_PROBE: 'the second runner' } });
  const resumeMs = performance.now() - started;
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  assert.match(resumed.stderr, /^resuming batch /m);
  assert.deepEqual(await ledgerStatuses(box), { first: 'succeeded', second: 'succeeded' });
  assert.ok(resumeMs < 30_000, `the resume finished in ${resumeMs.toFixed(0)} ms, well before the 60 s start grace`);

  // once: one submission, one claim, one start, one end; run in the environment it was submitted with
  assert.equal(await readFile(join(first, 'runs.log'), 'utf8'), 'ran in the first runner\n');
  assert.equal(await readFile(join(second, 'runs.log'), 'utf8'), 'second\n');
  const byFolder = await submissionsByFolder(box);
  assert.deepEqual(byFolder.get(first), [orphan?.facts.id], 'first submitted exactly once');
  assert.equal(byFolder.get(second)?.length, 1, 'second submitted exactly once');
  const after = (await localJobs(box)).find((job) => job.facts.id === orphan?.facts.id);
  const kinds = (after?.facts.files ?? []).map((name) => name.split('.')[1]).sort();
  assert.deepEqual(kinds, ['end', 'json', 'launch', 'run'], `files of the job: ${after?.facts.files.join(', ')}`);
  assert.equal(after?.facts.end?.status, 0);

  const records = await history(box);
  assert.equal(records.length, 1, 'the resume reuses the launch record');
  assert.equal(records[0]!.status, 'completed');
  t.diagnostic(`resume to completion: ${resumeMs.toFixed(0)} ms (the job waited ${((after?.facts.run?.startMs ?? 0) - (after?.spec.submittedAt ?? 0)).toFixed(0)} ms between publish and start)`);
});
