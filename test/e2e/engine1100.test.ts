// Keeps package.json's `engines.vscode` (^1.100.0) true: the packaged .vsix in code-server 4.100.3 (VS Code 1.100.3,
// the oldest VS Code the manifest admits) installs, activates, reports a batchfile's error in the editor and the
// Problems view, and lists the batch in the Batches view. One workbench session for every check.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MIN_ENGINE_CODE_SERVER_VERSION, installSkipReason } from '../support/vscode/install.js';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import { REPO_ROOT } from '../support/vscode/workbench.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { STATUS_ITEM, clearScreenshots, seconds, stepRunner } from './batchSession.js';

const SHOT_PREFIX = 'e2e-engine-1100-';
const VERSION = MIN_ENGINE_CODE_SERVER_VERSION;
const skip = installSkipReason(VERSION);

// Line 4 names a program that does not exist (`xtbb`); everything else is valid and on disk.
const BATCHFILE = ['root_directory=calcs', 'job_basename|job_directory|program|pipe', 'opt|mol1/opt|xtb|', 'sp|mol1/sp|xtbb|', ''].join('\n');

function createWorkspace(): string {
  const folder = mkdtempSync(join(tmpdir(), 'batchman-e2e-engine-'));
  const files: Record<string, string> = {
    'batchfile.csv': BATCHFILE,
    'calcs/mol1/opt/opt.xyz': '1\nwater\nO 0.0 0.0 0.0\n',
    'calcs/mol1/sp/sp.xyz': '1\nwater\nO 0.0 0.0 0.0\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return folder;
}

/** `major.minor` of the lowest version `engines.vscode` admits (`^1.100.0` → `1.100`). */
function minimumEngine(): string {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  const match = /^\^?(\d+\.\d+)\.\d+$/.exec(manifest.engines.vscode);
  assert.ok(match, `engines.vscode is not a plain ^x.y.z: ${manifest.engines.vscode}`);
  return match[1]!;
}

describe(`the extension in its minimum engine, VS Code 1.100 (code-server ${VERSION})`, { skip, timeout: 20 * 60_000 }, () => {
  const t0 = Date.now();
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let workspace: string | undefined;
  const step = stepRunner(SHOT_PREFIX, () => workbench);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    workspace = createWorkspace();
    workbench = await startTestWorkbench('engine-1100', timings, { folder: workspace, codeServerVersion: VERSION, watchSelectors: [STATUS_ITEM] });
  });

  after(async () => {
    await workbench?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    timings.total = seconds(Date.now() - t0);
    console.log(`e2e engine timings (code-server ${VERSION}): ${JSON.stringify(timings)}`);
  });

  it('runs VS Code 1.100, the lowest version engines.vscode admits, and the installed extension activates there', async () => {
    await step('1-activated', async (wb) => {
      // What the running workbench says in Help: About, and `code-server --version` as recorded at install.
      const about = await wb.about();
      assert.deepEqual(about, { codeServer: VERSION, code: wb.install.vscodeVersion });
      assert.match(about.code, /^1\.100\.\d+$/);
      const engine = minimumEngine();
      assert.equal(about.code.split('.').slice(0, 2).join('.'), engine, `engines.vscode now starts at ${engine}: run this test on that VS Code (MIN_ENGINE_CODE_SERVER_VERSION)`);
      const activation = await wb.activationTiming({
        extensionId: 'batchman.batchman',
        channel: 'Batchman',
        readyLine: /language server started/,
        element: STATUS_ITEM,
        selfReport: /activated in (\d+) ms/,
      });
      assert.ok(activation.activationStartMs !== undefined, `the extension host never activated batchman.batchman: ${JSON.stringify(activation)}`);
      assert.ok(activation.readyLineMs !== undefined && activation.selfReportedMs !== undefined, JSON.stringify(activation));
      const hostLog = wb.logLines('exthost1/remoteexthost.log');
      const failures = hostLog.filter((line) => /batchman/i.test(line) && /\b(error|failed)\b/i.test(line));
      assert.deepEqual(failures, [], 'the extension host logged errors about the extension');
      timings.activation = `${activation.readyLineMs} ms after ready`;
    });
  });

  it('shows the language server\'s diagnostic for the unknown program as a squiggle with its hover and in the Problems view', async () => {
    await step('2-diagnostics', async (wb) => {
      await wb.openFile('batchfile.csv');
      assert.equal(await wb.languageMode('Batchfile'), 'Batchfile');
      const rows = await wb.problems({ present: ['program-unknown'], timeoutMs: 90_000 });
      assert.match(rows[0] ?? '', /^batchfile\.csv\b.*\b1$/, rows.join('\n'));
      assert.equal(rows.length, 2, rows.join('\n'));
      assert.match(rows[1]!, /^Unknown program `xtbb`: .* Did you mean `xtb`\? batchman\W*program-unknown\W*\[Ln 4, Col 12\]$/);
      await wb.errorSquiggles().first().waitFor();
      await wb.openFile('batchfile.csv');
      await wb.goTo(4, 13);
      const hover = await wb.hoverAtCursor('Unknown program');
      assert.match(hover, /Unknown program `xtbb`: .* Did you mean `xtb`\?/);
      await wb.screenshot(`${SHOT_PREFIX}2-hover`);
      await wb.escape();
    });
  });

  it('lists the batch and its job in the Batches view', async () => {
    await step('3-batches-view', async (wb) => {
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(/^batchfile\.csv \S/);
      await wb.waitForTreeRow(/^opt not started$/);
    });
  });
});
