// Makes sure the bundles are built and fresh before a test runs the built CLI or server, as users do.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_BUNDLE = join(REPO_ROOT, 'dist', 'server.js');
export const CLI_BUNDLE = join(REPO_ROOT, 'dist', 'cli.js');

const SOURCE_DIRS = ['core', 'server/src'];

/** Builds dist/ with the project's own esbuild script when the server or CLI bundle is missing or older than a source. */
export async function ensureBuilt(): Promise<void> {
  const bundles = [SERVER_BUNDLE, CLI_BUNDLE];
  if (bundles.every((bundle) => existsSync(bundle))) {
    const built = Math.min(...bundles.map((bundle) => statSync(bundle).mtimeMs));
    const sources = [join(REPO_ROOT, 'esbuild.mjs'), ...SOURCE_DIRS.flatMap((dir) => tsFiles(join(REPO_ROOT, dir)))];
    if (sources.every((source) => statSync(source).mtimeMs <= built)) return;
  }
  await execa(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, timeout: 120_000 });
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
