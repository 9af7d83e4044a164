// Builds the .vsix for the e2e tests and the activation bench: `npm run package` under a lock, since test files may
// run in parallel and all of them rewrite dist/ and batchman.vsix; each caller gets its own copy of the result.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { REPO_ROOT } from './workbench.js';

const VSIX = join(REPO_ROOT, 'batchman.vsix');
const LOCK = join(REPO_ROOT, '.e2e', 'package.lock');

/** Runs `npm run package` and copies batchman.vsix to `.e2e/vsix/<name>.vsix`; returns the copy's path. */
export async function packageExtension(name: string, timeoutMs = 600_000): Promise<string> {
  const copy = join(REPO_ROOT, '.e2e', 'vsix', `${name}.vsix`);
  mkdirSync(join(REPO_ROOT, '.e2e', 'vsix'), { recursive: true });
  await withLock(timeoutMs, async () => {
    const env = { ...process.env };
    // The test runner's variables would make npm's child node think it is a test.
    delete env.NODE_TEST_CONTEXT;
    delete env.NODE_OPTIONS;
    const result = await execa('npm', ['run', 'package'], { cwd: REPO_ROOT, env, extendEnv: false, all: true, reject: false, timeout: 300_000 });
    if (result.exitCode !== 0 || !existsSync(VSIX)) throw new Error(`npm run package failed (exit ${result.exitCode}):\n${result.all ?? ''}`);
    copyFileSync(VSIX, copy);
  });
  return copy;
}

/** A directory as a lock (mkdir is atomic); a lock whose pid is gone is taken over. Polls: there is no event. */
async function withLock(timeoutMs: number, body: () => Promise<void>): Promise<void> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!holderAlive()) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another process kept ${LOCK} for ${timeoutMs} ms`);
      await delay(200);
    }
  }
  try {
    await body();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function holderAlive(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    // No pid yet: just created (alive), unless it has been like that for long (its creator died in between).
    try {
      return Date.now() - statSync(LOCK).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
