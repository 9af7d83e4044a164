// A new launch is revealed in the Batches view, in a real VS Code (code-server in headless chromium): with a big
// expanded batch above it, the launched batch's row lies below the view's bottom until "Batchman: Launch Batch" runs;
// then it is scrolled into view and selected, without the view taking the keyboard, and stays selected and in view
// while its row is refreshed to its end.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { STATUS_ITEM, STATUS_ITEM_ID, answerLaunchSteps, clearScreenshots, seconds, stepRunner, stopBatchWork, workbenchSkip } from './batchSession.js';

const SHOT_PREFIX = 'e2e-reveal-';
const BIG = 'a-big/batchfile.csv';
const SMALL = 'z-small/batchfile.csv';
const BIG_JOBS = 80;
/** How long the selection is watched after the batch's last refresh. */
const SETTLE_MS = 3000;

interface World {
  root: string;
  workspace: string;
  state: string;
}

/** `a-big` (80 jobs never launched, listed first and expanded) above `z-small` (one quick job). */
function createWorld(): World {
  const root = mkdtempSync(join(tmpdir(), 'batchman-e2e-reveal-'));
  const workspace = join(root, 'project');
  const names = Array.from({ length: BIG_JOBS }, (_, i) => `job${String(i + 1).padStart(2, '0')}`);
  mkdirSync(join(workspace, 'a-big'), { recursive: true });
  writeFileSync(join(workspace, BIG), ['root_directory=.', 'job_basename|job_directory|program|pipe', ...names.map((name) => `${name}|${name}|shell|`), ''].join('\n'));
  for (const name of names) {
    mkdirSync(join(workspace, 'a-big', name));
    writeFileSync(join(workspace, 'a-big', name, `${name}.sh`), '#!/usr/bin/env bash\necho hi\n');
  }
  mkdirSync(join(workspace, 'z-small', 'quick'), { recursive: true });
  writeFileSync(join(workspace, SMALL), 'root_directory=.\njob_basename|job_directory|program|pipe\nquick|quick|shell|\n');
  writeFileSync(join(workspace, 'z-small', 'quick', 'quick.sh'), '#!/usr/bin/env bash\necho quick\n');
  chmodSync(join(workspace, 'z-small', 'quick', 'quick.sh'), 0o755);
  const state = join(root, 'local-state');
  mkdirSync(state);
  return { root, workspace, state };
}

/** Whether the row lies wholly inside the sidebar (rendered and scrolled into view). */
async function rowInView(wb: Workbench, label: string): Promise<boolean> {
  const row = wb.treeRow(label);
  if ((await row.count()) === 0) return false;
  const [box, sidebar] = await Promise.all([row.boundingBox(), wb.page.locator('.part.sidebar').boundingBox()]);
  return box !== null && sidebar !== null && box.height > 0 && box.y >= sidebar.y && box.y + box.height <= sidebar.y + sidebar.height;
}

/** The labels of the sidebar's selected tree rows. */
async function selectedRows(wb: Workbench): Promise<string[]> {
  return (await wb.page.evaluate(
    `[...document.querySelectorAll('.part.sidebar .monaco-list-row[aria-selected="true"]')].map((row) => row.querySelector('.label-name')?.textContent?.trim() ?? '')`,
  )) as string[];
}

describe('a launch is revealed in the Batches view', { skip: workbenchSkip(), timeout: 15 * 60_000 }, () => {
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let world: World | undefined;
  const step = stepRunner(SHOT_PREFIX, () => workbench);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    world = createWorld();
    process.env.BATCHMAN_LOCAL_STATE = world.state;
    workbench = await startTestWorkbench('reveal', timings, { folder: world.workspace, watchSelectors: [STATUS_ITEM] });
  });

  after(async () => {
    await workbench?.stop();
    if (world) {
      const notes = await stopBatchWork([{ root: join(world.workspace, 'z-small'), batchfile: join(world.workspace, SMALL) }], world.state);
      if (notes.length > 0) console.log(`cleanup: ${notes.join('; ')}`);
      rmSync(world.root, { recursive: true, force: true });
    }
    console.log(`e2e reveal timings: ${JSON.stringify(timings)}`);
  });

  it('launching the batch below a big expanded one scrolls to its row and selects it, and it stays so to its end', async () => {
    await step('1-below', async (wb) => {
      await wb.page.setViewportSize({ width: 1280, height: 720 });
      // the status bar item appears once the extension is active (its commands are registered by then)
      await wb.statusBarItem(STATUS_ITEM_ID, '0/');
      // Show Batches selects the focused batch (the first one found, unless an editor says): the big one, at the top
      await wb.openFile(BIG);
      await wb.statusBarItem(STATUS_ITEM_ID, 'a-big 0/');
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(new RegExp(`^${BIG} 0/${BIG_JOBS} succeeded$`), 120_000);
      await wb.waitForTreeRow(/^job01 not started$/);
      await wb.page.waitForFunction(`[...document.querySelectorAll('.part.sidebar .monaco-list-row[aria-selected="true"]')].map((row) => row.querySelector('.label-name')?.textContent?.trim()).join() === ${JSON.stringify(BIG)}`);
      // the view shows the big batch's first jobs; the small batch lies below its 80 rows
      assert.equal(await rowInView(wb, SMALL), false, 'the small batch starts out of view');
    });
    await step('2-revealed', async (wb) => {
      const launchedAt = Date.now();
      await wb.runCommand('Batchman: Launch Batch');
      await answerLaunchSteps(wb, { batchfile: 'z-small', executor: 'local' });
      // the page's own script (the test project has no DOM types): the small batch's row, selected
      await wb.page.waitForFunction(
        `[...document.querySelectorAll('.part.sidebar .monaco-list-row')].some((row) => row.querySelector('.label-name')?.textContent?.trim() === ${JSON.stringify(SMALL)} && row.getAttribute('aria-selected') === 'true')`,
        undefined,
        { timeout: 60_000 },
      );
      timings.revealed = seconds(Date.now() - launchedAt);
      assert.equal(await rowInView(wb, SMALL), true, 'the launched batch is scrolled into view');
      assert.equal(await wb.treeRow(SMALL).getAttribute('aria-selected'), 'true', 'and selected');
      const treeHasKeyboard = await wb.page.evaluate(`Boolean(document.activeElement?.closest('.part.sidebar .monaco-list'))`);
      assert.equal(treeHasKeyboard, false, 'the view does not take the keyboard');
    });
    await step('3-ended', async (wb) => {
      // the launch runs to its end: the batch's row is refreshed (pending, running, succeeded) while it stays selected
      await wb.statusBarItem(STATUS_ITEM_ID, 'z-small 1/1 succeeded');
      // the tree's refresh follows the model within 0.1 s; a lost selection showed about 0.4 s after the refresh
      const watchedAt = Date.now();
      while (Date.now() - watchedAt < SETTLE_MS) {
        assert.deepEqual(await selectedRows(wb), [SMALL], 'the launched batch is still the one selected row after its end');
        await delay(100);
      }
      assert.equal(await rowInView(wb, SMALL), true, 'the launched batch is still in view after its end');
      await wb.waitForTreeRow(new RegExp(`^${SMALL} 1/1 succeeded$`), 5_000);
    });
  });
});
