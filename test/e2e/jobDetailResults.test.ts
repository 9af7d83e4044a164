// The job detail's results in a real VS Code (code-server in headless Chromium): a batch whose Gaussian job folder
// holds a real opt+freq log (cclib's outputs, its lowest mode made imaginary); choosing the job in the dashboard shows
// its convergence plot, its frequencies with the imaginary one marked, and its final geometry drawn by 3Dmol — the
// library fetched from dist/webview-3d.js inside VS Code's webview, under the panel's CSP. Checked against cclib.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { FREQ_LOG, OPT_LOG, cclibReading, writeOptFreqJob } from '../support/gaussianOptFreq.js';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { STATUS_ITEM, STATUS_ITEM_ID, clearScreenshots, stepRunner, workbenchSkip } from './batchSession.js';

const SHOT_PREFIX = 'e2e-job-results-';
const BATCHFILE = 'dft/batchfile.csv';

/** The page inside the dashboard's webview (VS Code nests it in two iframes). */
function dashboardFrame(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

describe('the job detail\'s results in VS Code', { skip: workbenchSkip(), timeout: 10 * 60_000 }, () => {
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let root = '';
  const step = stepRunner(SHOT_PREFIX, () => workbench);
  const opt = cclibReading(OPT_LOG);
  const freq = cclibReading(FREQ_LOG);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    root = mkdtempSync(join(tmpdir(), 'batchman-e2e-job-results-'));
    const workspace = join(root, 'study');
    mkdirSync(join(workspace, 'dft'), { recursive: true });
    writeFileSync(join(workspace, BATCHFILE), 'root_directory=.\njob_basename|job_directory|program|pipe|cores\ndvb|dvb/optfreq|gaussian||1\n');
    await writeOptFreqJob(join(workspace, 'dft', 'dvb', 'optfreq'), 'dvb');
    workbench = await startTestWorkbench('job-results', timings, { folder: workspace, watchSelectors: [STATUS_ITEM] });
  });

  after(async () => {
    await workbench?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('shows the plot, the frequencies and the 3D geometry of the chosen job', async () => {
    await step('1-detail', async (wb) => {
      // the extension is active once its status-bar item counts the batch's one job (its output says it ended well)
      await wb.statusBarItem(STATUS_ITEM_ID, '1/1');
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(new RegExp(`^${BATCHFILE}`));
      await wb.hoverAndClickInline(BATCHFILE, 'Open Batch Dashboard');
      const dash = dashboardFrame(wb);
      await dash.locator('.job-row[data-job="dvb"]').click({ timeout: 60_000 });
      const view = dash.locator(`[data-testid="molecule-3d"][data-atom-count="${opt.atoms}"]`);
      await view.waitFor({ timeout: 60_000 });
      assert.match((await view.getAttribute('data-webgl')) ?? '', /^webgl2?$/);
      assert.equal(await dash.locator('[data-testid="convergence-plot"]').getAttribute('data-points'), String(opt.scfEnergiesCount));
      assert.equal(await dash.locator('[data-testid="frequencies"] li').count(), freq.frequencies);
      assert.equal(await dash.locator('[data-testid="frequencies"] li.imaginary').count(), (freq.imaginaryFrequencies ?? 0) + 1);
      await dash.locator('[data-testid="job-results"]').scrollIntoViewIfNeeded();
    });
  });
});
