// The local executor with real processes: outcomes, cancel, hostile names, a killed submitter,
// vanished jobs, time limits, concurrent submitters, and the unchanged poller on top of it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { LocalScheduler } from '../../core/executors/localScheduler.js';
import type { LocalSchedulerOptions } from '../../core/executors/localScheduler.js';
import { parseJobListing } from '../../core/executors/localJobFiles.js';
import { WRAPPER_SCRIPT, wrapperFileName } from '../../core/executors/localWrapper.js';
import { Poller } from '../../core/slurm/poller.js';
import type { JobObservation } from '../../core/slurm/poller.js';
import { SchedulerError } from '../../core/slurm/scheduler.js';
import { failureCause, parseSlurmExitCode, slurmStateMeaning } from '../../core/slurm/states.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const stateDirs: string[] = [];
const temps: string[] = [];

after(async () => {
  for (const stateDir of stateDirs) await killLeftovers(stateDir);
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** SIGKILLs the process groups of every job that has no end record (only ever jobs these tests started). */
async function killLeftovers(stateDir: string): Promise<void> {
  const names = await readdir(join(stateDir, 'jobs')).catch(() => []);
  for (const job of parseJobListing(names).jobs.values()) {
    if (!job.run || job.end) continue;
    for (const pgid of [job.run.wrapperPid, job.run.jobPid]) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

async function setup(options: LocalSchedulerOptions = {}) {
  const root = await mkdtemp(join(tmpdir(), 'batchman-local-'));
  temps.push(root);
  const stateDir = join(root, 'state');
  stateDirs.push(stateDir);
  const work = join(root, 'work');
  await mkdir(work);
  const scheduler = new LocalScheduler({ stateDir, killGraceMs: 1000, ...options });
  /** Writes a job folder with a script and returns its path. */
  const job = async (folder: string, script: string, scriptName = 'job.sh'): Promise<string> => {
    const dir = join(work, folder);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, scriptName), script);
    return dir;
  };
  return { root, stateDir, work, scheduler, job };
}

/** Polls a condition until it holds or the deadline passes (real processes: no event to wait on). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

async function stateOf(scheduler: LocalScheduler, id: string): Promise<string | undefined> {
  return (await scheduler.queue()).entries.find((e) => e.id === id)?.state;
}

function waitForState(scheduler: LocalScheduler, id: string, state: string, timeoutMs?: number): Promise<string> {
  return waitFor(`job ${id} to be ${state}`, async () => ((await stateOf(scheduler, id)) === state ? state : undefined), timeoutMs);
}

/** Alive and not a zombie (this machine's init reaps orphans lazily; a zombie is dead). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self')) return true;
  const stat = readFileSync(`/proc/${pid}/stat`, { encoding: 'utf8', flag: 'r' });
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

async function runFile(stateDir: string, id: string) {
  const names = await readdir(join(stateDir, 'jobs'));
  return parseJobListing(names).jobs.get(Number(id))?.run;
}

describe('local executor: outcomes', () => {
  test('exit 0 is COMPLETED, its output is in slurm-<id>.out of its folder, SLURM variables are set', async () => {
    const { scheduler, job } = await setup();
    const dir = await job('ok', 'echo "out $SLURM_JOB_ID $SLURM_JOB_NAME"; echo "err" >&2; pwd\n');
    const { jobId } = await scheduler.submit('job.sh', { cwd: dir, jobName: 'ok-job' });
    assert.match(jobId, /^\d+$/);
    await waitForState(scheduler, jobId, 'COMPLETED');
    const entry = (await scheduler.queue()).entries.find((e) => e.id === jobId);
    assert.equal(entry?.name, 'ok-job');
    assert.equal(entry?.workDir, dir);
    assert.match(entry?.elapsed ?? '', /^\d+:\d\d$/);
    const output = await readFile(join(dir, `slurm-${jobId}.out`), 'utf8');
    assert.equal(output, `out ${jobId} ok-job\nerr\n${dir}\n`);
    const record = (await scheduler.accounting([jobId])).records.get(jobId);
    assert.equal(record?.state, 'COMPLETED');
    assert.equal(record?.exitCode, 0);
    assert.match(record?.start ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.match(record?.end ?? '', /^\d{4}-\d\d-\d\dT/);
  });

  test('exit 3 is FAILED with exit code 3', async () => {
    const { scheduler, job } = await setup();
    const dir = await job('fail', 'echo failing\nexit 3\n');
    const { jobId } = await scheduler.submit(join(dir, 'job.sh'), { cwd: dir });
    await waitForState(scheduler, jobId, 'FAILED');
    const record = (await scheduler.accounting([jobId])).records.get(jobId);
    assert.equal(record?.state, 'FAILED');
    assert.equal(record?.exitCode, 3);
    assert.equal(record?.signal, 0);
    assert.equal(failureCause(slurmStateMeaning(record.state), { exitCode: record.exitCode, signal: 0 }), 'exit code 3');
    assert.equal((await scheduler.queue()).entries.find((e) => e.id === jobId)?.reason, 'NonZeroExitCode');
  });

  test('the wrapper is valid bash and is written once, named by its content', async () => {
    const { scheduler, job, stateDir } = await setup();
    const dir = await job('w', 'true\n');
    const ids = await Promise.all([1, 2, 3].map(() => scheduler.submit('job.sh', { cwd: dir })));
    await Promise.all(ids.map(({ jobId }) => waitForState(scheduler, jobId, 'COMPLETED')));
    const wrapper = join(stateDir, wrapperFileName());
    assert.equal(await readFile(wrapper, 'utf8'), WRAPPER_SCRIPT);
    assert.equal((await execa('bash', ['-n', wrapper], { reject: false, timeout: 10_000 })).exitCode, 0);
    assert.deepEqual((await readdir(stateDir)).filter((name) => name !== 'jobs'), [wrapperFileName()]);
  });

  test('a missing folder, a missing script or a missing bash is refused with a SchedulerError', async () => {
    const { scheduler, job, work, stateDir } = await setup();
    await assert.rejects(scheduler.submit('job.sh', { cwd: join(work, 'nope') }), SchedulerError);
    const dir = await job('x', 'true\n');
    await assert.rejects(scheduler.submit('other.sh', { cwd: dir }), SchedulerError);
    const broken = new LocalScheduler({ stateDir, bash: join(work, 'no-such-bash') });
    await assert.rejects(broken.submit('job.sh', { cwd: dir }), (error: unknown) => error instanceof SchedulerError && error.kind === 'unavailable');
    // the id it had claimed is not left "pending" forever
    const entries = (await scheduler.queue()).entries;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.state, 'FAILED');
  });
});

describe('local executor: cancel', () => {
  test('cancel kills the job and its children; cancelling again, an unknown or an ended id is a no-op', async () => {
    const { scheduler, job, stateDir } = await setup();
    const dir = await job('c', 'sleep 300 &\necho $! > child.pid\nwait\n');
    const { jobId } = await scheduler.submit('job.sh', { cwd: dir });
    const childPid = await waitFor('the child pid', async () => {
      const text = await readFile(join(dir, 'child.pid'), 'utf8').catch(() => '');
      return /^\d+\n$/.test(text) ? Number(text) : undefined;
    });
    assert.equal(processExists(childPid), true);
    assert.equal(await stateOf(scheduler, jobId), 'RUNNING');
    await scheduler.cancel([jobId, '999999', 'garbage']);
    await waitForState(scheduler, jobId, 'CANCELLED');
    await waitFor('the child to be gone', async () => !processExists(childPid));
    const run = await runFile(stateDir, jobId);
    assert.ok(run);
    assert.equal(processExists(run.jobPid), false);
    const record = (await scheduler.accounting([jobId])).records.get(jobId);
    assert.equal(record?.state, `CANCELLED by ${process.getuid?.() ?? 0}`);
    assert.equal(slurmStateMeaning(record?.state ?? '').status, 'cancelled');
    assert.equal(record?.signal, 15);
    await scheduler.cancel([jobId]);
    assert.equal(await stateOf(scheduler, jobId), 'CANCELLED');

    const done = await scheduler.submit('job.sh', { cwd: await job('d', 'true\n') });
    await waitForState(scheduler, done.jobId, 'COMPLETED');
    await scheduler.cancel([done.jobId]);
    assert.equal(await stateOf(scheduler, done.jobId), 'COMPLETED');
  });

  test('a job that ignores SIGTERM is killed after the grace period', async () => {
    const { scheduler, job } = await setup({ killGraceMs: 300 });
    const dir = await job('stubborn', "trap '' TERM\nsleep 300 &\necho $! > child.pid\nwait\n");
    const { jobId } = await scheduler.submit('job.sh', { cwd: dir });
    const childPid = await waitFor('the child pid', async () => {
      const text = await readFile(join(dir, 'child.pid'), 'utf8').catch(() => '');
      return /^\d+\n$/.test(text) ? Number(text) : undefined;
    });
    await scheduler.cancel([jobId]);
    await waitForState(scheduler, jobId, 'CANCELLED');
    assert.equal(processExists(childPid), false);
    assert.equal((await scheduler.accounting([jobId])).records.get(jobId)?.signal, 9);
  });

  test('a cancel right after submit, before the job has started, still cancels it', async () => {
    const { scheduler, job } = await setup();
    const dir = await job('early', 'sleep 300\n');
    const { jobId } = await scheduler.submit('job.sh', { cwd: dir });
    await scheduler.cancel([jobId]);
    await waitForState(scheduler, jobId, 'CANCELLED');
  });

  test('--time is honoured: the job is killed at its limit and is TIMEOUT', async () => {
    const { scheduler, job } = await setup({ killGraceMs: 300 });
    const dir = await job('slow', '#!/bin/bash\n#SBATCH --time=0:01\nsleep 300\n');
    const { jobId } = await scheduler.submit('job.sh', { cwd: dir });
    await waitForState(scheduler, jobId, 'TIMEOUT');
    const record = (await scheduler.accounting([jobId])).records.get(jobId);
    assert.equal(record?.state, 'TIMEOUT');
    assert.equal(failureCause(slurmStateMeaning(record?.state ?? '')), 'TIMEOUT');
    assert.ok((record?.elapsedSeconds ?? 0) >= 1);
    // extra arguments override the script: no limit
    const unlimited = await scheduler.submit('job.sh', { cwd: dir, extraArgs: ['--time=UNLIMITED'] });
    await waitForState(scheduler, unlimited.jobId, 'RUNNING');
    await scheduler.cancel([unlimited.jobId]);
    await waitForState(scheduler, unlimited.jobId, 'CANCELLED');
  });
});

describe('local executor: hostile names', () => {
  test("a job named and placed `a b/x'y/$(touch pwned)` runs without executing anything else", async () => {
    const { scheduler, job, root, stateDir } = await setup();
    const name = "$(touch pwned); x'y `touch pwned2` a b";
    const dir = await job("a b/x'y/$(touch pwned)", 'echo ran > ran.txt\necho "$SLURM_JOB_NAME"\n', "$(touch pwned) x'y.sh");
    const { jobId } = await scheduler.submit("$(touch pwned) x'y.sh", { cwd: dir, jobName: name, extraArgs: ['--comment=$(touch pwned)'] });
    await waitForState(scheduler, jobId, 'COMPLETED');
    assert.equal(await readFile(join(dir, 'ran.txt'), 'utf8'), 'ran\n');
    assert.equal(await readFile(join(dir, `slurm-${jobId}.out`), 'utf8'), `${name}\n`);
    const entry = (await scheduler.queue()).entries.find((e) => e.id === jobId);
    assert.equal(entry?.name, name);
    assert.equal(entry?.workDir, dir);
    const everything = await readdir(root, { recursive: true });
    assert.deepEqual(everything.filter((path) => /pwned2?$/.test(path) && !path.endsWith('$(touch pwned)')), []);
    for (const place of [process.cwd(), repoRoot, stateDir, join(stateDir, 'jobs')]) {
      assert.equal(existsSync(join(place, 'pwned')), false, `nothing created in ${place}`);
    }
  });
});

describe('local executor: the job outlives whoever submitted it', () => {
  test('a submitter killed with SIGKILL: the job still completes and its exit code is recorded', async () => {
    const { stateDir, job, root } = await setup();
    const dir = await job('orphan', 'while [ ! -e release ]; do sleep 0.05; done\necho released\nexit 7\n');
    const submitter = join(root, 'submitter.mts');
    const moduleUrl = pathToFileURL(resolve(repoRoot, 'core/executors/localScheduler.ts')).href;
    await writeFile(
      submitter,
      [
        `import { LocalScheduler } from ${JSON.stringify(moduleUrl)};`,
        'const [stateDir, cwd] = process.argv.slice(2);',
        'const { jobId } = await new LocalScheduler({ stateDir }).submit("job.sh", { cwd });',
        'process.stdout.write(`${jobId}\\n`);',
        'setInterval(() => undefined, 1000); // stay alive until killed',
      ].join('\n'),
    );
    const child = execa(process.execPath, ['--import', 'tsx', submitter, stateDir, dir], {
      cwd: repoRoot,
      reject: false,
      timeout: 60_000,
    });
    const jobId = await new Promise<string>((done, fail) => {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /^(\d+)\n/.exec(seen);
        if (match?.[1]) done(match[1]);
      });
      void child.then((result) => fail(new Error(`submitter ended first: ${result.stderr}`)));
    });
    child.kill('SIGKILL');
    const result = await child;
    assert.equal(result.signal, 'SIGKILL');

    const scheduler = new LocalScheduler({ stateDir });
    await waitForState(scheduler, jobId, 'RUNNING');
    await writeFile(join(dir, 'release'), '');
    await waitForState(scheduler, jobId, 'FAILED');
    const record = (await scheduler.accounting([jobId])).records.get(jobId);
    assert.equal(record?.exitCode, 7);
    assert.equal(await readFile(join(dir, `slurm-${jobId}.out`), 'utf8'), 'released\n');
  });

  test('a job whose processes vanished without an end record is NODE_FAIL, not running forever', async () => {
    const { scheduler, job, stateDir } = await setup();
    const dir = await job('vanish', 'sleep 300\n');
    const { jobId } = await scheduler.submit('job.sh', { cwd: dir });
    const run = await waitFor('the run record', () => runFile(stateDir, jobId));
    // what a reboot or an OOM kill of everything looks like: no process left, nobody wrote the end
    process.kill(-run.wrapperPid, 'SIGKILL');
    process.kill(-run.jobPid, 'SIGKILL');
    await waitForState(scheduler, jobId, 'NODE_FAIL');
    const entry = (await scheduler.queue()).entries.find((e) => e.id === jobId);
    assert.equal(entry?.reason, 'NodeDown');
    assert.equal(slurmStateMeaning('NODE_FAIL').status, 'failed');
    const record = (await scheduler.accounting([jobId])).records.get(jobId);
    assert.equal(record?.state, 'NODE_FAIL');
    assert.ok(record?.end, 'an end time is recorded');
    // and another reader (a new process) sees the same, from the lost mark
    assert.equal(await stateOf(new LocalScheduler({ stateDir }), jobId), 'NODE_FAIL');
  });
});

describe('local executor: ids', () => {
  test('two submitters on one state folder at once: unique ids, increasing for each submitter', async () => {
    const { stateDir, job } = await setup();
    const dir = await job('many', 'true\n');
    const a = new LocalScheduler({ stateDir });
    const b = new LocalScheduler({ stateDir });
    const sequence = async (scheduler: LocalScheduler): Promise<number[]> => {
      const ids: number[] = [];
      for (let i = 0; i < 10; i++) ids.push(Number((await scheduler.submit('job.sh', { cwd: dir })).jobId));
      return ids;
    };
    const burst = (scheduler: LocalScheduler) => Promise.all(Array.from({ length: 10 }, () => scheduler.submit('job.sh', { cwd: dir })));
    const [seqA, seqB, burstA, burstB] = await Promise.all([sequence(a), sequence(b), burst(a), burst(b)]);
    const all = [...seqA, ...seqB, ...burstA.map((r) => Number(r.jobId)), ...burstB.map((r) => Number(r.jobId))];
    assert.equal(new Set(all).size, 40, 'no id given twice');
    assert.deepEqual([...all].sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i + 1), 'no gap either');
    for (const seq of [seqA, seqB]) assert.deepEqual(seq, [...seq].sort((x, y) => x - y));
    await waitFor('all 40 to end', async () => (await a.queue()).entries.filter((e) => e.state === 'COMPLETED').length === 40);
  });
});

describe('local executor: the poller works on it unchanged', () => {
  test('a real poll sequence with a short floor: running, then succeeded and failed with their exit codes', async () => {
    const { scheduler, job } = await setup();
    const okDir = await job('ok', 'while [ ! -e release ]; do sleep 0.05; done\n');
    const failDir = await job('fail', 'exit 3\n');
    const ok = (await scheduler.submit('job.sh', { cwd: okDir, jobName: 'ok' })).jobId;
    const bad = (await scheduler.submit('job.sh', { cwd: failDir, jobName: 'bad' })).jobId;
    const poller = new Poller({ scheduler, floorMs: 100, ceilingMs: 400, nudgeGapMs: 20 });
    const seen = new Map<string, string[]>();
    poller.onDidChangeJobs((event) => {
      for (const change of event.changes) {
        const list = seen.get(change.jobId) ?? [];
        list.push(`${change.current.status}/${change.current.source}`);
        seen.set(change.jobId, list);
      }
    });
    try {
      poller.watch('batch', [ok, bad]);
      const observed = (id: string): JobObservation | undefined => poller.get(id);
      await waitFor('ok running and bad failed', async () => observed(ok)?.status === 'running' && observed(bad)?.final === true);
      await writeFile(join(okDir, 'release'), '');
      await waitFor('ok succeeded from accounting', async () => observed(ok)?.source === 'sacct');

      const good = observed(ok);
      assert.equal(good?.status, 'succeeded');
      assert.equal(good?.exitCode, 0);
      assert.equal(good?.name, 'ok');
      assert.equal(good?.workDir, okDir);
      const failed = observed(bad);
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.exitCode, 3);
      assert.equal(failed?.cause, 'exit code 3');
      assert.equal(failed?.source, 'sacct');
      // Under load the first poll may still see the job PENDING (submitted, not started): both are right.
      assert.ok(['pending/squeue', 'running/squeue'].includes(seen.get(ok)?.[0] ?? ''), `first seen: ${seen.get(ok)?.[0]}`);
      assert.ok(seen.get(ok)?.includes('running/squeue'), `seen running: ${seen.get(ok)?.join(', ')}`);
      assert.equal(seen.get(ok)?.at(-1), 'succeeded/sacct');
      const stats = poller.stats;
      assert.equal(stats.squeueCalls, stats.ticks, 'one queue() per tick');
      assert.ok(stats.sacctCalls <= stats.ticks, 'at most one accounting() per tick');
      assert.equal(poller.stale, undefined);
    } finally {
      poller.dispose();
    }
    // sanity: SLURM's own exit-code parser agrees with what the poller reported
    assert.deepEqual(parseSlurmExitCode('3:0'), { exitCode: 3, signal: 0 });
  });
});
