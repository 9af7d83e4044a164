// The built dashboard bundle in real Chromium with a stub host: the ready handshake, a 10,000-job batch with only a
// window of rows in the DOM, an update of 100 changed jobs, hostile names shown as text (nothing runs, no markup is
// parsed), keyboard, sort and filter, and screenshots in light and dark under test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DASHBOARD_PROTOCOL_VERSION, JobActionMessage, JobDetailMessage, JobsChangedMessage, ReadyMessage, RevealJobMessage, SelectJobMessage, SnapshotMessage, ViewStateMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardBatch, DashboardJob, DashboardLink, PageToHostMessage } from '../../core/dashboard/protocol.js';
import type { JobStatus } from '../../core/status.js';
import { RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';
import { scratchBatch } from './batchFixture.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_MESSAGE = '<b>bold</b><script>alert(2)</script> & "quotes"';
const JOB_COUNT = 10_000;
const STATUSES: JobStatus[] = ['running', 'pending', 'succeeded', 'not_started'];

/** What the stub host (harness.ts) keeps in the page. */
interface PageTest {
  posted: PageToHostMessage[];
  violations: string[];
  state: unknown;
  sendAndTime(message: unknown, doneSelector: string, doneText?: string): Promise<number>;
  scrollFrames(steps: number, step: number): Promise<{ times: number[]; maxRows: number }>;
}
type TestGlobal = { __test: PageTest; document: { querySelectorAll(selector: string): { length: number } } };

function makeJob(i: number): DashboardJob {
  const status = STATUSES[i % STATUSES.length]!;
  const submitted = status === 'not_started' ? null : new Date(Date.UTC(2025, 0, 1, 8, 0, i % 3600)).toISOString();
  return {
    basename: i === 0 ? HOSTILE : `job${String(i).padStart(5, '0')}`,
    directory: `/scratch/calcs/mol${Math.floor(i / 10)}/${i === 0 ? HOSTILE : `step${i % 10}`}`,
    program: i % 3 === 0 ? 'orca' : 'xtb',
    status,
    jobId: submitted ? String(500_000 + i) : null,
    slurmState: status === 'running' ? 'RUNNING' : status === 'pending' ? 'PENDING' : null,
    reason: status === 'pending' ? 'Priority' : null,
    lastEvent: submitted ? { status, at: submitted } : null,
    submittedAt: submitted,
    startedAt: status === 'running' || status === 'succeeded' ? submitted : null,
    endedAt: status === 'succeeded' ? submitted : null,
    elapsed: status === 'running' || status === 'succeeded' ? `${i % 60}:${String(i % 60).padStart(2, '0')}` : null,
    exitCode: status === 'succeeded' ? 0 : null,
    cause: null,
    restarts: 0,
    key: i === 0 ? HOSTILE : `job${String(i).padStart(5, '0')}`,
    label: i === 0 ? HOSTILE : `job${String(i).padStart(5, '0')}`,
  };
}

const BATCH: DashboardBatch = scratchBatch({
  record: {
    id: '1735718400000_1a2b3c4d',
    name: 'brave-otter',
    runNumber: 3,
    message: HOSTILE_MESSAGE,
    tags: ['dft', HOSTILE],
    status: 'in_progress',
    startTime: '2025-01-01T08:00:00.000Z',
    endTime: null,
    createdBy: 'chemist',
    git: { repository: '/scratch/calcs', branch: 'main', commit: '0123456789abcdef0123456789abcdef01234567' },
    runner: { host: 'login1', pid: 4242, heartbeat: '2025-01-01T09:00:00.000Z' },
    executor: 'slurm',
    error: null,
  },
});

/** job00010 → job00011 → job00012 (coords), job00010 → job00013 (orbitals). */
const LINKS: DashboardLink[] = [
  { from: 'job00010', to: 'job00011', kind: 'coords' },
  { from: 'job00011', to: 'job00012', kind: 'coords' },
  { from: 'job00010', to: 'job00013', kind: 'orbitals' },
];

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('dashboard webview in Chromium', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  const jobs = Array.from({ length: JOB_COUNT }, (_, i) => makeJob(i));

  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const posted = () => page().evaluate(() => (globalThis as unknown as TestGlobal).__test.posted);
  const rowsInDom = () => page().evaluate(() => (globalThis as unknown as TestGlobal).document.querySelectorAll('.job-row').length);
  const send = (value: unknown, doneSelector: string, doneText?: string) =>
    page().evaluate(([m, selector, text]) => (globalThis as unknown as TestGlobal).__test.sendAndTime(m, selector as string, text as string | undefined), [value, doneSelector, doneText] as const);

  before(async () => {
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await dashboard.page.goto(dashboard.url);
  });

  after(async () => {
    await dashboard?.close();
  });

  it('says ready before anything else, once', { timeout: 30_000 }, async () => {
    await page().waitForFunction(() => (globalThis as unknown as TestGlobal).__test.posted.length > 0, undefined, { timeout: 20_000 });
    const messages = await posted();
    assert.deepEqual(messages[0], message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    assert.equal(messages.filter((m) => m.method === ReadyMessage.method).length, 1);
  });

  it('renders a 10,000-job batch with only a window of rows in the DOM', { timeout: 60_000 }, async () => {
    const snapshot = message(SnapshotMessage, { batch: BATCH, jobs, links: LINKS, history: [], at: '2025-01-01T09:00:00.000Z' });
    const ms = await send(snapshot, '[data-testid="shown-count"]', `${JOB_COUNT} jobs`);
    console.log(`# first render of ${JOB_COUNT} jobs: ${ms.toFixed(0)} ms (snapshot posted → rows painted)`);
    const inDom = await rowsInDom();
    assert.ok(inDom > 10 && inDom < 120, `${inDom} rows in the DOM`);
    assert.equal(await page().locator('.grid').getAttribute('aria-rowcount'), String(JOB_COUNT + 1));
    assert.equal(await page().locator('[data-testid="batch-state"]').textContent(), 'running');
    assert.match((await page().locator('[data-testid="progress-text"]').textContent()) ?? '', /^2500\/10000 ended · 2500\/10000 succeeded, 2500 running, 2500 pending, 2500 not started$/);

    // scroll through the whole table a frame at a time: the pool stays small and frames stay short
    const { times, maxRows } = await page().evaluate(() => (globalThis as unknown as TestGlobal).__test.scrollFrames(60, 4000));
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`# scrolling 60 frames: median ${sorted[30]!.toFixed(1)} ms, worst ${sorted[59]!.toFixed(1)} ms, at most ${maxRows} rows in the DOM`);
    assert.ok(maxRows < 120, `${maxRows} rows in the DOM while scrolling`);
    assert.ok(sorted[30]! < 100, `median frame while scrolling ${sorted[30]!.toFixed(1)} ms`);
    await page().locator('.job-row[data-job="job09999"]').waitFor({ timeout: 10_000 });
    await page().evaluate(() => {
      (globalThis as unknown as { document: { querySelector(s: string): { scrollTop: number } } }).document.querySelector('.grid').scrollTop = 0;
    });
    await page().locator('.job-row[data-job="job00001"]').waitFor({ timeout: 10_000 });
  });

  it('shows hostile names and messages as text and runs nothing', { timeout: 30_000 }, async () => {
    const cell = page().locator('.job-row').filter({ has: page().locator('.col-job', { hasText: HOSTILE }) }).first().locator('.col-job');
    assert.equal(await cell.textContent(), HOSTILE);
    const body = (await page().locator('.batch-header').textContent()) ?? '';
    assert.ok(body.includes(HOSTILE_MESSAGE), 'the launch message shows as written');
    assert.ok(body.includes(HOSTILE), 'the tag shows as written');
    const parsed = await page().evaluate(() => (globalThis as unknown as TestGlobal).document.querySelectorAll('img, b, main script').length);
    assert.equal(parsed, 0, 'no markup from the data became elements');
    const test = await page().evaluate(() => ({ violations: (globalThis as unknown as TestGlobal).__test.violations }));
    assert.deepEqual(test.violations, [], 'nothing broke the CSP');
    assert.deepEqual(dashboard!.problems, [], 'no dialog, console error or page error');
  });

  it('applies an update of 100 changed jobs in place', { timeout: 30_000 }, async () => {
    const changed = jobs.slice(0, 100).map((row) => ({ ...row, status: 'failed' as const, cause: 'OUT_OF_MEMORY', endedAt: '2025-01-01T10:00:00.000Z', lastEvent: { status: 'failed' as const, at: '2025-01-01T10:00:00.000Z' } }));
    const rowsBefore = await rowsInDom();
    const ms = await send(message(JobsChangedMessage, { jobs: changed, at: '2025-01-01T10:00:00.000Z' }), '[data-testid="progress-text"]', '100 failed');
    console.log(`# applying 100 changed jobs: ${ms.toFixed(1)} ms (posted → painted)`);
    const first = page().locator('.job-row[data-job="job00001"]');
    assert.equal(await first.locator('.badge').textContent(), 'failed');
    assert.equal(await first.locator('.col-cause').textContent(), 'OUT_OF_MEMORY');
    assert.equal(await rowsInDom(), rowsBefore, 'rows were updated, not added');
    assert.equal(await page().locator('.filter[data-status="failed"] .count').textContent(), '100');
  });

  it('is keyboard accessible and reports the selection to the host', { timeout: 30_000 }, async () => {
    await page().locator('.grid').focus();
    await page().keyboard.press('ArrowDown');
    await page().locator('.job-row.selected').waitFor();
    assert.equal(await page().locator('.job-row.selected').getAttribute('data-job'), HOSTILE);
    await page().keyboard.press('End');
    await page().locator('.job-row.selected[data-job="job09999"]').waitFor();
    const active = await page().locator('.grid').getAttribute('aria-activedescendant');
    assert.equal(await page().locator(`[id="${active}"]`).getAttribute('data-job'), 'job09999');
    const selections = (await posted()).filter((m) => m.method === SelectJobMessage.method).map((m) => (m.params as { key: string }).key);
    assert.deepEqual(selections, [HOSTILE, 'job09999']);
  });

  it('shows the chosen job\'s detail: neighbours, the host\'s answer as text, buttons by what exists', { timeout: 30_000 }, async () => {
    const pane = page().locator('[data-testid="job-detail"]');
    await send(message(RevealJobMessage, { key: 'job00011' }), '[data-testid="job-detail"] .detail-title', 'job00011');
    const chosen = (await posted()).filter((m) => m.method === SelectJobMessage.method).at(-1);
    assert.deepEqual(chosen?.params, { key: 'job00011' }, 'the host is asked for the detail');
    assert.equal(await page().locator('.job-row.selected').getAttribute('data-job'), 'job00011', 'the table follows');
    assert.equal(await pane.locator('.detail-relation').nth(0).locator('button').textContent(), 'job00010 (coords)');
    assert.equal(await pane.locator('.detail-relation').nth(1).locator('button').textContent(), 'job00012 (coords)');

    const at = '2025-01-01T10:00:00.000Z';
    const tail = `last line\n${HOSTILE_MESSAGE}`;
    const detail = {
      key: 'job00011',
      history: [
        { attempt: 0, status: 'pending' as const, at: '2025-01-01T08:00:00.000Z' },
        { attempt: 0, status: 'failed' as const, at: '2025-01-01T08:10:00.000Z' },
        { attempt: 1, status: 'pending' as const, at: '2025-01-01T08:11:00.000Z' },
      ],
      runInfo: JSON.stringify({ job_name: HOSTILE }, null, 2),
      runInfoError: null,
      outputTail: { fileName: 'job00011.out', text: tail, truncated: true },
      files: { output: true, input: false, folder: true },
      at,
    };
    await send(message(JobDetailMessage, { detail }), '[data-testid="output-tail"]', 'last line');
    assert.equal(await pane.locator('[data-testid="output-tail"]').textContent(), tail);
    assert.ok(((await pane.locator('[data-testid="run-info"]').textContent()) ?? '').includes(HOSTILE));
    assert.equal(await pane.locator('.detail-history li').count(), 3);
    assert.equal(await pane.locator('img, b, script').count(), 0, 'no markup from the answer became elements');

    const actionsPosted = async () => (await posted()).filter((m) => m.method === JobActionMessage.method).map((m) => m.params);
    await pane.locator('vscode-button[data-action="openOutput"]').click();
    await pane.locator('vscode-button[data-action="openInput"]').click({ force: true });
    await pane.locator('vscode-button[data-action="restart"]').click();
    assert.deepEqual(await actionsPosted(), [
      { key: 'job00011', action: 'openOutput' },
      { key: 'job00011', action: 'restart' },
    ], 'a disabled button (no input file) posts nothing; a failed job can be restarted');
    assert.equal(await pane.locator('vscode-button[data-action="cancel"]').evaluate((button) => (button as unknown as { disabled: boolean }).disabled), true);

    // An answer for a job no longer chosen is ignored.
    await send(message(JobDetailMessage, { detail: { ...detail, key: 'job00012', outputTail: { fileName: 'x', text: 'other job', truncated: false } } }), '[data-testid="job-detail"] .detail-title', 'job00011');
    assert.equal(await pane.locator('[data-testid="output-tail"]').textContent(), tail);

    // A neighbour is a link: choosing it moves the selection, and its status change shows in the pane in place.
    await pane.locator('.detail-relation').nth(1).locator('button').click();
    await pane.locator('.detail-title', { hasText: 'job00012' }).waitFor();
    await send(message(JobsChangedMessage, { jobs: [{ ...jobs[12]!, status: 'failed', cause: 'TIMEOUT', endedAt: at, lastEvent: { status: 'failed', at } }], at }), '[data-testid="job-detail"] .detail-cause', 'TIMEOUT');
    assert.equal(await pane.locator('.detail-head .badge').textContent(), 'failed');
    assert.deepEqual(dashboard!.problems, []);
  });

  it('sorts by a column header and filters by status', { timeout: 30_000 }, async () => {
    const header = page().locator('[role="columnheader"]', { has: page().locator('button[data-column="job"]') });
    await header.locator('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await header.locator('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    await page().locator('.grid').evaluate((grid) => {
      (grid as unknown as { scrollTop: number }).scrollTop = 0;
    });
    await page().locator('.job-row[data-job="job09999"]').waitFor();
    await page().locator('.filter[data-status="failed"]').click();
    await page().locator('[data-testid="shown-count"]', { hasText: `100 of ${JOB_COUNT} jobs` }).waitFor();
    assert.equal(await page().locator('.filter[data-status="failed"]').getAttribute('aria-pressed'), 'true');
    const states = (await posted()).filter((m) => m.method === ViewStateMessage.method);
    const last = states.at(-1)!.params as { state: { sort: unknown; statuses: string[] } };
    assert.deepEqual(last.state.sort, { column: 'job', direction: 'desc' });
    assert.deepEqual(last.state.statuses, ['failed']);
    await page().locator('.filter[data-status="failed"]').click();
    await page().locator('[data-testid="shown-count"]', { hasText: `${JOB_COUNT} jobs` }).waitFor();
  });

  it('follows the theme: screenshots in light, dark and high contrast', { timeout: 30_000 }, async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const backgrounds = { light: 'rgb(255, 255, 255)', dark: 'rgb(31, 31, 31)', 'high-contrast': 'rgb(0, 0, 0)' } as const;
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await page().evaluate((name) => {
        (globalThis as unknown as { document: { body: { className: string } } }).document.body.className = `vscode-${name}`;
      }, theme);
      const background = await page().evaluate(() => {
        const g = globalThis as unknown as { document: { body: object }; getComputedStyle(node: object): { backgroundColor: string } };
        return g.getComputedStyle(g.document.body).backgroundColor;
      });
      assert.equal(background, backgrounds[theme]);
      // the status colours follow the theme's variables, not fixed colours
      const failed = await page().locator('.filter[data-status="failed"]').evaluate((badge) => (globalThis as unknown as { getComputedStyle(node: object): { color: string } }).getComputedStyle(badge).color);
      assert.equal(failed, { light: 'rgb(241, 76, 76)', dark: 'rgb(241, 76, 76)', 'high-contrast': 'rgb(244, 135, 113)' }[theme]);
      await page().screenshot({ path: join(RESULTS_DIR, `webview-dashboard-${theme}.png`) });
    }
    assert.deepEqual(dashboard!.problems, []);
  });
});
