// Finds the code-server + chromium install that install.sh made, or runs install.sh to make it.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { CHROMIUM } from '../chromium.js';

/** VS Code 1.139.1; 4.100.3 (VS Code 1.100, the extension's minimum engine) is the other supported one. */
export const DEFAULT_CODE_SERVER_VERSION = '4.139.1';
/** VS Code 1.100.3: package.json's `engines.vscode` (^1.100.0) is kept true by an e2e test on this one. */
export const MIN_ENGINE_CODE_SERVER_VERSION = '4.100.3';
export { CHROMIUM };
const INSTALL_SCRIPT = fileURLToPath(new URL('./install.sh', import.meta.url));

/** What install.sh records once code-server is installed and verified. */
export interface CodeServerInstall {
  readonly codeServerVersion: string;
  readonly vscodeVersion: string;
  /** The Node binary code-server was built for and must run on. */
  readonly node: string;
  /** code-server's `out/node/entry.js`. */
  readonly entry: string;
  readonly chromium: string;
  readonly installSeconds: number;
}

/** The version the e2e tests use: `BATCHMAN_E2E_CODE_SERVER` or the default. */
export function codeServerVersion(): string {
  return process.env.BATCHMAN_E2E_CODE_SERVER || DEFAULT_CODE_SERVER_VERSION;
}

/** Outside the repo so every clone and worktree shares one 600 MB install; CI caches this folder. */
export function cacheDir(): string {
  if (process.env.BATCHMAN_E2E_CACHE) return process.env.BATCHMAN_E2E_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'batchman-e2e');
}

/** The verified install of `version`, or undefined when install.sh has not completed for it (or chromium is gone). */
export function findInstall(version = codeServerVersion()): CodeServerInstall | undefined {
  const record = join(cacheDir(), `code-server-${version}`, 'install.json');
  if (!existsSync(record)) return undefined;
  const install = JSON.parse(readFileSync(record, 'utf8')) as CodeServerInstall;
  if (![install.node, install.entry, install.chromium].every((path) => existsSync(path))) return undefined;
  return install;
}

/**
 * Why an e2e test on `version` cannot run here (its install or chromium is missing), or false when it can. Never a
 * reason with CI=true: there the test installs what is missing (ensureInstalled) and must not skip.
 */
export function installSkipReason(version = codeServerVersion()): false | string {
  if (process.env.CI === 'true' || (findInstall(version) !== undefined && existsSync(CHROMIUM))) return false;
  return `code-server ${version} or chromium is not installed: run test/support/vscode/install.sh ${version} (with CI=true the test installs it)`;
}

/** Runs install.sh (a no-op that takes well under a second when everything is there) and returns the install. */
export async function ensureInstalled(version = codeServerVersion()): Promise<CodeServerInstall> {
  const found = findInstall(version);
  if (found) return found;
  // Output goes to the test's stderr so a slow first install shows its progress; 15 minutes covers apt + npm.
  await execa('bash', [INSTALL_SCRIPT, version], {
    env: { BATCHMAN_E2E_CACHE: cacheDir() },
    stdout: 'ignore',
    stderr: 'inherit',
    timeout: 15 * 60_000,
  });
  const install = findInstall(version);
  if (!install) throw new Error(`install.sh finished but left no usable install of code-server ${version} in ${cacheDir()}`);
  return install;
}
