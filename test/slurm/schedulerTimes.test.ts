// A job that starts and ends between two `status` calls gets its elapsed time and its start from sacct, not from the poll.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { readLedger } from '../../core/ledger/ledger.js';
import { ensureBuilt } from '../support/build.js';
import { prepareCluster, removeTempDirs, tempDirFor, waitFor, writeScript } from '../support/slurm/cluster.js';
import { batchmanFor, runAs } from '../support/slurm/users.js';

const cluster = await prepareCluster();
after(removeTempDirs);

describe('status of a job that ran between two looks', { skip: cluster.skip, timeout: 60_000 }, () => {
  let dir: string;
  let jobId: string | undefined;

  before(async () => {
    await ensureBuilt();
    dir = await tempDirFor('root', 'batchman-times-');
    await mkdir(join(dir, 'quick'));
    await writeScript(join(dir, 'quick'), 'quick.sh', 'sleep 2');
    await writeFile(join(dir, 'batchfile.csv'), `root_directory=${dir}\njob_basename|job_directory|program|pipe\nquick|quick|shell|\n`);
    const { stdout } = await execa('sbatch', ['--parsable', `--chdir=${join(dir, 'quick')}`, '--job-name=quick', '--output=slurm-%j.out', join(dir, 'quick', 'quick.sh')], { timeout: 15_000 });
    jobId = stdout.trim().split(';')[0]!;
    // The ledger as submission leaves it: the job pending, never seen running.
    await writeFile(
      join(dir, '__ledger__.csv'),
      `job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename\n${jobId}|quick|${dir}/quick|pending|shell||||\n`,
    );
  });

  after(async () => {
    if (jobId !== undefined) await execa('scancel', [jobId], { reject: false, timeout: 15_000 });
  });

  test("the first status after the job ended shows sacct's Start and an elapsed time", async () => {
    const sacct = async (): Promise<string[]> => {
      const { stdout } = await execa('sacct', ['-X', '-n', '-P', '-j', jobId!, '--format=State,Start,Elapsed'], { timeout: 15_000 });
      return stdout.trim().split('|');
    };
    await waitFor('sacct to say COMPLETED', async () => (await sacct())[0] === 'COMPLETED', { timeoutMs: 40_000, intervalMs: 300 });
    const [, start] = await sacct();

    const batchman = await batchmanFor('root');
    const result = await runAs('root', batchman.file, [...batchman.args, 'status', join(dir, 'batchfile.csv'), '--json']);
    assert.ok(result.stdout.startsWith('{'), `status printed JSON (exit ${result.exitCode}, stderr: ${result.stderr})`);
    const json = JSON.parse(result.stdout) as { jobs: { basename: string; status: string; elapsed: string | null }[] };
    const quick = json.jobs.find((job) => job.basename === 'quick')!;
    assert.equal(quick.status, 'succeeded');
    assert.notEqual(quick.elapsed, null, 'status shows an elapsed time');

    const row = (await readLedger(join(dir, '__ledger__.csv'))).rows.find((r) => r.basename === 'quick')!;
    assert.ok(row.startedAt !== undefined, 'the ledger has a start');
    // sacct prints the cluster's local time without a zone; both are compared as instants.
    assert.equal(Date.parse(row.startedAt), Date.parse(start!), `started ${row.startedAt}, sacct Start ${start}`);
  });
});
