// Helpers for tests against the real single-node SLURM cluster: availability, users, wrappers, waits.
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath } from '../../../core/slurm/detect.js';
import { execa } from 'execa';
import { execaRunner } from '../../../core/slurm/commandRunner.js';
import type { CommandRunner } from '../../../core/slurm/commandRunner.js';

export const TEST_USER = 'batchuser';
/** A user whose default QOS lets them queue only SUBMIT_LIMIT jobs (the start script sets it up with accounting). */
export const LIMIT_USER = 'batchlimit';
export const SUBMIT_LIMIT = 3;
const START_SCRIPT = fileURLToPath(new URL('./start-local-slurm.sh', import.meta.url));

/** The absolute path of a command on PATH, or undefined. */
export const which = (command: string): string | undefined => findOnPath(command);

async function clusterAnswers(): Promise<boolean> {
  if (!which('sinfo')) return false;
  const result = await execa('sinfo', ['-h', '-o', '%T'], { reject: false, timeout: 15_000 });
  return result.exitCode === 0 && /\b(idle|mixed|allocated)\b/.test(String(result.stdout));
}

async function userExists(user: string): Promise<boolean> {
  const result = await execa('id', ['-u', user], { reject: false, timeout: 5_000 });
  return result.exitCode === 0;
}

export interface ClusterStatus {
  /** False when the tests may run; a message saying why they are skipped otherwise. */
  skip: false | string;
  /** sacct works (slurmdbd is up). */
  accounting: boolean;
  /** --mem is enforced by the kernel's OOM killer through cgroups (OUT_OF_MEMORY is real). */
  oomKills: boolean;
  /** The non-root user exists and tests may run commands as them. */
  testUser: boolean;
  /** LIMIT_USER exists with its submit limit, and SLURM enforces limits (needs accounting). */
  limitUser: boolean;
}

let prepared: Promise<ClusterStatus> | undefined;

/**
 * Decides whether real-cluster tests run. Without `sbatch` they are skipped with a message, unless
 * CI=true: then the project's start script installs and starts the cluster, and any problem fails
 * the test run instead of skipping it. A cluster that is installed but down is started when CI=true
 * or BATCHMAN_START_SLURM=1.
 */
export function prepareCluster(): Promise<ClusterStatus> {
  prepared ??= prepare();
  return prepared;
}

async function prepare(): Promise<ClusterStatus> {
  const ci = process.env.CI === 'true';
  const mayStart = ci || process.env.BATCHMAN_START_SLURM === '1';
  const none: ClusterStatus = { skip: false, accounting: false, oomKills: false, testUser: false, limitUser: false };
  if (!which('sbatch') && !ci) {
    return { ...none, skip: 'SLURM is not installed (no sbatch on PATH): real-cluster tests skipped (CI=true installs and runs them)' };
  }
  if (!(await clusterAnswers())) {
    if (!mayStart) {
      return { ...none, skip: 'the local SLURM cluster is not running: start test/support/slurm/start-local-slurm.sh or set BATCHMAN_START_SLURM=1' };
    }
    const started = await execa(START_SCRIPT, [], { reject: false, timeout: 15 * 60_000, all: true });
    if (started.exitCode !== 0 || !(await clusterAnswers())) {
      throw new Error(`could not start the local SLURM cluster (exit ${started.exitCode}):\n${String(started.all).slice(-3000)}`);
    }
  }
  const sacct = await execa('sacct', ['-X', '-n', '-P', '-j', '1', '--format=JobID'], { reject: false, timeout: 20_000 });
  const accounting = sacct.exitCode === 0;
  let oomKills = false;
  try {
    oomKills = /ConstrainRAMSpace\s*=\s*yes/i.test(await readFile('/etc/slurm/cgroup.conf', 'utf8'));
  } catch {
    oomKills = false;
  }
  const root = process.getuid?.() === 0;
  const testUser = root && (await userExists(TEST_USER));
  if (ci && !testUser) throw new Error(`CI=true but the test user ${TEST_USER} does not exist (the start script creates it)`);
  const limitUser = root && accounting && (await submitLimitInForce());
  if (ci && accounting && !limitUser) {
    throw new Error(`CI=true but ${LIMIT_USER} has no enforced submit limit of ${SUBMIT_LIMIT} (the start script sets it up)`);
  }
  return { skip: false, accounting, oomKills, testUser, limitUser };
}

/** LIMIT_USER exists, its default QOS allows SUBMIT_LIMIT queued jobs, and the controller enforces limits. */
async function submitLimitInForce(): Promise<boolean> {
  if (!(await userExists(LIMIT_USER))) return false;
  const assoc = await execa('sacctmgr', ['-n', '-P', 'show', 'assoc', `user=${LIMIT_USER}`, 'format=DefaultQOS'], { reject: false, timeout: 15_000 });
  const qos = String(assoc.stdout).trim();
  if (assoc.exitCode !== 0 || qos === '') return false;
  const limit = await execa('sacctmgr', ['-n', '-P', 'show', 'qos', qos, 'format=MaxSubmitJobsPerUser'], { reject: false, timeout: 15_000 });
  const config = await execa('scontrol', ['show', 'config'], { reject: false, timeout: 15_000 });
  return String(limit.stdout).trim() === String(SUBMIT_LIMIT) && /^AccountingStorageEnforce\s*=.*\blimits\b/m.test(String(config.stdout));
}

/** A runner that runs every command as `user` (through runuser; the tests run as root). */
export function runnerAs(user: string | undefined, base: CommandRunner = execaRunner): CommandRunner {
  if (user === undefined || user === 'root') return base;
  return (file, args, options) => base('runuser', ['-u', user, '--', file, ...args], options);
}

/** uid and gid of a user. */
export async function idsOf(user: string): Promise<{ uid: number; gid: number }> {
  const uid = await execa('id', ['-u', user], { timeout: 5_000 });
  const gid = await execa('id', ['-g', user], { timeout: 5_000 });
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

const createdDirs: string[] = [];

/** Removes every folder tempDirFor() and sharedDir() made (call it from a file's `after`). */
export async function removeTempDirs(): Promise<void> {
  const dirs = createdDirs.splice(0);
  // Retries: a job just cancelled may still be writing its output there. Every folder is tried even if one fails.
  const results = await Promise.allSettled(dirs.map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A fresh folder under /tmp owned by `user` (the job writes slurm-{id}.out there). */
export async function tempDirFor(user: string | undefined, prefix = 'batchman-slurm-'): Promise<string> {
  const dir = await mkdtemp(join('/tmp', prefix));
  createdDirs.push(dir);
  await chmod(dir, 0o755);
  if (user !== undefined && user !== 'root') {
    const { uid, gid } = await idsOf(user);
    await chown(dir, uid, gid);
  }
  return dir;
}

/** Writes an executable bash job script owned by `user`. */
export async function writeScript(dir: string, name: string, body: string, user?: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  if (user !== undefined && user !== 'root') {
    const { uid, gid } = await idsOf(user);
    await chown(path, uid, gid);
  }
  return path;
}

/** Polls `condition` until it returns a value other than undefined/false, or fails after the deadline. */
export async function waitFor<T>(
  what: string,
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A folder anyone may read and run from, for wrapper scripts and their count files. */
export async function sharedDir(prefix = 'batchman-wrap-'): Promise<string> {
  const dir = await mkdtemp(join('/tmp', prefix));
  createdDirs.push(dir);
  await chmod(dir, 0o777);
  return dir;
}

/**
 * A wrapper that appends a line to its count file and execs the real command (or `target`, e.g. a
 * fault wrapper): proves how many calls ran.
 */
export async function countingWrapper(
  dir: string,
  command: string,
  target?: string,
): Promise<{ path: string; count: () => Promise<number> }> {
  const real = target ?? which(command);
  if (!real) throw new Error(`${command} not found`);
  const countFile = join(dir, `${command}.count`);
  await writeFile(countFile, '', { mode: 0o666 });
  await chmod(countFile, 0o666);
  const path = join(dir, command);
  await writeFile(path, `#!/bin/sh\necho "$$" >> '${countFile}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  await chmod(path, 0o755);
  return {
    path,
    count: async () => (await readFile(countFile, 'utf8')).split('\n').filter((line) => line !== '').length,
  };
}

export type Fault = 'none' | 'exit1' | 'hang' | 'garbage' | 'no-controller' | 'no-accounting';

/**
 * A wrapper in front of a real command whose behaviour a test switches at any time by writing a mode
 * file: pass through, exit 1, hang past any timeout, print garbage, talk to a controller that is not
 * there (a copy of slurm.conf whose controller port nothing listens on: SLURM's own "Unable to
 * contact slurm controller"), or use a slurm.conf without accounting (sacct's own "accounting
 * storage is disabled").
 */
export async function faultWrapper(dir: string, command: string): Promise<{ path: string; set: (fault: Fault) => Promise<void> }> {
  const real = which(command);
  if (!real) throw new Error(`${command} not found`);
  const conf = await readFile(process.env.SLURM_CONF ?? '/etc/slurm/slurm.conf', 'utf8');
  const deadConf = join(dir, 'no-controller.conf');
  // port 9 (discard) has no listener here; MessageTimeout=1 makes the client give up at once
  await writeFile(
    deadConf,
    conf.replace(/^SlurmctldPort=.*$/gm, '').replace(/^(SlurmctldHost=.*)$/m, '$1\nSlurmctldPort=9') + '\nMessageTimeout=1\n',
    { mode: 0o644 },
  );
  const noAcctConf = join(dir, 'no-accounting.conf');
  await writeFile(
    noAcctConf,
    conf
      .replace(/^AccountingStorageType=.*$/m, 'AccountingStorageType=accounting_storage/none')
      .replace(/^AccountingStorage(Host|Port)=.*$/gm, ''),
    { mode: 0o644 },
  );
  const modeFile = join(dir, `${command}.mode`);
  await writeFile(modeFile, 'none\n', { mode: 0o666 });
  await chmod(modeFile, 0o666);
  const path = join(dir, command);
  await writeFile(
    path,
    [
      '#!/bin/sh',
      `mode=$(cat '${modeFile}' 2>/dev/null)`,
      'case "$mode" in',
      `  exit1) echo "${command}: error: injected failure" >&2; exit 1 ;;`,
      '  hang) exec sleep 300 ;;',
      "  garbage) printf 'garbage that is not %s output\\n' \"" + command + '"; exit 0 ;;',
      `  no-controller) SLURM_CONF='${deadConf}' exec '${real}' "$@" ;;`,
      `  no-accounting) SLURM_CONF='${noAcctConf}' exec '${real}' "$@" ;;`,
      `  *) exec '${real}' "$@" ;;`,
      'esac',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  await chmod(path, 0o755);
  return { path, set: (fault) => writeFile(modeFile, `${fault}\n`) };
}

/**
 * Moves a running job's end time a few seconds ahead (root only), so SLURM's own time-limit check
 * ends it with TIMEOUT soon: SLURM time limits are whole minutes (`--time=00:00:05` becomes 1:00).
 */
export async function expireSoon(jobId: string, seconds = 2): Promise<void> {
  const end = new Date(Date.now() + seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${end.getFullYear()}-${pad(end.getMonth() + 1)}-${pad(end.getDate())}T${pad(end.getHours())}:${pad(end.getMinutes())}:${pad(end.getSeconds())}`;
  await execa('scontrol', ['update', `JobId=${jobId}`, `EndTime=${stamp}`], { timeout: 15_000 });
}
