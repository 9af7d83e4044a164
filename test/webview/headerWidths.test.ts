// The dashboard header at the widths an editor group beside the batchfile gives it (600–1400 px) in Chromium, through the
// built bundle: every item of its two lines is whole or deliberately elided with its full text as tooltip (never cut to a
// fragment such as a lone "·"), no item overlaps another, the header never overflows sideways, and what gives way first
// is the batch's label, the executor and the start time, never the launch's name, its state or the elapsed time.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardBatch, DashboardJob, DashboardRecord } from '../../core/dashboard/protocol.js';
import type { JobStatus } from '../../core/status.js';
import { RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';
import { scratchBatch } from './batchFixture.js';

const WIDTHS = [600, 800, 1000, 1200, 1400];
const HEIGHT = 760;
/** Narrower than this an elided item no longer says anything (about five characters). */
const MIN_ELIDED_PX = 40;
/** The header's items, each the element that holds its text (and elides it). */
const ITEMS = ['.header-toggle', '.title-label', '.title-launch', '.state-badge', '.header-elapsed', '.header-error', '.header-executor', '.header-started', '.progress', '.progress-text'];

const minutes = (n: number): string => new Date(Date.now() - n * 60_000).toISOString();

function job(name: string, status: JobStatus): DashboardJob {
  const ended = ['succeeded', 'failed'].includes(status);
  return {
    basename: name,
    directory: `/scratch/calcs/${name}`,
    program: 'orca',
    status,
    jobId: status === 'not_started' ? null : String(81_000 + name.length),
    slurmState: status === 'running' ? 'RUNNING' : null,
    reason: null,
    lastEvent: status === 'not_started' ? null : { status, at: minutes(ended ? 10 : 30) },
    submittedAt: status === 'not_started' ? null : minutes(40),
    startedAt: status === 'not_started' || status === 'pending' ? null : minutes(38),
    endedAt: ended ? minutes(10) : null,
    elapsed: null,
    exitCode: status === 'succeeded' ? 0 : status === 'failed' ? 3 : null,
    cause: status === 'failed' ? 'exit code 3' : null,
    restarts: 0,
    key: `${name}/${name}`,
    label: name,
  };
}

const JOBS: DashboardJob[] = [job('a', 'succeeded'), job('b', 'failed'), job('c', 'running'), job('d', 'pending'), job('e', 'not_started')];

function record(patch: Partial<DashboardRecord>): DashboardRecord {
  return {
    id: '1767513600000_9f8e7d6c',
    name: 'brave-otter',
    runNumber: 2,
    message: '',
    tags: [],
    status: 'in_progress',
    startTime: minutes(42),
    endTime: null,
    createdBy: 'chemist',
    git: null,
    runner: { host: 'login1', pid: 4242, heartbeat: minutes(0) },
    executor: 'slurm',
    error: null,
    ...patch,
  };
}

/** The launch of the layout test, and one with every text long: the runner stopped by an error, a long name and label. */
const CASES: { name: string; batch: DashboardBatch; keepsWhole: string[] }[] = [
  { name: 'a running launch', batch: scratchBatch({ record: record({}) }), keepsWhole: ['.title-launch', '.state-badge', '.header-elapsed'] },
  {
    name: 'a launch with long texts',
    batch: scratchBatch({
      label: 'projects/2026/solvation-screening/acetonitrile/batchfile.csv',
      batchfilePath: '/scratch/projects/2026/solvation-screening/acetonitrile/batchfile.csv',
      record: record({
        name: 'meticulous-long-named-pangolin-of-the-north',
        runNumber: 117,
        status: 'internal_error',
        endTime: minutes(3),
        createdBy: 'a.very.long.user.name@chemistry.example.org',
        executor: 'slurm (partition gpu-long, account chem-2026)',
        error: 'The runner stopped: ENOSPC: no space left on device, writing /scratch/projects/2026/solvation-screening/__ledger__.csv',
      }),
    }),
    keepsWhole: ['.header-elapsed'],
  },
];

interface Measured {
  selector: string;
  text: string;
  title: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  whole: boolean;
  clippedBy: string | null;
  width: number;
}

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('dashboard header from 600 to 1400 px wide in Chromium', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const load = async (batch: DashboardBatch, width: number) => {
    await page().setViewportSize({ width, height: HEIGHT });
    await page().goto(dashboard!.url);
    await page().waitForFunction(() => (globalThis as unknown as { __test: { posted: unknown[] } }).__test.posted.length > 0, undefined, { timeout: 20_000 });
    const snapshot = message(SnapshotMessage, { batch, jobs: JOBS, links: [], history: [], at: minutes(0) });
    await page().evaluate(
      (m) => (globalThis as unknown as { __test: { sendAndTime(m: unknown, s: string, t?: string): Promise<number> } }).__test.sendAndTime(m, '[data-testid="shown-count"]', 'jobs'),
      snapshot,
    );
    // webfonts and the elements' own layout settle within a couple of frames
    for (let i = 0; i < 3; i++) await page().evaluate(() => (globalThis as unknown as { __test: { frame(): Promise<void> } }).__test.frame());
  };
  /** Every shown item's box, whether its text is whole, and the first ancestor that hides part of it. */
  const measure = () =>
    page().evaluate((selectors) => {
      type Node = {
        getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number };
        scrollWidth: number;
        clientWidth: number;
        textContent: string | null;
        title: string;
        className: string;
        tagName: string;
        parentElement: Node | null;
      };
      const w = globalThis as unknown as {
        document: { querySelector(s: string): Node | null };
        getComputedStyle(n: Node): { display: string; overflowX: string; visibility: string };
      };
      const out: Measured[] = [];
      for (const selector of selectors) {
        const node = w.document.querySelector(`.batch-header ${selector}`);
        if (!node || w.getComputedStyle(node).display === 'none') continue;
        const box = node.getBoundingClientRect();
        let clippedBy: string | null = null;
        for (let up = node.parentElement; up && up.tagName !== 'HTML'; up = up.parentElement) {
          if (w.getComputedStyle(up).overflowX === 'visible') continue;
          const outer = up.getBoundingClientRect();
          if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5) clippedBy = `${up.tagName}.${up.className}`;
        }
        out.push({
          selector,
          text: node.textContent ?? '',
          title: node.title,
          left: box.left,
          right: box.right,
          top: box.top,
          bottom: box.bottom,
          width: box.width,
          whole: node.scrollWidth <= node.clientWidth,
          clippedBy,
        });
      }
      return out;
    }, ITEMS);

  before(async () => {
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
  });

  after(async () => {
    await dashboard?.close();
  });

  for (const { name, batch, keepsWhole } of CASES) {
    for (const width of WIDTHS) {
      it(`${name} at ${width} px: every header item whole or elided with its full text as tooltip, none overlapping, nothing overflowing`, { timeout: 30_000 }, async () => {
        await load(batch, width);
        const items = await measure();
        const shown = new Set(items.map((item) => item.selector));
        for (const selector of ['.title-label', '.title-launch', '.state-badge', '.header-elapsed', '.header-executor', '.header-started', '.progress-text']) {
          if (selector === '.header-elapsed' && batch.record?.endTime === null && batch.record.status !== 'in_progress') continue;
          assert.ok(shown.has(selector), `${selector} is shown`);
        }
        for (const item of items) {
          assert.equal(item.clippedBy, null, `${item.selector} "${item.text}" is cut by ${item.clippedBy}`);
          assert.ok(item.right <= width + 0.5 && item.left >= -0.5, `${item.selector} lies within the window (${item.left}–${item.right})`);
          if (item.whole) continue;
          assert.ok(item.text !== "" && item.title.includes(item.text), `${item.selector} "${item.text}" is elided, so its tooltip holds its whole text (it says "${item.title}")`);
          assert.ok(item.width >= MIN_ELIDED_PX, `${item.selector} "${item.text}" is squeezed to ${item.width} px`);
        }
        for (const selector of keepsWhole) {
          const item = items.find((candidate) => candidate.selector === selector);
          assert.ok(item?.whole, `${selector} "${item?.text}" stays whole`);
        }
        // what gives way first: the launch's name and its state are elided only on a line where the label, the executor
        // and the start time no longer take room (they are elided too, or wrapped to another line)
        const find = (selector: string) => items.find((item) => item.selector === selector);
        for (const later of ['.title-launch', '.state-badge']) {
          const squeezed = find(later);
          if (!squeezed || squeezed.whole) continue;
          for (const first of ['.title-label', '.header-executor', '.header-started']) {
            const other = find(first);
            const sameLine = other !== undefined && Math.abs(other.top - squeezed.top) < squeezed.bottom - squeezed.top;
            assert.ok(!(sameLine && other.whole), `${later} is elided while ${first} "${other?.text}" keeps its whole room beside it`);
          }
        }
        for (let i = 0; i < items.length; i++) {
          for (let j = i + 1; j < items.length; j++) {
            const [a, b] = [items[i]!, items[j]!];
            const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
            assert.ok(!overlap, `${a.selector} "${a.text}" overlaps ${b.selector} "${b.text}"`);
          }
        }
        const header = await page().evaluate(() => {
          const node = (globalThis as unknown as { document: { querySelector(s: string): { scrollWidth: number; clientWidth: number; getBoundingClientRect(): { right: number } } } }).document.querySelector('.batch-header');
          return { scrollWidth: node.scrollWidth, clientWidth: node.clientWidth, right: node.getBoundingClientRect().right };
        });
        assert.ok(header.scrollWidth <= header.clientWidth, `the header overflows sideways (${header.scrollWidth} > ${header.clientWidth})`);
        assert.ok(header.right <= width, `the header ends at ${header.right}, past the window`);
        const page1 = await page().evaluate(() => {
          const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
        });
        assert.ok(page1.scrollWidth <= page1.clientWidth, `the page scrolls sideways (${page1.scrollWidth} > ${page1.clientWidth})`);
        assert.deepEqual(dashboard!.problems, [], 'no console error or page error');
      });
    }
  }

  it('keeps the running launch\'s start time whole at 1000 px (where it once shrank to "·") and leaves a picture', { timeout: 30_000 }, async () => {
    await load(CASES[0]!.batch, 1000);
    const started = (await measure()).find((item) => item.selector === '.header-started');
    assert.ok(started?.whole, `the start time reads "${started?.text}" in ${started?.width} px`);
    assert.match(started.text, /^started .* by chemist$/);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const path = join(RESULTS_DIR, 'dashboard-1000-light.png');
    await page().screenshot({ path });
    const png = readFileSync(path);
    assert.deepEqual({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, { width: 1000, height: HEIGHT }, 'the picture is the whole page');
  });
});
