// Shared by the runner's real-SLURM tests: batch folders, `batchman` runs, the ledger, what SLURM says of a job.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { readLedgerIfExists } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { REPO_ROOT } from '../support/build.js';
import { tempDirFor, waitFor } from '../support/slurm/cluster.js';

export const BIN = join(REPO_ROOT, 'bin', 'batchman');

/** A fresh batch folder (removed by removeTempDirs), optionally filled with a copy of an example. */
export async function batchDir(example?: string): Promise<string> {
  const dir = await tempDirFor('root', 'batchman-runner-');
  if (example) await cp(join(REPO_ROOT, 'examples', example), dir, { recursive: true });
  return dir;
}

/** Writes a shell job's own script `{dir}/{name}/{name}.sh`. */
export async function shellJob(root: string, name: string, body: string): Promise<void> {
  await mkdir(join(root, name), { recursive: true });
  await writeFile(join(root, name, `${name}.sh`), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
}

export interface CliRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** Runs `batchman ARGS` to its end. */
export async function batchman(args: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliRun> {
  const result = await execa(process.execPath, [BIN, ...args], {
    reject: false,
    timeout: options.timeoutMs ?? 120_000,
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Starts `batchman run FILE --executor slurm ...` in the background (the caller awaits or kills it). */
export function startRunner(file: string, extra: readonly string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [BIN, 'run', file, '--executor', 'slurm', ...extra], {
    reject: false,
    timeout: options.timeoutMs ?? 180_000,
    ...(options.env ? { env: options.env, extendEnv: false } : {}),
  }) as ResultPromise<{ reject: false }>;
}

/** The ledger's rows by basename (empty before the runner wrote it). */
export async function ledgerRows(dir: string): Promise<Map<string, LedgerRow>> {
  const ledger = await readLedgerIfExists(join(dir, '__ledger__.csv'));
  return new Map((ledger?.rows ?? []).map((row) => [row.basename, row]));
}

/** `scontrol show job -o ID` as key → value (jobs stay known for MinJobAge after they end). */
export async function scontrolJob(id: number | string): Promise<Map<string, string>> {
  const { stdout } = await execa('scontrol', ['show', 'job', '-o', String(id)], { timeout: 15_000 });
  const fields = new Map<string, string>();
  for (const token of stdout.trim().split(/\s+/)) {
    const at = token.indexOf('=');
    if (at > 0) fields.set(token.slice(0, at), token.slice(at + 1));
  }
  return fields;
}

/**
 * One sacct line per job id: State, ExitCode, AllocCPUS, Timelimit, ReqMem (accounting only). slurmdbd
 * learns a job's fields a moment after slurmctld: waits (20 s at most) until every job has an end
 * state and its time limit, then answers what it has.
 */
export async function sacctJobs(ids: readonly (number | string)[]): Promise<Map<string, Record<string, string>>> {
  const format = ['JobIDRaw', 'State', 'ExitCode', 'AllocCPUS', 'Timelimit', 'ReqMem'];
  const ask = async () => {
    const { stdout } = await execa('sacct', ['-X', '-n', '-P', '-j', ids.join(','), `--format=${format.join(',')}`], { timeout: 20_000 });
    const jobs = new Map<string, Record<string, string>>();
    for (const line of stdout.split('\n').filter((l) => l.trim() !== '')) {
      const cells = line.split('|');
      jobs.set(cells[0]!, Object.fromEntries(format.map((key, i) => [key, cells[i] ?? ''])));
    }
    return jobs;
  };
  const settled = (jobs: Map<string, Record<string, string>>) =>
    ids.every((id) => {
      const job = jobs.get(String(id));
      return job !== undefined && job['Timelimit'] !== '' && !/^(PENDING|RUNNING|COMPLETING|)$/.test(job['State'] ?? '');
    });
  return waitFor('the accounting of every job', async () => {
    const jobs = await ask();
    return settled(jobs) ? jobs : undefined;
  }, { timeoutMs: 20_000, intervalMs: 500 }).catch(() => ask());
}

/** The live (not yet ended) jobs of SLURM whose working directory is under `root`, as the test sees them. */
export async function liveJobsUnder(root: string): Promise<{ id: string; state: string }[]> {
  const { stdout } = await execa('squeue', ['-h', '-t', 'all', '-o', '%i|%T|%Z'], { timeout: 15_000 });
  const ended = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|SPECIAL_EXIT|REVOKED)$/;
  return stdout
    .split('\n')
    .map((line) => line.split('|'))
    .filter(([id, state, workDir]) => id && state && !ended.test(state) && (workDir === root || workDir?.startsWith(`${root}/`)))
    .map(([id, state]) => ({ id: id!, state: state! }));
}

/** Cancels every SLURM job still alive under `root` (cleanup after a failed assertion). */
export async function cancelLeftovers(root: string): Promise<void> {
  const live = await liveJobsUnder(root).catch(() => []);
  if (live.length > 0) await execa('scancel', live.map((job) => job.id), { reject: false, timeout: 15_000 });
}

export async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}
