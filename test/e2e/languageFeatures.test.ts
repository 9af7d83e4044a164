// The packaged extension in a real VS Code (code-server in headless chromium): language mode, Problems,
// pipe completion and the misspelt-program quick fix, as a user sees them. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seconds, startTestWorkbench } from '../support/vscode/prepare.js';
import { CHROMIUM, codeServerVersion, findInstall } from '../support/vscode/install.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { RESULTS_DIR } from '../support/vscode/workbench.js';

const IN_CI = process.env.CI === 'true';
const SHOT_PREFIX = 'e2e-language-features-';

const installed = findInstall() !== undefined && existsSync(CHROMIUM);
const skip =
  IN_CI || installed
    ? false
    : `code-server ${codeServerVersion()} or chromium is not installed: run test/support/vscode/install.sh (with CI=true the test installs it)`;

const VALID = [
  'root_directory=calcs',
  'job_basename|job_directory|program|pipe',
  'opt|mol1/opt|xtb|',
  'freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}',
  '',
].join('\n');

// Line 3: an unknown program; line 4: a pipe without its comma; line 5: an empty pipe column to complete in.
const BROKEN = [
  'root_directory=calcs',
  'job_basename|job_directory|program|pipe',
  'opt|mol1/opt|xtbb|',
  'freq|mol1/freq|xtb|coords{../opt xtbopt.xyz}',
  'sp|mol1/sp|xtb|',
  '',
].join('\n');

/** A batch whose folders and inputs exist, so the only problems are the ones written into BROKEN. */
function createWorkspace(): string {
  const folder = mkdtempSync(join(tmpdir(), 'batchman-e2e-ws-'));
  const files: Record<string, string> = {
    'batchfile.csv': VALID,
    'broken.batchfile': BROKEN,
    'calcs/mol1/opt/opt.xyz': '1\nwater\nO 0.0 0.0 0.0\n',
    'calcs/mol1/sp/sp.xyz': '1\nwater\nO 0.0 0.0 0.0\n',
  };
  mkdirSync(join(folder, 'calcs/mol1/freq'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return folder;
}


describe('batchfile language features in VS Code', { skip, timeout: 20 * 60_000 }, () => {
  const t0 = Date.now();
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let workspace: string | undefined;

  /** Runs one step; on failure, a screenshot and the browser's and server's last words join the error. */
  async function step<T>(name: string, body: (wb: Workbench) => Promise<T>): Promise<T> {
    if (!workbench) throw new Error('the workbench did not start (see the before hook)');
    const wb = workbench;
    try {
      const result = await body(wb);
      await wb.screenshot(`${SHOT_PREFIX}${name}`);
      return result;
    } catch (error) {
      const shot = await wb.screenshot(`${SHOT_PREFIX}${name}-FAILED`).catch(() => '(no screenshot)');
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message}\nscreenshot: ${shot}\n${wb.diagnostics()}`, { cause: error });
    }
  }

  before(async () => {
    // Screenshots of an earlier run, FAILED ones included, must not pass for this run's.
    for (const name of existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR) : []) {
      if (name.startsWith(SHOT_PREFIX)) rmSync(join(RESULTS_DIR, name));
    }
    workspace = createWorkspace();
    workbench = await startTestWorkbench('language-features', timings, { folder: workspace });
    timings.extensionInstalled = seconds(workbench.timings.extensionInstalledMs);
    timings.serverReady = seconds(workbench.timings.serverReadyMs);
    await workbench.screenshot(`${SHOT_PREFIX}0-workbench`);
  });

  after(async () => {
    await workbench?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    timings.total = seconds(Date.now() - t0);
    console.log(`e2e timings (code-server ${codeServerVersion()}): ${JSON.stringify(timings)}`);
  });

  it('opens batchfile*.csv and *.batchfile files in the batchfile language', async () => {
    await step('1-language-mode', async (wb) => {
      await wb.openFile('batchfile.csv');
      assert.equal(await wb.languageMode('Batchfile'), 'Batchfile');
      await wb.openFile('broken.batchfile');
      assert.equal(await wb.languageMode('Batchfile'), 'Batchfile');
      // A display name could be anyone's; the language picker marks the editor's language by its id.
      await wb.runCommand('Change Language Mode');
      const current = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Configured Language' }).first();
      await current.waitFor({ timeout: 30_000 });
      assert.match((await current.innerText()).replace(/\s+/g, ' '), /^Batchfile ?\(batchfile\) - Configured Language$/);
      await wb.escape();
    });
  });

  it('lists the language server\'s problems with their codes in the Problems view', async () => {
    await step('2-problems', async (wb) => {
      const rows = await wb.problems({ present: ['program-unknown', 'pipe-missing-comma'], timeoutMs: 90_000 });
      // The view shows a file row, then one row per problem: message, source, code, position.
      assert.match(rows[0] ?? '', /^broken\.batchfile\b.*\b3$/, rows.join('\n'));
      const problems = rows.slice(1);
      assert.equal(problems.length, 3, rows.join('\n'));
      assert.match(problems[0]!, /^Unknown program `xtbb`: .* Did you mean `xtb`\? batchman\W*program-unknown\W*\[Ln 3, Col 14\]$/);
      assert.match(problems[1]!, /^Missing `,` after the folder: .* batchman\W*pipe-missing-comma\W*\[Ln 4, Col 27\]$/);
      // Without the comma the whole `../opt xtbopt.xyz` is read as the folder, which is no job and not on disk.
      assert.match(problems[2]!, /batchman\W*pipe-upstream-missing\W*\[Ln 4, Col 27\]$/);
      // The valid batchfile.csv, open too, has no row.
      assert.ok(!rows.some((row) => row.startsWith('batchfile.csv')), rows.join('\n'));
      const notifications = await wb.notifications();
      assert.ok(!notifications.some((text) => text.includes('Batchman could not start')), notifications.join('\n'));
    });
  });

  it('offers the coords and orbitals pipes when completing in the pipe column', async () => {
    await step('3-completion', async (wb) => {
      await wb.openFile('broken.batchfile');
      await wb.goTo(5, 16);
      const labels = await wb.completions(['coords', 'orbitals']);
      assert.ok(labels.includes('coords') && labels.includes('orbitals'), labels.join(', '));
    });
    await workbench?.escape();
  });

  it('offers a quick fix for the misspelt program and applying it clears the problem', async () => {
    await step('4-quick-fix', async (wb) => {
      await wb.goTo(3, 15);
      const actions = await wb.codeActions(['Change to `xtb`']);
      assert.ok(actions.some((title) => title.includes('Change to `xtb`')), actions.join('\n'));
      await wb.screenshot(`${SHOT_PREFIX}4-quick-fix-menu`);
      await wb.applyCodeAction('Change to `xtb`');
      await wb.waitForEditorLine('opt|mol1/opt|xtb|');
      // The server validates the edited text again: the program problem goes, the pipe problems stay.
      const rows = await wb.problems({ present: ['pipe-missing-comma', 'pipe-upstream-missing'], absent: ['program-unknown'] });
      assert.match(rows[0] ?? '', /^broken\.batchfile\b.*\b2$/, rows.join('\n'));
      assert.equal(rows.length, 3, rows.join('\n'));
    });
  });
});
