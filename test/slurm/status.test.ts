// `batchman status` against the real cluster, as root and as a normal user: a CCBatchMan-style batch with
// a stale ledger, read back with exactly one squeue and at most one sacct, every status, cause and exit code right.
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { ensureBuilt } from '../support/build.js';
import { TEST_USER, countingWrapper, idsOf, prepareCluster, removeTempDirs, sharedDir, tempDirFor, waitFor, writeScript } from '../support/slurm/cluster.js';
import { batchmanFor, ownBy, runAs, userPath } from '../support/slurm/users.js';

const cluster = await prepareCluster();
after(removeTempDirs);

interface StatusJson {
  summary: Record<string, number>;
  jobs: { basename: string; status: string; jobId: string | null; slurmState: string | null; exitCode: number | null; cause: string | null; lastEvent: { status: string; at: string } | null }[];
}

function skipFor(user: string): false | string {
  if (cluster.skip) return cluster.skip;
  if (user !== 'root' && !cluster.testUser) return `the test user ${TEST_USER} does not exist (run as root; the start script creates it)`;
  return false;
}

/** Runs a command as `user` (root runs it directly), the way that user would in a terminal. */
for (const user of ['root', TEST_USER]) {
  describe(`batchman status on a real SLURM batch, run as ${user}`, { skip: skipFor(user) }, () => {
    let dir: string;
    let batchfile: string;
    const ids: Record<string, string> = {};
    let squeue: Awaited<ReturnType<typeof countingWrapper>>;
    let sacct: Awaited<ReturnType<typeof countingWrapper>>;
    let wrapDir: string;
    let batchman: { file: string; args: string[] };

    const status = async (): Promise<{ json: StatusJson; exitCode: number | undefined }> => {
      const result = await runAs(user, batchman.file, [...batchman.args, 'status', batchfile, '--json'], { PATH: userPath(wrapDir) });
      assert.ok(result.stdout.startsWith('{'), `status printed JSON (exit ${result.exitCode}, stderr: ${result.stderr})`);
      return { json: JSON.parse(result.stdout) as StatusJson, exitCode: result.exitCode };
    };
    const job = (json: StatusJson, name: string) => json.jobs.find((j) => j.basename === name)!;
    const statesOf = async (): Promise<Map<string, string>> => {
      const { stdout } = await execa('squeue', ['-h', '-t', 'all', '-j', Object.values(ids).join(','), '-o', '%i %T'], { timeout: 15_000 });
      return new Map(stdout.split('\n').map((line) => line.trim().split(' ') as [string, string]));
    };

    before(async () => {
      await ensureBuilt();
      batchman = await batchmanFor(user);
      dir = await tempDirFor(user, 'batchman-status-');
      wrapDir = await sharedDir();
      squeue = await countingWrapper(wrapDir, 'squeue');
      sacct = await countingWrapper(wrapDir, 'sacct');
      const bodies: Record<string, string> = {
        ok: 'echo "fine as $(id -un)"',
        fail: 'echo broken >&2; exit 3',
        slow: 'sleep 600',
        after: 'cat fail.xyz',
        idle: 'true',
      };
      for (const [name, body] of Object.entries(bodies)) {
        await mkdir(join(dir, name));
        await ownBy(user, join(dir, name));
        await writeScript(join(dir, name), `${name}.sh`, body, user);
      }
      batchfile = join(dir, 'batchfile.csv');
      await writeFile(
        batchfile,
        `root_directory=${dir}\njob_basename|job_directory|program|pipe\nok|ok|shell|\nfail|fail|shell|\nslow|slow|shell|\nafter|after|shell|coords{../fail,}\nidle|idle|shell|\n`,
      );
      await ownBy(user, batchfile);
      for (const name of ['ok', 'fail', 'slow']) {
        const submitted = await runAs(user, 'sbatch', ['--parsable', `--chdir=${join(dir, name)}`, `--job-name=${name}`, '--output=slurm-%j.out', join(dir, name, `${name}.sh`)]);
        assert.equal(submitted.exitCode, 0, `sbatch as ${user}: ${submitted.stderr}`);
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
      await ownBy(user, join(dir, '__ledger__.csv'));
      await waitFor(
        'ok and fail to end and slow to run',
        async () => {
          const states = await statesOf();
          return states.get(ids.ok!) === 'COMPLETED' && states.get(ids.fail!) === 'FAILED' && states.get(ids.slow!) === 'RUNNING';
        },
        { timeoutMs: 90_000, intervalMs: 300 },
      );
    });

    after(async () => {
      if (Object.keys(ids).length > 0) await execa('scancel', Object.values(ids), { reject: false, timeout: 15_000 });
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
      assert.match(await readFile(join(dir, 'ok', `slurm-${ids.ok}.out`), 'utf8'), new RegExp(`fine as ${user}`), 'the job ran as the user');

      const ledgerPath = join(dir, '__ledger__.csv');
      const ledger = await readFile(ledgerPath, 'utf8');
      assert.match(ledger, new RegExp(`^${ids.fail}\\|fail\\|[^\\n]*\\|failed\\|`, 'm'), 'the ledger now says failed');
      assert.match(ledger, /\|after\|[^\n]*\|broken_dependency\|/);
      if (user !== 'root') {
        // status ran as the user: the rewritten ledger is theirs, as their own files would be
        assert.equal((await stat(ledgerPath)).uid, (await idsOf(user)).uid, 'the ledger was rewritten by the user');
      }
    });

    test('a cancelled job reads as cancelled', async () => {
      const cancelled = await runAs(user, 'scancel', [ids.slow!]);
      assert.equal(cancelled.exitCode, 0, cancelled.stderr);
      await waitFor('slow to be cancelled', async () => (await statesOf()).get(ids.slow!) === 'CANCELLED');
      const { json } = await status();
      assert.equal(job(json, 'slow').status, 'cancelled');
      assert.equal(job(json, 'slow').cause, 'CANCELLED');
    });
  });
}
