// The controller goes away under a running batch (`scontrol shutdown slurmctld`, then started again as the start
// script does): first while submissions are due (sbatch cannot reach it), then while the batch's jobs are queued
// (squeue cannot). Nothing fails, the batch finishes, every job ran exactly once.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ensureBuilt } from '../support/build.js';
import { prepareCluster, removeTempDirs, waitFor } from '../support/slurm/cluster.js';
import { restartController, startController, stopController } from '../support/slurm/controller.js';
import { batchDir, cancelLeftovers, ledgerRows, liveJobsUnder, shellJob, startRunner } from './runnerHarness.js';

const cluster = await prepareCluster();
const skip = cluster.skip || (process.getuid?.() !== 0 && 'restarting the controller needs root');
const roots: string[] = [];
after(async () => {
  try {
    // whatever happened, the next test file finds the controller up
    await startController();
    for (const root of roots) await cancelLeftovers(root);
  } finally {
    await removeTempDirs();
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the controller restarts under a running batch', { skip }, () => {
  test('down while submissions are due, then down while jobs are queued: nothing fails, each job runs once', async (t) => {
    await ensureBuilt();
    const root = await batchDir();
    roots.push(root);
    const names = Array.from({ length: 6 }, (_, i) => `c${i + 1}`);
    for (const name of names) await shellJob(root, name, `echo "${name} $SLURM_JOB_ID" >> ../markers.txt\nsleep 4`);
    const batchfile = join(root, 'batchfile.csv');
    await writeFile(batchfile, `root_directory=.\njob_basename|job_directory|program|pipe\n${names.map((n) => `${n}|${n}|shell|`).join('\n')}\n`);
    await writeFile(join(root, 'markers.txt'), '');

    await stopController();
    const runner = startRunner(batchfile, ['-j', '3'], { timeoutMs: 240_000 });
    let ended = false;
    void runner.finally(() => (ended = true));
    // Every job is ready and sbatch cannot reach the controller: the runner must wait, not fail or die.
    await sleep(10_000);
    assert.equal(ended, false, 'the runner is still running while the controller is away');
    await startController();

    await waitFor('a job of the batch to be queued', async () => (await liveJobsUnder(root)).length > 0, { timeoutMs: 90_000 });
    await restartController(8_000);

    const run = await runner;
    t.diagnostic(`the runner said:\n${String(run.stderr).split('\n').slice(-40).join('\n')}`);
    const rows = await ledgerRows(root);
    const statuses = names.map((name) => `${name}: ${rows.get(name)?.status} ${rows.get(name)?.cause ?? ''}`.trim());
    assert.equal(run.exitCode, 0, `${statuses.join('\n')}\n${String(run.stderr)}`);
    for (const name of names) assert.equal(rows.get(name)?.status, 'succeeded', statuses.join('\n'));
    const marks = (await readFile(join(root, 'markers.txt'), 'utf8')).split('\n').filter((line) => line !== '');
    for (const name of names) assert.equal(marks.filter((line) => line.startsWith(`${name} `)).length, 1, `${name} ran once:\n${marks.join('\n')}`);
    const traces = String(run.stderr).split('\n').filter((line) => /^\s+at\s|internal error/.test(line));
    assert.deepEqual(traces, [], 'no stack trace or internal error on stderr');
  });
});
