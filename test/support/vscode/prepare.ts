// What every e2e test does before it starts a workbench: package the extension (.vsix) and make sure code-server is
// installed, each timed into the test's timings.
import { packageExtension } from './extensionPackage.js';
import { ensureInstalled } from './install.js';
import type { CodeServerInstall } from './install.js';

export async function prepareWorkbench(name: string, timings: Record<string, string>): Promise<{ vsix: string; install: CodeServerInstall }> {
  let mark = Date.now();
  const vsix = await packageExtension(name);
  timings.package = seconds(Date.now() - mark);
  mark = Date.now();
  const install = await ensureInstalled();
  timings.ensureInstalled = seconds(Date.now() - mark);
  return { vsix, install };
}

/** `12.3 s`, or `-` for a time not taken. */
export const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
