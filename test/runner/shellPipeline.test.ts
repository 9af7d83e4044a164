// examples/shell-pipeline end to end on the local executor with real processes: statuses, pipes,
// failure output, the batch record, a second launch of a finished batch, history, status and `-j 1`.
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Sandbox } from '../support/runner.js';
import { batchman, cleanupSandboxes, history, ledgerRows, ledgerStatuses, localJobs, runBatchman, sandbox } from '../support/runner.js';

const FINAL_STATUSES = {
  build: 'succeeded',
  relax: 'succeeded',
  freq: 'succeeded',
  charges: 'succeeded',
  broken: 'failed',
  report: 'broken_dependency',
};

describe('the shell pipeline on the local executor, -j 1', () => {
  let box: Sandbox;
  let first: Awaited<ReturnType<typeof runBatchman>>;

  before(async () => {
    box = await sandbox('shell-pipeline');
    first = await runBatchman(box, ['-j', '1', '--name', 'first-launch', '--message', 'from the test']);
  });
  after(cleanupSandboxes);

  test('exits 1 (one job fails on purpose) with the right final statuses', async () => {
    assert.equal(first.exitCode, 1, first.stderr);
    assert.deepEqual(await ledgerStatuses(box), FINAL_STATUSES);
    const rows = await ledgerRows(box);
    assert.equal(rows.get('broken')?.cause, 'exit code 3');
    assert.equal(rows.get('broken')?.exitCode, 3);
    assert.equal(rows.get('report')?.jobId, -1, 'report was never submitted');
    for (const name of ['build', 'relax', 'freq', 'charges', 'broken']) assert.ok((rows.get(name)?.jobId ?? -1) > 0, `${name} has a job id`);
    assert.match(first.stderr, /4\/6 succeeded, 1 failed, 1 broken dependency/);
  });

  test('the piped .xyz files arrived in each downstream folder, equal to what upstream wrote', async () => {
    const water = join(box.dir, 'water');
    const built = await readFile(join(water, 'build/build.xyz'), 'utf8');
    assert.equal(await readFile(join(water, 'relax/build.xyz'), 'utf8'), built);
    const relaxed = await readFile(join(water, 'relax/relax.xyz'), 'utf8');
    assert.match(relaxed, /water, relaxed/);
    for (const job of ['freq', 'charges', 'broken']) assert.equal(await readFile(join(water, job, 'relax.xyz'), 'utf8'), relaxed, `${job} got relax.xyz`);
    assert.equal((await readdir(join(water, 'report'))).includes('broken.xyz'), false, 'nothing was piped from a failed job');
    // the jobs really ran on what they were given
    const freqId = (await ledgerRows(box)).get('freq')?.jobId;
    assert.match(await readFile(join(water, 'freq', `slurm-${freqId}.out`), 'utf8'), /frequencies for 3 atoms/);
  });

  test('fail_output/__water__broken/ (CCBatchMan\'s layout) holds the failed job\'s output', async () => {
    const brokenId = (await ledgerRows(box)).get('broken')?.jobId;
    const kept = join(box.dir, 'fail_output', '__water__broken');
    assert.ok((await readdir(kept)).includes(`slurm-${brokenId}.out`));
    assert.match(await readFile(join(kept, `slurm-${brokenId}.out`), 'utf8'), /this job fails on purpose/);
    assert.deepEqual(await readdir(join(box.dir, 'fail_output')), ['__water__broken'], 'only the failed job is kept there');
  });

  test('the batch record is completed, run 1, with the counts, the options asked and used', async () => {
    const records = await history(box);
    assert.equal(records.length, 1);
    const record = records[0]!;
    assert.equal(record.status, 'completed');
    assert.equal(record.run_number, 1);
    assert.equal(record.name, 'first-launch');
    assert.equal(record['message'], 'from the test');
    assert.deepEqual(record.resumes, []);
    assert.deepEqual(record.counts, { total: 6, succeeded: 4, failed: 1, running: 0, pending: 0, not_started: 0, broken_dependency: 1, cancelled: 0 });
    assert.equal(record.command_options['jobs'], 1);
    assert.equal(record.computed_options['jobs'], 1);
    assert.equal(record.computed_options['executor'], 'local');
    assert.ok(record['end_time'], 'closed with an end time');
  });

  test('-j 1: the jobs\' run intervals (from the executor\'s own start and end records) never overlap', async () => {
    const jobs = await localJobs(box);
    assert.equal(jobs.length, 5, 'five jobs were submitted, once each');
    const intervals = jobs.map((job) => {
      assert.ok(job.facts.run && job.facts.end, `job ${job.facts.id} started and ended`);
      return { id: job.facts.id, start: job.facts.run.startMs, end: job.facts.end.endMs };
    });
    intervals.sort((a, b) => a.start - b.start);
    for (let i = 1; i < intervals.length; i++) {
      const before = intervals[i - 1]!;
      const next = intervals[i]!;
      assert.ok(next.start >= before.end, `job ${next.id} started ${next.start} before job ${before.id} ended ${before.end}`);
    }
    // and each was submitted only after the previous one ended (a pending job holds the slot too)
    const bySubmit = [...jobs].sort((a, b) => a.spec.submittedAt - b.spec.submittedAt);
    for (let i = 1; i < bySubmit.length; i++) {
      assert.ok(bySubmit[i]!.spec.submittedAt >= bySubmit[i - 1]!.facts.end!.endMs, `job ${bySubmit[i]!.facts.id} submitted while another was active`);
    }
  });

  test('status --json agrees with the ledger', async () => {
    const result = await batchman(box, ['status', box.batchfile, '--json']);
    assert.equal(result.exitCode, 1, result.stderr);
    const status = JSON.parse(result.stdout) as { summary: Record<string, number>; jobs: { basename: string; status: string; jobId: string | null; cause: string | null }[]; batch: { run_number: number; status: string } };
    const rows = await ledgerRows(box);
    assert.deepEqual(Object.fromEntries(status.jobs.map((job) => [job.basename, job.status])), FINAL_STATUSES);
    for (const job of status.jobs) {
      const row = rows.get(job.basename)!;
      assert.equal(job.jobId, row.jobId < 0 ? null : String(row.jobId), job.basename);
      assert.equal(job.cause ?? undefined, row.cause, job.basename);
    }
    assert.deepEqual(status.summary, { total: 6, succeeded: 4, failed: 1, running: 0, pending: 0, not_started: 0, broken_dependency: 1, cancelled: 0 });
    assert.equal(status.batch.status, 'completed');
  });

  test('a second run of the finished batch says there is nothing to do: it submits nothing, records no launch, keeps every status', async () => {
    const ledgerBefore = await readFile(box.ledger, 'utf8');
    const jobsBefore = (await localJobs(box)).length;
    const recordsBefore = await history(box);
    const second = await runBatchman(box, ['-j', '1']);
    // Without -r a failed job stays failed: the batch's verdict is unchanged, so is the exit code.
    assert.equal(second.exitCode, 1, second.stderr);
    assert.match(second.stderr, /nothing to do: 4\/6 succeeded, 1 failed, 1 broken dependency; a failed job stays failed/);
    assert.match(second.stderr, /batchman run -r /, 'it says how to restart the failed job');
    assert.equal((await localJobs(box)).length, jobsBefore, 'nothing submitted');
    assert.deepEqual(await ledgerStatuses(box), FINAL_STATUSES);
    assert.equal(await readFile(box.ledger, 'utf8'), ledgerBefore, 'the ledger is untouched');
    const records = await history(box);
    assert.deepEqual(records.map((r) => [r.id, r.run_number, r.status]), recordsBefore.map((r) => [r.id, r.run_number, r.status]), 'no launch recorded');
    assert.equal(records[0]!.name, 'first-launch');
  });
});
