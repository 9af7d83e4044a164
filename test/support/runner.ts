// Shared helpers for the runner suite: a batch copied into a temp folder, `bin/batchman` run against a
// private local-executor state folder, and readers for what the run left on disk (ledger, records, jobs).
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { parseJobListing } from '../../core/executors/localJobFiles.js';
import type { LocalJobFacts } from '../../core/executors/localJobFiles.js';
import type { LocalJobSpec } from '../../core/executors/localJobState.js';
import { readLedgerIfExists } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import type { JobStatus } from '../../core/status.js';
import { REPO_ROOT, ensureBuilt } from './build.js';

export const BIN = join(REPO_ROOT, 'bin/batchman');
export const EXAMPLES = join(REPO_ROOT, 'examples');

/** One test's world: the batch folder, the executor's state folder, and the root holding both. */
export interface Sandbox {
  /** The temp folder everything lives under. */
  readonly root: string;
  /** The batch's folder (the batchfile's folder, also its root_directory `.`). */
  readonly dir: string;
  readonly batchfile: string;
  readonly ledger: string;
  /** BATCHMAN_LOCAL_STATE for every command of this sandbox. */
  readonly stateDir: string;
}

const sandboxes: Sandbox[] = [];

/** A fresh temp root holding a copy of `examples/<example>` (or an empty batch folder) and a state folder. */
export async function sandbox(example?: string): Promise<Sandbox> {
  await ensureBuilt();
  const root = await mkdtemp(join(tmpdir(), 'batchman-runner-'));
  const dir = join(root, 'batch');
  if (example) await cp(join(EXAMPLES, example), dir, { recursive: true });
  else await mkdir(dir);
  const box = { root, dir, batchfile: join(dir, 'batchfile.csv'), ledger: join(dir, '__ledger__.csv'), stateDir: join(root, 'state') };
  sandboxes.push(box);
  return box;
}

/** Writes a batch of shell jobs: `jobs` maps `basename|directory|pipe` rows to their script text. */
export async function writeShellBatch(
  box: Sandbox,
  jobs: readonly { basename: string; directory: string; pipe?: string; script: string; walltime?: string }[],
): Promise<void> {
  const withWalltime = jobs.some((job) => job.walltime !== undefined);
  const header = `job_basename|job_directory|program|pipe${withWalltime ? '|walltime' : ''}`;
  const rows = jobs.map((job) => `${job.basename}|${job.directory}|shell|${job.pipe ?? ''}${withWalltime ? `|${job.walltime ?? ''}` : ''}`);
  await writeFile(box.batchfile, ['root_directory=.', header, ...rows, ''].join('\n'));
  for (const job of jobs) {
    const folder = join(box.dir, job.directory);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, `${job.basename}.sh`), job.script);
  }
}

function env(box: Sandbox): Record<string, string> {
  return { BATCHMAN_LOCAL_STATE: box.stateDir };
}

/** Runs `bin/batchman ARGS` to its end (exit code kept, never thrown). */
export function batchman(box: Sandbox, args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}) {
  return execa(BIN, [...args], { cwd: box.root, reject: false, timeout: options.timeoutMs ?? 90_000, env: { ...env(box), ...options.env } });
}

/** `batchman run` on the sandbox's batchfile, on the local executor. */
export function runBatchman(box: Sandbox, extra: readonly string[] = [], options: { timeoutMs?: number; env?: Record<string, string> } = {}) {
  return batchman(box, ['run', box.batchfile, '--executor', 'local', ...extra], options);
}

/** Starts `batchman run` without waiting for it: the caller kills or awaits the child. */
export function startRunner(box: Sandbox, extra: readonly string[] = [], options: { env?: Record<string, string> } = {}): ResultPromise<{ reject: false }> {
  // node runs bin/batchman directly so the child's pid is the runner's pid (no wrapper process in between).
  const child = execa(process.execPath, [BIN, 'run', box.batchfile, '--executor', 'local', ...extra], {
    cwd: box.root,
    reject: false,
    timeout: 120_000,
    env: { ...env(box), ...options.env },
  });
  trackRunner(child.pid);
  return child;
}

/** The ledger's rows by basename (empty when there is no ledger yet). */
export async function ledgerRows(box: Sandbox): Promise<Map<string, LedgerRow>> {
  const ledger = await readLedgerIfExists(box.ledger).catch(() => undefined);
  return new Map((ledger?.rows ?? []).map((row) => [row.basename, row]));
}

export async function ledgerStatuses(box: Sandbox): Promise<Record<string, JobStatus>> {
  return Object.fromEntries([...(await ledgerRows(box))].map(([name, row]) => [name, row.status]));
}

export interface HistoryRecord {
  id: string;
  name: string;
  status: string;
  run_number: number;
  resumes: unknown[];
  counts: Record<string, number> | null;
  runner: { host: string; pid: number; heartbeat: string };
  computed_options: Record<string, unknown>;
  command_options: Record<string, unknown>;
  [key: string]: unknown;
}

/** `batchman history --json`: every launch, newest first, with its effective status (`lost` included). */
export async function history(box: Sandbox): Promise<HistoryRecord[]> {
  const result = await batchman(box, ['history', box.batchfile, '--json'], { timeoutMs: 30_000 });
  if (result.exitCode !== 0) throw new Error(`history failed (${result.exitCode}): ${result.stderr}`);
  return JSON.parse(result.stdout) as HistoryRecord[];
}

export interface LocalJob {
  facts: LocalJobFacts;
  spec: LocalJobSpec;
}

/** Every job the local executor was ever given in this sandbox, with its spec. */
export async function localJobs(box: Sandbox): Promise<LocalJob[]> {
  const jobsDir = join(box.stateDir, 'jobs');
  const names = await readdir(jobsDir).catch(() => [] as string[]);
  const jobs: LocalJob[] = [];
  for (const facts of parseJobListing(names).jobs.values()) {
    const spec = JSON.parse(await readFile(join(jobsDir, `${facts.id}.json`), 'utf8')) as LocalJobSpec;
    jobs.push({ facts, spec });
  }
  return jobs.sort((a, b) => a.facts.id - b.facts.id);
}

/** How many times each job folder was submitted (the local executor keeps one spec per submission). */
export async function submissionsByFolder(box: Sandbox): Promise<Map<string, number[]>> {
  const byFolder = new Map<string, number[]>();
  for (const job of await localJobs(box)) byFolder.set(job.spec.cwd, [...(byFolder.get(job.spec.cwd) ?? []), job.facts.id]);
  return byFolder;
}

/** The ids of the `slurm-<id>.out` files in a folder. */
export async function slurmOutputIds(folder: string): Promise<number[]> {
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.flatMap((name) => {
    const match = /^slurm-(\d+)\.out$/.exec(name);
    return match ? [Number(match[1])] : [];
  });
}

/** Polls a condition until it holds or the deadline passes (real processes: there is no event to wait on). */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, everyMs));
  }
}

/** True while a process exists and is not a zombie. */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** Lists every path under `dir` (relative), sorted: a snapshot to compare before and after a run. */
export async function tree(dir: string): Promise<string[]> {
  return ((await readdir(dir, { recursive: true })) as string[]).sort();
}

/** Runners the tests started (children, or detached ones whose pid they were told): killed at cleanup. */
const runnerPids = new Set<number>();

export function trackRunner(pid: number | undefined): void {
  if (pid !== undefined) runnerPids.add(pid);
}

/**
 * Kills what the tests left running (only processes they started: the runners they tracked, and the jobs
 * without an end record in their sandboxes' state folders), then removes the sandboxes.
 */
export async function cleanupSandboxes(): Promise<void> {
  for (const pid of runnerPids) {
    try {
      if (await processAlive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // it ended between the check and the kill
    }
  }
  runnerPids.clear();
  const failures: unknown[] = [];
  for (const box of sandboxes.splice(0)) {
    for (const job of await localJobs(box).catch(() => [] as LocalJob[])) {
      const run = job.facts.run;
      if (!run || job.facts.end) continue;
      for (const pgid of [run.wrapperPid, run.jobPid]) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // Retries: a process just killed may still be finishing a write there. Every sandbox is tried even if one fails.
    await rm(box.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * A shell job that runs until a `release` file appears in its folder, then writes `released.xyz` (for a
 * downstream coords pipe) and succeeds; it fails after `maxSeconds` so nothing can hang forever.
 */
export function gateScript(maxSeconds = 60): string {
  return `#!/usr/bin/env bash\nfor i in $(seq 1 ${maxSeconds * 20}); do\n  if [ -e release ]; then echo released | tee released.xyz; exit 0; fi\n  sleep 0.05\ndone\nexit 9\n`;
}

/** Lets a gate job end. */
export async function release(box: Sandbox, directory: string): Promise<void> {
  await writeFile(join(box.dir, directory, 'release'), '');
}

/** Waits until the ledger shows a job with `status` (the live runner wrote it). */
export async function waitForStatus(box: Sandbox, basename: string, statuses: readonly JobStatus[], timeoutMs = 30_000): Promise<LedgerRow> {
  let last: LedgerRow | undefined;
  try {
    return await waitFor(
      `${basename} to be ${statuses.join(' or ')}`,
      async () => {
        last = (await ledgerRows(box)).get(basename);
        return last && statuses.includes(last.status) ? last : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    // say where it got stuck: the row as last read, and what the executor knows
    const jobs = (await localJobs(box)).map((job) => ({ id: job.facts.id, cwd: job.spec.cwd, files: job.facts.files }));
    throw new Error(`${(error as Error).message}; last ledger row: ${JSON.stringify(last)}; local jobs: ${JSON.stringify(jobs)}`);
  }
}
