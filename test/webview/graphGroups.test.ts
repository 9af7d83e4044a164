// The Graph tab's groups in Chromium, through the built bundle and the stub host: 300 jobs without pipes in 30 molecule
// folders show as 30 boxes that fit a 1400 × 760 view at a readable zoom (no wall of 300 boxes); a box opens onto its
// jobs (keyboard too), a job in it posts selectJob, counts follow jobsChanged, a job chosen elsewhere opens its box,
// and a hostile folder name is text; molecule pipelines keep their pipes inside their box; one folder groups by status. Screenshot: test-results/dashboard-graph-groups.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JobsChangedMessage, RevealJobMessage, SelectJobMessage, SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardJob, PageToHostMessage } from '../../core/dashboard/protocol.js';
import type { JobStatus } from '../../core/status.js';
import { pictureJob } from '../unit/pictureFixtures.js';
import { RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';
import { scratchBatch } from './batchFixture.js';

const HOSTILE = '<img src=x onerror=alert(1)>$(touch pwned)';
const FOLDERS = 30;
const PER_FOLDER = 10;
const STATUSES: readonly JobStatus[] = ['succeeded', 'succeeded', 'running', 'pending', 'not_started', 'succeeded', 'cancelled', 'running', 'not_started', 'succeeded'];

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  getBoundingClientRect(): Box;
  textContent: string | null;
}
type PageGlobal = {
  __test: { posted: PageToHostMessage[]; violations: string[] };
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement>; activeElement: PageElement | null };
  postMessage(message: unknown, target: string): void;
};

function folderName(k: number): string {
  return k === 5 ? HOSTILE : `mol${String(k).padStart(2, '0')}`;
}

/** 300 jobs, no pipe, 10 to a molecule folder: /scratch/calcs/molKK/stepJ. */
function makeJobs(): DashboardJob[] {
  const base = Date.now() - 400 * 60_000;
  return Array.from({ length: FOLDERS * PER_FOLDER }, (_, i) => {
    const folder = folderName(Math.floor(i / PER_FOLDER));
    const step = `step${i % PER_FOLDER}`;
    const job = pictureJob(step, 'xtb', STATUSES[i % PER_FOLDER]!, base, i);
    return { ...job, directory: `/scratch/calcs/${folder}/${step}`, key: `${folder}/${step}`, label: `${step} · ${folder}/${step}` };
  });
}

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('dashboard graph groups in Chromium', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  const jobs = makeJobs();

  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const post = (value: unknown) => page().evaluate((m) => (globalThis as unknown as PageGlobal).postMessage(m, '*'), value);
  const count = (selector: string) => page().evaluate((s) => (globalThis as unknown as PageGlobal).document.querySelectorAll(s).length, selector);
  const selections = async () =>
    (await page().evaluate(() => (globalThis as unknown as PageGlobal).__test.posted)).filter((m) => m.method === SelectJobMessage.method).map((m) => (m.params as { key: string | null }).key);
  /** A group's header, found by comparing attributes (a hostile name cannot go into a CSS selector safely). */
  const groupInfo = (id: string) =>
    page().evaluate((wanted) => {
      const groups = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group'));
      const group = groups.find((candidate) => candidate.getAttribute('data-group') === wanted);
      if (!group) return null;
      const head = group.querySelector('.graph-group-head')!;
      return {
        name: group.querySelector('.graph-group-name')!.textContent,
        counts: group.querySelector('.graph-group-counts')!.textContent,
        title: head.querySelector('title')!.textContent,
        label: head.getAttribute('aria-label'),
        expanded: head.getAttribute('aria-expanded'),
        box: group.querySelector('.graph-group-box')!.getBoundingClientRect(),
      };
    }, id);
  const head = (id: string) => page().locator(`.graph-group-head[data-group="${id}"]`);

  before(async () => {
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await dashboard.page.setViewportSize({ width: 1400, height: 760 });
    await dashboard.page.goto(dashboard.url);
    await dashboard.page.waitForFunction(() => (globalThis as unknown as PageGlobal).__test.posted.length > 0, undefined, { timeout: 20_000 });
    await post(message(SnapshotMessage, { batch: scratchBatch(), jobs, links: [], history: [], at: new Date().toISOString() }));
    await dashboard.page.locator('[data-tab="graph"]').click({ timeout: 10_000 });
  });

  after(async () => {
    await dashboard?.close();
  });

  it('shows 300 unpiped jobs in 30 folders as 30 boxes that fit the view, not a wall', { timeout: 30_000 }, async () => {
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group').length === n, FOLDERS, { timeout: 15_000 });
    assert.equal(await count('.graph-group'), FOLDERS);
    assert.equal(await count('.graph-node'), 0, 'no job box while every group is closed');
    const geometry = await page().evaluate(() => {
      const d = (globalThis as unknown as PageGlobal).document;
      return { canvas: d.querySelector('.graph-canvas')!.getBoundingClientRect(), boxes: Array.from(d.querySelectorAll('.graph-group-box')).map((box) => box.getBoundingClientRect()) };
    });
    for (const box of geometry.boxes) {
      assert.ok(box.x >= geometry.canvas.x && box.y >= geometry.canvas.y && box.x + box.width <= geometry.canvas.x + geometry.canvas.width + 0.5 && box.y + box.height <= geometry.canvas.y + geometry.canvas.height + 0.5, 'every box in the canvas');
    }
    const zoom = Number(((await page().locator('.graph-zoom').textContent()) ?? '').replace('%', ''));
    assert.ok(zoom >= 60, `fitted at a readable ${zoom}%`);
    const top = Math.min(...geometry.boxes.map((box) => box.y));
    const bottom = Math.max(...geometry.boxes.map((box) => box.y + box.height));
    assert.ok(bottom - top <= geometry.canvas.height, `the boxes take ${bottom - top} px of ${geometry.canvas.height}`);
    assert.match((await page().locator('.graph-info').textContent()) ?? '', /300 jobs · 0 pipes · 30 folders/);
  });

  it('names each box by its folder and counts its jobs per status, in the statuses\' order', { timeout: 30_000 }, async () => {
    const info = (await groupInfo('folder:mol00'))!;
    assert.equal(info.name, 'mol00');
    assert.equal(info.expanded, 'false');
    assert.equal(info.title, 'mol00: 10 jobs · 2 not started · 1 pending · 2 running · 4 succeeded · 1 cancelled');
    assert.equal(info.label, 'group mol00, 10 jobs · 2 not started · 1 pending · 2 running · 4 succeeded · 1 cancelled, closed');
    assert.ok(info.counts!.startsWith('10 jobs · 2 running · 1 pending'), `the box's line names what needs attention first: ${info.counts!}`);
    assert.equal(await page().locator('[data-group="folder:mol00"] .graph-group-segment').count(), 5, 'one bar segment per status present');
  });

  it('shows a hostile folder name as text: no element, no dialog', { timeout: 30_000 }, async () => {
    const info = (await groupInfo(`folder:${HOSTILE}`))!;
    assert.ok(info, 'the hostile folder has its box');
    assert.ok(info.title!.startsWith(`${HOSTILE}: 10 jobs`), info.title!);
    assert.ok(HOSTILE.startsWith(info.name!.replace(/…$/, '')), `the box shows ${info.name}`);
    assert.equal(await count('img'), 0);
    assert.equal(await count('.graph-view script, .graph-view img'), 0);
    assert.deepEqual(dashboard!.problems, []);
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as PageGlobal).__test.violations), []);
  });

  it('opens a box onto its jobs, in the box, and a click on a job posts selectJob', { timeout: 30_000 }, async () => {
    await head('folder:mol03').click();
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node').length === n, PER_FOLDER, { timeout: 10_000 });
    assert.ok((await count('.graph-node')) + (await count('.graph-group')) <= FOLDERS + PER_FOLDER, 'only boxes and the opened box\'s jobs');
    const info = (await groupInfo('folder:mol03'))!;
    assert.equal(info.expanded, 'true');
    const nodes = await page().evaluate(() =>
      Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node')).map((node) => ({ key: node.getAttribute('data-key'), box: node.getBoundingClientRect() })),
    );
    assert.deepEqual(nodes.map((node) => node.key).sort(), jobs.slice(30, 40).map((job) => job.key).sort());
    for (const { key, box } of nodes) {
      assert.ok(box.x >= info.box.x - 0.5 && box.y >= info.box.y - 0.5 && box.x + box.width <= info.box.x + info.box.width + 0.5 && box.y + box.height <= info.box.y + info.box.height + 0.5, `${key} inside its box`);
    }
    assert.ok(new Set(nodes.map((node) => Math.round(node.box.y))).size > 1 && new Set(nodes.map((node) => Math.round(node.box.x))).size > 1, 'a grid, not a line');
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page().screenshot({ path: join(RESULTS_DIR, 'dashboard-graph-groups.png') });
    await page().locator('.graph-node[data-key="mol03/step4"]').click();
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === 'batchman/dashboard/selectJob' && (m.params as { key: string }).key === 'mol03/step4'), undefined, { timeout: 5000 });
    assert.equal((await selections()).at(-1), 'mol03/step4');
    assert.match((await page().locator('.graph-node[data-key="mol03/step4"]').getAttribute('class')) ?? '', /\bselected\b/);
  });

  it('closes and opens a box from the keyboard, keeping the focus on its header', { timeout: 30_000 }, async () => {
    await head('folder:mol03').focus();
    await page().keyboard.press('Enter');
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node').length === 0, undefined, { timeout: 10_000 });
    assert.equal((await groupInfo('folder:mol03'))!.expanded, 'false');
    assert.equal(await page().evaluate(() => (globalThis as unknown as PageGlobal).document.activeElement?.getAttribute('data-group') ?? null), 'folder:mol03');
    await page().keyboard.press(' ');
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node').length === n, PER_FOLDER, { timeout: 10_000 });
    assert.equal((await groupInfo('folder:mol03'))!.expanded, 'true');
  });

  it('recounts a box when its jobs change status, in place', { timeout: 30_000 }, async () => {
    const before = (await groupInfo('folder:mol01'))!.box;
    const changed = jobs.slice(10, 13).map((job) => ({ ...job, status: 'failed' as const, cause: 'OUT_OF_MEMORY', endedAt: new Date().toISOString() }));
    await post(message(JobsChangedMessage, { jobs: changed, at: new Date().toISOString() }));
    await page().waitForFunction(
      () => {
        const groups = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group'));
        const group = groups.find((candidate) => candidate.getAttribute('data-group') === 'folder:mol01');
        return (group?.querySelector('title')?.textContent ?? '').includes('3 failed');
      },
      undefined,
      { timeout: 10_000 },
    );
    const info = (await groupInfo('folder:mol01'))!;
    assert.equal(info.title, 'mol01: 10 jobs · 2 not started · 1 pending · 1 running · 2 succeeded · 3 failed · 1 cancelled');
    assert.deepEqual(info.box, before, 'the box stayed where it was');
  });

  it('opens the box of a job chosen elsewhere', { timeout: 30_000 }, async () => {
    assert.equal((await groupInfo('folder:mol20'))!.expanded, 'false');
    await post(message(RevealJobMessage, { key: 'mol20/step7' }));
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === 'batchman/dashboard/selectJob' && (m.params as { key: string }).key === 'mol20/step7'), undefined, { timeout: 5000 });
    await page().locator('[data-tab="graph"]').click();
    await page().locator('.graph-node.selected[data-key="mol20/step7"]').waitFor({ timeout: 10_000 });
    assert.equal((await groupInfo('folder:mol20'))!.expanded, 'true');
    assert.deepEqual(dashboard!.problems, []);
  });

  it('draws a molecule\'s pipes inside its opened box (opt → freq, opt → sp per molecule folder)', { timeout: 30_000 }, async () => {
    const steps = ['opt', 'freq', 'sp'];
    const base = Date.now() - 400 * 60_000;
    const molecules: DashboardJob[] = Array.from({ length: 150 }, (_, i) => {
      const folder = `mol${Math.floor(i / 3)}`;
      const step = steps[i % 3]!;
      return { ...pictureJob(step, 'xtb', STATUSES[i % PER_FOLDER]!, base, i), directory: `/scratch/calcs/${folder}/${step}`, key: `${folder}/${step}`, label: `${step} · ${folder}/${step}` };
    });
    const links = Array.from({ length: 50 }, (_, m) => [
      { from: `mol${m}/opt`, to: `mol${m}/freq`, kind: 'coords' as const },
      { from: `mol${m}/opt`, to: `mol${m}/sp`, kind: 'coords' as const },
    ]).flat();
    await post(message(SnapshotMessage, { batch: scratchBatch(), jobs: molecules, links, history: [], at: new Date().toISOString() }));
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group').length === 50, undefined, { timeout: 15_000 });
    assert.equal(await count('.graph-node'), 0);
    assert.equal(await count('path.graph-edge'), 0, 'no pipe runs between molecules');
    await head('folder:mol7').click();
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node').length === 3, undefined, { timeout: 10_000 });
    const edges = await page().evaluate(() => Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('path.graph-edge')).map((edge) => `${edge.getAttribute('data-from')}>${edge.getAttribute('data-to')}`));
    assert.deepEqual(edges.sort(), ['mol7/opt>mol7/freq', 'mol7/opt>mol7/sp']);
  });

  it('groups unpiped jobs of one folder by status, and moves a job whose status changed', { timeout: 30_000 }, async () => {
    const base = Date.now() - 400 * 60_000;
    const flat: DashboardJob[] = Array.from({ length: 300 }, (_, i) => pictureJob(`job${i}`, 'xtb', STATUSES[i % PER_FOLDER]!, base, i));
    await post(message(SnapshotMessage, { batch: scratchBatch(), jobs: flat, links: [], history: [], at: new Date().toISOString() }));
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group[data-group="status:running"]').length === 1, undefined, { timeout: 15_000 });
    const ids = () => page().evaluate(() => Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group')).map((group) => group.getAttribute('data-group')));
    assert.deepEqual(await ids(), ['status:not_started', 'status:pending', 'status:running', 'status:succeeded', 'status:cancelled']);
    assert.equal((await groupInfo('status:running'))!.title, 'running: 60 jobs');
    const at = new Date().toISOString();
    await post(message(JobsChangedMessage, { jobs: flat.filter((job) => job.status === 'running').slice(0, 5).map((job) => ({ ...job, status: 'failed' as const, endedAt: at })), at }));
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-group[data-group="status:failed"]').length === 1, undefined, { timeout: 10_000 });
    assert.equal((await groupInfo('status:failed'))!.title, 'failed: 5 jobs');
    assert.equal((await groupInfo('status:running'))!.title, 'running: 55 jobs');
    assert.match((await page().locator('.graph-info').textContent()) ?? '', /unpiped jobs grouped by status/);
    assert.deepEqual(dashboard!.problems, []);
  });
});
