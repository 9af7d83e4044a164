// Benchmark of the poller: scheduler calls per poll for 1–10,000 jobs over 3 batches, and parse+diff time.
import { performance } from 'node:perf_hooks';
import { basename } from 'node:path';
import type { Clock } from '../core/slurm/clock.js';
import type { CommandRunner } from '../core/slurm/commandRunner.js';
import { Poller } from '../core/slurm/poller.js';
import { SlurmScheduler } from '../core/slurm/slurmScheduler.js';
import { formatSqueue } from '../core/slurm/squeue.js';

// Polls are driven by pollNow(): timers never fire, so only the work of a poll is measured.
const idleClock: Clock = {
  now: () => Date.now(),
  setTimeout: () => undefined,
  clearTimeout: () => undefined,
};

interface Scenario {
  runner: CommandRunner;
  counts: Map<string, number>;
  /** Sets what squeue answers next. */
  setQueue(stdout: string): void;
}

function scenario(): Scenario {
  const counts = new Map<string, number>();
  let queue = '';
  const runner: CommandRunner = async (file, args) => {
    const command = basename(file);
    counts.set(command, (counts.get(command) ?? 0) + 1);
    if (command === 'squeue') return { exitCode: 0, stdout: queue, stderr: '', timedOut: false };
    if (command === 'sacct') {
      const ids = (args[args.indexOf('-j') + 1] ?? '').split(',');
      const stdout = ids.map((id) => `${id}|${id}|COMPLETED|0:0|00:01:00|2026-01-01T10:00:00|2026-01-01T10:01:00\n`).join('');
      return { exitCode: 0, stdout, stderr: '', timedOut: false };
    }
    return { exitCode: 1, stdout: '', stderr: `unexpected ${command}`, timedOut: false };
  };
  return { runner, counts, setQueue: (stdout) => (queue = stdout) };
}

function squeueOutput(count: number, elapsedSeconds: number, state = 'RUNNING'): string {
  const elapsed = `${Math.floor(elapsedSeconds / 60)}:${String(elapsedSeconds % 60).padStart(2, '0')}`;
  return formatSqueue(
    Array.from({ length: count }, (_, i) => ({
      id: String(100_000 + i),
      state,
      reason: 'None',
      elapsed,
      workDir: `/home/chemist/batches/run-42/job_${i}`,
      name: `conformer_${i}_opt|freq`,
    })),
  );
}

function watchOverThreeBatches(poller: Poller, count: number): void {
  const batches: string[][] = [[], [], []];
  for (let i = 0; i < count; i++) batches[i % 3]?.push(String(100_000 + i));
  batches.forEach((ids, b) => poller.watch(`batch-${b}`, ids));
}

/** Calls per poll while jobs run, and on the poll where they all end and leave squeue. */
async function callsPerPoll(count: number): Promise<{ squeue: number; sacct: number; endSqueue: number; endSacct: number }> {
  const s = scenario();
  const poller = new Poller({ scheduler: new SlurmScheduler({ runner: s.runner }), clock: idleClock });
  watchOverThreeBatches(poller, count);
  const polls = 5;
  for (let i = 0; i < polls; i++) {
    s.setQueue(squeueOutput(count, 10 + i));
    await poller.pollNow();
  }
  const running = { squeue: (s.counts.get('squeue') ?? 0) / polls, sacct: (s.counts.get('sacct') ?? 0) / polls };
  s.counts.clear();
  s.setQueue('');
  await poller.pollNow();
  poller.dispose();
  return { ...running, endSqueue: s.counts.get('squeue') ?? 0, endSacct: s.counts.get('sacct') ?? 0 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median time of one poll of `count` running jobs: squeue parse + diff + events (the command itself excluded). */
async function pollTime(
  count: number,
  rounds: number,
): Promise<{ medianMs: number; medianCpuMs: number; firstMs: number; changeMs: number }> {
  const s = scenario();
  const poller = new Poller({ scheduler: new SlurmScheduler({ runner: s.runner }), clock: idleClock });
  let changed = 0;
  poller.onDidChangeJobs((event) => (changed += event.changes.length));
  watchOverThreeBatches(poller, count);
  // outputs are rendered before timing: the runner hands over a ready string, as execa would
  const outputs = Array.from({ length: rounds + 1 }, (_, i) => squeueOutput(count, 60 + i));
  s.setQueue(outputs[0] ?? '');
  let started = performance.now();
  await poller.pollNow();
  const firstMs = performance.now() - started;
  const times: number[] = [];
  // CPU time too: on a busy machine wall time also counts other processes' turns on the cores
  const cpuTimes: number[] = [];
  for (let i = 1; i <= rounds; i++) {
    s.setQueue(outputs[i] ?? '');
    const cpu = process.cpuUsage();
    started = performance.now();
    await poller.pollNow();
    times.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  // one poll where every job changes state (all start COMPLETING)
  s.setQueue(squeueOutput(count, 99, 'COMPLETING'));
  changed = 0;
  started = performance.now();
  await poller.pollNow();
  const changeMs = performance.now() - started;
  if (changed !== count) throw new Error(`expected ${count} changes, got ${changed}`);
  poller.dispose();
  return { medianMs: median(times), medianCpuMs: median(cpuTimes), firstMs, changeMs };
}

export async function runSlurmPollBench(): Promise<void> {
  console.log('slurm poll: scheduler calls per poll (scripted squeue/sacct, jobs over 3 batches)');
  for (const count of [1, 100, 1_000, 10_000]) {
    const r = await callsPerPoll(count);
    console.log(
      `  ${String(count).padStart(6)} jobs: ${r.squeue} squeue + ${r.sacct} sacct per poll while running; ` +
        `${r.endSqueue} squeue + ${r.endSacct} sacct on the poll where all ${count} left squeue`,
    );
  }
  const t = await pollTime(10_000, 30);
  console.log(
    `slurm poll: 10,000 jobs, parse+diff of one poll: median ${t.medianMs.toFixed(2)} ms wall, ` +
      `${t.medianCpuMs.toFixed(2)} ms CPU over 30 polls ` +
      `(first poll ${t.firstMs.toFixed(2)} ms, a poll where all 10,000 change ${t.changeMs.toFixed(2)} ms)`,
  );
}

// Run directly: node --import tsx bench/slurmPoll.ts
if (process.argv[1] !== undefined && import.meta.url === new URL(process.argv[1], 'file://').href) {
  await runSlurmPollBench();
}
