// Runs the test suites with Node's built-in test runner, straight from the TypeScript sources.
// Usage: node test/run.mjs [suite...]   (suites: the folders under test/, e.g. unit lsp cli)
// A suite that needs a real component (SLURM, xtb, Chromium) decides inside its tests whether
// it can run; with CI=true it must, so nothing is skipped there.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const testRoot = fileURLToPath(new URL('.', import.meta.url));
const allSuites = readdirSync(testRoot).filter(
  (name) => name !== 'fixtures' && name !== 'support' && statSync(join(testRoot, name)).isDirectory(),
);
const asked = process.argv.slice(2);
const unknown = asked.filter((suite) => !allSuites.includes(suite));
if (unknown.length > 0) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; known: ${allSuites.join(', ')}`);
  process.exit(2);
}
const suites = asked.length > 0 ? asked : allSuites;

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const SHARED_WORLD_SUITES = new Set(['slurm', 'e2e']);

let failed = false;
for (const suite of suites) {
  const files = testFiles(join(testRoot, suite)).sort();
  if (files.length === 0) continue;
  console.log(`\n=== suite ${suite}: ${files.length} file(s)`);
  // The real cluster and the real VS Code are one each: their files take turns (a file may restart the controller).
  const concurrency = SHARED_WORLD_SUITES.has(suite) ? ['--test-concurrency=1'] : [];
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', ...concurrency, '--test-reporter=spec', ...files.map((file) => relative(process.cwd(), file))],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    failed = true;
    console.error(`=== suite ${suite} FAILED (exit ${result.status ?? result.signal})`);
  }
}
process.exit(failed ? 1 : 0);
