// `batchman status` against the real cluster: a CCBatchMan-style batch with a stale ledger, read back
// with exactly one squeue and at most one sacct, every status, cause and exit code right.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';
import { countingWrapper, prepareCluster, removeTempDirs, sharedDir, tempDirFor, waitFor, writeScript } from '../support/slurm/cluster.js';

const cluster = await prepareCluster();
after(removeTempDirs);

interface StatusJson {
  summary: Record<string, number>;
  jobs: { basename: string; status: string; jobId: string | null; slurmState: string | null; exitCode: number | null; cause: string | null; lastEvent: { status: string; at: string } | null }[];
}

describe('batchman status on a real SLURM batch', { skip: cluster.skip ?? false }, () => {
  let dir: string;
  let batchfile: string;
  const ids: Record<string, string> = {};
  let squeue: Awaited<ReturnType<typeof countingWrapper>>;
  let sacct: Awaited<ReturnType<typeof countingWrapper>>;
  let wrapDir: string;

  const status = async (): Promise<{ json: StatusJson; exitCode: number | undefined }> => {
    const result = await execa(join(REPO_ROOT, 'bin/batchman'), ['status', batchfile, '--json'], {
      reject: false,
      timeout: 60_000,
      env: { PATH: `${wrapDir}${delimiter}${process.env.PATH ?? ''}` },
    });
    assert.ok(result.stdout.startsWith('{'), `status printed JSON (stderr: ${result.stderr})`);
    return { json: JSON.parse(result.stdout) as StatusJson, exitCode: result.exitCode };
  };
  const job = (json: StatusJson, name: string) => json.jobs.find((j) => j.basename === name)!;

  before(async () => {
    await ensureBuilt();
    dir = await tempDirFor(undefined, 'batchman-status-');
    wrapDir = await sharedDir();
    squeue = await countingWrapper(wrapDir, 'squeue');
    sacct = await countingWrapper(wrapDir, 'sacct');
    const bodies: Record<string, string> = {
      ok: 'echo fine',
      fail: 'echo broken >&2; exit 3',
      slow: 'sleep 600',
      after: 'cat fail.xyz',
      idle: 'true',
    };
    for (const [name, body] of Object.entries(bodies)) {
      await mkdir(join(dir, name));
      await writeScript(join(dir, name), `${name}.sh`, `#!/bin/bash\n${body}\n`);
    }
    batchfile = join(dir, 'batchfile.csv');
    await writeFile(
      batchfile,
      `root_directory=${dir}\njob_basename|job_directory|program|pipe\nok|ok|shell|\nfail|fail|shell|\nslow|slow|shell|\nafter|after|shell|coords{../fail,}\nidle|idle|shell|\n`,
    );
    for (const name of ['ok', 'fail', 'slow']) {
      const submitted = await execa('sbatch', ['--parsable', `--chdir=${join(dir, name)}`, `--job-name=${name}`, '--output=slurm-%j.out', join(dir, name, `${name}.sh`)]);
      ids[name] = submitted.stdout.trim().split(';')[0]!;
    }
    // The ledger CCBatchMan left behind: every submitted job still "pending", ids as pandas floats.
    await writeFile(
      join(dir, '__ledger__.csv'),
      [
        'job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename',
        `${ids.ok}.0|ok|${dir}/ok|pending|shell||||`,
        `${ids.fail}.0|fail|${dir}/fail|pending|shell||||`,
        `${ids.slow}.0|slow|${dir}/slow|pending|shell||||`,
        `-1.0|after|${dir}/after|not_started|shell|../fail|fail.xyz||`,
        `-1.0|idle|${dir}/idle|not_started|shell||||`,
      ].join('\n') + '\n',
    );
    await waitFor('ok and fail to end and slow to run', async () => {
      const { stdout } = await execa('squeue', ['--me', '-h', '-t', 'all', '-o', '%i %T']);
      const states = new Map(stdout.split('\n').map((line) => line.trim().split(' ') as [string, string]));
      return states.get(ids.ok!) === 'COMPLETED' && states.get(ids.fail!) === 'FAILED' && states.get(ids.slow!) === 'RUNNING';
    });
  });

  test('reads every job right with one squeue and at most one sacct', async () => {
    const [squeueBefore, sacctBefore] = [await squeue.count(), await sacct.count()];
    const { json, exitCode } = await status();
    assert.equal((await squeue.count()) - squeueBefore, 1, 'exactly one squeue');
    assert.ok((await sacct.count()) - sacctBefore <= 1, 'at most one sacct');
    assert.equal(exitCode, 1, 'a failed job makes status exit 1');

    assert.deepEqual(
      { status: job(json, 'ok').status, exitCode: job(json, 'ok').exitCode, jobId: job(json, 'ok').jobId },
      { status: 'succeeded', exitCode: 0, jobId: ids.ok },
    );
    assert.deepEqual(
      { status: job(json, 'fail').status, exitCode: job(json, 'fail').exitCode, cause: job(json, 'fail').cause, slurmState: job(json, 'fail').slurmState },
      { status: 'failed', exitCode: 3, cause: 'exit code 3', slurmState: 'FAILED' },
    );
    assert.deepEqual({ status: job(json, 'slow').status, slurmState: job(json, 'slow').slurmState }, { status: 'running', slurmState: 'RUNNING' });
    assert.equal(job(json, 'after').status, 'broken_dependency');
    assert.equal(job(json, 'idle').status, 'not_started');
    assert.deepEqual(json.summary, { total: 5, succeeded: 1, failed: 1, running: 1, pending: 0, not_started: 1, broken_dependency: 1, cancelled: 0 });
    assert.equal(job(json, 'fail').lastEvent?.status, 'failed');

    const ledger = await readFile(join(dir, '__ledger__.csv'), 'utf8');
    assert.match(ledger, new RegExp(`^${ids.fail}\\|fail\\|[^\\n]*\\|failed\\|`, 'm'), 'the ledger now says failed');
    assert.match(ledger, /\|after\|[^\n]*\|broken_dependency\|/);
  });

  test('a cancelled job reads as cancelled', async () => {
    await execa('scancel', [ids.slow!]);
    await waitFor('slow to be cancelled', async () => {
      const { stdout } = await execa('squeue', ['-h', '-t', 'all', '-j', ids.slow!, '-o', '%T']);
      return stdout.trim() === 'CANCELLED';
    });
    const { json } = await status();
    assert.equal(job(json, 'slow').status, 'cancelled');
    assert.equal(job(json, 'slow').cause, 'CANCELLED');
  });
});
