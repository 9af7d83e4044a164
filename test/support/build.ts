// Makes sure the bundles exist before a test runs the built CLI or server (npm test builds them first).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function ensureBuilt(): void {
  if (existsSync(`${REPO_ROOT}dist/cli.js`) && existsSync(`${REPO_ROOT}dist/server.js`) && process.env.BATCHMAN_REBUILD !== '1') return;
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
}
