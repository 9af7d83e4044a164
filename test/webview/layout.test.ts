// The dashboard's layout at a laptop's size (1400×760) in Chromium, through the built bundle and the stub host: a compact
// header whose run details fold behind a button (folded by default on a short window, the choice remembered), status
// pills never cut ("broken dependency" included), folders named from the batch's root with the absolute path as
// tooltip, hostile names as text, a job detail pane with ≥ 40 % of the height that a splitter resizes by mouse and
// keyboard (remembered too), tab panels that end above the splitter; screenshots in light, dark and high contrast
// under test-results/ (BATCHMAN_UPDATE_SCREENSHOT=1 also refreshes the README's pictures in media/).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JobDetailMessage, RevealJobMessage, SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardBatch, DashboardJob, DashboardJobDetail, DashboardLink, DashboardViewState } from '../../core/dashboard/protocol.js';
import { JOB_STATUSES } from '../../core/status.js';
import type { JobStatus } from '../../core/status.js';
import { REPO_ROOT, RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';
import { scratchBatch } from './batchFixture.js';

const VIEWPORT = { width: 1400, height: 760 };
/** The compact header's most height at 1400×760 (two lines and the page's padding fit in well under it). */
const HEADER_MAX_PX = 90;
const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_DIR = '$(touch pwned) "quoted" <b>bold</b>';
const ROOT = '/scratch/calcs';
const README_PICTURES = join(REPO_ROOT, 'media');
const THEMES = [
  { theme: 'light', file: 'dashboard-1400-light.png', background: 'rgb(255, 255, 255)' },
  { theme: 'dark', file: 'dashboard-1400-dark.png', background: 'rgb(31, 31, 31)' },
  { theme: 'high-contrast', file: 'dashboard-1400-hc.png', background: 'rgb(0, 0, 0)' },
] as const;

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
  height: number;
  width: number;
}
interface PageNode {
  getBoundingClientRect(): Box;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageNode | null;
  closest(selector: string): PageNode | null;
  textContent: string | null;
  title: string;
  hidden: boolean;
  scrollWidth: number;
  clientWidth: number;
  className: string;
}
type PageGlobal = {
  __test: { state: DashboardViewState | undefined; violations: string[]; frame(): Promise<void>; sendAndTime(m: unknown, selector: string, text?: string): Promise<number> };
  document: { body: PageNode & { className: string }; querySelector(selector: string): PageNode | null; querySelectorAll(selector: string): ArrayLike<PageNode> };
  getComputedStyle(node: PageNode): { backgroundColor: string };
};

const minutes = (n: number): string => new Date(Date.now() - n * 60_000).toISOString();

/** A job of the batch: `folder` below the root unless absolute; its times a few minutes back. */
function job(basename: string, folder: string, program: string, status: JobStatus, extra: Partial<DashboardJob> = {}): DashboardJob {
  const directory = folder.startsWith('/') ? folder : `${ROOT}/${folder}`;
  const submitted = status === 'not_started' ? null : minutes(40);
  const started = ['running', 'succeeded', 'failed', 'cancelled'].includes(status) ? minutes(38) : null;
  const ended = ['succeeded', 'failed', 'cancelled', 'broken_dependency'].includes(status) ? minutes(20) : null;
  return {
    basename,
    directory,
    program,
    status,
    jobId: submitted ? String(81_000 + directory.length + basename.length) : null,
    slurmState: status === 'running' ? 'RUNNING' : status === 'pending' ? 'PENDING' : null,
    reason: status === 'pending' ? 'Priority' : null,
    lastEvent: submitted ? { status, at: ended ?? started ?? submitted } : null,
    submittedAt: submitted,
    startedAt: started,
    endedAt: ended,
    elapsed: started ? (ended ? '18:00' : '38:00') : null,
    exitCode: status === 'succeeded' ? 0 : status === 'failed' ? 3 : null,
    cause: status === 'failed' ? 'exit code 3' : status === 'broken_dependency' ? 'upstream freq failed' : null,
    restarts: 0,
    key: `${folder}/${basename}`,
    label: basename,
    ...extra,
  };
}

/** Every status in the first rows (so all are in view), folders inside, beside and far from the root, hostile names. */
const JOBS: DashboardJob[] = [
  job('opt', 'water/opt', 'xtb', 'succeeded'),
  job('freq', 'water/freq', 'orca', 'failed'),
  job('sp', 'water/sp', 'gaussian', 'broken_dependency'),
  job('opt', 'methyl/opt', 'xtb', 'running', { label: 'opt · methyl/opt' }),
  job('freq', 'methyl/freq', 'orca', 'pending', { label: 'freq · methyl/freq' }),
  job('conf', 'benzene/conf', 'crest', 'cancelled'),
  job('sp', 'benzene/sp', 'gaussian', 'not_started', { label: 'sp · benzene/sp' }),
  job(HOSTILE, `${HOSTILE_DIR}/${HOSTILE}`, 'shell', 'succeeded'),
  job('ref', '/scratch/shared/reference/ref', 'orca', 'succeeded'),
  job('old', '/home/chemist/archive/2024/old', 'xtb', 'succeeded'),
  job('root', ROOT, 'shell', 'succeeded'),
  ...Array.from({ length: 19 }, (_, i) => job(`opt${i + 2}`, `conformers/c${String(i + 2).padStart(2, '0')}/opt`, 'xtb', i < 6 ? 'succeeded' : i < 10 ? 'running' : 'pending')),
];
const LINKS: DashboardLink[] = [
  { from: 'water/opt/opt', to: 'water/freq/freq', kind: 'coords' },
  { from: 'water/freq/freq', to: 'water/sp/sp', kind: 'orbitals' },
  { from: 'methyl/opt/opt', to: 'methyl/freq/freq', kind: 'coords' },
];
const BATCH: DashboardBatch = scratchBatch({
  label: 'calcs/batchfile.csv',
  record: {
    id: '1767513600000_9f8e7d6c',
    name: 'brave-otter',
    runNumber: 2,
    message: `freq after the new basis; ${HOSTILE}`,
    tags: ['dft', 'def2-TZVP', HOSTILE],
    status: 'in_progress',
    startTime: minutes(42),
    endTime: null,
    createdBy: 'chemist',
    git: { repository: ROOT, branch: 'main', commit: '0123456789abcdef0123456789abcdef01234567' },
    runner: { host: 'login1', pid: 4242, heartbeat: minutes(0) },
    executor: 'slurm',
    error: null,
  },
});
const FAILED_KEY = 'water/freq/freq';
const DETAIL: DashboardJobDetail = {
  key: FAILED_KEY,
  history: [
    { attempt: 0, status: 'pending', at: minutes(40) },
    { attempt: 0, status: 'running', at: minutes(38) },
    { attempt: 0, status: 'failed', at: minutes(20) },
  ],
  runInfo: JSON.stringify({ job_name: 'freq', exit_code: 3, host: 'node07' }, null, 2),
  runInfoError: null,
  outputTail: { fileName: 'freq.out', text: 'ORCA finished by error termination in SCF\nCalling Command: mpirun -np 4 orca_scf_mpi freq.gbw\n[file orca_tools/qcmsg.cpp, line 465]:\n  .... aborting the run', truncated: true },
  files: { output: true, input: true, folder: true },
  at: minutes(0),
};

/** Runs after the stub host's script on every load: the state a test saved for the next load, as getState() returns it. */
const SAVED_STATE = `(() => {
  const saved = sessionStorage.getItem('layout-test-state');
  if (saved !== null) window.__test.state = JSON.parse(saved);
})();`;

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('dashboard layout at 1400×760 in Chromium', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const box = (selector: string) =>
    page().evaluate((s) => {
      const node = (globalThis as unknown as PageGlobal).document.querySelector(s);
      return node ? JSON.parse(JSON.stringify(node.getBoundingClientRect())) as Box : null;
    }, selector);
  const state = () => page().evaluate(() => (globalThis as unknown as PageGlobal).__test.state);
  const send = (value: unknown, selector: string, text?: string) =>
    page().evaluate(([m, s, t]) => (globalThis as unknown as PageGlobal).__test.sendAndTime(m, s as string, t as string | undefined), [value, selector, text] as const);
  const frames = async (n = 2) => {
    for (let i = 0; i < n; i++) await page().evaluate(() => (globalThis as unknown as PageGlobal).__test.frame());
  };
  /** Loads the page afresh (the stub host's state is empty unless `saved`), says ready, gets the snapshot. */
  const load = async (saved?: DashboardViewState) => {
    // what VS Code's getState() answers after a reload: put in place by SAVED_STATE before the bundle runs
    await page().evaluate((s) => {
      const storage = (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void; removeItem(k: string): void } }).sessionStorage;
      if (s === null) storage.removeItem('layout-test-state');
      else storage.setItem('layout-test-state', JSON.stringify(s));
    }, saved ?? null);
    await page().reload();
    await page().waitForFunction(() => (globalThis as unknown as { __test: { posted: unknown[] } }).__test.posted.length > 0, undefined, { timeout: 20_000 });
    await send(message(SnapshotMessage, { batch: BATCH, jobs: JOBS, links: LINKS, history: [], at: minutes(0) }), '[data-testid="shown-count"]', `${JOBS.length} jobs`);
    await frames();
  };

  before(async () => {
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await dashboard.page.setViewportSize(VIEWPORT);
    await dashboard.page.addInitScript({ content: SAVED_STATE });
    await dashboard.page.goto(dashboard.url);
    await load();
  });

  after(async () => {
    await dashboard?.close();
  });

  it(`keeps the header to one compact block (≤ ${HEADER_MAX_PX} px) with the run details folded on a short window`, { timeout: 30_000 }, async () => {
    const header = (await box('.batch-header'))!;
    assert.ok(header.height <= HEADER_MAX_PX, `the header is ${header.height} px tall`);
    const toggle = page().locator('[data-testid="header-toggle"]');
    assert.equal(await toggle.evaluate((node) => node.tagName), 'BUTTON');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'folded by default: the window is under 900 px tall');
    assert.equal(await toggle.getAttribute('aria-controls'), 'run-details');
    assert.equal(await page().locator('#run-details').isVisible(), false);
    // the compact lines still say which launch, its state, executor, start, time so far and the counts
    const title = (await page().locator('.batch-header .title-line').textContent()) ?? '';
    for (const part of ['brave-otter (run 2)', 'running', 'slurm', 'started', 'by chemist']) assert.ok(title.includes(part), `"${part}" in "${title}"`);
    assert.match((await page().locator('[data-testid="batch-elapsed"]').textContent()) ?? '', /^running 4[0-9]m \d\ds$/);
    assert.match((await page().locator('[data-testid="progress-text"]').textContent()) ?? '', /^14\/30 ended · /);
  });

  it('unfolds and folds the run details by mouse and keyboard, and remembers the choice', { timeout: 30_000 }, async () => {
    const toggle = page().locator('[data-testid="header-toggle"]');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page().locator('#run-details').waitFor({ state: 'visible' });
    const details = (await page().locator('#run-details').textContent()) ?? '';
    for (const part of ['Message', `freq after the new basis; ${HOSTILE}`, 'Tags', 'Git', 'main @ 0123456789ab', 'Runner', 'login1 pid 4242', 'Batchfile', '/scratch/calcs/batchfile.csv']) {
      assert.ok(details.includes(part), `"${part}" in the run details`);
    }
    assert.equal((await state())?.layout?.headerCollapsed, false);
    const unfolded = (await box('.batch-header'))!;
    assert.ok(unfolded.height > HEADER_MAX_PX - 30, 'the details take room when shown');
    assert.ok(unfolded.height < VIEWPORT.height / 3, `unfolded, the header still leaves the jobs most of the window (${unfolded.height} px)`);

    await toggle.focus();
    await page().keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page().locator('#run-details').isVisible(), false);
    assert.equal((await state())?.layout?.headerCollapsed, true);
    await page().keyboard.press(' ');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page().keyboard.press(' ');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  });

  it('shows every status pill whole, "broken dependency" included', { timeout: 30_000 }, async () => {
    const cells = await page().evaluate(() => {
      const rows = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.job-row'));
      return rows.map((row) => {
        const cell = row.querySelector('.col-status')!;
        const badge = cell.querySelector('.badge')!;
        const last = row.querySelector('.col-lastEvent')!;
        return {
          text: badge.textContent,
          cut: cell.scrollWidth > cell.clientWidth || badge.getBoundingClientRect().right > cell.getBoundingClientRect().right + 0.5 || badge.scrollWidth > badge.clientWidth,
          lastCut: last.scrollWidth > last.clientWidth,
          lastText: last.textContent,
        };
      });
    });
    const seen = new Set(cells.map((cell) => cell.text));
    for (const status of JOB_STATUSES) assert.ok(seen.has(status.replace('_', ' ')), `a "${status}" pill is in view`);
    for (const cell of cells) {
      assert.equal(cell.cut, false, `the "${cell.text}" pill is cut`);
      assert.equal(cell.lastCut, false, `the last event "${cell.lastText}" is cut`);
    }
    // the pill in the detail's head too
    await send(message(RevealJobMessage, { key: 'water/sp/sp' }), '[data-testid="job-detail"] .detail-title', 'sp');
    const head = await page().evaluate(() => {
      const badge = (globalThis as unknown as PageGlobal).document.querySelector('[data-testid="job-detail"] .detail-head .badge')!;
      return { text: badge.textContent, cut: badge.scrollWidth > badge.clientWidth };
    });
    assert.deepEqual(head, { text: 'broken dependency', cut: false });
  });

  it('names folders from the batch\'s root, the absolute path in the tooltip, hostile names as text', { timeout: 30_000 }, async () => {
    const folders = await page().evaluate(() =>
      Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.job-row')).map((row) => ({
        key: row.getAttribute('data-key'),
        job: row.querySelector('.col-job')!.textContent,
        text: row.querySelector('.col-folder')!.textContent,
        title: row.querySelector('.col-folder')!.title,
      })),
    );
    const byKey = new Map(folders.map((folder) => [folder.key, folder]));
    const expect = (key: string, text: string, title: string) => assert.deepEqual(byKey.get(key), { key, job: byKey.get(key)?.job, text, title }, key);
    expect('water/opt/opt', 'water/opt', `${ROOT}/water/opt`);
    expect('methyl/freq/freq', 'methyl/freq', `${ROOT}/methyl/freq`);
    expect(`${ROOT}/root`, '.', ROOT);
    // a neighbour of the root reads as ../; a folder far from it keeps its absolute path
    expect('/scratch/shared/reference/ref/ref', '../shared/reference/ref', '/scratch/shared/reference/ref');
    expect('/home/chemist/archive/2024/old/old', '/home/chemist/archive/2024/old', '/home/chemist/archive/2024/old');
    const hostile = byKey.get(`${HOSTILE_DIR}/${HOSTILE}/${HOSTILE}`)!;
    assert.equal(hostile.job, HOSTILE);
    assert.equal(hostile.text, `${HOSTILE_DIR}/${HOSTILE}`);
    assert.equal(hostile.title, `${ROOT}/${HOSTILE_DIR}/${HOSTILE}`);
    assert.equal(await page().locator('main img, main b, main script').count(), 0, 'no markup from the data became elements');
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as PageGlobal).__test.violations), [], 'nothing broke the CSP');
    assert.deepEqual(dashboard!.problems, [], 'no dialog, console error or page error');
  });

  it('gives the job detail ≥ 40 % of the height below the header, resizable by mouse and keyboard', { timeout: 30_000 }, async () => {
    await send(message(RevealJobMessage, { key: FAILED_KEY }), '[data-testid="job-detail"] .detail-title', 'freq');
    const splitter = page().locator('[role="separator"][aria-controls]');
    await splitter.waitFor({ state: 'visible' });
    const body = (await box('.dashboard-body'))!;
    const header = (await box('.batch-header'))!;
    const detail = async () => (await box('[data-testid="job-detail"]'))!;
    const first = await detail();
    assert.ok(first.height >= 0.4 * (VIEWPORT.height - header.bottom), `the detail is ${first.height} px of ${VIEWPORT.height - header.bottom} px below the header`);
    assert.ok(Math.abs(first.bottom - body.bottom) <= 1, 'the detail runs to the bottom of the window');
    assert.equal(await splitter.getAttribute('aria-valuenow'), '45');
    assert.equal(await splitter.getAttribute('aria-orientation'), 'horizontal');
    const grid = (await box('.grid'))!;
    assert.ok(grid.height >= 5 * 24, `the table keeps rows in view above (${grid.height} px)`);

    // drag 100 px up with the mouse: the detail grows by as much
    const bar = (await splitter.boundingBox())!;
    const x = bar.x + bar.width / 2;
    const y = bar.y + bar.height / 2;
    await page().mouse.move(x, y);
    await page().mouse.down();
    await page().mouse.move(x, y - 50, { steps: 4 });
    await page().mouse.move(x, y - 100, { steps: 4 });
    await page().mouse.up();
    await frames();
    const dragged = await detail();
    assert.ok(Math.abs(dragged.height - first.height - 100) <= 2, `dragged 100 px: ${first.height} → ${dragged.height}`);
    const share = (await state())?.layout?.detailShare ?? null;
    assert.ok(share !== null && share > 0.45, `the share is remembered (${share})`);
    const dragValue = Number(await splitter.getAttribute('aria-valuenow'));
    assert.equal(dragValue, Math.round(share * 100));

    // keyboard: ↓ gives the detail 5 % less, Home its least, End its most (the tabs keep their least)
    await splitter.focus();
    await page().keyboard.press('ArrowDown');
    await frames();
    assert.equal(Number(await splitter.getAttribute('aria-valuenow')), dragValue - 5);
    assert.ok((await detail()).height < dragged.height - 20);
    await page().keyboard.press('Home');
    await frames();
    assert.ok(Math.abs((await detail()).height - 120) <= 2, `Home: the detail at its least (${(await detail()).height} px)`);
    await page().keyboard.press('End');
    await frames();
    const tabs = (await box('.dashboard-body > .tabs'))!;
    assert.ok(Math.abs(tabs.height - 160) <= 2, `End: the tabs keep 160 px (${tabs.height})`);
    await page().keyboard.press('ArrowUp');
    await frames();
    assert.ok(Math.abs((await box('.dashboard-body > .tabs'))!.height - 160) <= 2, 'no further than the bound');
    // a double click puts it back
    await splitter.dblclick();
    await frames();
    assert.equal(await splitter.getAttribute('aria-valuenow'), '45');
    assert.ok(Math.abs((await detail()).height - first.height) <= 1);
  });

  it('ends every tab\'s content above the splitter (graph and timeline get the room the table had)', { timeout: 30_000 }, async () => {
    const splitterTop = (await box('[role="separator"]'))!.top;
    for (const [tab, selector] of [['graph', '.graph-canvas'], ['timeline', '.timeline-scroll'], ['jobs', '.grid']] as const) {
      await page().locator(`vscode-tab-header[data-tab="${tab}"]`).click();
      await page().locator(selector).waitFor({ state: 'visible' });
      await frames(3);
      const content = (await box(selector))!;
      assert.ok(content.height >= 100, `${tab}: ${content.height} px tall`);
      assert.ok(content.bottom <= splitterTop + 1, `${tab} ends at ${content.bottom}, above the splitter at ${splitterTop}`);
    }
  });

  it('comes back after a reload with the header and the splitter as the reader left them', { timeout: 60_000 }, async () => {
    const splitter = page().locator('[role="separator"]');
    await splitter.focus();
    await page().keyboard.press('ArrowUp');
    await page().locator('[data-testid="header-toggle"]').click();
    const saved = (await state())!;
    assert.equal(saved.layout?.headerCollapsed, false);
    assert.ok(Math.abs((saved.layout?.detailShare ?? 0) - 0.5) < 1e-9, `share ${saved.layout?.detailShare}`);
    await load(saved);
    await page().locator('[data-testid="job-detail"] .detail-title', { hasText: 'freq' }).waitFor();
    assert.equal(await page().locator('[data-testid="header-toggle"]').getAttribute('aria-expanded'), 'true');
    assert.equal(await page().locator('[role="separator"]').getAttribute('aria-valuenow'), '50');
    // a fresh page on a tall window starts unfolded; on a short one folded (the state above is gone)
    await page().setViewportSize({ width: 1400, height: 1000 });
    await load();
    assert.equal(await page().locator('[data-testid="header-toggle"]').getAttribute('aria-expanded'), 'true');
    await page().setViewportSize(VIEWPORT);
    await load();
    assert.equal(await page().locator('[data-testid="header-toggle"]').getAttribute('aria-expanded'), 'false');
  });

  it('leaves screenshots at 1400×760 in light, dark and high contrast', { timeout: 60_000 }, async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    await send(message(RevealJobMessage, { key: FAILED_KEY }), '[data-testid="job-detail"] .detail-title', 'freq');
    await send(message(JobDetailMessage, { detail: DETAIL }), '[data-testid="output-tail"]', 'error termination');
    for (const { theme, file, background } of THEMES) {
      await page().evaluate((name) => {
        (globalThis as unknown as PageGlobal).document.body.className = `vscode-${name}`;
      }, theme);
      await frames();
      const color = await page().evaluate(() => {
        const w = globalThis as unknown as PageGlobal;
        return w.getComputedStyle(w.document.body).backgroundColor;
      });
      assert.equal(color, background);
      const path = join(RESULTS_DIR, file);
      await page().screenshot({ path });
      const png = readFileSync(path);
      assert.deepEqual({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, VIEWPORT, `${file} is the whole page`);
      if (process.env.BATCHMAN_UPDATE_SCREENSHOT === '1') {
        mkdirSync(README_PICTURES, { recursive: true });
        copyFileSync(path, join(README_PICTURES, file));
        console.log(`# wrote media/${file}`);
      }
    }
    assert.deepEqual(dashboard!.problems, []);
  });
});
