// `batchman status` against the real cluster, beyond the basics: real TIMEOUT and OUT_OF_MEMORY, xTB
// output that decides over a COMPLETED state, `--watch` redrawing until the end at a polite rate, and a
// failing squeue that keeps the last known statuses as stale. Run as the non-root test user when it exists.
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { slurmStateMeaning } from '../../core/slurm/states.js';
import { ensureBuilt } from '../support/build.js';
import { TEST_USER, countingWrapper, expireSoon, faultWrapper, prepareCluster, removeTempDirs, sharedDir, tempDirFor, waitFor, which, writeScript } from '../support/slurm/cluster.js';
import { batchmanFor, ownBy, runAs, userPath } from '../support/slurm/users.js';

const cluster = await prepareCluster();
after(removeTempDirs);

/** Users run batchman, not root: use the test user whenever the machine has one. */
const USER = cluster.testUser ? TEST_USER : 'root';

interface JobJson {
  basename: string;
  status: string;
  jobId: string | null;
  slurmState: string | null;
  reason: string | null;
  exitCode: number | null;
  cause: string | null;
}
interface StatusJson {
  summary: Record<string, number>;
  jobs: JobJson[];
  stale?: string;
}

/** A wrapper that logs each call's time in ms, then runs the real command: proves the rate of calls. */
async function timedWrapper(dir: string, command: string): Promise<{ times: () => Promise<number[]> }> {
  const real = which(command);
  if (!real) throw new Error(`${command} not found`);
  const log = join(dir, `${command}.times`);
  await writeFile(log, '');
  await chmod(log, 0o666);
  await writeFile(join(dir, command), `#!/bin/sh\ndate +%s%3N >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  await chmod(join(dir, command), 0o755);
  return { times: async () => (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '').map(Number) };
}

interface Batch {
  dir: string;
  batchfile: string;
  ids: Record<string, string>;
}

interface JobSpec {
  program: 'shell' | 'xtb';
  /** The submit script's body. */
  body: string;
  /** Extra sbatch arguments. */
  sbatch?: string[];
  pipe?: string;
  /** Left unsubmitted. */
  notSubmitted?: boolean;
  /** The status the CCBatchMan ledger records (default pending, or not_started when not submitted). */
  ledgerStatus?: string;
}

const WATER = '3\n\nO 0.000 0.000 0.117\nH 0.000 0.757 -0.469\nH 0.000 -0.757 -0.469\n';

/** Writes a batch owned by `user`, submits its jobs as `user`, and leaves the ledger CCBatchMan would have. */
async function makeBatch(user: string, prefix: string, jobs: Record<string, JobSpec>): Promise<Batch> {
  const dir = await tempDirFor(user, prefix);
  const ids: Record<string, string> = {};
  const lines = [`root_directory=${dir}`, 'job_basename|job_directory|program|pipe'];
  for (const [name, spec] of Object.entries(jobs)) {
    const jobDir = join(dir, name);
    await mkdir(jobDir);
    await ownBy(user, jobDir);
    if (spec.program === 'xtb') {
      await writeFile(join(jobDir, `${name}.xyz`), WATER);
      await ownBy(user, join(jobDir, `${name}.xyz`));
    }
    await writeScript(jobDir, `${name}.sh`, spec.body, user);
    lines.push(`${name}|${name}|${spec.program}|${spec.pipe ?? ''}`);
    if (spec.notSubmitted) continue;
    const submitted = await runAs(user, 'sbatch', ['--parsable', `--chdir=${jobDir}`, `--job-name=${name}`, '--output=slurm-%j.out', ...(spec.sbatch ?? []), join(jobDir, `${name}.sh`)]);
    assert.equal(submitted.exitCode, 0, `sbatch ${name} as ${user}: ${submitted.stderr}`);
    ids[name] = submitted.stdout.trim().split(';')[0]!;
  }
  const batchfile = join(dir, 'batchfile.csv');
  await writeFile(batchfile, lines.join('\n') + '\n');
  await ownBy(user, batchfile);
  // CCBatchMan's ledger: ids as pandas floats, statuses as it last saw them.
  const ledger = ['job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename'];
  for (const [name, spec] of Object.entries(jobs)) {
    const id = ids[name] ?? '-1';
    ledger.push(`${id}.0|${name}|${dir}/${name}|${spec.ledgerStatus ?? (ids[name] ? 'pending' : 'not_started')}|${spec.program}||||`);
  }
  await writeFile(join(dir, '__ledger__.csv'), ledger.join('\n') + '\n');
  await ownBy(user, join(dir, '__ledger__.csv'));
  return { dir, batchfile, ids };
}

/** SLURM's state of each job: squeue's, and sacct's too when accounting is on (status asks both). */
async function slurmStates(ids: readonly string[]): Promise<{ queue: Map<string, string>; accounting: Map<string, string> }> {
  const queue = new Map<string, string>();
  const { stdout } = await execa('squeue', ['-h', '-t', 'all', '-j', ids.join(','), '-o', '%i|%T'], { timeout: 15_000 });
  for (const line of stdout.split('\n')) if (line.includes('|')) queue.set(...(line.trim().split('|') as [string, string]));
  const accounting = new Map<string, string>();
  if (cluster.accounting) {
    const sacct = await execa('sacct', ['-X', '-n', '-P', '-j', ids.join(','), '--format=JobID,State'], { timeout: 20_000 });
    for (const line of sacct.stdout.split('\n')) if (line.includes('|')) accounting.set(...(line.trim().split('|') as [string, string]));
  }
  return { queue, accounting };
}

/** Every listed job has ended in squeue and, with accounting, in sacct. */
async function allEnded(ids: readonly string[]): Promise<boolean> {
  const { queue, accounting } = await slurmStates(ids);
  const ended = (state: string | undefined) => state !== undefined && slurmStateMeaning(state).final;
  return ids.every((id) => ended(queue.get(id)) && (!cluster.accounting || ended(accounting.get(id))));
}

const job = (json: StatusJson, name: string): JobJson => {
  const found = json.jobs.find((j) => j.basename === name);
  assert.ok(found, `job ${name} is in the status`);
  return found;
};

describe(`status reports real TIMEOUT, OUT_OF_MEMORY and xTB outcomes (as ${USER})`, { skip: cluster.skip }, () => {
  let batch: Batch;
  let wrapDir: string;
  let squeue: Awaited<ReturnType<typeof countingWrapper>>;
  let sacct: Awaited<ReturnType<typeof countingWrapper>>;
  let batchman: { file: string; args: string[] };

  before(async () => {
    await ensureBuilt();
    batchman = await batchmanFor(USER);
    wrapDir = await sharedDir();
    squeue = await countingWrapper(wrapDir, 'squeue');
    sacct = await countingWrapper(wrapDir, 'sacct');
    const xtb = which('xtb');
    const jobs: Record<string, JobSpec> = {
      // SLURM time limits are whole minutes; expireSoon() brings the end forward for a real TIMEOUT.
      late: { program: 'shell', body: 'exec sleep 300', sbatch: ['--time=1'] },
      // Real xTB when installed; its output ends with " * finished run on <date>".
      xtbok: { program: 'xtb', body: xtb ? `'${xtb}' xtbok.xyz > xtbok.out 2>&1` : 'printf "normal output\\n * finished run on today\\n" > xtbok.out' },
      // The same run with the end marker gone: SLURM says COMPLETED, exit 0, but the program did not finish.
      xtbcut: {
        program: 'xtb',
        body: xtb ? `'${xtb}' xtbcut.xyz 2>&1 | grep -v 'finished run on' > xtbcut.out` : 'printf "normal output, cut short\\n" > xtbcut.out',
      },
    };
    if (cluster.oomKills) {
      // bash holds the whole command substitution in memory: ~300 MB against a 64 MB limit
      jobs.oom = { program: 'shell', body: 'x=$(head -c 300000000 /dev/zero | tr "\\0" "x")\necho "survived ${#x}"', sbatch: ['--mem=64M'] };
    }
    batch = await makeBatch(USER, 'batchman-status-causes-', jobs);
    await waitFor('the time-limited job to run', async () => (await slurmStates([batch.ids.late!])).queue.get(batch.ids.late!) === 'RUNNING', {
      timeoutMs: 90_000,
      intervalMs: 300,
    });
    await expireSoon(batch.ids.late!);
    await waitFor('every job to end in squeue and sacct', () => allEnded(Object.values(batch.ids)), { timeoutMs: 90_000, intervalMs: 500 });
  });

  after(async () => {
    if (batch) await execa('scancel', Object.values(batch.ids), { reject: false, timeout: 15_000 });
  });

  const status = async (json: boolean) => {
    const result = await runAs(USER, batchman.file, [...batchman.args, 'status', batch.batchfile, ...(json ? ['--json'] : [])], { PATH: userPath(wrapDir) });
    assert.equal(result.stderr, '', 'nothing on stderr');
    return result;
  };

  test('each failure has its cause and SLURM state, with one squeue and at most one sacct', async () => {
    const [squeueBefore, sacctBefore] = [await squeue.count(), await sacct.count()];
    const result = await status(true);
    assert.equal((await squeue.count()) - squeueBefore, 1, 'exactly one squeue');
    assert.ok((await sacct.count()) - sacctBefore <= 1, 'at most one sacct');
    assert.equal(result.exitCode, 1, 'failed jobs make status exit 1');
    const json = JSON.parse(result.stdout) as StatusJson;

    const late = job(json, 'late');
    assert.deepEqual({ status: late.status, cause: late.cause, slurmState: late.slurmState }, { status: 'failed', cause: 'TIMEOUT', slurmState: 'TIMEOUT' });
    const ok = job(json, 'xtbok');
    assert.deepEqual({ status: ok.status, cause: ok.cause, slurmState: ok.slurmState }, { status: 'succeeded', cause: null, slurmState: 'COMPLETED' });
    const cut = job(json, 'xtbcut');
    assert.deepEqual(
      { status: cut.status, cause: cut.cause, slurmState: cut.slurmState },
      { status: 'failed', cause: 'program did not finish', slurmState: 'COMPLETED' },
      'COMPLETED with exit 0 is not enough: the output decides',
    );
    if (cluster.accounting) {
      assert.equal(ok.exitCode, 0);
      assert.equal(cut.exitCode, 0);
    }
    const expected = { total: 3, succeeded: 1, failed: 2 };
    if (cluster.oomKills) {
      expected.total++;
      expected.failed++;
    }
    assert.deepEqual({ total: json.summary.total, succeeded: json.summary.succeeded, failed: json.summary.failed }, expected);
    const ledger = await readFile(join(batch.dir, '__ledger__.csv'), 'utf8');
    assert.match(ledger, new RegExp(`^${batch.ids.late}\\|late\\|[^\\n]*\\|failed\\|.*\\|TIMEOUT\\|`, 'm'), 'the ledger keeps the cause');
  });

  test('read again, the ended jobs come from the ledger without asking SLURM; the table shows the causes', async () => {
    const [squeueBefore, sacctBefore] = [await squeue.count(), await sacct.count()];
    const result = await status(false);
    assert.equal((await squeue.count()) - squeueBefore, 0, 'no squeue for a batch whose jobs all ended');
    assert.equal((await sacct.count()) - sacctBefore, 0, 'no sacct either');
    assert.equal(result.exitCode, 1);
    const row = (name: string) => result.stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
    assert.match(row('late'), new RegExp(`^late\\s+failed\\s+${batch.ids.late}\\s+TIMEOUT\\s+\\S+\\s+TIMEOUT$`));
    assert.match(row('xtbcut'), /^xtbcut\s+failed\s+\d+\s+COMPLETED\s+\S+\s+program did not finish$/);
    assert.match(row('xtbok'), /^xtbok\s+succeeded\s+\d+\s+COMPLETED/);
    if (cluster.oomKills) assert.match(row('oom'), /^oom\s+failed\s+\d+\s+OUT_OF_MEMORY\s+\S+\s+OUT_OF_MEMORY$/);
  });

  // CI's cluster must enforce --mem (start-local-slurm.sh does where the cgroup v1 memory hierarchy is writable).
  const oomSkip = cluster.oomKills || process.env.CI === 'true' ? false : 'this cluster does not enforce --mem with cgroups';
  test('a job over its --mem limit is failed with cause OUT_OF_MEMORY, the state SLURM recorded', { skip: oomSkip }, async () => {
    assert.ok(cluster.oomKills && batch.ids.oom, 'the cluster enforces --mem with cgroups (ConstrainRAMSpace=yes) and the memory hog was submitted');
    const oom = job(JSON.parse((await status(true)).stdout) as StatusJson, 'oom');
    assert.deepEqual({ status: oom.status, cause: oom.cause, slurmState: oom.slurmState }, { status: 'failed', cause: 'OUT_OF_MEMORY', slurmState: 'OUT_OF_MEMORY' });
    if (cluster.accounting) {
      // The independent word: SLURM's own accounting record of the job.
      const sacct = await execa('sacct', ['-X', '-n', '-P', '-j', batch.ids.oom, '--format=State'], { timeout: 20_000 });
      assert.equal(sacct.stdout.trim(), 'OUT_OF_MEMORY', 'sacct records the job as OUT_OF_MEMORY');
    }
  });
});

describe(`status --watch redraws until every job has ended (as ${USER})`, { skip: cluster.skip }, () => {
  test('exits by itself with the batch exit code, one squeue per redraw, at least 5 s apart', async () => {
    await ensureBuilt();
    const batchman = await batchmanFor(USER);
    const wrapDir = await sharedDir();
    const squeue = await timedWrapper(wrapDir, 'squeue');
    const sacct = await countingWrapper(wrapDir, 'sacct');
    const batch = await makeBatch(USER, 'batchman-status-watch-', {
      quick: { program: 'shell', body: 'sleep 4\necho done' },
      slower: { program: 'shell', body: 'sleep 10\necho giving up >&2\nexit 4' },
    });
    try {
      await waitFor(
        'both jobs to run',
        async () => {
          const { queue } = await slurmStates(Object.values(batch.ids));
          return Object.values(batch.ids).every((id) => queue.get(id) === 'RUNNING');
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
      const started = Date.now();
      const result = await runAs(USER, batchman.file, [...batchman.args, 'status', batch.batchfile, '--watch'], { PATH: userPath(wrapDir) }, 90_000);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(result.timedOut, false, 'watch exited by itself');
      assert.equal(result.exitCode, 1, `a failed job makes watch exit 1 (stderr: ${result.stderr})`);

      // Each redraw is a whole table that starts with the batchfile's name (no terminal: no clear-screen codes).
      const tables = result.stdout.split(`${batch.batchfile}: `).slice(1);
      assert.ok(tables.length >= 2, `it redrew (${tables.length} tables):\n${result.stdout}`);
      assert.ok(!result.stdout.includes('\u001b['), 'no escape codes when stdout is not a terminal');
      assert.match(tables[0]!, /^quick\s+running\s/m);
      assert.match(tables[0]!, /^slower\s+running\s/m);
      const last = tables.at(-1)!;
      assert.match(last, /^1\/2 succeeded, 1 failed/);
      assert.match(last, /^quick\s+succeeded\s+\d+\s+COMPLETED\s/m);
      assert.match(last, /^slower\s+failed\s+\d+\s+FAILED\s+\S+\s+exit code 4$/m);

      const times = await squeue.times();
      assert.ok(times.length >= 2, `${times.length} squeue calls`);
      assert.ok(tables.length <= times.length, 'every table printed came from its own squeue');
      for (let i = 1; i < times.length; i++) {
        assert.ok(times[i]! - times[i - 1]! >= 4_500, `squeue calls ${i - 1} and ${i} were ${times[i]! - times[i - 1]!} ms apart (floor 5 s)`);
      }
      assert.ok(times.length <= Math.ceil(seconds / 5) + 1, `${times.length} squeue calls in ${seconds.toFixed(1)} s`);
      assert.ok((await sacct.count()) <= times.length, 'at most one sacct per redraw');
      assert.ok(seconds < 45, `watch ended ${seconds.toFixed(1)} s after it started, soon after the jobs`);
    } finally {
      await execa('scancel', Object.values(batch.ids), { reject: false, timeout: 15_000 });
    }
  });
});

describe(`status with a failing squeue keeps the last known statuses, marked stale (as ${USER})`, { skip: cluster.skip }, () => {
  let batch: Batch;
  let wrapDir: string;
  let fault: Awaited<ReturnType<typeof faultWrapper>>;
  let squeue: Awaited<ReturnType<typeof countingWrapper>>;
  let sacct: Awaited<ReturnType<typeof countingWrapper>>;
  let batchman: { file: string; args: string[] };

  before(async () => {
    await ensureBuilt();
    batchman = await batchmanFor(USER);
    // squeue on PATH counts each call, then goes through the fault wrapper to the real one.
    const faultDir = await sharedDir();
    fault = await faultWrapper(faultDir, 'squeue');
    wrapDir = await sharedDir();
    squeue = await countingWrapper(wrapDir, 'squeue', fault.path);
    sacct = await countingWrapper(wrapDir, 'sacct');
    batch = await makeBatch(USER, 'batchman-status-stale-', {
      // held for an hour: pending without taking a core
      held: { program: 'shell', body: 'exit 0', sbatch: ['--begin=now+3600'] },
      // really failed; the ledger still says running
      gone: { program: 'shell', body: 'exit 3', ledgerStatus: 'running' },
      never: { program: 'shell', body: 'true', notSubmitted: true },
    });
    await waitFor('gone to fail', () => allEnded([batch.ids.gone!]), { timeoutMs: 90_000, intervalMs: 300 });
  });

  after(async () => {
    if (batch) await execa('scancel', Object.values(batch.ids), { reject: false, timeout: 15_000 });
  });

  const status = (...extra: string[]) => runAs(USER, batchman.file, [...batchman.args, 'status', batch.batchfile, ...extra], { PATH: userPath(wrapDir) });

  for (const mode of ['exit1', 'no-controller'] as const) {
    test(`squeue ${mode === 'exit1' ? 'exiting 1' : 'unable to reach the controller'}: last known statuses, stale, exit 0`, async () => {
      await fault.set(mode);
      const [squeueBefore, sacctBefore] = [await squeue.count(), await sacct.count()];
      const result = await status('--json');
      assert.equal(result.exitCode, 0, `nothing known failed, so status exits 0 (stderr: ${result.stderr})`);
      assert.equal((await squeue.count()) - squeueBefore, 1, 'squeue was asked once, not retried in a loop');
      assert.equal((await sacct.count()) - sacctBefore, 0, 'no sacct without a queue to compare with');
      const json = JSON.parse(result.stdout) as StatusJson;
      assert.match(json.stale ?? '', /^squeue failed: /, 'stale says why');
      if (mode === 'exit1') assert.match(json.stale ?? '', /injected failure/);
      assert.equal(job(json, 'held').status, 'pending');
      assert.equal(job(json, 'gone').status, 'running', 'the last known status, not a failure');
      assert.equal(job(json, 'gone').cause, null);
      assert.equal(job(json, 'never').status, 'not_started');
      assert.equal(json.summary.failed, 0);
      const ledger = await readFile(join(batch.dir, '__ledger__.csv'), 'utf8');
      assert.match(ledger, new RegExp(`^${batch.ids.gone}\\|gone\\|[^\\n]*\\|running\\|`, 'm'), 'the ledger was not turned into failures');
    });
  }

  test('the table says stale too', async () => {
    await fault.set('exit1');
    const result = await status();
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout.split('\n')[1] ?? '', /^stale: squeue failed: /);
    assert.match(result.stdout, /^gone\s+running\s/m);
  });

  test('once squeue answers again, the truth comes back and nothing is stale', async () => {
    await fault.set('none');
    const result = await status('--json');
    assert.equal(result.exitCode, 1);
    const json = JSON.parse(result.stdout) as StatusJson;
    assert.equal(json.stale, undefined);
    assert.deepEqual({ status: job(json, 'gone').status, cause: job(json, 'gone').cause }, { status: 'failed', cause: 'exit code 3' });
    assert.deepEqual({ status: job(json, 'held').status, reason: job(json, 'held').reason }, { status: 'pending', reason: 'BeginTime' });
  });
});
