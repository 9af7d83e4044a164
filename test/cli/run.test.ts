// `batchman run` on a 60-job shell batch (the local executor, real processes) with its output not a terminal:
// a pipe, and --detach's `.batchman/runner.log`. Both get summary and job lines, never the whole table, and stay small.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Sandbox } from '../support/runner.js';
import { batchman, cleanupSandboxes, ledgerStatuses, processAlive, runBatchman, sandbox, trackRunner, waitFor, writeShellBatch } from '../support/runner.js';

const JOBS = 60;
const FAILING = new Set(['job07', 'job33', 'job58']);
const SUMMARY = /^(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d \d+\/60 ended( · \d+ (succeeded|failed|broken dependency|cancelled|running|pending|not started))*$/;
const TRANSITION = /^ {2}job\d\d +[a-z_]+ → [a-z_]+( {2}\(.+\))?$/;
const MORE = /^ {2}… and \d+ more: .+$/;
const MAX_BYTES = 40 * 1024;

after(cleanupSandboxes);

async function sixtyJobs(): Promise<Sandbox> {
  const box = await sandbox();
  await writeShellBatch(
    box,
    Array.from({ length: JOBS }, (_, i) => {
      const basename = `job${String(i).padStart(2, '0')}`;
      return { basename, directory: `jobs/${basename}`, script: `#!/usr/bin/env bash\necho ${basename}\nexit ${FAILING.has(basename) ? 3 : 0}\n` };
    }),
  );
  return box;
}

/** Checks the shape of what `run` printed for its passes; returns its summary lines. */
function assertProgressLines(text: string): string[] {
  assert.ok(!text.includes('\x1b'), 'no escape sequence outside a terminal');
  const lines = text.split('\n').filter((line) => line !== '');
  assert.ok(!lines.some((line) => /^JOB\s+STATUS\s+ID/.test(line)), 'the whole table is never printed');
  const other = lines.filter((line) => !SUMMARY.test(line) && !TRANSITION.test(line) && !MORE.test(line));
  assert.deepEqual(other, [], 'every line is a summary, a job change or a count of more');
  const summaries = lines.filter((line) => SUMMARY.test(line));
  assert.ok(summaries.length >= 2, `a summary per pass that changed something:\n${text}`);
  assert.match(summaries[0]!, /^\d{4}-\d\d-\d\d /, 'the first summary carries the date');
  assert.match(summaries.at(-1)!, / 60\/60 ended · 57 succeeded · 3 failed$/);
  assert.ok(lines.some((line) => /^ {2}job\d\d +not_started → pending {2}\(job \d+\)$/.test(line)), 'submissions are listed with their id');
  for (const name of FAILING) assert.ok(lines.some((line) => new RegExp(`^  ${name} +(running|pending) → failed  \\(exit code 3\\)$`).test(line)), `${name}'s failure is listed`);
  assert.ok(Buffer.byteLength(text) < MAX_BYTES, `${Buffer.byteLength(text)} bytes`);
  return summaries;
}

describe('batchman run, 60 jobs, output not a terminal', () => {
  it('to a pipe: summary lines and job changes, no table, under 40 KB', async (t) => {
    const box = await sixtyJobs();
    const result = await runBatchman(box, ['-j', '16', '--name', 'sixty-piped']);
    assert.equal(result.exitCode, 1, `three jobs fail on purpose (stderr: ${result.stderr})`);
    const summaries = assertProgressLines(result.stdout);
    // the final summary on stderr is as it was
    assert.match(result.stderr, /^batch sixty-piped: 57\/60 succeeded, 3 failed$/m);
    const capped = result.stdout.split('\n').filter((line) => MORE.test(line)).length;
    t.diagnostic(`stdout: ${Buffer.byteLength(result.stdout)} bytes, ${summaries.length} passes printed, ${capped} of them capped`);
  });

  it('with --detach: the runner log gets the same lines', async (t) => {
    const box = await sixtyJobs();
    const detached = await runBatchman(box, ['-j', '16', '--name', 'sixty-detached', '--detach'], { timeoutMs: 15_000 });
    assert.equal(detached.exitCode, 0, detached.stderr);
    const pid = Number(/\(pid (\d+)\)/.exec(detached.stdout)?.[1]);
    assert.ok(pid > 0, detached.stdout);
    trackRunner(pid);
    const waited = await batchman(box, ['wait', box.batchfile, '--timeout', '80']);
    assert.equal(waited.exitCode, 1, `wait: some jobs failed (stderr: ${waited.stderr})`);
    await waitFor('the background runner to exit', async () => !(await processAlive(pid)), 30_000);
    assert.equal(Object.values(await ledgerStatuses(box)).filter((status) => status === 'failed').length, FAILING.size);

    const log = await readFile(join(box.dir, '.batchman', 'runner.log'), 'utf8');
    const lines = log.split('\n');
    assert.match(lines[0]!, /^starting batch sixty-detached \(run 1, local/);
    assert.match(log, /^batch sixty-detached: 57\/60 succeeded, 3 failed$/m);
    const progress = lines.filter((line) => !line.startsWith('starting batch ') && !line.startsWith('batch sixty-detached: ')).join('\n');
    const summaries = assertProgressLines(progress);
    t.diagnostic(`runner.log: ${Buffer.byteLength(log)} bytes, ${summaries.length} passes printed`);
  });
});
