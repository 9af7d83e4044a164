// The local executor without running jobs: file grammar, state derivation, sbatch options, formats,
// and what queue()/accounting()/pruning cost on a state folder of 1,000 ended jobs. Plus the one place
// readers start jobs: a spec whose submitter died before starting it (tiny real jobs, two readers racing).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { LocalScheduler, defaultLocalStateDir } from '../../core/executors/localScheduler.js';
import type { LocalFs } from '../../core/executors/localScheduler.js';
import { parseJobListing } from '../../core/executors/localJobFiles.js';
import type { LocalJobFacts } from '../../core/executors/localJobFiles.js';
import { deriveJobState } from '../../core/executors/localJobState.js';
import type { DeriveContext, LocalJobSpec, SubmitterState } from '../../core/executors/localJobState.js';
import { formatElapsed, formatSacctTime } from '../../core/executors/localTime.js';
import { WRAPPER_SCRIPT } from '../../core/executors/localWrapper.js';
import { localJobOptions, scriptDirectives } from '../../core/executors/sbatchOptions.js';
import { resolveExecutorKind } from '../../core/executors/chooseExecutor.js';
import { parseSlurmDuration, slurmStateMeaning } from '../../core/slurm/states.js';

const temps: string[] = [];
after(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-local-unit-'));
  temps.push(dir);
  return dir;
}

function facts(partial: Partial<LocalJobFacts> = {}): LocalJobFacts {
  return { id: 1, files: [], spec: true, launch: false, timeout: false, ...partial };
}

function spec(partial: Partial<LocalJobSpec> = {}): LocalJobSpec {
  return {
    version: 1,
    id: 1,
    name: 'job',
    cwd: '/tmp',
    script: '/tmp/job.sh',
    submittedAt: 1_000,
    timeLimitSeconds: 0,
    bootId: null,
    submitter: { pid: 1, host: 'h' },
    ...partial,
  };
}

const NOW = 1_000_000;
function context(alive: boolean, partial: Partial<DeriveContext> = {}): DeriveContext {
  return { now: NOW, startGraceMs: 60_000, alive: () => alive, ...partial };
}

describe('local executor: the jobs folder grammar', () => {
  test('one listing groups facts by job, ignores temp files and strangers, drops ids without a spec', () => {
    const listing = parseJobListing([
      '7.json',
      '7.run.100.101.5000',
      '7.end.3.9000',
      '8.json',
      '8.cancel.1000.6000',
      '8.timeout',
      '8.lost.7000',
      '8.launch',
      '9.run.1.2.3', // no spec: debris
      '.claim.42.abc.tmp',
      '7.end.x.1',
      '7.run.1.2', // wrong arity
      'README',
    ]);
    assert.deepEqual([...listing.jobs.keys()].sort(), [7, 8]);
    assert.equal(listing.maxId, 8);
    const seven = listing.jobs.get(7);
    assert.deepEqual(seven?.run, { wrapperPid: 100, jobPid: 101, startMs: 5000 });
    assert.deepEqual(seven?.end, { status: 3, endMs: 9000 });
    assert.deepEqual(seven?.files.sort(), ['7.end.3.9000', '7.json', '7.run.100.101.5000']);
    const eight = listing.jobs.get(8);
    assert.deepEqual(eight?.cancel, { uid: 1000, atMs: 6000 });
    assert.equal(eight?.timeout, true);
    assert.deepEqual(eight?.lost, { atMs: 7000 });
    assert.equal(eight?.launch, true);
    assert.equal(seven?.launch, false);
    assert.deepEqual(listing.orphans.map((o) => o.id), [9]);
  });
});

describe('local executor: state derivation', () => {
  const run = { wrapperPid: 10, jobPid: 11, startMs: 2_000 };
  const cases: { name: string; facts: Partial<LocalJobFacts>; alive: boolean; state: string; reason: string; final: boolean; markLost?: boolean; grace?: number }[] = [
    { name: 'exit 0', facts: { run, end: { status: 0, endMs: 5_000 } }, alive: false, state: 'COMPLETED', reason: 'None', final: true },
    { name: 'exit 3', facts: { run, end: { status: 3, endMs: 5_000 } }, alive: false, state: 'FAILED', reason: 'NonZeroExitCode', final: true },
    { name: 'cancelled, ended', facts: { run, end: { status: 143, endMs: 5_000 }, cancel: { uid: 0, atMs: 4_000 } }, alive: false, state: 'CANCELLED', reason: 'None', final: true },
    { name: 'time limit, ended', facts: { run, end: { status: 143, endMs: 5_000 }, timeout: true }, alive: false, state: 'TIMEOUT', reason: 'TimeLimit', final: true },
    { name: 'running', facts: { run }, alive: true, state: 'RUNNING', reason: 'None', final: false },
    { name: 'being cancelled', facts: { run, cancel: { uid: 0, atMs: 4_000 } }, alive: true, state: 'COMPLETING', reason: 'None', final: false },
    { name: 'vanished without an end record', facts: { run }, alive: false, state: 'NODE_FAIL', reason: 'NodeDown', final: true, markLost: true },
    { name: 'cancelled and killed with its wrapper', facts: { run, cancel: { uid: 0, atMs: 4_000 } }, alive: false, state: 'CANCELLED', reason: 'None', final: true, markLost: true },
    { name: 'already marked lost', facts: { run, lost: { atMs: 8_000 } }, alive: true, state: 'NODE_FAIL', reason: 'NodeDown', final: true },
    { name: 'an end record beats a lost mark', facts: { run, lost: { atMs: 8_000 }, end: { status: 0, endMs: 9_000 } }, alive: false, state: 'COMPLETED', reason: 'None', final: true },
    { name: 'submitted, starting', facts: {}, alive: false, state: 'PENDING', reason: 'None', final: false, grace: 10 * NOW },
    { name: 'never started', facts: {}, alive: false, state: 'NODE_FAIL', reason: 'JobLaunchFailure', final: true, markLost: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const derived = deriveJobState(facts(c.facts), spec(), context(c.alive, c.grace !== undefined ? { startGraceMs: c.grace } : {}));
      assert.equal(derived.state, c.state);
      assert.equal(derived.reason, c.reason);
      assert.equal(derived.final, c.final);
      assert.equal(derived.markLost, c.markLost ?? false);
      // every state is one core/slurm/states.ts knows, with the same finality
      const meaning = slurmStateMeaning(derived.state);
      assert.equal(meaning.known, true);
      assert.equal(meaning.final, c.final);
    });
  }
  // a job with a spec and no run file: what its submitter's fate decides
  const launch = { bash: 'bash', killGraceSeconds: '1' };
  const never: { name: string; facts: Partial<LocalJobFacts>; submitter: SubmitterState; withLaunch?: boolean; state: string; reason: string; final: boolean; launch: boolean }[] = [
    { name: 'submitter gone before starting it: a reader starts it', facts: {}, submitter: 'gone', state: 'PENDING', reason: 'None', final: false, launch: true },
    { name: 'submitter gone, but the start is claimed: wait for it', facts: { launch: true }, submitter: 'gone', state: 'PENDING', reason: 'None', final: false, launch: false },
    { name: 'submitter gone, cancelled meanwhile: never started', facts: { cancel: { uid: 0, atMs: 4_000 } }, submitter: 'gone', state: 'CANCELLED', reason: 'None', final: true, launch: false },
    { name: 'submitter gone, a spec without launch data (older version): left to the grace', facts: {}, submitter: 'gone', withLaunch: false, state: 'PENDING', reason: 'None', final: false, launch: false },
    { name: 'submitter alive: it is about to start it', facts: {}, submitter: 'alive', state: 'PENDING', reason: 'None', final: false, launch: false },
    { name: 'submitter on another host: left to the grace', facts: {}, submitter: 'unknown', state: 'PENDING', reason: 'None', final: false, launch: false },
    { name: 'published before a reboot: never starts', facts: {}, submitter: 'rebooted', state: 'NODE_FAIL', reason: 'JobLaunchFailure', final: true, launch: false },
    { name: 'claimed before a reboot: never starts', facts: { launch: true }, submitter: 'rebooted', state: 'NODE_FAIL', reason: 'JobLaunchFailure', final: true, launch: false },
  ];
  for (const c of never) {
    test(c.name, () => {
      const derived = deriveJobState(
        facts(c.facts),
        spec(c.withLaunch === false ? {} : { launch }),
        context(false, { startGraceMs: 10 * NOW, submitter: () => c.submitter }),
      );
      assert.deepEqual(
        { state: derived.state, reason: derived.reason, final: derived.final, launch: derived.launch, markLost: derived.markLost },
        { state: c.state, reason: c.reason, final: c.final, launch: c.launch, markLost: c.final },
      );
    });
  }
  test('the submitter is not asked about a job that has started', () => {
    let asked = 0;
    const derived = deriveJobState(facts({ run }), spec({ launch }), context(true, { submitter: () => (asked++, 'gone') }));
    assert.equal(derived.state, 'RUNNING');
    assert.equal(asked, 0);
  });
  test('processes are not asked about a job that has an end record', () => {
    let asked = 0;
    deriveJobState(facts({ run, end: { status: 0, endMs: 5_000 } }), spec(), context(true, { alive: () => (asked++, true) }));
    assert.equal(asked, 0);
  });
});

describe('local executor: sbatch options', () => {
  test('#SBATCH lines are read until the first command, and extra arguments win', () => {
    const script = '#!/bin/bash\n#SBATCH --time=1:00:00\n#SBATCH -J "from script"  # a comment\n\n# a note\n#SBATCH -c 4\necho hi\n#SBATCH --time=5\n';
    const directives = scriptDirectives(script);
    assert.deepEqual(directives, ['--time=1:00:00', '-J', 'from script', '-c', '4']);
    assert.deepEqual(localJobOptions(directives), { timeLimitSeconds: 3600, jobName: 'from script', cpusPerTask: 4 });
    assert.equal(localJobOptions([...directives, '-t', '10']).timeLimitSeconds, 600);
    assert.equal(localJobOptions([...directives, '--time=UNLIMITED']).timeLimitSeconds, 0);
    assert.equal(localJobOptions(['-t2-00']).timeLimitSeconds, 48 * 3600);
    assert.equal(localJobOptions(['--mem=2G', '--partition=x', '--dependency=afterok:1']).timeLimitSeconds, 0);
  });
});

describe('local executor: formats', () => {
  test('elapsed like squeue, and back through the SLURM parser', () => {
    for (const [seconds, text] of [
      [0, '0:00'],
      [67, '1:07'],
      [3599, '59:59'],
      [3600, '1:00:00'],
      [86_399, '23:59:59'],
      [90_061, '1-01:01:01'],
    ] as const) {
      assert.equal(formatElapsed(seconds), text);
      assert.equal(parseSlurmDuration(text), seconds);
    }
  });
  test('times like sacct', () => {
    assert.match(formatSacctTime(Date.UTC(2024, 0, 2, 3, 4, 5)), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
  test('the wrapper only ever uses its arguments quoted', () => {
    // every expansion of an argument-derived variable is inside double quotes
    for (const variable of ['script', 'd', 'id', 'limit', 'grace', 'child']) {
      const bare = new RegExp(`(^|[^"\\w{-])\\$${variable}\\b`, 'm');
      const lines = WRAPPER_SCRIPT.split('\n').filter((line) => bare.test(line.replace(/"[^"]*"/g, '""')));
      assert.deepEqual(lines, [], `$${variable} unquoted`);
    }
    assert.match(WRAPPER_SCRIPT, /bash -- "\$script"/);
  });
  test('executor choice and state folder defaults', () => {
    assert.equal(resolveExecutorKind('auto', { path: '/nonexistent-dir', sbatch: 'sbatch' }), 'local');
    assert.equal(resolveExecutorKind('slurm', { path: '/nonexistent-dir' }), 'slurm');
    assert.equal(defaultLocalStateDir({ BATCHMAN_LOCAL_STATE: '/x/y' }), '/x/y');
    assert.match(defaultLocalStateDir({}), /\.batchman[\\/]local$/);
  });
});

/** node:fs/promises with a count of every call, by function name. */
function countingFs(): { fs: LocalFs; calls: Map<string, number>; total: () => number; reset: () => void } {
  const calls = new Map<string, number>();
  const fs = new Proxy(fsPromises, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as LocalFs;
  return { fs, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0), reset: () => calls.clear() };
}

/** Writes the files of `count` ended jobs (as the wrapper and submit would) without running anything. */
async function fakeEndedJobs(jobsDir: string, count: number, endMs: (id: number) => number): Promise<void> {
  await fsPromises.mkdir(jobsDir, { recursive: true });
  const writes: Promise<void>[] = [];
  for (let id = 1; id <= count; id++) {
    const end = endMs(id);
    writes.push(writeFile(join(jobsDir, `${id}.json`), JSON.stringify(spec({ id, name: `job ${id}`, cwd: `/work/j${id}` }))));
    writes.push(writeFile(join(jobsDir, `${id}.run.999999.999998.${end - 65_000}`), ''));
    writes.push(writeFile(join(jobsDir, `${id}.end.${id % 5 === 0 ? 2 : 0}.${end}`), ''));
  }
  await Promise.all(writes);
}

describe('local executor: queue() is one directory read', () => {
  test('1,000 ended jobs: one readdir per call once names are known; accounting reads no file', async (t) => {
    const stateDir = await tempDir();
    const now = Date.now();
    await fakeEndedJobs(join(stateDir, 'jobs'), 1000, () => now - 1000);
    const counting = countingFs();
    const scheduler = new LocalScheduler({ stateDir, fs: counting.fs, now: () => now });

    let started = performance.now();
    const first = await scheduler.queue();
    const firstMs = performance.now() - started;
    assert.equal(first.entries.length, 1000);
    assert.equal(counting.calls.get('readdir'), 1);
    assert.equal(counting.calls.get('readFile'), 1000, 'each name is read once, the first time');
    const job5 = first.entries.find((e) => e.id === '5');
    assert.deepEqual(job5 && { state: job5.state, reason: job5.reason, elapsed: job5.elapsed, name: job5.name, workDir: job5.workDir }, {
      state: 'FAILED',
      reason: 'NonZeroExitCode',
      elapsed: '1:05',
      name: 'job 5',
      workDir: '/work/j5',
    });

    counting.reset();
    started = performance.now();
    const second = await scheduler.queue();
    const secondMs = performance.now() - started;
    assert.equal(second.entries.length, 1000);
    assert.deepEqual(Object.fromEntries(counting.calls), { readdir: 1 }, 'exactly one fs call');

    counting.reset();
    const ids = Array.from({ length: 1000 }, (_, i) => String(i + 1));
    const accounting = await scheduler.accounting(ids);
    assert.deepEqual(Object.fromEntries(counting.calls), { readdir: 1 });
    assert.equal(accounting.records.size, 1000);
    assert.deepEqual(accounting.records.get('10'), {
      jobId: '10',
      rawJobId: '10',
      state: 'FAILED',
      exitCode: 2,
      signal: 0,
      elapsed: '1:05',
      elapsedSeconds: 65,
      start: formatSacctTime(now - 66_000),
      end: formatSacctTime(now - 1000),
    });
    t.diagnostic(`queue() of 1,000 ended jobs: first ${firstMs.toFixed(1)} ms (names read), then ${secondMs.toFixed(1)} ms`);
  });

  test('jobs ended longer ago than MinJobAge leave queue() without any file read', async () => {
    const stateDir = await tempDir();
    const now = Date.now();
    await fakeEndedJobs(join(stateDir, 'jobs'), 1000, (id) => (id <= 990 ? now - 600_000 : now - 1000));
    const counting = countingFs();
    const scheduler = new LocalScheduler({ stateDir, fs: counting.fs, now: () => now });
    const snapshot = await scheduler.queue();
    assert.deepEqual(snapshot.entries.map((e) => e.id).sort(), ['1000', '991', '992', '993', '994', '995', '996', '997', '998', '999']);
    assert.deepEqual(Object.fromEntries(counting.calls), { readdir: 1, readFile: 10 });
    // but accounting still knows them (like sacct after MinJobAge)
    assert.equal((await scheduler.accounting(['1'])).records.get('1')?.state, 'COMPLETED');
  });

  test('no state folder yet: an empty queue, not an error', async () => {
    const scheduler = new LocalScheduler({ stateDir: join(await tempDir(), 'never-made') });
    assert.deepEqual((await scheduler.queue()).entries, []);
    assert.equal((await scheduler.accounting(['1'])).records.size, 0);
    await scheduler.cancel(['1', 'nonsense']); // a no-op, like scancel of an unknown id
  });
});

describe('local executor: pruning and lost jobs', () => {
  test('jobs ended before the retention are pruned, the highest id and debris rules hold', async () => {
    const stateDir = await tempDir();
    const jobsDir = join(stateDir, 'jobs');
    const now = Date.now();
    const old = now - 8 * 24 * 3600_000;
    await fakeEndedJobs(jobsDir, 5, (id) => (id === 3 ? now - 1000 : old));
    await writeFile(join(jobsDir, '2.cancel.0.1'), ''); // a cancel marker of a pruned job goes too
    await writeFile(join(jobsDir, '4.timeout'), '');
    await writeFile(join(jobsDir, '.claim.999999999.abc123.tmp'), ''); // from a submitter that died mid-claim
    await writeFile(join(jobsDir, `.claim.${process.pid}.abc123.tmp`), ''); // from a live one: kept
    const scheduler = new LocalScheduler({ stateDir, now: () => now });
    await scheduler.queue();
    const left = (await readdir(jobsDir)).filter((name) => !name.startsWith('.')).sort();
    assert.deepEqual((await readdir(jobsDir)).filter((name) => name.startsWith('.')), [`.claim.${process.pid}.abc123.tmp`]);
    // 1, 2, 4 pruned; 3 is recent; 5 is the highest id (new ids start above it) so it stays
    assert.deepEqual(
      left.map((name) => name.split('.')[0]).filter((v, i, a) => a.indexOf(v) === i),
      ['3', '5'],
    );
    assert.equal((await scheduler.accounting(['5'])).records.get('5')?.state, 'FAILED');
  });

  test('a job that never started (no run file after the start grace) is NODE_FAIL and stays so', async () => {
    const stateDir = await tempDir();
    const jobsDir = join(stateDir, 'jobs');
    await fsPromises.mkdir(jobsDir, { recursive: true });
    const submittedAt = Date.now() - 5_000;
    await writeFile(join(jobsDir, '1.json'), JSON.stringify(spec({ id: 1, submittedAt })));
    const patient = new LocalScheduler({ stateDir, startGraceMs: 60_000 });
    assert.equal((await patient.queue()).entries[0]?.state, 'PENDING');
    const scheduler = new LocalScheduler({ stateDir, startGraceMs: 1_000 });
    const entry = (await scheduler.queue()).entries[0];
    assert.equal(entry?.state, 'NODE_FAIL');
    assert.equal(entry?.reason, 'JobLaunchFailure');
    assert.ok((await readdir(jobsDir)).some((name) => /^1\.lost\.\d+$/.test(name)), 'recorded as lost');
    // a reader with a long grace now agrees: the lost mark is final
    assert.equal((await patient.queue()).entries[0]?.state, 'NODE_FAIL');
  });
});

/** This machine's boot id, when it has one (the orphan tests need it, as the executor does). */
function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in ticks since boot. */
function startTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/** A pid whose process has ended (and been reaped). */
async function deadPid(): Promise<number> {
  const child = execa('true', [], { timeout: 10_000 });
  const pid = child.pid;
  await child;
  assert.ok(pid !== undefined);
  return pid;
}

/**
 * Publishes job `id` as submit() does up to the moment it starts the wrapper, i.e. what a submitter
 * killed in that window leaves: the spec and nothing else. The job appends one line per start to `starts`.
 */
async function publishOnly(stateDir: string, id: number, submitter: LocalJobSpec['submitter'], partial: Partial<LocalJobSpec> = {}): Promise<string> {
  const cwd = join(stateDir, '..', `job${id}`);
  await fsPromises.mkdir(cwd, { recursive: true });
  await fsPromises.mkdir(join(stateDir, 'jobs'), { recursive: true });
  await writeFile(join(cwd, 'job.sh'), 'echo "started $SLURM_JOB_ID $ORPHAN_MARK" >> starts\necho out\n');
  const published = spec({
    id,
    name: `job ${id}`,
    cwd,
    script: join(cwd, 'job.sh'),
    submittedAt: Date.now(),
    bootId: bootId(),
    submitter,
    launch: { bash: 'bash', killGraceSeconds: '1', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ORPHAN_MARK: 'from-the-spec' } },
    ...partial,
  });
  await writeFile(join(stateDir, 'jobs', `${id}.json`), JSON.stringify(published));
  return cwd;
}

/** Polls until `probe` holds (the jobs are real processes: there is no event to wait on). */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** node:fs/promises that counts, per reader, the `<id>.launch` claims it won. */
function claimCountingFs(): { fs: LocalFs; won: number[]; tried: number[] } {
  const won: number[] = [];
  const tried: number[] = [];
  const fs = {
    ...fsPromises,
    writeFile: async (...args: Parameters<typeof fsPromises.writeFile>) => {
      const id = typeof args[0] === 'string' ? /[\\/](\d+)\.launch$/.exec(args[0])?.[1] : undefined;
      if (id !== undefined) tried.push(Number(id));
      await fsPromises.writeFile(...args);
      if (id !== undefined) won.push(Number(id));
    },
  } as LocalFs;
  return { fs, won, tried };
}

describe('local executor: a job whose submitter died before starting it', { skip: bootId() === null ? 'no boot id on this machine' : false }, () => {
  test('two readers race for the same orphaned specs: each job is started exactly once, by one of them', async (t) => {
    const stateDir = join(await tempDir(), 'state');
    const dead = await deadPid();
    const ids = Array.from({ length: 12 }, (_, i) => i + 1);
    const cwds = await Promise.all(ids.map((id) => publishOnly(stateDir, id, { pid: dead, host: hostname() })));
    const a = claimCountingFs();
    const b = claimCountingFs();
    const readerA = new LocalScheduler({ stateDir, fs: a.fs });
    const readerB = new LocalScheduler({ stateDir, fs: b.fs });
    const [seenA, seenB] = await Promise.all([readerA.queue(), readerB.queue()]);
    for (const seen of [seenA, seenB]) {
      for (const entry of seen.entries) assert.ok(['PENDING', 'RUNNING', 'COMPLETED'].includes(entry.state), `job ${entry.id}: ${entry.state}`);
    }
    assert.deepEqual([...a.won, ...b.won].sort((x, y) => x - y), ids, 'every claim won exactly once');
    await until('every job to end', async () => (await readerA.queue()).entries.filter((e) => e.state === 'COMPLETED').length === ids.length);
    const names = await readdir(join(stateDir, 'jobs'));
    for (const [index, id] of ids.entries()) {
      const cwd = cwds[index]!;
      assert.equal(await readFile(join(cwd, 'starts'), 'utf8'), `started ${id} from-the-spec\n`, `job ${id} ran once, in the submitter's environment`);
      assert.equal(await readFile(join(cwd, `slurm-${id}.out`), 'utf8'), 'out\n');
      for (const kind of ['launch', 'run', 'end']) {
        assert.equal(names.filter((name) => name === `${id}.${kind}` || name.startsWith(`${id}.${kind}.`)).length, 1, `job ${id}: one ${kind} file`);
      }
    }
    const record = (await readerB.accounting(['1'])).records.get('1');
    assert.equal(record?.state, 'COMPLETED');
    assert.equal(record?.exitCode, 0);
    t.diagnostic(`claims tried/won: reader A ${a.tried.length}/${a.won.length}, reader B ${b.tried.length}/${b.won.length}`);
  });

  test('a submitter still alive is left to start its job: no reader claims it', async () => {
    const stateDir = join(await tempDir(), 'state');
    const cwd = await publishOnly(stateDir, 1, { pid: process.pid, host: hostname(), startTicks: startTicks(process.pid) });
    const readers = [new LocalScheduler({ stateDir }), new LocalScheduler({ stateDir })];
    for (const reader of readers) {
      const entry = (await reader.queue()).entries[0];
      assert.equal(entry?.state, 'PENDING');
    }
    // a reader starts an orphan inside queue(): had one done so, its claim and output would exist now
    const names = await readdir(join(stateDir, 'jobs'));
    assert.deepEqual(names.filter((name) => name.startsWith('1.')), ['1.json']);
    assert.equal(existsSync(join(cwd, 'slurm-1.out')), false);
  });

  test('a live pid that is not the submitter (reused: another start time) does not keep the job waiting', async () => {
    const stateDir = join(await tempDir(), 'state');
    const cwd = await publishOnly(stateDir, 1, { pid: process.pid, host: hostname(), startTicks: startTicks(process.pid) + 1 });
    const reader = new LocalScheduler({ stateDir });
    await reader.queue();
    await until('the job to end', async () => (await reader.queue()).entries[0]?.state === 'COMPLETED');
    assert.equal(await readFile(join(cwd, 'starts'), 'utf8'), 'started 1 from-the-spec\n');
  });

  test('cancelled before it started, after reboot, another host, an older spec: no reader starts it', async () => {
    const stateDir = join(await tempDir(), 'state');
    const jobsDir = join(stateDir, 'jobs');
    const dead = await deadPid();
    const cwds = [
      await publishOnly(stateDir, 1, { pid: dead, host: hostname() }),
      await publishOnly(stateDir, 2, { pid: dead, host: hostname() }, { bootId: 'an-earlier-boot' }),
      await publishOnly(stateDir, 3, { pid: dead, host: `not-${hostname()}` }),
      await publishOnly(stateDir, 4, { pid: dead, host: hostname() }, { launch: undefined }),
    ];
    const reader = new LocalScheduler({ stateDir });
    await reader.cancel(['1']);
    const states = Object.fromEntries((await reader.queue()).entries.map((e) => [e.id, `${e.state}/${e.reason}`]));
    assert.deepEqual(states, { '1': 'CANCELLED/None', '2': 'NODE_FAIL/JobLaunchFailure', '3': 'PENDING/None', '4': 'PENDING/None' });
    const names = await readdir(jobsDir);
    assert.deepEqual(names.filter((name) => name.includes('.launch') || name.includes('.run.')), [], 'nothing claimed, nothing started');
    for (const cwd of cwds) assert.equal(existsSync(join(cwd, 'starts')), false);
    // final for any reader now: the lost marks make it so
    assert.equal((await new LocalScheduler({ stateDir }).accounting(['1'])).records.get('1')?.state, 'CANCELLED by ' + String(process.getuid?.() ?? 0));
  });
});
