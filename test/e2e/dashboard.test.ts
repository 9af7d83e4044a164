// The batch dashboard in a real VS Code (code-server in headless chromium), on the local executor: opened from the
// Batches tree's inline action, it shows the shell pipeline's jobs in batchfile order; a launch and its jobs' status
// changes appear live in the same page (a job held by a gate file goes running → succeeded when the test opens the
// gate); choosing a row shows its detail; a header link opens the batchfile; "Open Batch Dashboard" on a job brings
// the same panel forward with that job chosen; "Restart" in a failed job's detail (after the user fixed its script)
// runs it and the job blocked behind it again; after a window reload the panel comes back on the same batch. Screenshots go to test-results/; BATCHMAN_UPDATE_SCREENSHOT=1 also refreshes media/screenshot-dashboard.png for the README.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import type { Frame, FrameLocator } from 'playwright-core';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import { codeServerVersion } from '../support/vscode/install.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { RESULTS_DIR } from '../support/vscode/workbench.js';
import { BIN, REPO_ROOT, STATUS_ITEM, STATUS_ITEM_ID, clearScreenshots, seconds, stepRunner, stopBatchWork, workbenchSkip } from './batchSession.js';

const SHOT_PREFIX = 'e2e-dashboard-';
const SHOT = 'dashboard-vscode';
const README_SHOT = join(REPO_ROOT, 'media', 'screenshot-dashboard.png');

const PIPELINE = 'shell-pipeline/batchfile.csv';
const JOBS = ['build', 'relax', 'freq', 'charges', 'broken', 'report'];
/** `freq` waits for this file in its folder (at most five minutes), so the test sees it running, then lets it end. */
const GATE = 'release';
const FREQ_SCRIPT = `#!/usr/bin/env bash
# Waits until the test opens the gate (the file ${GATE} in this folder; five minutes at most), then reports.
set -euo pipefail
test -s relax.xyz
for _ in $(seq 1 1500); do
  [ -e ${GATE} ] && break
  sleep 0.2
done
test -e ${GATE}
echo "frequencies for $(head -n 1 relax.xyz) atoms: 1595 3657 3756 cm-1"
`;

/** What the user writes into `broken`'s script before restarting it: it now succeeds and hands on its geometry. */
const FIXED_BROKEN = `#!/usr/bin/env bash
set -euo pipefail
cp relax.xyz broken.xyz
echo "fixed"
`;

interface World {
  root: string;
  workspace: string;
  state: string;
  batchfile: string;
}

/** A workspace like a user's project holding a copy of examples/shell-pipeline whose `freq` waits for the gate. */
function createWorld(): World {
  const root = mkdtempSync(join(tmpdir(), 'batchman-e2e-dashboard-'));
  const workspace = join(root, 'water-study');
  cpSync(join(REPO_ROOT, 'examples', 'shell-pipeline'), join(workspace, 'shell-pipeline'), { recursive: true });
  writeFileSync(join(workspace, 'shell-pipeline/water/freq/freq.sh'), FREQ_SCRIPT, { mode: 0o755 });
  const state = join(root, 'local-state');
  mkdirSync(state);
  return { root, workspace, state, batchfile: join(workspace, PIPELINE) };
}

/** The page inside the dashboard's webview (VS Code nests it in two iframes). */
function dashboardFrame(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** The page's own frame, to evaluate expressions in it (strings: tsx's compiled functions need a helper it lacks). */
async function pageFrame(dash: FrameLocator): Promise<Frame> {
  const body = await dash.locator('body').elementHandle({ timeout: 30_000 });
  const frame = await body?.ownerFrame();
  assert.ok(frame, 'the dashboard page has a frame');
  return frame;
}

/** Each `.job-row` as `basename status` (data-job and the badge's status class), in the order shown. */
async function rowStates(dash: FrameLocator): Promise<string[]> {
  const frame = await pageFrame(dash);
  return (await frame.evaluate(
    `Array.from(document.querySelectorAll('.job-row[data-job]'))
      .filter((row) => row.checkVisibility())
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((row) => row.dataset.job + ' ' + ((row.querySelector('.badge')?.className.match(/status-([a-z_]+)/) || [])[1] || '?'))`,
  )) as string[];
}

/** Waits until the job's row shows `status` in its badge. */
async function waitForBadge(dash: FrameLocator, basename: string, status: string, timeoutMs = 60_000): Promise<void> {
  try {
    await dash.locator(`.job-row[data-job="${basename}"] .badge.status-${status}`).waitFor({ timeout: timeoutMs });
  } catch (error) {
    const rows = await rowStates(dash).catch(() => ['(unreadable)']);
    throw new Error(`waited ${timeoutMs} ms for ${basename} to show ${status} in the dashboard; rows are: ${rows.join(', ')}\n${String(error)}`);
  }
}

describe('the batch dashboard in VS Code (local executor)', { skip: workbenchSkip(), timeout: 20 * 60_000 }, () => {
  const t0 = Date.now();
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let world: World | undefined;
  const step = stepRunner(SHOT_PREFIX, () => workbench);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    world = createWorld();
    // The extension host and the runner inherit this: local jobs stay in the test's own state folder.
    process.env.BATCHMAN_LOCAL_STATE = world.state;
    workbench = await startTestWorkbench('dashboard', timings, { folder: world.workspace, watchSelectors: [STATUS_ITEM] });
  });

  after(async () => {
    await workbench?.stop();
    if (world) {
      // Opening the gate lets `freq` end by itself should a step have failed before it did.
      writeFileSync(join(world.workspace, 'shell-pipeline/water/freq', GATE), '');
      const notes = await stopBatchWork([{ root: join(world.batchfile, '..'), batchfile: world.batchfile }], world.state);
      if (notes.length > 0) console.log(`cleanup: ${notes.join('; ')}`);
      rmSync(world.root, { recursive: true, force: true });
    }
    timings.total = seconds(Date.now() - t0);
    console.log(`e2e dashboard timings (code-server ${codeServerVersion()}): ${JSON.stringify(timings)}`);
  });

  it('opens from the batch\'s inline action in the Batches tree: every job in batchfile order, none started', async () => {
    await step('1-opened', async (wb) => {
      await wb.statusBarItem(STATUS_ITEM_ID, '0/6');
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(new RegExp(`^${PIPELINE} 0/6 succeeded$`));
      const clicked = Date.now();
      await wb.hoverAndClickInline(PIPELINE, 'Open Batch Dashboard');
      await wb.page.locator('.tabs-container .tab', { hasText: `Batch: ${PIPELINE}` }).first().waitFor({ timeout: 30_000 });
      const dash = dashboardFrame(wb);
      await dash.locator('.job-row[data-job="report"]').waitFor({ timeout: 30_000 });
      timings.openToRows = seconds(Date.now() - clicked);
      assert.deepEqual(await rowStates(dash), JOBS.map((name) => `${name} not_started`));
      await dash.locator('[data-testid=progress-text]', { hasText: /^0\/6 ended\b/ }).waitFor({ timeout: 10_000 });
    });
  });

  it('follows a launch live: rows change in place, a gated job goes running → succeeded, the progress follows', async () => {
    const current = world!;
    await step('2-running', async (wb) => {
      const dash = dashboardFrame(wb);
      // A mark in the page's window: still there at the end means no reload, the same page took every update.
      const frame = await pageFrame(dash);
      await frame.evaluate('window.__e2eMark = "before launch"');
      const run = await execa(BIN, ['run', current.batchfile, '--detach', '--executor', 'local'], {
        env: { BATCHMAN_LOCAL_STATE: current.state },
        reject: false,
        timeout: 60_000,
        all: true,
      });
      assert.equal(run.exitCode, 0, run.all);
      await waitForBadge(dash, 'freq', 'running', 90_000);
      for (const name of ['build', 'relax']) await waitForBadge(dash, name, 'succeeded');
      await waitForBadge(dash, 'broken', 'failed');
      await waitForBadge(dash, 'report', 'broken_dependency');
      await waitForBadge(dash, 'charges', 'succeeded');
      await dash.locator('[data-testid=progress-text]', { hasText: /^5\/6 ended · 3\/6 succeeded, 1 failed, 1 broken dependency, 1 running$/ }).waitFor({ timeout: 30_000 });
      // the header shows the launch that began
      await dash.locator('.batch-header .title', { hasText: /\(run 1\)/ }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await rowStates(dash), ['build succeeded', 'relax succeeded', 'freq running', 'charges succeeded', 'broken failed', 'report broken_dependency']);
      assert.equal(await frame.evaluate('window.__e2eMark'), 'before launch', 'the page was not reloaded');
    });
    await step('3-succeeded', async (wb) => {
      const dash = dashboardFrame(wb);
      const frame = await pageFrame(dash);
      const opened = Date.now();
      writeFileSync(join(current.workspace, 'shell-pipeline/water/freq', GATE), '');
      await waitForBadge(dash, 'freq', 'succeeded', 60_000);
      timings.gateToBadge = seconds(Date.now() - opened);
      await dash.locator('[data-testid=progress-text]', { hasText: /^6\/6 ended · 4\/6 succeeded, 1 failed, 1 broken dependency$/ }).waitFor({ timeout: 30_000 });
      assert.equal(await frame.evaluate('window.__e2eMark'), 'before launch', 'the change came in place, without a reload');
      assert.deepEqual(await rowStates(dash), ['build succeeded', 'relax succeeded', 'freq succeeded', 'charges succeeded', 'broken failed', 'report broken_dependency']);
      // the tree agrees
      await wb.waitForTreeRow(/^freq \d+ · succeeded\b/);
    });
  });

  it('shows a chosen job\'s detail, opens the batchfile from the header, and leaves a picture', async () => {
    await step('4-detail', async (wb) => {
      const dash = dashboardFrame(wb);
      const chosen = Date.now();
      await dash.locator('.job-row[data-job="freq"]').click();
      const detail = dash.locator('[data-testid="job-detail"]');
      await detail.filter({ hasText: 'freq' }).waitFor({ timeout: 30_000 });
      // the output's tail, read by the host from the job's folder
      await detail.filter({ hasText: 'frequencies for 3 atoms' }).waitFor({ timeout: 30_000 });
      timings.selectToDetail = seconds(Date.now() - chosen);
      await wb.runCommand('Notifications: Clear All Notifications');
      const shot = await wb.screenshot(SHOT);
      assert.equal(shot, join(RESULTS_DIR, `${SHOT}.png`));
      assert.ok(readFileSync(shot).length > 10_000);
      if (process.env.BATCHMAN_UPDATE_SCREENSHOT === '1') {
        mkdirSync(join(README_SHOT, '..'), { recursive: true });
        copyFileSync(shot, README_SHOT);
        console.log(`wrote ${README_SHOT} (${Math.round(statSync(README_SHOT).size / 1024)} KB)`);
      }
    });
    await step('5-batchfile-link', async (wb) => {
      const dash = dashboardFrame(wb);
      // the batch's files are among the run details, folded away on a short window
      const toggle = dash.locator('[data-testid="header-toggle"][aria-expanded="false"]');
      if ((await toggle.count()) > 0) await toggle.click();
      await dash.locator('.batch-header button.link', { hasText: world!.batchfile }).first().click();
      await wb.page.locator('.tabs-container .tab[data-resource-name="batchfile.csv"]').first().waitFor({ timeout: 30_000 });
      await wb.waitForEditorLine('job_basename|job_directory|program|pipe');
    });
  });

  it('opened from a job in the tree (its context menu), the dashboard comes to the front with that job chosen', async () => {
    await step('6-from-job', async (wb) => {
      const dash = dashboardFrame(wb);
      await wb.runCommand('Batchman: Show Batches');
      const row = wb.treeRow('broken');
      await row.waitFor({ timeout: 30_000 });
      await row.click({ button: 'right' });
      // Hover focuses the menu entry, Enter runs it (VS Code's menus drop a click that comes right after opening).
      const entry = wb.page.locator('.context-view .monaco-menu .action-menu-item', { hasText: /^\s*Open Batch Dashboard\s*$/ }).first();
      await entry.hover({ timeout: 30_000 });
      await wb.page.locator('.context-view .monaco-menu .action-item.focused', { hasText: 'Open Batch Dashboard' }).first().waitFor({ timeout: 10_000 });
      await wb.page.keyboard.press('Enter');
      await wb.page.locator('.context-view .monaco-menu').first().waitFor({ state: 'hidden', timeout: 10_000 });
      const detail = dash.locator('[data-testid="job-detail"]');
      await detail.filter({ hasText: 'broken' }).waitFor({ timeout: 30_000 });
      assert.doesNotMatch(await detail.first().innerText(), /frequencies for/, 'the detail is the revealed job\'s');
      assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: `Batch: ${PIPELINE}` }).count(), 1, 'the same panel, not a second one');
    });
  });

  it('restarts a failed job from its detail: a confirmation, then it and the job blocked behind it run and succeed', async () => {
    const current = world!;
    await step('7-restart-confirmation', async (wb) => {
      // the user fixes the job's script; a restart keeps the user's {basename}.sh for the next attempt
      writeFileSync(join(current.workspace, 'shell-pipeline/water/broken/broken.sh'), FIXED_BROKEN, { mode: 0o755 });
      const detail = dashboardFrame(wb).locator('[data-testid="job-detail"]');
      await detail.filter({ hasText: 'broken' }).waitFor({ timeout: 30_000 });
      await detail.locator('vscode-button[data-action="restart"]').click();
      await wb.dialogButton('Restart');
      const dialog = (await wb.page.locator('.monaco-dialog-box').first().innerText()).replace(/\s+/g, ' ');
      assert.match(dialog, new RegExp(`Restart broken of ${PIPELINE.replace(/[.]/g, '\\.')}\\?`));
    });
    await step('8-restarted', async (wb) => {
      const dash = dashboardFrame(wb);
      const confirmed = Date.now();
      await wb.confirmDialog('Restart');
      await waitForBadge(dash, 'broken', 'succeeded', 90_000);
      await waitForBadge(dash, 'report', 'succeeded', 60_000);
      timings.restartToSucceeded = seconds(Date.now() - confirmed);
      await dash.locator('[data-testid=progress-text]', { hasText: /^6\/6 ended · 6\/6 succeeded$/ }).waitFor({ timeout: 30_000 });
      await dash.locator('.batch-header .title', { hasText: /\(run 2\)/ }).waitFor({ timeout: 30_000 });
      // the detail keeps both attempts: the failed first one and the restart
      const detail = dash.locator('[data-testid="job-detail"]');
      await detail.locator('.detail-history li', { hasText: 'restart 1' }).filter({ hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
      await detail.locator('.detail-history li', { hasText: 'first attempt' }).filter({ hasText: 'failed' }).waitFor({ timeout: 30_000 });
      assert.ok(existsSync(join(current.workspace, 'shell-pipeline/water/broken_history_1')), 'the failed attempt is kept');
    });
  });

  it('comes back on the same batch after the window reloads (the panel serializer)', async () => {
    await step('9-restored', async (wb) => {
      // bring the dashboard to the front, then reload the whole workbench
      await wb.page.locator('.tabs-container .tab', { hasText: `Batch: ${PIPELINE}` }).first().click();
      await dashboardFrame(wb).locator('.job-row[data-job="freq"] .badge.status-succeeded').waitFor({ timeout: 30_000 });
      // "Developer: Reload Window" (not a browser reload): the workbench saves its editors' state before it goes
      const input = wb.page.locator('.quick-input-widget .quick-input-box input');
      await wb.page.keyboard.press('F1');
      await input.fill('>Developer: Reload Window');
      await wb.page.locator('.quick-input-widget .monaco-list-row .label-name', { hasText: /^Developer: Reload Window$/ }).first().waitFor({ timeout: 30_000 });
      const reloaded = Date.now();
      await Promise.all([wb.page.waitForEvent('load', { timeout: 120_000 }), wb.page.keyboard.press('Enter')]);
      await wb.page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
      const dash = dashboardFrame(wb);
      await waitForBadge(dash, 'freq', 'succeeded', 120_000);
      timings.reloadToRows = seconds(Date.now() - reloaded);
      await waitForBadge(dash, 'report', 'succeeded', 60_000);
      assert.deepEqual(await rowStates(dash), JOBS.map((name) => `${name} succeeded`));
      assert.equal(await wb.page.locator('.tabs-container .tab', { hasText: `Batch: ${PIPELINE}` }).count(), 1, 'one panel for the batch');
      assert.ok(existsSync(README_SHOT));
    });
  });
});
