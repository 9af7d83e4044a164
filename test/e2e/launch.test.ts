// Launching and watching batches in a real VS Code (code-server in headless chromium), on the local executor:
// activation time, "Batchman: Launch Batch" from the palette on the shell pipeline (the tree reaches succeeded,
// failed and broken dependency; status bar; notification), then a job cancelled from the tree. Screenshots of each
// step go to test-results/; BATCHMAN_UPDATE_SCREENSHOT=1 also refreshes media/screenshot-tree.png for the README.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { parseJobListing } from '../../core/executors/localJobFiles.js';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import { codeServerVersion } from '../support/vscode/install.js';
import type { Workbench} from '../support/vscode/workbench.js';
import { formatActivation } from '../support/vscode/workbench.js';
import { BIN, REPO_ROOT, STATUS_ITEM, STATUS_ITEM_ID, answerLaunchSteps, clearScreenshots, seconds, stepRunner, stopBatchWork, workbenchSkip } from './batchSession.js';

const SHOT_PREFIX = 'e2e-launch-';
const README_SHOT = join(REPO_ROOT, 'media', 'screenshot-tree.png');

/** Width and height from a PNG's signature and IHDR chunk; throws when the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.length > 24 && bytes.subarray(0, 8).equals(signature) && bytes.toString('latin1', 12, 16) === 'IHDR', 'a PNG file');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const PIPELINE = 'shell-pipeline/batchfile.csv';
const SLOW = 'slow/batchfile.csv';

/** A batch whose first job runs until it is cancelled (two minutes at most), and one job that pipes from it. */
const SLOW_BATCH = ['root_directory=.', 'job_basename|job_directory|program|pipe', 'slow|jobs/slow|shell|', 'after|jobs/after|shell|coords{../slow,slow.xyz}', ''].join('\n');
const SLOW_SCRIPT = '#!/usr/bin/env bash\n# Runs until cancelled (at most two minutes), so the test can cancel it from the tree.\nsleep 120\necho done > slow.xyz\n';
const AFTER_SCRIPT = '#!/usr/bin/env bash\ncat slow.xyz\n';

interface World {
  /** The temp folder holding the workspace and the local executor's state. */
  root: string;
  workspace: string;
  state: string;
}

/** A workspace named like a user's project: a copy of examples/shell-pipeline and the slow batch, side by side. */
function createWorld(): World {
  const root = mkdtempSync(join(tmpdir(), 'batchman-e2e-launch-'));
  const workspace = join(root, 'water-study');
  cpSync(join(REPO_ROOT, 'examples', 'shell-pipeline'), join(workspace, 'shell-pipeline'), { recursive: true });
  mkdirSync(join(workspace, 'slow', 'jobs', 'slow'), { recursive: true });
  mkdirSync(join(workspace, 'slow', 'jobs', 'after'), { recursive: true });
  writeFileSync(join(workspace, SLOW), SLOW_BATCH);
  writeFileSync(join(workspace, 'slow/jobs/slow/slow.sh'), SLOW_SCRIPT);
  writeFileSync(join(workspace, 'slow/jobs/after/after.sh'), AFTER_SCRIPT);
  chmodSync(join(workspace, 'slow/jobs/slow/slow.sh'), 0o755);
  chmodSync(join(workspace, 'slow/jobs/after/after.sh'), 0o755);
  const state = join(root, 'local-state');
  mkdirSync(state);
  return { root, workspace, state };
}

interface StatusJson {
  batch: { run_number?: number; computed_options?: { executor?: string } } | null;
  jobs: { basename: string; status: string; exitCode: number | null }[];
}

/** What `batchman status --json` says: the truth on disk, to hold the tree against. */
async function cliStatus(world: World, batchfile: string): Promise<StatusJson> {
  const result = await execa(BIN, ['status', join(world.workspace, batchfile), '--json'], { env: { BATCHMAN_LOCAL_STATE: world.state }, reject: false, timeout: 60_000 });
  assert.ok(result.stdout.trim().startsWith('{'), `batchman status failed (exit ${result.exitCode}): ${result.stderr}`);
  return JSON.parse(result.stdout) as StatusJson;
}

/** Drags the sash on the sidebar's right edge until the sidebar is `width` px wide. */
async function widenSidebar(wb: Workbench, width: number): Promise<void> {
  const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
  assert.ok(sidebar, 'no sidebar');
  const edge = sidebar.x + sidebar.width;
  const sashes = [];
  for (const element of await wb.page.locator('.monaco-sash.vertical').all()) {
    const box = await element.boundingBox();
    if (box) sashes.push({ x: box.x + box.width / 2, y: box.y + box.height / 2, height: box.height });
  }
  const sash = sashes.find((box) => Math.abs(box.x - edge) < 4 && box.height > sidebar.height / 2);
  assert.ok(sash, `no sash at x=${edge}: ${JSON.stringify(sashes)}`);
  await wb.page.mouse.move(sash.x, sash.y);
  await wb.page.mouse.down();
  await wb.page.mouse.move(sidebar.x + width, sash.y, { steps: 8 });
  await wb.page.mouse.up();
  await wb.page.waitForFunction(`(document.querySelector('.part.sidebar')?.getBoundingClientRect().width ?? 0) > ${width - 20}`, undefined, { timeout: 10_000 });
}

describe('launching and watching batches in VS Code (local executor)', { skip: workbenchSkip(), timeout: 20 * 60_000 }, () => {
  const t0 = Date.now();
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let world: World | undefined;
  const step = stepRunner(SHOT_PREFIX, () => workbench);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    world = createWorld();
    // The extension host (and the runners it starts) inherit code-server's environment: local jobs stay in the
    // test's own state folder, apart from the user's.
    process.env.BATCHMAN_LOCAL_STATE = world.state;
    workbench = await startTestWorkbench('launch', timings, { folder: world.workspace, watchSelectors: [STATUS_ITEM] });
  });

  after(async () => {
    await workbench?.stop();
    if (world) {
      const notes = await stopBatchWork(
        [PIPELINE, SLOW].map((file) => ({ root: join(world!.workspace, file, '..'), batchfile: join(world!.workspace, file) })),
        world.state,
      );
      if (notes.length > 0) console.log(`cleanup: ${notes.join('; ')}`);
      rmSync(world.root, { recursive: true, force: true });
    }
    timings.total = seconds(Date.now() - t0);
    console.log(`e2e launch timings (code-server ${codeServerVersion()}): ${JSON.stringify(timings)}`);
  });

  it('activates with the workspace: the status bar summary appears and the Batches tree lists both batches', async () => {
    await step('1-activated', async (wb) => {
      const activation = await wb.activationTiming({
        extensionId: 'batchman.batchman',
        channel: 'Batchman',
        readyLine: /language server started/,
        element: STATUS_ITEM,
        selfReport: /activated in (\d+) ms/,
      });
      console.log(`activation: ${formatActivation(activation)}`);
      assert.ok(activation.readyLineMs !== undefined && activation.elementMs !== undefined, JSON.stringify(activation));
      timings.activation = `${activation.readyLineMs} ms after ready`;
      // The status bar appears only with a batch in view; commands are registered by then.
      assert.match(await wb.statusBarItem(STATUS_ITEM_ID, '0/'), /\b0\/[26]\b/);
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(new RegExp(`^${PIPELINE} 0/6 succeeded$`));
      await wb.waitForTreeRow(new RegExp(`^${SLOW} 0/2 succeeded$`));
      await wb.waitForTreeRow(/^report not started$/);
      await wb.waitForTreeRow(/^after not started$/);
    });
  });

  it('launches the shell pipeline from the palette on the local executor: its jobs reach succeeded, failed and broken dependency', async () => {
    const current = world!;
    await step('2-launched', async (wb) => {
      const launchedAt = Date.now();
      await wb.runCommand('Batchman: Launch Batch');
      // Two batchfiles in the workspace: the first step asks which one.
      const titles = await answerLaunchSteps(wb, { batchfile: 'shell-pipeline', executor: 'local' });
      assert.equal(titles.length, 7, titles.join('\n'));
      assert.match(titles[1]!, /^Launch shell-pipeline\/batchfile\.csv \(1\/6\): executor$/);
      await wb.waitForTreeRow(/^report broken dependency · upstream broken failed$/, 90_000);
      timings.pipelineRun = seconds(Date.now() - launchedAt);
    });
    await step('3-pipeline-ended', async (wb) => {
      for (const name of ['build', 'relax', 'freq', 'charges']) await wb.waitForTreeRow(new RegExp(`^${name} \\d+ · succeeded\\b`));
      await wb.waitForTreeRow(/^broken \d+ · failed · exit code 3$/);
      await wb.waitForTreeRow(new RegExp(`^${PIPELINE} 4/6 succeeded, 1 failed, 1 broken dependency$`));
      // The status bar follows the launched batch: done/total and the failures.
      const status = await wb.statusBarItem(STATUS_ITEM_ID, '4/6');
      assert.match(status, /^shell-pipeline 4\/6 succeeded, 1 failed, 1 broken dependency$/);
      const notice = await wb.waitForNotification(/Batch shell-pipeline\/batchfile\.csv ended/);
      assert.equal(notice, 'Batch shell-pipeline/batchfile.csv ended: 4/6 succeeded, 1 failed, 1 broken dependency.');
      // The tree shows what is on disk, and the jobs ran where the quick pick said.
      const truth = await cliStatus(current, PIPELINE);
      assert.equal(truth.batch?.computed_options?.executor, 'local');
      assert.deepEqual(
        Object.fromEntries(truth.jobs.map((job) => [job.basename, job.status])),
        { build: 'succeeded', relax: 'succeeded', freq: 'succeeded', charges: 'succeeded', broken: 'failed', report: 'broken_dependency' },
      );
      assert.equal(truth.jobs.find((job) => job.basename === 'broken')?.exitCode, 3);
    });
  });

  it('relaunching the finished pipeline says there is nothing to do and records no launch', async () => {
    const current = world!;
    await step('3b-nothing-to-do', async (wb) => {
      const before = (await cliStatus(current, PIPELINE)).batch?.run_number;
      await wb.hoverAndClickInline(PIPELINE, 'Launch Batch');
      const notice = await wb.waitForNotification(/nothing to do/);
      assert.equal(notice, 'Batchman: shell-pipeline/batchfile.csv: nothing to do: 4/6 succeeded, 1 failed, 1 broken dependency; a failed job stays failed.');
      assert.equal((await cliStatus(current, PIPELINE)).batch?.run_number, before, 'no new launch recorded');
      await wb.runCommand('Notifications: Clear All Notifications');
    });
  });

  it('cancels a running job from the tree (inline action, confirmation): it shows cancelled, its dependant broken dependency', async () => {
    const current = world!;
    await step('4-slow-running', async (wb) => {
      // Launched from the batch's own row: no batchfile to pick.
      await wb.hoverAndClickInline(SLOW, 'Launch Batch');
      const titles = await answerLaunchSteps(wb, { executor: 'local' });
      assert.match(titles[0]!, /^Launch slow\/batchfile\.csv \(1\/6\): executor$/);
      await wb.waitForTreeRow(/^slow \d+ · running\b/, 60_000);
    });
    await step('5-cancel-confirmation', async (wb) => {
      await wb.hoverAndClickInline('slow', 'Cancel Job');
      await wb.dialogButton('Cancel Job');
      const dialog = (await wb.page.locator('.monaco-dialog-box').first().innerText()).replace(/\s+/g, ' ');
      assert.match(dialog, /Cancel job slow \(\d+\) of slow\/batchfile\.csv\?/);
    });
    await step('6-cancelled', async (wb) => {
      const cancelledAt = Date.now();
      await wb.confirmDialog('Cancel Job');
      await wb.waitForTreeRow(/^slow \d+ · cancelled\b/, 60_000);
      await wb.waitForTreeRow(/^after broken dependency · upstream slow cancelled$/, 60_000);
      timings.cancel = seconds(Date.now() - cancelledAt);
      await wb.waitForTreeRow(new RegExp(`^${SLOW} 0/2 succeeded, 1 broken dependency, 1 cancelled$`));
      const notice = await wb.waitForNotification(/Batch slow\/batchfile\.csv ended/);
      assert.equal(notice, 'Batch slow/batchfile.csv ended: 0/2 succeeded, 1 broken dependency, 1 cancelled.');
      const truth = await cliStatus(current, SLOW);
      assert.deepEqual(Object.fromEntries(truth.jobs.map((job) => [job.basename, job.status])), { slow: 'cancelled', after: 'broken_dependency' });
      // The job's process really ended: the local executor recorded its end (a cancel is SIGTERM to its group).
      const jobs = [...parseJobListing(readdirSync(join(current.state, 'jobs'))).jobs.values()];
      assert.ok(jobs.length > 0 && jobs.every((job) => job.end !== undefined), JSON.stringify(jobs));
      assert.ok(jobs.some((job) => job.cancel !== undefined), JSON.stringify(jobs));
    });
  });

  it('leaves a picture of the finished batches (test-results/, and media/ for the README when asked)', async () => {
    await step('7-readme', async (wb) => {
      await wb.runCommand('Notifications: Clear All Notifications');
      await wb.openFile(PIPELINE);
      // Before anything else: VS Code drops the first code lens request of an editor when a command runs at once
      // (View: Show Explorer does it too), and asks again only when something changes.
      await wb.activeEditor().locator('.codelens-decoration', { hasText: '4/6 succeeded' }).first().waitFor({ timeout: 30_000 });
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(/^broken \d+ · failed · exit code 3$/);
      // A smaller window with a wider sidebar: the tree's descriptions are whole and the file stays small.
      const viewport = { width: 1180, height: 560 };
      await wb.page.setViewportSize(viewport);
      await widenSidebar(wb, 440);
      await wb.page.mouse.move(900, 500);
      await wb.page.locator('.monaco-sash.hover, .monaco-sash.active').first().waitFor({ state: 'hidden', timeout: 10_000 });
      await wb.waitForTreeRow(/^report broken dependency · upstream broken failed$/);
      await wb.waitForEditorLine('job_basename|job_directory|program|pipe');
      // What the picture must hold: every job of both finished batches, whole, inside the window.
      for (const name of ['build', 'relax', 'freq', 'charges', 'broken', 'report', 'slow', 'after']) {
        const box = await wb.treeRow(name).boundingBox();
        assert.ok(box, `the tree row of ${name} is shown`);
        assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= viewport.width && box.y + box.height <= viewport.height, `${name}'s row lies inside the window: ${JSON.stringify(box)}`);
      }
      const shot = await wb.screenshot(`${SHOT_PREFIX}tree`);
      if (process.env.BATCHMAN_UPDATE_SCREENSHOT === '1') {
        mkdirSync(join(README_SHOT, '..'), { recursive: true });
        copyFileSync(shot, README_SHOT);
        console.log(`wrote ${README_SHOT} (${Math.round(statSync(README_SHOT).size / 1024)} KB)`);
      }
      assert.deepEqual(pngSize(readFileSync(shot)), viewport, 'the picture is the whole window, as a PNG');
    });
  });
});
