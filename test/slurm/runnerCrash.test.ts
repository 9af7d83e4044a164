// Crash-resume on the real cluster: `kill -9` of `batchman run` at several points, a new runner each
// time; logging sbatch and squeue wrappers first on PATH prove every job was submitted exactly once
// and that every poll is one squeue for all jobs.
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { lockPathFor } from '../../core/runner/lock.js';
import { listBatchRecords } from '../../core/runner/records.js';
import type { ListedBatchRecord } from '../../core/runner/records.js';
import { ensureBuilt } from '../support/build.js';
import { prepareCluster, removeTempDirs, sharedDir, waitFor, which } from '../support/slurm/cluster.js';
import { batchDir, cancelLeftovers, ledgerRows, liveJobsUnder, shellJob, startRunner } from './runnerHarness.js';

const cluster = await prepareCluster();
let root: string | undefined;
let lockRoot: string | undefined;
after(async () => {
  for (const dir of [root, lockRoot]) if (dir) await cancelLeftovers(dir);
  await removeTempDirs();
});

interface Submission {
  /** The runner that called sbatch. */
  runnerPid: number;
  name: string;
  id: string;
  exitCode: number;
}

interface QueueCall {
  runnerPid: number;
  at: number;
  command: 'squeue' | 'sacct';
  args: string;
}

/**
 * Wrappers that exec nothing but the real command and log a line after it answered: sbatch logs the
 * job name and the id it printed; squeue and sacct log the caller's pid (the runner: execa runs the
 * wrapper directly), the time and the arguments.
 */
async function loggingWrappers(dir: string): Promise<{ submissions: () => Promise<Submission[]>; queueCalls: () => Promise<QueueCall[]> }> {
  const sbatchLog = join(dir, 'sbatch.log');
  const queueLog = join(dir, 'queue.log');
  for (const log of [sbatchLog, queueLog]) await writeFile(log, '', { mode: 0o666 });
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text, { mode: 0o755 });
    await chmod(join(dir, name), 0o755);
  };
  await write(
    'sbatch',
    [
      '#!/bin/sh',
      `out=$('${which('sbatch')}' "$@"); rc=$?`,
      'name=',
      'for arg in "$@"; do case "$arg" in --job-name=*) name="${arg#--job-name=}" ;; esac; done',
      `printf '%s|%s|%s|%s\\n' "$PPID" "$name" "$out" "$rc" >> '${sbatchLog}'`,
      'printf "%s\\n" "$out"',
      'exit $rc',
      '',
    ].join('\n'),
  );
  for (const command of ['squeue', 'sacct'] as const) {
    await write(
      command,
      ['#!/bin/sh', `printf '%s|%s|${command}|%s\\n' "$PPID" "$(date +%s%3N)" "$*" >> '${queueLog}'`, `exec '${which(command)}' "$@"`, ''].join('\n'),
    );
  }
  const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
  return {
    submissions: async () =>
      (await lines(sbatchLog)).map((line) => {
        const [pid = '', name = '', id = '', exitCode = ''] = line.split('|');
        return { runnerPid: Number(pid), name, id: id.split(';')[0]!, exitCode: Number(exitCode) };
      }),
    queueCalls: async () =>
      (await lines(queueLog)).map((line) => {
        const [pid = '', at = '', command = '', ...args] = line.split('|');
        return { runnerPid: Number(pid), at: Number(at), command: command as 'squeue' | 'sacct', args: args.join('|') };
      }),
  };
}

describe('crash-resume on SLURM: kill -9 of the runner, then run again', { skip: cluster.skip }, () => {
  // Four independent jobs, each with one job downstream: submissions happen in two waves.
  const UP = ['a1', 'a2', 'a3', 'a4'];
  const DOWN = ['b1', 'b2', 'b3', 'b4'];
  const ALL = [...UP, ...DOWN];
  let submissions: Submission[] = [];
  let queueCalls: QueueCall[] = [];
  let rows: Map<string, LedgerRow>;
  let records: ListedBatchRecord[];
  let finalExit: number | undefined;
  const killedAt: string[] = [];
  const runnerPids: number[] = [];

  before(async () => {
    await ensureBuilt();
    root = await batchDir();
    const dir = root;
    for (const name of UP) await shellJob(dir, name, `sleep 3\necho "3\\n$HOSTNAME" > ${name}.xyz`);
    for (const [i, name] of DOWN.entries()) await shellJob(dir, name, `test -s ${UP[i]}.xyz\nsleep 2`);
    const lines = [...UP.map((n) => `${n}|${n}|shell|`), ...DOWN.map((n, i) => `${n}|${n}|shell|coords{../${UP[i]},${UP[i]}.xyz}`)];
    const file = join(dir, 'batchfile.csv');
    await writeFile(file, `root_directory=.\njob_basename|job_directory|program|pipe\n${lines.join('\n')}\n`);

    const wrapDir = await sharedDir();
    const logs = await loggingWrappers(wrapDir);
    const env = { ...process.env, PATH: `${wrapDir}:${process.env.PATH ?? ''}` };
    const start = () => {
      const runner = startRunner(file, ['-j', '3'], { env, timeoutMs: 150_000 });
      runnerPids.push(runner.pid!);
      return runner;
    };
    // Each point is one THIS runner reached (not one a killed runner left behind).
    const killWhen = async (point: string, condition: (pid: number) => Promise<boolean>) => {
      const runner = start();
      const pid = runner.pid!;
      let ended = false;
      void runner.finally(() => (ended = true));
      await waitFor(point, async () => ended || (await condition(pid)), { timeoutMs: 60_000, intervalMs: 50 });
      assert.equal(ended, false, `the runner was still running at "${point}"`);
      runner.kill('SIGKILL');
      const result = await runner;
      assert.equal(result.signal, 'SIGKILL');
      killedAt.push(point);
    };

    const submittedBy = async (pid: number, names: readonly string[]) => (await logs.submissions()).some((s) => s.runnerPid === pid && names.includes(s.name));
    const resumedBy = async (pid: number) => (await listBatchRecords(dir, file))[0]?.resumes.some((r) => r.pid === pid) ?? false;
    // 1. Right after its first sbatch answered: between submissions, the ledger not written yet.
    await killWhen('the first submission', (pid) => submittedBy(pid, ALL));
    // 2. Once it took the batch over, while jobs run.
    await killWhen('jobs running', async (pid) => (await resumedBy(pid)) && (await liveJobsUnder(dir)).some((job) => job.state === 'RUNNING'));
    // 3. Right after it submitted a downstream job.
    await killWhen('the first downstream submission', (pid) => submittedBy(pid, DOWN));
    // Then a runner that is left alone finishes the batch.
    const last = await start();
    finalExit = last.exitCode;
    // sbatch children of a killed runner may still be finishing their log line.
    await waitFor('every sbatch to have logged', async () => (await logs.submissions()).length >= ALL.length, { timeoutMs: 5_000 }).catch(() => undefined);
    submissions = await logs.submissions();
    queueCalls = await logs.queueCalls();
    rows = await ledgerRows(dir);
    records = await listBatchRecords(dir, file);
  });

  test('the runner was killed at three points and the last one finished the batch', () => {
    assert.deepEqual(killedAt, ['the first submission', 'jobs running', 'the first downstream submission']);
    assert.equal(finalExit, 0);
    for (const name of ALL) assert.equal(rows.get(name)?.status, 'succeeded', name);
  });

  test('each job was submitted exactly once, and the ledger holds the id sbatch gave it', () => {
    const perJob = new Map<string, Submission[]>();
    for (const s of submissions) perJob.set(s.name, [...(perJob.get(s.name) ?? []), s]);
    for (const name of ALL) {
      const made = perJob.get(name) ?? [];
      assert.equal(made.length, 1, `${name} submitted ${made.length} times; sbatch log: ${JSON.stringify(submissions)}; ledger: ${JSON.stringify([...rows.values()].map((r) => [r.basename, r.jobId, r.status]))}`);
      assert.equal(made[0]!.exitCode, 0);
      assert.equal(String(rows.get(name)?.jobId), made[0]!.id, `${name}: ledger id is sbatch's`);
    }
    assert.equal(submissions.length, ALL.length);
  });

  test('one launch, resumed three times, closed as completed', () => {
    assert.equal(records.length, 1, 'the resumed runs reopened the same record');
    assert.equal(records[0]!.status, 'completed');
    assert.equal(records[0]!.resumes.length, 3);
    assert.deepEqual(records[0]!.resumes.map((r) => r.pid), runnerPids.slice(1));
  });

  test('every squeue lists all of the user\'s jobs at once, one per poll tick; at most one sacct per tick', () => {
    const squeues = queueCalls.filter((call) => call.command === 'squeue');
    assert.ok(squeues.length >= 4, `${squeues.length} squeue calls`);
    for (const call of squeues) {
      assert.match(call.args, /(^| )--me( |$)/, `squeue for the user's jobs: ${call.args}`);
      assert.match(call.args, /(-t |--states=)all/, 'finished jobs too');
      assert.doesNotMatch(call.args, /(^| )(-j|--jobs?)( |=|$)/, `no per-job squeue: ${call.args}`);
    }
    for (const pid of runnerPids) {
      const mine = queueCalls.filter((call) => call.runnerPid === pid);
      const times = mine.filter((call) => call.command === 'squeue').map((call) => call.at);
      // Start-up reads the truth once (and the queue once more to adopt an interrupted submission)
      // before the poller's first tick; after that, ticks start at least the poller's 1 s nudge gap apart.
      for (let i = 3; i < times.length; i++) {
        assert.ok(times[i]! - times[i - 1]! >= 900, `runner ${pid}: squeue calls ${times[i - 1]} and ${times[i]} are one tick apart at least`);
      }
      let sacctSinceSqueue = 0;
      for (const call of mine) {
        if (call.command === 'squeue') sacctSinceSqueue = 0;
        else assert.ok(++sacctSinceSqueue <= 1, `runner ${pid}: more than one sacct in one tick`);
      }
    }
    const lastRunner = queueCalls.filter((call) => call.runnerPid === runnerPids.at(-1) && call.command === 'squeue');
    assert.ok(lastRunner.length < ALL.length * 4, `${lastRunner.length} squeue calls for a whole run, not several per job`);
  });
});

describe('crash-resume on SLURM: a runner killed between taking the lock and writing its record', { skip: cluster.skip }, () => {
  let records: ListedBatchRecord[];
  let finalExit: number | undefined;
  let secondStderr = '';

  before(async () => {
    await ensureBuilt();
    lockRoot = await batchDir();
    const dir = lockRoot;
    for (const name of ['one', 'two']) await shellJob(dir, name, 'sleep 2');
    const file = join(dir, 'batchfile.csv');
    await writeFile(file, 'root_directory=.\njob_basename|job_directory|program|pipe\none|one|shell|\ntwo|two|shell|\n');
    const first = startRunner(file, ['-j', '2']);
    await waitFor('a submission', async () => [...(await ledgerRows(dir)).values()].some((row) => row.jobId >= 0), { timeoutMs: 30_000, intervalMs: 50 });
    first.kill('SIGKILL');
    await first;
    // A runner killed in that window leaves a lock naming the record it had not written yet: the disk
    // state is made exactly so (a window of a few milliseconds cannot be hit on purpose).
    const lockPath = lockPathFor(dir, file);
    const lock = JSON.parse(await readFile(lockPath, 'utf8')) as Record<string, unknown>;
    await writeFile(lockPath, JSON.stringify({ ...lock, recordId: '1999999999999_0badc0de' }));
    const second = await startRunner(file, ['-j', '2']);
    finalExit = second.exitCode;
    secondStderr = String(second.stderr);
    records = await listBatchRecords(dir, file);
  });

  test('the next runner resumes the lost launch instead of starting a second one', () => {
    assert.equal(finalExit, 0, secondStderr);
    assert.match(secondStderr, /^resuming batch /m);
    assert.equal(records.length, 1, `launches: ${records.map((r) => `${r.id} ${r.status}`).join(', ')}`);
    assert.equal(records[0]!.status, 'completed');
    assert.equal(records[0]!.resumes.length, 1);
  });
});
