// Runs a code-server (VS Code's server with its web workbench) in its own process group, offline and quiet.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import type { CodeServerInstall } from './install.js';

/** Folders of one run; everything code-server writes goes under `root`. */
export interface CodeServerDirs {
  readonly root: string;
  readonly userData: string;
  readonly extensions: string;
  readonly log: string;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dirs: CodeServerDirs;
  /** Last lines code-server printed, for failure messages. */
  logTail(lines?: number): string;
  /** SIGTERM to the whole process group (extension host, language servers), SIGKILL if it lingers. */
  stop(): Promise<void>;
}

/** User settings that keep VS Code from phoning home or showing first-run pages during a test. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
};

export function codeServerDirs(root: string): CodeServerDirs {
  return { root, userData: join(root, 'user-data'), extensions: join(root, 'extensions'), log: join(root, 'code-server.log') };
}

/** Environment for code-server and its CLI: its own Node first on PATH, config and data inside the run folder. */
function codeServerEnv(install: CodeServerInstall, dirs: CodeServerDirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(install.node)}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(dirs.root, 'xdg-config'),
    XDG_DATA_HOME: join(dirs.root, 'xdg-data'),
  };
  // The test runner's own variables would leak into the extension host's Node.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

export function writeUserSettings(dirs: CodeServerDirs, settings: Readonly<Record<string, unknown>> = {}): void {
  const file = join(dirs.userData, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

/** `code-server --install-extension x.vsix` into the run's extensions folder; throws with its output on failure. */
export async function installExtension(install: CodeServerInstall, dirs: CodeServerDirs, vsix: string): Promise<void> {
  mkdirSync(dirs.extensions, { recursive: true });
  const result = await execa(install.node, [install.entry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
    env: codeServerEnv(install, dirs),
    extendEnv: false,
    all: true,
    reject: false,
    timeout: 120_000,
  });
  if (result.exitCode !== 0 || !/successfully installed/i.test(result.all ?? '')) {
    throw new Error(`code-server could not install ${vsix} (exit ${result.exitCode}):\n${result.all ?? ''}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartCodeServerOptions {
  readonly install: CodeServerInstall;
  readonly dirs: CodeServerDirs;
  /** Folder the workbench opens. */
  readonly folder: string;
  /** How long `/healthz` may take to answer. */
  readonly timeoutMs?: number;
}

export async function startCodeServer(options: StartCodeServerOptions): Promise<CodeServer> {
  const { install, dirs, folder } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  mkdirSync(dirs.userData, { recursive: true });
  mkdirSync(dirs.extensions, { recursive: true });
  const port = await freePort();
  const args = [
    install.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    folder,
  ];
  // detached: its own process group, so stop() reaches the extension host and language server it forks.
  const subprocess = execa(install.node, args, {
    env: codeServerEnv(install, dirs),
    extendEnv: false,
    detached: true,
    cleanup: false,
    stdin: 'ignore',
    stdout: { file: dirs.log },
    stderr: { file: dirs.log, append: true },
    reject: false,
    // A safety net only: a test that forgets stop() still does not leave a server behind forever.
    timeout: 60 * 60_000,
  });
  const pid = subprocess.pid;
  if (pid === undefined) throw new Error(`code-server did not start: ${String((await subprocess).message)}`);
  let exited: string | undefined;
  const done = subprocess.then((result) => {
    exited = `code-server exited (code ${result.exitCode ?? '-'}, signal ${result.signal ?? '-'})`;
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  // The test process may die without calling stop(); the server must not outlive it.
  const onExit = (): void => killGroup('SIGKILL');
  process.once('exit', onExit);

  const logTail = (lines = 40): string => {
    try {
      return readFileSync(dirs.log, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const groupAlive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async (): Promise<void> => {
    killGroup('SIGTERM');
    const deadline = Date.now() + 10_000;
    while (groupAlive() && Date.now() < deadline) await delay(100);
    if (groupAlive()) killGroup('SIGKILL');
    await done;
    process.removeListener('exit', onExit);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${exited} before /healthz answered:\n${logTail()}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server's /healthz did not answer within ${timeoutMs} ms:\n${logTail()}`);
    }
    await delay(100);
  }
  return { url, port, pid, dirs, logTail, stop };
}
