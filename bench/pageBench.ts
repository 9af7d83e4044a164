// What the Chromium benchmarks of the dashboard page share: the production bundle built (and its sizes printed),
// whether Chromium is there to measure in, and the median of a run's timings.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { REPO_ROOT, webviewSkip } from '../test/webview/harness.js';

/** Builds the production bundles the figures are for, prints the sizes of `files`, and says whether Chromium can run. */
export async function preparePageBench(files: readonly string[] = []): Promise<boolean> {
  await execa(process.execPath, ['esbuild.mjs', '--production'], { cwd: REPO_ROOT, timeout: 120_000 });
  for (const file of files) {
    const bytes = readFileSync(join(REPO_ROOT, file));
    console.log(`bundle ${file} (production): ${(bytes.length / 1024).toFixed(0)} KB (${(gzipSync(bytes).length / 1024).toFixed(0)} KB gzipped)`);
  }
  const skip = webviewSkip();
  if (skip) console.log(`skipped the Chromium figures: ${skip}`);
  return !skip;
}

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
