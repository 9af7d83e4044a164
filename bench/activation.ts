// The extension's activation time in a real VS Code (code-server in headless chromium, the packaged .vsix, a workspace
// holding examples/shell-pipeline) and the sizes of its bundles. `runActivationBench()` prints and returns them.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { STATUS_ITEM } from '../test/e2e/batchSession.js';
import { packageExtension } from '../test/support/vscode/extensionPackage.js';
import { CHROMIUM, ensureInstalled, findInstall } from '../test/support/vscode/install.js';
import { REPO_ROOT, Workbench, formatActivation } from '../test/support/vscode/workbench.js';
import type { ActivationTiming } from '../test/support/vscode/workbench.js';

export interface BundleSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ActivationFigures {
  /** Undefined when code-server or chromium is not installed (the bench says so and skips). */
  activation?: ActivationTiming;
  bundles: BundleSize[];
}

const BUNDLES = ['dist/extension.js', 'dist/server.js', 'dist/cli.js'];

function bundleSizes(files: readonly string[]): BundleSize[] {
  return files.map((file) => {
    const bytes = readFileSync(join(REPO_ROOT, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
  });
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KB`;

/**
 * Packages the extension (production bundles), starts the workbench once on a copy of the shell pipeline and prints
 * when, after the workbench was ready, the extension host came up, began activating Batchman, the language server
 * started and the status bar item appeared; then the bundle sizes.
 */
export async function runActivationBench(): Promise<ActivationFigures> {
  const vsix = await packageExtension('bench-activation');
  const bundles = bundleSizes(BUNDLES);
  const figures: ActivationFigures = { bundles };
  const installed = findInstall() !== undefined && existsSync(CHROMIUM);
  if (!installed && process.env.CI !== 'true') {
    console.log('activation: skipped (code-server or chromium is not installed: run test/support/vscode/install.sh)');
  } else {
    const install = await ensureInstalled();
    const root = mkdtempSync(join(tmpdir(), 'batchman-bench-activation-'));
    const folder = join(root, 'shell-pipeline');
    cpSync(join(REPO_ROOT, 'examples', 'shell-pipeline'), folder, { recursive: true });
    const workbench = await Workbench.start({ folder, runDir: join(REPO_ROOT, '.e2e', 'runs', 'bench-activation'), vsix, install, startTimeoutMs: 180_000, watchSelectors: [STATUS_ITEM] });
    try {
      figures.activation = await workbench.activationTiming({
        extensionId: 'batchman.batchman',
        channel: 'Batchman',
        readyLine: /language server started/,
        element: STATUS_ITEM,
        selfReport: /activated in (\d+) ms/,
      });
      console.log(`activation (code-server ${install.codeServerVersion}, VS Code ${install.vscodeVersion}): ${formatActivation(figures.activation)}`);
    } finally {
      await workbench.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }
  for (const bundle of bundles) console.log(`bundle ${bundle.file}: ${kb(bundle.bytes)} (${kb(bundle.gzipBytes)} gzipped)`);
  console.log(`package batchman.vsix: ${kb(statSync(vsix).size)}`);
  return figures;
}

// Run directly: node --import tsx bench/activation.ts
if (process.argv[1] !== undefined && import.meta.url === new URL(process.argv[1], 'file://').href) {
  await runActivationBench();
}
