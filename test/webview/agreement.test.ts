// The dashboard says what the rest of the extension says, in Chromium through the built bundle and the stub host: a
// batch's counts in the header and the History read exactly as the Batches tree, the status bar and the notification
// phrase them ("4/6 succeeded, 1 failed, 1 broken dependency"); its badge says the state and the launch as one phrase;
// a job of the local executor is not described in SLURM's words.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardHistoryEntry, DashboardJob, DashboardRecord } from '../../core/dashboard/protocol.js';
import { dashboardJob } from '../../core/dashboard/data.js';
import type { JobStatus } from '../../core/status.js';
import { summarise } from '../../core/truth/summary.js';
import { BatchTree } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';
import type { JobView } from '../../core/view/jobView.js';
import { noticesFor, statusBarText } from '../../core/view/notifications.js';
import { scratchBatch } from './batchFixture.js';
import { ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';

type PageGlobal = {
  __test: { posted: unknown[] };
  document: { querySelector(selector: string): { textContent: string | null } | null };
  postMessage(message: unknown, target: string): void;
};

const STATUSES: JobStatus[] = ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'broken_dependency'];
const AT = '2025-01-01T09:00:00.000Z';

function jobView(status: JobStatus, i: number): JobView {
  const ended = status !== 'broken_dependency';
  return {
    ...notStartedJob({ basename: `step${i}`, directory: `/scratch/calcs/step${i}`, program: 'xtb' }),
    status,
    jobId: ended ? String(100 + i) : null,
    submittedAt: ended ? AT : null,
    startedAt: ended ? AT : null,
    endedAt: ended ? AT : null,
    slurmState: ended ? (status === 'failed' ? 'FAILED' : 'COMPLETED') : null,
    cause: status === 'failed' ? 'exit code 1' : status === 'broken_dependency' ? 'upstream step4 failed' : null,
  };
}

const VIEWS = STATUSES.map(jobView);
const JOBS: DashboardJob[] = VIEWS.map((job) => dashboardJob(job));
const SUMMARY = summarise(STATUSES);
const RECORD: DashboardRecord = {
  id: '1735718400000_1a2b3c4d',
  name: 'brave-otter',
  runNumber: 1,
  message: '',
  tags: [],
  status: 'completed',
  startTime: AT,
  endTime: AT,
  createdBy: 'chemist',
  git: null,
  runner: { host: 'login1', pid: 4242, heartbeat: AT },
  executor: 'local',
  error: null,
};
const HISTORY: DashboardHistoryEntry[] = [{ id: RECORD.id, name: RECORD.name, runNumber: 1, status: 'completed', startTime: AT, endTime: AT, message: '', tags: [], counts: SUMMARY }];

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('the dashboard agrees with the tree, the status bar and notifications', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const text = (selector: string) => page().evaluate((s) => (globalThis as unknown as PageGlobal).document.querySelector(s)?.textContent ?? null, selector);

  before(async () => {
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await dashboard.page.goto(dashboard.url);
    await dashboard.page.waitForFunction(() => (globalThis as unknown as PageGlobal).__test.posted.length > 0, undefined, { timeout: 20_000 });
    const snapshot = message(SnapshotMessage, { batch: scratchBatch({ record: RECORD }), jobs: JOBS, links: [], history: HISTORY, at: AT });
    await dashboard.page.evaluate((m) => (globalThis as unknown as PageGlobal).postMessage(m, '*'), snapshot);
    await dashboard.page.waitForFunction(() => ((globalThis as unknown as PageGlobal).document.querySelector('[data-testid="progress-text"]')?.textContent ?? '') !== '', undefined, { timeout: 10_000 });
  });

  after(async () => {
    await dashboard?.close();
  });

  it('says the same counts in the same words everywhere', { timeout: 30_000 }, async () => {
    const words = '4/6 succeeded, 1 failed, 1 broken dependency';
    const tree = new BatchTree();
    tree.setBatch({ id: '/scratch/calcs/batchfile.csv', label: 'calcs/batchfile.csv', batchfilePath: '/scratch/calcs/batchfile.csv', rootPath: '/scratch/calcs', ledgerPath: null, record: null, live: 'idle', stale: null, error: null, jobs: VIEWS });
    const [notice] = noticesFor({ batchId: 'b', label: 'calcs', ended: true, summary: SUMMARY, transitions: [] }, { jobFailed: 'always', batchEnded: 'always' });
    const surfaces = {
      tree: tree.roots()[0]!.description,
      statusBar: statusBarText('calcs', SUMMARY, false, false),
      notification: notice!.message,
      header: await text('[data-testid="progress-text"]'),
      history: await text('.history-counts'),
    };
    for (const [surface, shown] of Object.entries(surfaces)) assert.ok(shown?.includes(words), `${surface} says ${JSON.stringify(shown)}, not ${words}`);
  });

  it('reads the state and the launch as one phrase: no red ERROR beside "completed"', { timeout: 30_000 }, async () => {
    assert.equal(await text('[data-testid="batch-state"]'), 'finished with failures');
    assert.equal(await text('.batch-header .record-status'), null, 'no second badge with the record\'s status');
  });

  it('names the local executor, not SLURM, for a local job', { timeout: 30_000 }, async () => {
    assert.match((await text('.sort-button[data-column="slurmId"]')) ?? '', /^Job id/);
    await page().locator('.job-row[data-job="step4"]').first().click({ timeout: 10_000 });
    await page().locator('[data-testid="job-detail"] .detail-facts', { hasText: 'FAILED' }).waitFor({ timeout: 10_000 });
    const facts = (await text('[data-testid="job-detail"] .detail-facts')) ?? '';
    assert.match(facts, /Local executor state\s*FAILED/);
    assert.doesNotMatch(facts, /SLURM/);
  });
});
