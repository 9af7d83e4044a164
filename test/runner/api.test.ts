// The library API on the local executor: open, submitMany, poll, wait, summary — real processes.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Batch, BatchfileErrors } from '../../core/runner/api.js';
import { REPO_ROOT } from '../support/build.js';

describe('library API (local executor)', () => {
  let dir: string;
  let previousState: string | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-api-'));
    await cp(join(REPO_ROOT, 'examples/shell-pipeline'), join(dir, 'batch'), { recursive: true });
    previousState = process.env.BATCHMAN_LOCAL_STATE;
    process.env.BATCHMAN_LOCAL_STATE = join(dir, 'state');
  });
  after(async () => {
    if (previousState === undefined) delete process.env.BATCHMAN_LOCAL_STATE;
    else process.env.BATCHMAN_LOCAL_STATE = previousState;
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a batchfile with errors, naming them', async () => {
    const { writeFile } = await import('node:fs/promises');
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'root_directory=.\njob_basename|job_directory|program|pipe\nx|x|xtbb|\n');
    await assert.rejects(Batch.open(bad), (error: unknown) => error instanceof BatchfileErrors && error.diagnostics.some((d) => d.code === 'program-unknown'));
  });

  it('submits what is ready, then waits to the end with counts on every poll', async () => {
    const batch = await Batch.open(join(dir, 'batch/batchfile.csv'), { executor: 'local', maxActive: 2 });
    const first = await batch.submitMany();
    // Only `build` has no upstream job: it is the one submitted.
    assert.equal(first.total, 6);
    assert.deepEqual(batch.summary().results.filter((r) => r.jobId !== null).map((r) => r.basename), ['build']);

    const polls: number[] = [];
    const summary = await batch.wait({ timeout: 120, pollInterval: 1, onPoll: (counts) => polls.push(counts.completed) });
    assert.equal(summary.total, 6);
    assert.equal(summary.completed, 4);
    assert.equal(summary.failed, 2);
    assert.deepEqual(summary.failures.map((f) => `${f.basename}:${f.status}:${f.cause}`).sort(), ['broken:failed:exit code 3', 'report:broken_dependency:upstream broken failed']);
    assert.ok(polls.length >= 2 && polls.at(-1) === 4, `polls saw progress: ${polls.join(',')}`);
    assert.equal(batch.done, true);

    const counts = await batch.poll();
    assert.deepEqual(counts, { total: 6, completed: 4, failed: 2, pending: 0, running: 0 });
  });
});
