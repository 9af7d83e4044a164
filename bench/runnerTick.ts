// The runner's own cost on a 10,000-job batch: CPU per tick (the poll's parse and diff, the pass over
// what changed, the ledger write) and memory, against a scripted in-memory SLURM and a manual clock.
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { execa } from 'execa';
import { buildBatchModel, parseBatchfile } from '../core/batchfile/index.js';
import { createJobHooks } from '../core/runner/jobHooks.js';
import { readBatchSettings } from '../core/runner/batchSettings.js';
import { runBatch } from '../core/runner/runner.js';
import type { RunnerUpdate } from '../core/runner/runner.js';
import type { Clock, TimerHandle } from '../core/slurm/clock.js';
import type { CommandResult, CommandRunner } from '../core/slurm/commandRunner.js';
import { SlurmScheduler } from '../core/slurm/slurmScheduler.js';
import { formatSqueue } from '../core/slurm/squeue.js';

/** Time moves only when the bench fires the next timer. */
class ManualClock implements Clock {
  private time = 1_800_000_000_000;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  now = (): number => this.time;
  setTimeout = (callback: () => void, ms: number): TimerHandle => {
    this.timers.set(++this.seq, { at: this.time + Math.max(0, ms), callback });
    return this.seq;
  };
  clearTimeout = (handle: TimerHandle): void => void this.timers.delete(handle as number);
  /** Fires the earliest timer; false when none is pending. */
  fireNext(): boolean {
    let next: [number, { at: number; callback: () => void }] | undefined;
    for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
    if (!next) return false;
    this.timers.delete(next[0]);
    this.time = Math.max(this.time, next[1].at);
    next[1].callback();
    return true;
  }
}

interface FakeJob {
  state: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'CANCELLED';
  workDir: string;
  name: string;
}

/**
 * SLURM as text, for the real SlurmScheduler: sbatch hands out ids, squeue prints every job (finished
 * ones stay listed, as within MinJobAge), sacct answers COMPLETED 0:0. The squeue text is rendered in
 * step(), outside the measured window: real squeue output arrives ready-made from a child process.
 */
class ScriptedSlurm {
  readonly jobs = new Map<string, FakeJob>();
  private nextId = 1;
  private squeueText = '';
  private readonly pending: string[] = [];
  private readonly running: string[] = [];

  readonly runner: CommandRunner = async (file, args) => {
    const ok = (stdout: string): CommandResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false });
    if (file === 'sbatch') {
      const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
      return ok(`${this.add(option('chdir'), option('job-name'))}\n`);
    }
    if (file === 'squeue') return ok(this.squeueText);
    if (file === 'sacct') {
      const ids = (args[args.indexOf('-j') + 1] ?? '').split(',');
      let out = '';
      for (const id of ids) {
        const job = this.jobs.get(id);
        if (job && (job.state === 'COMPLETED' || job.state === 'CANCELLED')) out += `${id}|${id}|${job.state}|0:0|00:00:05|2027-01-01T00:00:00|2027-01-01T00:00:05\n`;
      }
      return ok(out);
    }
    if (file === 'scancel') {
      for (const id of args) {
        const job = this.jobs.get(id);
        if (job) job.state = 'CANCELLED';
      }
      return ok('');
    }
    return { exitCode: 127, stdout: '', stderr: `${file}: not scripted`, timedOut: false };
  };

  add(workDir: string, name: string, state: FakeJob['state'] = 'PENDING'): string {
    const id = String(this.nextId++);
    this.jobs.set(id, { state, workDir, name });
    if (state === 'PENDING') this.pending.push(id);
    return id;
  }

  /** `n` running jobs end well and `n` pending ones start; then the squeue text is rendered. */
  step(n: number): void {
    for (const id of this.running.splice(0, n)) {
      const job = this.jobs.get(id)!;
      if (job.state === 'RUNNING') job.state = 'COMPLETED';
    }
    for (const id of this.pending.splice(0, n)) {
      const job = this.jobs.get(id)!;
      if (job.state !== 'PENDING') continue;
      job.state = 'RUNNING';
      this.running.push(id);
    }
    this.render();
  }

  render(): void {
    const entries = [];
    for (const [id, job] of this.jobs) entries.push({ id, state: job.state, reason: job.state === 'PENDING' ? 'Priority' : 'None', elapsed: '0:05', workDir: job.workDir, name: job.name });
    this.squeueText = formatSqueue(entries);
  }
}

interface TickFigures {
  cpuMs: number[];
  /** The part of cpuMs spent in the kernel (system time: file creations, fsyncs, reads). */
  systemCpuMs: number[];
  /** The part of cpuMs spent in the runner's pass (after the poll woke it up). */
  passCpuMs: number[];
  /** The part spent in the hooks that record each ended job in its folder (run_info.json, written atomically). */
  endedCpuMs: number[];
  /** The part spent preparing submissions (pipes, submit scripts). */
  prepareCpuMs: number[];
  wallMs: number[];
  changedPerTick: number;
  submittedPerTick: number;
}

interface Scenario {
  dir: string;
  slurm: ScriptedSlurm;
  clock: ManualClock;
  run: Promise<unknown>;
  nextUpdate: () => Promise<RunnerUpdate>;
  stop: () => void;
  /** process.cpuUsage() when the runner's last pass began (its first hook call). */
  passStartCpu: () => NodeJS.CpuUsage | undefined;
  /** CPU ms spent so far in the ended jobs' hooks and in preparing submissions. */
  hookCpu: { ended: number; prepare: number };
  /** performance.now() when the runner was started, after the batch's files were written. */
  startedAt: number;
}

/**
 * A batch of `jobs` shell jobs on disk: `u{i}` independent, and when `piped`, as many `d{i}` taking
 * `u{i}.xyz` through a coords pipe (the upstream file is already there, as if u{i} had written it).
 */
async function startScenario(base: string, jobs: number, options: { piped: boolean; maxActive: number; submitted: boolean }): Promise<Scenario> {
  const dir = await mkdtemp(join(base, 'batchman-tick-bench-'));
  const half = options.piped ? jobs / 2 : jobs;
  const lines: string[] = [];
  const slurm = new ScriptedSlurm();
  const ledger = ['job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename'];
  for (let i = 0; i < half; i++) {
    for (const name of options.piped ? [`u${i}`, `d${i}`] : [`u${i}`]) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, `${name}.sh`), '#!/bin/bash\ntrue\n', { mode: 0o755 });
      const piped = name.startsWith('d');
      lines.push(`${name}|${name}|shell|${piped ? `coords{../u${i},u${i}.xyz}` : ''}`);
      if (options.submitted) {
        const id = slurm.add(join(dir, name), name);
        ledger.push(`${id}|${name}|${join(dir, name)}|pending|shell|${piped ? `../u${i}|u${i}.xyz` : '|'}||`);
      }
    }
    if (options.piped) await writeFile(join(dir, `u${i}`, `u${i}.xyz`), '1\nH\nH 0 0 0\n');
  }
  const text = `root_directory=${dir}\njob_basename|job_directory|program|pipe\n${lines.join('\n')}\n`;
  const batchfile = join(dir, 'batchfile.csv');
  await writeFile(batchfile, text);
  if (options.submitted) await writeFile(join(dir, '__ledger__.csv'), `${ledger.join('\n')}\n`);
  slurm.render();
  // The batch's files on disk before the runner starts, as a resumed runner finds them: the kernel writing back
  // 20,000 files just created would otherwise be charged to the ticks' own file creations.
  await execa('sync', []);

  const startedAt = performance.now();
  const model = buildBatchModel(parseBatchfile(text), batchfile);
  const clock = new ManualClock();
  const waiting: ((update: RunnerUpdate) => void)[] = [];
  let stopped = false;
  let passStart: NodeJS.CpuUsage | undefined;
  const hookCpu = { ended: 0, prepare: 0 };
  const hooks = createJobHooks({ model, rootPath: dir, settings: await readBatchSettings(batchfile), restartFailed: false });
  /**
   * Runs a hook, adding to `hookCpu[part]` the CPU used while any hook of that part runs (the runner may run several
   * at once; the pass waits for them and does nothing else meanwhile).
   */
  const inFlight = { ended: 0, prepare: 0 };
  const since: Record<keyof typeof hookCpu, NodeJS.CpuUsage | undefined> = { ended: undefined, prepare: undefined };
  const timed = async <T>(part: keyof typeof hookCpu, call: () => Promise<T>): Promise<T> => {
    if (inFlight[part]++ === 0) since[part] = process.cpuUsage();
    try {
      return await call();
    } finally {
      if (--inFlight[part] === 0) {
        const used = process.cpuUsage(since[part]);
        hookCpu[part] += (used.user + used.system) / 1000;
      }
    }
  };
  const run = runBatch({
    batchId: 'bench',
    model,
    ledgerPath: join(dir, '__ledger__.csv'),
    scheduler: new SlurmScheduler({ runner: slurm.runner }),
    maxActive: options.maxActive,
    clock,
    heartbeatMs: 1e12,
    hooks: {
      ...hooks,
      prepare: (job, row) => timed('prepare', () => hooks.prepare(job, row)),
      onJobEnded: (job, row) => timed('ended', async () => hooks.onJobEnded?.(job, row)),
      takeCancelRequest: async () => {
        passStart = process.cpuUsage();
        return stopped ? { all: true, jobs: new Set<string>() } : undefined;
      },
    },
    onUpdate: (update) => waiting.splice(0).forEach((resolve) => resolve(update)),
  });
  return {
    dir,
    slurm,
    clock,
    run,
    nextUpdate: () => new Promise((resolve) => waiting.push(resolve)),
    stop: () => {
      stopped = true;
    },
    passStartCpu: () => passStart,
    hookCpu,
    startedAt,
  };
}

async function measureTicks(scenario: Scenario, ticks: number, perTick: number): Promise<TickFigures> {
  const cpuMs: number[] = [];
  const systemCpuMs: number[] = [];
  const passCpuMs: number[] = [];
  const endedCpuMs: number[] = [];
  const prepareCpuMs: number[] = [];
  const wallMs: number[] = [];
  const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  const active = () => [...scenario.slurm.jobs.values()].length;
  const before = active();
  for (let i = 0; i < ticks; i++) {
    scenario.slurm.step(perTick);
    const update = scenario.nextUpdate();
    const hooksBefore = { ...scenario.hookCpu };
    const cpu = process.cpuUsage();
    const wall = performance.now();
    if (!scenario.clock.fireNext()) throw new Error('the poller has no tick planned');
    await update;
    const used = process.cpuUsage(cpu);
    cpuMs.push(ms(used));
    systemCpuMs.push(used.system / 1000);
    passCpuMs.push(ms(process.cpuUsage(scenario.passStartCpu())));
    endedCpuMs.push(scenario.hookCpu.ended - hooksBefore.ended);
    prepareCpuMs.push(scenario.hookCpu.prepare - hooksBefore.prepare);
    wallMs.push(performance.now() - wall);
  }
  return { cpuMs, systemCpuMs, passCpuMs, endedCpuMs, prepareCpuMs, wallMs, changedPerTick: perTick * 2, submittedPerTick: (active() - before) / ticks };
}

/** The first tick sees every watched job for the first time: measured apart from the steady ones. */
async function firstTick(scenario: Scenario): Promise<{ cpuMs: number; wallMs: number; jobs: number }> {
  const update = scenario.nextUpdate();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  if (!scenario.clock.fireNext()) throw new Error('the poller has no tick planned');
  await update;
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall, jobs: scenario.slurm.jobs.size };
}

/**
 * Cancels the batch through the runner (one scancel) and lets it see every job end. The folder is removed at the end of
 * the bench, not here: deleting 20,000 files makes the next scenario's file creations dearer for a while (see
 * createCostMs), which is the bench's cost, not the runner's.
 */
async function finish(scenario: Scenario): Promise<void> {
  scenario.stop();
  let done = false;
  void scenario.run.finally(() => (done = true));
  for (let i = 0; i < 50 && !done; i++) {
    scenario.slurm.step(1); // a change, so the poll wakes the runner up
    scenario.clock.fireNext();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await scenario.run;
}

/**
 * CPU (ms) to create one empty file in `count` of the batch's job folders, as the runner creates its records there.
 * Almost all of it is the kernel's: on an ext4 disk without a journal, each new inode is searched for past every inode
 * deleted in the last ~30 s in that part of the disk, so the cost swings with the disk's recent deletions (an atomic
 * rewrite deletes the old file; test suites and earlier benches delete thousands), from ~0.03 ms to over 0.5 ms.
 */
function createCostMs(dir: string, folders: readonly string[], count = 200): number {
  const cpu = process.cpuUsage();
  for (let i = 0; i < count; i++) closeSync(openSync(join(dir, folders[i % folders.length]!, `.create-probe-${i}`), 'wx'));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / count;
}

const stats = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The runner's ticks on a batch in the OS temp folder (a disk here), then in a memory file system when there is one
 * (/dev/shm): the second shows the runner's own cost without the disk's cost of creating files, which on this machine
 * swings by more than ten times with the disk's recent deletions (createCostMs).
 */
export async function runRunnerTickBench(jobs = 10_000, perTick = 100, ticks = 30, withSubmissions = true): Promise<void> {
  const places = [{ base: process.env['BATCHMAN_BENCH_DIR'] ?? tmpdir(), label: 'in the OS temp folder' }];
  if (existsSync('/dev/shm') && process.env['BATCHMAN_BENCH_DIR'] === undefined) places.push({ base: '/dev/shm', label: 'in a memory file system (/dev/shm)' });
  for (const place of places) {
    console.log(`\n### the batch ${place.label}`);
    await tickBench(place.base, jobs, perTick, ticks, withSubmissions);
  }
}

async function tickBench(base: string, jobs: number, perTick: number, ticks: number, withSubmissions: boolean): Promise<void> {
  const dirs: string[] = [];
  try {
    await tickScenarios(base, dirs, jobs, perTick, ticks, withSubmissions);
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

async function tickScenarios(base: string, dirs: string[], jobs: number, perTick: number, ticks: number, withSubmissions: boolean): Promise<void> {
  const gc = collectGarbage();
  gc();
  const base0 = process.memoryUsage();

  // 1. Every job already submitted (a resumed runner): each tick, 100 jobs end and 100 start.
  const resumed = await startScenario(base, jobs, { piped: false, maxActive: jobs, submitted: true });
  dirs.push(resumed.dir);
  await resumed.nextUpdate();
  // From the runner's start, the batch's folders already written: what a resumed runner costs, not the bench's setup.
  console.log(
    `runner tick bench: ${jobs} submitted jobs loaded into a resumed runner (model, truth from disk, first pass) in ${(performance.now() - resumed.startedAt).toFixed(0)} ms (goal ≤ 1000 ms) — load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const first = await firstTick(resumed);
  console.log(`first poll of the ${first.jobs} jobs (every one seen for the first time): CPU ${first.cpuMs.toFixed(1)} ms, wall ${first.wallMs.toFixed(1)} ms`);
  gc();
  const loaded = process.memoryUsage();
  const bookkeeping = await measureTicks(resumed, ticks, perTick);
  gc();
  const afterTicks = process.memoryUsage();
  console.log(`CPU per tick, ${jobs}-job batch, ${bookkeeping.changedPerTick} job changes, no submission: ${stats(bookkeeping.cpuMs)} (goal ≤ 50 ms); wall ${stats(bookkeeping.wallMs)} — load average ${loadavg()[0]!.toFixed(2)}`);
  console.log(`  of which in the kernel (system time): ${stats(bookkeeping.systemCpuMs)}`);
  console.log(`  of which the runner's pass after the poll (statuses, dependencies, readiness, ledger write): ${stats(bookkeeping.passCpuMs)}`);
  console.log(`  of which the ${perTick} ended jobs' records in their folders (run_info.json each, written atomically): ${stats(bookkeeping.endedCpuMs)}`);
  console.log(`  creating a file in the batch's folders after the ticks: ${createCostMs(resumed.dir, Array.from({ length: 200 }, (_, i) => `u${i}`)).toFixed(3)} ms of CPU (the kernel's; the ticks create ~${perTick} files each)`);
  console.log(
    `memory with the ${jobs}-job batch loaded: heapUsed +${mb(loaded.heapUsed - base0.heapUsed)} (${mb(loaded.heapUsed)} total), RSS ${mb(loaded.rss)} (+${mb(loaded.rss - base0.rss)}); after ${ticks} ticks heapUsed ${mb(afterTicks.heapUsed)}, RSS ${mb(afterTicks.rss)}`,
  );
  await finish(resumed);
  if (!withSubmissions) return;

  // 2. A fresh batch with pipes, -j 1000: each tick 100 jobs end, 100 start, and the runner submits
  // 100 more (pipe copies, submit scripts, crash-safe intents: real disk writes).
  const fresh = await startScenario(base, jobs, { piped: true, maxActive: 1000, submitted: false });
  dirs.push(fresh.dir);
  await fresh.nextUpdate();
  console.log(`runner tick bench: ${jobs} jobs with pipes, first pass submitted 1000 in ${(performance.now() - fresh.startedAt).toFixed(0)} ms`);
  await firstTick(fresh);
  const submitting = await measureTicks(fresh, ticks, perTick);
  console.log(
    `CPU per tick, ${jobs}-job batch with pipes, ~${submitting.changedPerTick + perTick} job changes and ${submitting.submittedPerTick.toFixed(0)} submissions: ${stats(submitting.cpuMs)} (goal ≤ 100 ms); wall ${stats(submitting.wallMs)} — load average ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log(`  of which in the kernel (system time): ${stats(submitting.systemCpuMs)}`);
  console.log(`  of which the runner's pass after the poll: ${stats(submitting.passCpuMs)}`);
  console.log(`  of which the ended jobs' records in their folders: ${stats(submitting.endedCpuMs)}; preparing the submissions (pipes, submit scripts): ${stats(submitting.prepareCpuMs)}`);
  console.log(
    `  creating a file in the batch's folders after the ticks: ${createCostMs(fresh.dir, Array.from({ length: 200 }, (_, i) => `d${i}`)).toFixed(3)} ms of CPU (the kernel's; each tick creates ~${perTick * 3} files: a pipe copy and run_info.json per submission, run_info.json per ended job)`,
  );
  await finish(fresh);
}
