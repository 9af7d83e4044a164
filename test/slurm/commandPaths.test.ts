// SLURM's commands named by the environment (what the extension's `batchman.slurm.*Path` settings hand to the CLI and
// its detached runner): a site's wrappers under other names, off PATH, are the ones `run`, `status` and `cancel` call. The
// wrappers count their calls and then run the real commands on the real cluster.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { SLURM_COMMAND_ENV } from '../../core/slurm/commandsEnv.js';
import { ensureBuilt } from '../support/build.js';
import { countingWrapper, prepareCluster, removeTempDirs, tempDirFor, waitFor, which } from '../support/slurm/cluster.js';
import { batchDir, batchman, cancelLeftovers, ledgerRows, shellJob } from './runnerHarness.js';

const cluster = await prepareCluster();
const roots: string[] = [];
after(async () => {
  for (const root of roots) await cancelLeftovers(root);
  await removeTempDirs();
});

describe('SLURM commands named by BATCHMAN_SBATCH, BATCHMAN_SQUEUE, BATCHMAN_SACCT', { skip: cluster.skip }, () => {
  test('run, status and cancel call the named wrappers, not what PATH finds', { timeout: 180_000 }, async () => {
    await ensureBuilt();
    const root = await batchDir();
    roots.push(root);
    const file = join(root, 'batchfile.csv');
    await writeFile(file, 'root_directory=.\njob_basename|job_directory|program|pipe\nhello|hello|shell|\nsleeper|sleeper|shell|\n');
    await shellJob(root, 'hello', 'echo hello from slurm');
    await shellJob(root, 'sleeper', 'sleep 120');
    const wrappers = await tempDirFor('root', 'batchman-site-commands-');
    const site = {
      sbatch: await countingWrapper(wrappers, 'site-sbatch', which('sbatch')),
      squeue: await countingWrapper(wrappers, 'site-squeue', which('squeue')),
      sacct: await countingWrapper(wrappers, 'site-sacct', which('sacct')),
      scancel: await countingWrapper(wrappers, 'site-scancel', which('scancel')),
      // status gets a squeue of its own, so its one call is not mixed with the runner's polls
      statusSqueue: await countingWrapper(wrappers, 'status-squeue', which('squeue')),
    };
    // PATH keeps the real commands: only the variables can send the calls through the wrappers.
    const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root };
    const env = {
      ...base,
      [SLURM_COMMAND_ENV.sbatch]: site.sbatch.path,
      [SLURM_COMMAND_ENV.squeue]: site.squeue.path,
      [SLURM_COMMAND_ENV.sacct]: site.sacct.path,
      [SLURM_COMMAND_ENV.scancel]: site.scancel.path,
    };
    const run = await batchman(['run', file, '--detach'], { env });
    assert.equal(run.exitCode, 0, run.stderr);
    await waitFor('hello to succeed and sleeper to run', async () => {
      const rows = await ledgerRows(root);
      return rows.get('hello')?.status === 'succeeded' && rows.get('sleeper')?.status === 'running';
    }, { timeoutMs: 90_000 });
    assert.equal(await site.sbatch.count(), 2, 'both jobs were submitted through the site sbatch');
    assert.ok((await site.squeue.count()) >= 1, 'the detached runner polls through the site squeue');

    const status = await batchman(['status', file, '--json'], { env: { ...env, [SLURM_COMMAND_ENV.squeue]: site.statusSqueue.path } });
    assert.equal(status.exitCode, 0, status.stderr);
    const jobs = (JSON.parse(status.stdout) as { jobs: { basename: string; status: string }[] }).jobs;
    assert.equal(jobs.find((job) => job.basename === 'sleeper')?.status, 'running');
    assert.equal(await site.statusSqueue.count(), 1, 'status asked its named squeue, once');

    const cancel = await batchman(['cancel', file], { env });
    assert.equal(cancel.exitCode, 0, cancel.stderr);
    await waitFor('sleeper to be cancelled', async () => (await ledgerRows(root)).get('sleeper')?.status === 'cancelled', { timeoutMs: 90_000 });
    // the CLI cancels at once and the runner, told by its marker, on its next pass: both through the site scancel
    assert.ok((await site.scancel.count()) >= 1, 'scancel went through the site command');
  });
});
