// Crash-resume on the local executor: the runner is killed with SIGKILL at several points (right after a
// submission, before it could record it; in the middle of the batch; while a job runs), then `run` again
// must finish the batch with every job submitted exactly once, resuming the SAME batch record.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CRASH_AFTER_SUBMIT_ENV } from '../../core/runner/crashHook.js';
import type { Sandbox } from '../support/runner.js';
import { cleanupSandboxes, history, ledgerRows, ledgerStatuses, localJobs, runBatchman, sandbox, slurmOutputIds, startRunner, submissionsByFolder, waitFor } from '../support/runner.js';

const FINAL_STATUSES = {
  build: 'succeeded',
  relax: 'succeeded',
  freq: 'succeeded',
  charges: 'succeeded',
  broken: 'failed',
  report: 'broken_dependency',
};
const SUBMITTED = ['build', 'relax', 'freq', 'charges', 'broken'];

after(cleanupSandboxes);

/** The lines of the batch's journal of submit intents (`.batchman/submitting-*.jsonl`), parsed as JSON. */
async function journalLines(box: Sandbox): Promise<Record<string, unknown>[]> {
  const names = (await readdir(join(box.dir, '.batchman')).catch(() => [] as string[])).filter((name) => /^submitting-.*\.jsonl$/.test(name));
  assert.ok(names.length <= 1, `one journal for the one ledger: ${names.join(', ')}`);
  if (names.length === 0) return [];
  const text = await readFile(join(box.dir, '.batchman', names[0]!), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The killed launch's record reads `lost` (runner gone, record never closed). */
async function assertLost(box: Sandbox, pid: number | undefined): Promise<string> {
  const records = await history(box);
  assert.equal(records.length, 1, 'one launch so far');
  assert.equal(records[0]!.status, 'lost');
  if (pid !== undefined) assert.equal(records[0]!.runner.pid, pid);
  return records[0]!.id;
}

/** Resumes, then checks the end: right statuses, one submission per job, the same record closed. */
async function resumeAndCheck(box: Sandbox, recordId: string): Promise<void> {
  const resumed = await runBatchman(box, ['-j', '2']);
  assert.equal(resumed.exitCode, 1, resumed.stderr);
  assert.match(resumed.stderr, /^resuming batch /m);
  assert.deepEqual(await ledgerStatuses(box), FINAL_STATUSES);

  const byFolder = await submissionsByFolder(box);
  for (const name of SUBMITTED) {
    const folder = join(box.dir, 'water', name);
    assert.equal(byFolder.get(folder)?.length, 1, `${name} submitted exactly once (ids ${byFolder.get(folder)?.join(', ')})`);
    assert.deepEqual(await slurmOutputIds(folder), byFolder.get(folder), `${name}: one slurm-<id>.out, of that submission`);
    const info = JSON.parse(await readFile(join(folder, 'run_info.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(info['job_id'], byFolder.get(folder)![0], `${name}: run_info.json names the one submission`);
    assert.equal(info['submitting_since'], undefined, `${name}: no submit intent left behind`);
  }
  assert.deepEqual(await journalLines(box), [], 'the journal holds no intent once the batch is done');
  assert.equal(byFolder.has(join(box.dir, 'water', 'report')), false, 'report never submitted');
  assert.equal(byFolder.size, SUBMITTED.length);

  const records = await history(box);
  assert.equal(records.length, 1, 'the resume reuses the launch record');
  const record = records[0]!;
  assert.equal(record.id, recordId);
  assert.equal(record.status, 'completed');
  assert.equal(record.run_number, 1);
  assert.equal(record.resumes.length, 1);
  assert.deepEqual(record.counts, { total: 6, succeeded: 4, failed: 1, running: 0, pending: 0, not_started: 0, broken_dependency: 1, cancelled: 0 });
}

describe('kill -9 of the runner, then run again', () => {
  test('right after the first submission, before the runner recorded it anywhere', async () => {
    const box = await sandbox('shell-pipeline');
    const killed = await runBatchman(box, ['-j', '1'], { env: { [CRASH_AFTER_SUBMIT_ENV]: '1' } });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    const jobs = await localJobs(box);
    assert.equal(jobs.length, 1, 'the executor has the job');
    // the window itself: the job exists, but neither the ledger nor run_info.json has its id
    const ledger = await readFile(box.ledger, 'utf8').catch(() => '');
    assert.doesNotMatch(ledger, /^1\|build\|/m, 'the ledger does not know the submission');
    const infoText = await readFile(join(box.dir, 'water/build/run_info.json'), 'utf8').catch(() => undefined);
    const info = infoText === undefined ? {} : (JSON.parse(infoText) as Record<string, unknown>);
    assert.ok(info['job_id'] === undefined || info['job_id'] === null, `not submitted as far as run_info.json knows: ${infoText}`);
    const intents = await journalLines(box);
    assert.deepEqual(
      intents.map((line) => line['dir']),
      [join(box.dir, 'water', 'build')],
      'the intent was in the batch journal before the submission',
    );
    assert.equal(typeof intents[0]!['at'], 'string');
    const recordId = await assertLost(box, undefined);
    await resumeAndCheck(box, recordId);
  });

  test('in the middle: right after the third submission (two jobs active at a time)', async () => {
    const box = await sandbox('shell-pipeline');
    const killed = await runBatchman(box, ['-j', '2'], { env: { [CRASH_AFTER_SUBMIT_ENV]: '3' } });
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    assert.equal((await localJobs(box)).length, 3);
    const recordId = await assertLost(box, undefined);
    await resumeAndCheck(box, recordId);
  });

  test('by timing, as soon as the first job has started in the executor', async () => {
    const box = await sandbox('shell-pipeline');
    const runner = startRunner(box, ['-j', '1']);
    await waitFor('the first job to start', async () => (await localJobs(box)).some((job) => job.facts.run), 30_000, 2);
    runner.kill('SIGKILL');
    assert.equal((await runner).signal, 'SIGKILL');
    const recordId = await assertLost(box, runner.pid!);
    await resumeAndCheck(box, recordId);
  });

  test('while a job runs: it ends while no runner watches, and is read from the truth', async () => {
    const box = await sandbox('shell-pipeline');
    const runner = startRunner(box, ['-j', '1']);
    const relax = join(box.dir, 'water', 'relax');
    // relax sleeps 1 s: catch it between its start and its end, once the ledger knows it was submitted
    const running = await waitFor(
      'relax to run, its submission in the ledger',
      async () => {
        const row = (await ledgerRows(box)).get('relax');
        const job = (await localJobs(box)).find((j) => j.spec.cwd === relax && j.facts.run && !j.facts.end);
        return job && row && String(row.jobId) === String(job.facts.id) ? job : undefined;
      },
      30_000,
      5,
    );
    runner.kill('SIGKILL');
    assert.equal((await runner).signal, 'SIGKILL');
    const recordId = await assertLost(box, runner.pid!);
    await waitFor('relax to end with nobody watching', async () => (await localJobs(box)).find((job) => job.facts.id === running.facts.id && job.facts.end));
    const statuses = await ledgerStatuses(box);
    assert.ok(statuses['relax'] === 'pending' || statuses['relax'] === 'running', `the ledger still says relax is active (${statuses['relax']})`);
    await resumeAndCheck(box, recordId);
  });
});
