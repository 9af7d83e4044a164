// Shared by the e2e tests that launch batches in VS Code: whether they can run, a step runner that keeps a screenshot
// of each step, the launch quick picks, and the cleanup of what a launch leaves running (detached runners, jobs).
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { parseJobListing } from '../../core/executors/localJobFiles.js';
import { CHROMIUM, codeServerVersion, findInstall } from '../support/vscode/install.js';
import { REPO_ROOT, RESULTS_DIR } from '../support/vscode/workbench.js';
import type { Workbench } from '../support/vscode/workbench.js';

export const IN_CI = process.env.CI === 'true';
export const BIN = join(REPO_ROOT, 'bin/batchman');
/** The extension's status bar item (`<extension id>.<item id>`). */
export const STATUS_ITEM = '.part.statusbar [id="batchman.batchman.status"]';
export const STATUS_ITEM_ID = 'batchman.batchman.status';

/** False when the workbench can run; else why the e2e tests are skipped (never with CI=true: there they install). */
export function workbenchSkip(): false | string {
  if (IN_CI || (findInstall() !== undefined && existsSync(CHROMIUM))) return false;
  return `code-server ${codeServerVersion()} or chromium is not installed: run test/support/vscode/install.sh (with CI=true the test installs it)`;
}

/** Removes the screenshots an earlier run left under this prefix, FAILED ones included. */
export function clearScreenshots(prefix: string): void {
  for (const name of existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : []) {
    if (name.startsWith(prefix)) rmSync(join(RESULTS_DIR, name));
  }
}

/**
 * Returns a step runner: each step ends with a screenshot `<prefix><name>.png`; a failing step leaves
 * `<prefix><name>-FAILED.png` and adds the browser's and the server's last words to the error.
 */
export function stepRunner(prefix: string, workbench: () => Workbench | undefined) {
  return async function step<T>(name: string, body: (wb: Workbench) => Promise<T>): Promise<T> {
    const wb = workbench();
    if (!wb) throw new Error('the workbench did not start (see the before hook)');
    try {
      const result = await body(wb);
      await wb.screenshot(`${prefix}${name}`);
      return result;
    } catch (error) {
      const shot = await wb.screenshot(`${prefix}${name}-FAILED`).catch(() => '(no screenshot)');
      const rows = await wb.treeRows().catch(() => [] as string[]);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\nscreenshot: ${shot}\ntree rows:\n  ${rows.join('\n  ')}\n${wb.diagnostics()}`, { cause: error });
    }
  };
}

/**
 * Answers "Batchman: Launch Batch"'s quick picks: the batchfile when the workspace has several (`batchfile` is typed
 * into the filter, which matches the folder shown beside each file), the executor picked by name, and Enter for the
 * defaults of the other five steps.
 */
export async function answerLaunchSteps(wb: Workbench, options: { executor: 'local' | 'slurm'; batchfile?: string }): Promise<string[]> {
  const titles: string[] = [];
  if (options.batchfile !== undefined) titles.push(await wb.answerQuickInput('Batchman: Launch Batch', { text: options.batchfile, focused: options.batchfile }));
  titles.push(await wb.answerQuickInput('(1/6)', { pick: options.executor }));
  for (let n = 2; n <= 6; n++) titles.push(await wb.answerQuickInput(`(${n}/6)`));
  return titles;
}

/** Polls a condition of real processes until it holds or the deadline passes. */
async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await delay(100);
  }
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Pids of this host's runners named by the batch root's lock files and in-progress batch records. */
function runnerPids(root: string): number[] {
  const dir = join(root, '.batchman');
  const pids = new Set<number>();
  const add = (value: unknown): void => {
    const info = value as { host?: unknown; pid?: unknown } | undefined;
    if (info && info.host === hostname() && typeof info.pid === 'number' && info.pid > 0) pids.add(info.pid);
  };
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    if (name.endsWith('.lock')) add(readJson(join(dir, name)));
  }
  const records = join(dir, 'batches');
  for (const name of existsSync(records) ? readdirSync(records) : []) {
    const record = readJson(join(records, name)) as { status?: unknown; runner?: unknown } | undefined;
    if (record?.status === 'in_progress') add(record.runner);
  }
  return [...pids];
}

/**
 * Stops what the tests' launches left running: `batchman cancel` on each batchfile (scancel or the local executor's
 * cancel), then the detached runners named in the batches' lock files and records (SIGTERM, then SIGKILL), then
 * any local job of `localState` without an end record (its process groups). Only processes these launches started.
 */
export async function stopBatchWork(batches: readonly { root: string; batchfile: string }[], localState?: string): Promise<string[]> {
  const notes: string[] = [];
  const env = localState ? { BATCHMAN_LOCAL_STATE: localState } : {};
  for (const { batchfile } of batches) {
    if (!existsSync(batchfile)) continue;
    const result = await execa(BIN, ['cancel', batchfile], { env, reject: false, timeout: 60_000, all: true });
    if (result.exitCode !== 0) notes.push(`batchman cancel ${batchfile}: exit ${result.exitCode}: ${(result.all ?? '').slice(-300)}`);
  }
  for (const { root } of batches) {
    for (const pid of runnerPids(root)) {
      if (!alive(pid)) continue;
      notes.push(`runner pid ${pid} of ${root} was still alive: stopped`);
      process.kill(pid, 'SIGTERM');
      if (!(await until(() => !alive(pid), 5_000))) process.kill(pid, 'SIGKILL');
    }
  }
  const jobsDir = localState && join(localState, 'jobs');
  if (jobsDir && existsSync(jobsDir)) {
    for (const job of parseJobListing(readdirSync(jobsDir)).jobs.values()) {
      if (!job.run || job.end) continue;
      for (const pgid of [job.run.wrapperPid, job.run.jobPid]) {
        try {
          process.kill(-pgid, 'SIGKILL');
          notes.push(`local job ${job.id}: killed process group ${pgid}`);
        } catch {
          // already gone
        }
      }
    }
  }
  return notes;
}

export { seconds } from '../support/vscode/prepare.js';

export { REPO_ROOT };
