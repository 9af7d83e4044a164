// How every e2e test starts its workbench: package the extension (.vsix), make sure code-server is installed, start
// a fresh workbench in `.e2e/runs/<name>` with the extension installed; each step timed into the test's timings.
import { join } from 'node:path';
import { packageExtension } from './extensionPackage.js';
import { ensureInstalled } from './install.js';
import { REPO_ROOT, Workbench } from './workbench.js';
import type { WorkbenchOptions } from './workbench.js';

/** `12.3 s`, or `-` for a time not taken. */
export const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

export interface TestWorkbenchOptions extends Omit<WorkbenchOptions, 'vsix' | 'install' | 'runDir'> {
  /** The code-server to run (e.g. `4.100.3`, the extension's minimum engine); default codeServerVersion(). */
  readonly codeServerVersion?: string;
}

export async function startTestWorkbench(name: string, timings: Record<string, string>, options: TestWorkbenchOptions): Promise<Workbench> {
  const { codeServerVersion: version, ...workbenchOptions } = options;
  let mark = Date.now();
  const vsix = await packageExtension(name);
  timings.package = seconds(Date.now() - mark);
  mark = Date.now();
  const install = await ensureInstalled(version);
  timings.ensureInstalled = seconds(Date.now() - mark);
  const workbench = await Workbench.start({ startTimeoutMs: 180_000, ...workbenchOptions, runDir: join(REPO_ROOT, '.e2e', 'runs', name), vsix, install });
  timings.workbenchReady = seconds(workbench.timings.workbenchReadyMs);
  return workbench;
}
