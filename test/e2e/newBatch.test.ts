// "Batchman: New Batch from Structures…" in a real VS Code (code-server in headless chromium): from the palette on a
// workspace of two molecules (water, and the methyl radical whose comment line says mult=2), the xtb-opt-freq
// pipeline, the charge question for water only, the preview, Create; then the batchfile is open with its rows and
// launch code lens, and the job folders and inputs are on disk; then again from the Explorer's context menu on
// water.xyz (an impossible charge and multiplicity refused in the box, Back to it), which adds no row and rewrites
// nothing. Screenshots go to test-results/;
// BATCHMAN_UPDATE_SCREENSHOT=1 also refreshes media/screenshot-new-batch.png for the README.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import { codeServerVersion } from '../support/vscode/install.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { REPO_ROOT, clearScreenshots, seconds, stepRunner, workbenchSkip } from './batchSession.js';

const SHOT_PREFIX = 'e2e-new-batch-';
const README_SHOT = join(REPO_ROOT, 'media', 'screenshot-new-batch.png');

const WATER = '3\nwater\nO     0.0000    0.0000    0.1193\nH     0.0000    0.7632   -0.4770\nH     0.0000   -0.7632   -0.4770\n';
const METHYL = '4\nmethyl radical charge=0 mult=2\nC     0.0000    0.0000    0.0000\nH     1.0790    0.0000    0.0000\nH    -0.5395    0.9344    0.0000\nH    -0.5395   -0.9344    0.0000\n';

const EXPECTED_BATCHFILE = [
  'root_directory=.',
  'job_basename|job_directory|program|pipe|cores|memory|walltime|partition',
  'opt|methyl/opt|xtb|||||',
  'freq|methyl/freq|xtb|coords{../opt,xtbopt.xyz}||||',
  'opt|water/opt|xtb|||||',
  'freq|water/freq|xtb|coords{../opt,xtbopt.xyz}||||',
  '',
].join('\n');

/**
 * Runs a palette command once the palette lists it: nothing activates the extension in a workspace of .xyz files, and
 * the palette lists an extension's commands only once the extension host has read its manifest, a few seconds after
 * the workbench is up (a palette opened before then stays empty).
 */
async function runListedCommand(wb: Workbench, title: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const row = wb.page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: title });
  for (;;) {
    await wb.page.keyboard.press('F1');
    await wb.page.locator('.quick-input-widget .quick-input-box input').fill(`>${title}`);
    const listed = await row.first().waitFor({ timeout: 2_000 }).then(() => true, () => false);
    await wb.escape();
    if (listed) break;
    if (Date.now() > deadline) throw new Error(`the palette did not list "${title}" within ${timeoutMs} ms`);
  }
  await wb.runCommand(title);
}

describe('a new batch from structures in VS Code', { skip: workbenchSkip(), timeout: 15 * 60_000 }, () => {
  const t0 = Date.now();
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let root: string | undefined;
  let workspace = '';
  const step = stepRunner(SHOT_PREFIX, () => workbench);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    root = mkdtempSync(join(tmpdir(), 'batchman-e2e-new-'));
    workspace = join(root, 'radicals-study');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'water.xyz'), WATER);
    writeFileSync(join(workspace, 'methyl.xyz'), METHYL);
    workbench = await startTestWorkbench('new-batch', timings, { folder: workspace });
    // A window the size of the README's other pictures: the preview is whole and the file stays small.
    await workbench.page.setViewportSize({ width: 1180, height: 640 });
  });

  after(async () => {
    await workbench?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    timings.total = seconds(Date.now() - t0);
    console.log(`e2e new batch timings (code-server ${codeServerVersion()}): ${JSON.stringify(timings)}`);
  });

  it('asks for structures, a pipeline, water’s charge and multiplicity and the batchfile, then previews the plan', async () => {
    await step('1-preview', async (wb) => {
      const started = Date.now();
      await runListedCommand(wb, 'Batchman: New Batch from Structures…');
      // From the palette: the workspace's .xyz files, all checked.
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Batch: structures' }).waitFor({ timeout: 60_000 });
      const structures = await wb.quickInputRows();
      assert.deepEqual(structures.filter((row) => row.endsWith('.xyz')), ['methyl.xyz', 'water.xyz']);
      await wb.answerQuickInput('New Batch: structures');

      const pipelineTitle = await wb.answerQuickInput('New Batch (1/4)', { pick: 'xtb-opt-freq' });
      assert.equal(pipelineTitle, 'New Batch (1/4)');

      // Only water's comment line leaves charge and multiplicity unsaid; methyl's says mult=2.
      await wb.page.locator('.quick-input-widget', { hasText: 'Charge and multiplicity of water (its comment line does not say' }).waitFor();
      await wb.answerQuickInput('New Batch (2/4)');
      await wb.answerQuickInput('New Batch (3/4)', { text: 'batchfile.csv' });

      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Batch (4/4)' }).waitFor();
      const rows = await wb.quickInputRows();
      assert.match(rows[0] ?? '', /^Create ?2 molecules, 4 jobs \(4 folders written\); new batchfile\.csv$/);
      for (const expected of [
        'methyl/opt xtb · charge 0, mult 2 · new folder',
        'methyl/freq xtb · coords{../opt,xtbopt.xyz} · charge 0, mult 2 · new folder',
        'water/opt xtb · charge 0, mult 1 · new folder',
        'water/freq xtb · coords{../opt,xtbopt.xyz} · charge 0, mult 1 · new folder',
      ]) {
        // A row's label and description run together in its text: compare without white space.
        const bare = (text: string): string => text.replace(/\s+/g, '');
        assert.ok(rows.some((row) => bare(row).includes(bare(expected))), `the preview lists "${expected}":\n  ${rows.join('\n  ')}`);
      }
      assert.ok(!existsSync(join(workspace, 'batchfile.csv')), 'nothing written before Create');
      timings.toPreview = seconds(Date.now() - started);
      const shot = await wb.screenshot(`${SHOT_PREFIX}wizard`);
      if (process.env.BATCHMAN_UPDATE_SCREENSHOT === '1') {
        mkdirSync(join(README_SHOT, '..'), { recursive: true });
        copyFileSync(shot, README_SHOT);
        console.log(`wrote ${README_SHOT} (${Math.round(statSync(README_SHOT).size / 1024)} KB)`);
      }
    });
  });

  it('creates the job folders and inputs and opens the batchfile, validated, with its launch code lens', async () => {
    await step('2-created', async (wb) => {
      await wb.answerQuickInput('New Batch (4/4)', { pick: 'Create' });
      await wb.waitForNotification(/4 job folders written, 4 rows added to batchfile\.csv/);
      await wb.page.locator('.editor-group-container.active .tabs-container .tab.active[data-resource-name="batchfile.csv"]').waitFor();
      assert.equal(await wb.languageMode('Batchfile'), 'Batchfile');
      for (const line of EXPECTED_BATCHFILE.split('\n').filter((text) => text !== '')) await wb.waitForEditorLine(line);
      await wb.activeEditor().locator('.codelens-decoration', { hasText: 'Launch batch' }).first().waitFor({ timeout: 60_000 });

      assert.equal(readFileSync(join(workspace, 'batchfile.csv'), 'utf8'), EXPECTED_BATCHFILE);
      for (const molecule of ['methyl', 'water']) {
        for (const job of ['opt', 'freq']) {
          const input = readFileSync(join(workspace, molecule, job, `${job}.xyz`), 'utf8');
          assert.match(input, molecule === 'methyl' ? /^4\n/ : /^3\n/, `${molecule}/${job}/${job}.xyz holds its molecule`);
          const config = JSON.parse(readFileSync(join(workspace, molecule, job, 'job_config.json'), 'utf8')) as { spin_multiplicity: number; batchman: { args?: string[] } };
          assert.equal(config.spin_multiplicity, molecule === 'methyl' ? 2 : 1);
          assert.ok(config.batchman.args?.join(' ').includes(molecule === 'methyl' ? '--uhf 1' : '--uhf 0') ?? false, JSON.stringify(config.batchman));
        }
      }
      // The language server finds nothing wrong with what was written.
      const problems = await wb.problems();
      assert.ok(!problems.some((row) => /batchfile\.csv/.test(row)), `no problems in the new batchfile:\n  ${problems.join('\n  ')}`);
    });
  });

  it('from the Explorer’s context menu on water.xyz: an answer water cannot have refused in the box, Back keeps the answer; run again, it adds nothing and rewrites nothing', async () => {
    await step('3-again-from-explorer', async (wb) => {
      const before = readFileSync(join(workspace, 'batchfile.csv'), 'utf8');
      await wb.runCommand('View: Show Explorer');
      await wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'water.xyz' }).first().click({ button: 'right' });
      // A menu item is run by Enter once the pointer has focused it: a click right after the menu opens may be taken
      // for the release of the right button, and ignored.
      const item = wb.page.locator('.context-view .action-item', { hasText: 'New Batch from Structures…' }).first();
      await item.hover();
      await wb.page.locator('.context-view .action-item.focused', { hasText: 'New Batch from Structures…' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      // The clicked file is the structures: no structures step.
      await wb.answerQuickInput('New Batch (1/4)', { pick: 'xtb-opt-freq' });
      // An answer water cannot have is refused in the box, naming it.
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Batch (2/4)' }).waitFor();
      await wb.page.locator('.quick-input-widget .quick-input-box input').fill('0 2');
      await wb.page.locator('.quick-input-widget', { hasText: 'water: charge 0 and multiplicity 2 are impossible together' }).waitFor();
      await wb.answerQuickInput('New Batch (2/4)', { text: '-1 2' });
      // Back from the batchfile: the charge step again, with the answer given.
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Batch (3/4)' }).waitFor();
      await wb.page.locator('.quick-input-widget .quick-input-left-action-bar .codicon-quick-input-back').first().click();
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Batch (2/4)' }).waitFor();
      assert.equal(await wb.page.locator('.quick-input-widget .quick-input-box input').inputValue(), '-1 2');
      await wb.answerQuickInput('New Batch (2/4)', { text: '0 1' });
      await wb.answerQuickInput('New Batch (3/4)', { text: 'batchfile.csv' });
      await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'New Batch (4/4)' }).waitFor();
      const rows = await wb.quickInputRows();
      assert.match(rows[0] ?? '', /^Create ?1 molecule, 2 jobs \(0 folders written\); 0 rows added to batchfile\.csv$/);
      await wb.answerQuickInput('New Batch (4/4)', { pick: 'Create' });
      await wb.waitForNotification(/0 job folders written, 0 rows added to batchfile\.csv/);
      assert.equal(readFileSync(join(workspace, 'batchfile.csv'), 'utf8'), before);
    });
  });
});
