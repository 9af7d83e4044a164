// The dashboard's Graph and Timeline tabs in Chromium, through the built bundle and the stub host: a 300-job batch
// of pipelines draws one node per job and one arrow per pipe, nodes recolour on jobsChanged without a relayout,
// a hostile job name stays text, clicks and Enter post selectJob; the timeline has rows (and bars) for submitted jobs
// only, its running bars grow with time, and both pictures are saved in light and dark under test-results/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JobsChangedMessage, SelectJobMessage, SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardJob, PageToHostMessage } from '../../core/dashboard/protocol.js';
import { pipelineBatch } from '../unit/pictureFixtures.js';
import { RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';
import { scratchBatch } from './batchFixture.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const JOB_COUNT = 300;

interface PageTest {
  posted: PageToHostMessage[];
  violations: string[];
}
/** The page's globals, as the test reaches them inside evaluate() (the test itself is compiled without DOM types). */
interface PageElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  textContent: string | null;
  hidden: boolean;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  style: { width: string };
}
type PageGlobal = {
  __test: PageTest;
  document: { body: { className: string }; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
  getComputedStyle(node: PageElement): { stroke: string; color: string; backgroundColor: string };
  postMessage(message: unknown, target: string): void;
  requestAnimationFrame(callback: () => void): void;
};

const BATCH = scratchBatch();

/** The synthetic batch, its times ending around now (so running bars grow on screen), one job with a hostile name. */
function batch(): ReturnType<typeof pipelineBatch> {
  const made = pipelineBatch(JOB_COUNT, Date.now() - (JOB_COUNT + 40) * 60_000);
  const victim = made.jobs.find((job) => job.status === 'running' && made.links.some((link) => link.from === job.basename))!;
  const old = victim.basename;
  victim.basename = HOSTILE;
  victim.key = HOSTILE;
  victim.label = HOSTILE;
  for (const link of made.links) {
    if (link.from === old) link.from = HOSTILE;
    if (link.to === old) link.to = HOSTILE;
  }
  return made;
}

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('dashboard graph and timeline in Chromium', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  const { jobs, links } = batch();
  const submitted = jobs.filter((job) => job.status !== 'not_started' && job.submittedAt !== null);

  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const posted = () => page().evaluate(() => (globalThis as unknown as PageGlobal).__test.posted);
  const selections = async () => (await posted()).filter((m) => m.method === SelectJobMessage.method).map((m) => (m.params as { key: string | null }).key);
  const post = (value: unknown) => page().evaluate((m) => (globalThis as unknown as PageGlobal).postMessage(m, '*'), value);
  const count = (selector: string) => page().evaluate((s) => (globalThis as unknown as PageGlobal).document.querySelectorAll(s).length, selector);
  /** The node <g> of a job, found by comparing attributes (a hostile name cannot go into a CSS selector safely). */
  const nodeAttr = (basename: string, what: 'class' | 'transform' | 'aria-label' | 'text') =>
    page().evaluate(
      ([name, attr]) => {
        const nodes = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node'));
        const node = nodes.find((candidate) => candidate.getAttribute('data-job') === name);
        if (!node) return null;
        return attr === 'text' ? (node.querySelector('text')?.textContent ?? null) : node.getAttribute(attr);
      },
      [basename, what] as const,
    );
  const screenshot = async (name: string) => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    for (const theme of ['light', 'dark'] as const) {
      await page().evaluate((t) => {
        (globalThis as unknown as PageGlobal).document.body.className = `vscode-${t}`;
      }, theme);
      // a frame for the theme's colours to apply
      await page().evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as PageGlobal).requestAnimationFrame(() => resolve())));
      await page().screenshot({ path: join(RESULTS_DIR, `dashboard-${name}-${theme}.png`) });
    }
    await page().evaluate(() => {
      (globalThis as unknown as PageGlobal).document.body.className = 'vscode-light';
    });
  };

  before(async () => {
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await dashboard.page.goto(dashboard.url);
    await dashboard.page.waitForFunction(() => (globalThis as unknown as PageGlobal).__test.posted.length > 0, undefined, { timeout: 20_000 });
    await post(message(SnapshotMessage, { batch: BATCH, jobs, links, history: [], at: new Date().toISOString() }));
  });

  after(async () => {
    await dashboard?.close();
  });

  it('draws one node per job and one arrow per pipe on the Graph tab', { timeout: 30_000 }, async () => {
    await page().locator('[data-tab="graph"]').click({ timeout: 10_000 });
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node').length === n, JOB_COUNT, { timeout: 15_000 });
    assert.equal(await count('.graph-node'), JOB_COUNT);
    assert.equal(await count('path.graph-edge'), links.length);
    assert.equal(await count('path.graph-edge.kind-orbitals'), links.filter((link) => link.kind === 'orbitals').length);
    const drawn = await page().evaluate(() =>
      Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node')).map((node) => [node.getAttribute('data-job'), node.getAttribute('class'), node.getAttribute('aria-label'), node.getAttribute('tabindex')]),
    );
    const expected = new Map(jobs.map((job) => [job.basename, job]));
    assert.equal(new Set(drawn.map(([name]) => name)).size, JOB_COUNT);
    for (const [name, className, label, tabindex] of drawn) {
      const job = expected.get(name!)!;
      assert.ok(job, `${name} is a job of the batch`);
      assert.match(className!, new RegExp(`^graph-node status-${job.status}( |$)`));
      assert.equal(label, `job ${name}, ${job.status.replace('_', ' ')}`);
      assert.equal(tabindex, '0');
    }
  });

  it('shows a hostile name as text: no element, no dialog', { timeout: 30_000 }, async () => {
    assert.equal(await nodeAttr(HOSTILE, 'text'), HOSTILE);
    assert.equal(await count('img'), 0);
    assert.equal(await count('.graph-view script, .graph-view img'), 0);
    assert.deepEqual(dashboard!.problems, [], 'no dialog, console error or page error');
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as PageGlobal).__test.violations), []);
  });

  it('recolours nodes on jobsChanged, without a relayout', { timeout: 30_000 }, async () => {
    const targets = jobs.filter((job) => job.status === 'running').slice(0, 10);
    assert.equal(targets.length, 10);
    const before = await Promise.all(targets.map((job) => nodeAttr(job.basename, 'transform')));
    const changed: DashboardJob[] = targets.map((job) => ({ ...job, status: 'failed', endedAt: new Date().toISOString(), cause: 'OUT_OF_MEMORY' }));
    await post(message(JobsChangedMessage, { jobs: changed, at: new Date().toISOString() }));
    await page().waitForFunction(
      (names) => {
        const nodes = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.graph-node.status-failed'));
        return names.every((name) => nodes.some((node) => node.getAttribute('data-job') === name));
      },
      targets.map((job) => job.basename),
      { timeout: 10_000 },
    );
    for (const job of targets) assert.equal(await nodeAttr(job.basename, 'aria-label'), `job ${job.basename}, failed`);
    assert.deepEqual(await Promise.all(targets.map((job) => nodeAttr(job.basename, 'transform'))), before, 'nodes stayed where they were');
    // the colours are the table badges': whatever a .status-* element gets from the theme
    const colours = await page().evaluate(() => {
      const g = globalThis as unknown as PageGlobal & { document: { createElement(tag: string): PageElement & { className: string; remove(): void }; body: { appendChild(node: unknown): void } } };
      // (no named functions in here: tsx would wrap them in a helper the page does not have)
      const [failedBadge, runningBadge] = ['failed', 'running'].map((status) => {
        const probe = g.document.createElement('span');
        probe.className = `badge status-${status}`;
        g.document.body.appendChild(probe);
        const colour = g.getComputedStyle(probe).color;
        probe.remove();
        return colour;
      });
      return {
        failed: g.getComputedStyle(g.document.querySelector('.graph-node.status-failed .graph-box')!).stroke,
        running: g.getComputedStyle(g.document.querySelector('.graph-node.status-running .graph-box')!).stroke,
        failedBadge,
        runningBadge,
      };
    });
    assert.equal(colours.failed, colours.failedBadge);
    assert.equal(colours.running, colours.runningBadge);
    assert.notEqual(colours.failed, colours.running);
  });

  it('posts selectJob when a node is clicked or activated with Enter', { timeout: 30_000 }, async () => {
    const name = jobs.find((job) => job.basename.endsWith('_freq'))!.basename;
    await page().locator(`.graph-node[data-job="${name}"]`).click();
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === 'batchman/dashboard/selectJob' && (m.params as { key: string }).key === n), name, { timeout: 5000 });
    assert.match((await nodeAttr(name, 'class')) ?? '', /\bselected\b/);
    const other = jobs.find((job) => job.basename.endsWith('_sp'))!.basename;
    await page().locator(`.graph-node[data-job="${other}"]`).focus();
    await page().keyboard.press('Enter');
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === 'batchman/dashboard/selectJob' && (m.params as { key: string }).key === n), other, { timeout: 5000 });
    const chosen = await selections();
    assert.deepEqual(chosen.slice(-2), [name, other]);
    await screenshot('graph');
  });

  it('draws rows and bars for submitted jobs only on the Timeline tab', { timeout: 60_000 }, async () => {
    await page().locator('[data-tab="timeline"]').click({ timeout: 10_000 });
    await page().locator('.timeline-row').first().waitFor({ timeout: 10_000 });
    assert.equal(await page().locator('.timeline-scroll').getAttribute('aria-setsize'), String(submitted.length));
    const inDom = await count('.timeline-row');
    assert.ok(inDom > 10 && inDom < 100, `${inDom} rows in the DOM (virtualised)`);

    // scroll through every row: exactly the submitted jobs, each with the bars its times call for
    const seen = await page().evaluate(async () => {
      const g = globalThis as unknown as PageGlobal;
      const scroller = g.document.querySelector('.timeline-scroll')!;
      const rows = new Map<string, { pending: boolean; running: boolean; end: string | null }>();
      scroller.scrollTop = 0;
      for (let step = 0; step < 1000; step++) {
        await new Promise<void>((resolve) => g.requestAnimationFrame(() => resolve()));
        for (const row of Array.from(g.document.querySelectorAll('.timeline-row'))) {
          const end = row.querySelector('.timeline-end')!;
          rows.set(row.getAttribute('data-job')!, {
            pending: !row.querySelector('.timeline-pending')!.hidden,
            running: !row.querySelector('.timeline-running')!.hidden,
            end: end.hidden ? null : end.getAttribute('class'),
          });
        }
        if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
        scroller.scrollTop += scroller.clientHeight / 2;
      }
      scroller.scrollTop = 0;
      return [...rows];
    });
    assert.deepEqual(seen.map(([name]) => name).sort(), submitted.map((job) => job.basename).sort());
    const byName = new Map(jobs.map((job) => [job.basename, job]));
    const changedToFailed = new Set(jobs.filter((job) => job.status === 'running').slice(0, 10).map((job) => job.basename));
    for (const [name, bars] of seen) {
      const job = byName.get(name)!;
      const status = changedToFailed.has(name) ? 'failed' : job.status;
      assert.equal(bars.pending, true, `${name} has a pending bar`);
      assert.equal(bars.running, job.startedAt !== null, `${name}: a running bar iff it started`);
      assert.equal(bars.end, ['succeeded', 'failed', 'cancelled'].includes(status) ? `timeline-end status-${status}` : null, `${name}: end mark`);
    }
  });

  it('grows running bars with time and posts selectJob for a clicked row', { timeout: 30_000 }, async () => {
    // scroll to a row whose job is running now
    const name = await page().evaluate(async () => {
      const g = globalThis as unknown as PageGlobal;
      const scroller = g.document.querySelector('.timeline-scroll')!;
      for (let step = 0; step < 1000; step++) {
        await new Promise<void>((resolve) => g.requestAnimationFrame(() => resolve()));
        const rows = Array.from(g.document.querySelectorAll('.timeline-row'));
        const row = rows.find((r) => {
          const bar = r.querySelector('.timeline-running.status-running');
          return bar !== null && !bar.hidden && r.getAttribute('data-job') !== '<img src=x onerror=alert(1)>';
        });
        if (row) return row.getAttribute('data-job');
        if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) return null;
        scroller.scrollTop += scroller.clientHeight / 2;
      }
      return null;
    });
    assert.ok(name !== null && name !== HOSTILE, 'a running job is in view');
    assert.equal(jobs.find((job) => job.basename === name)!.status, 'running');
    const width = () =>
      page().evaluate((n) => {
        const rows = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.timeline-row'));
        return rows.find((row) => row.getAttribute('data-job') === n)?.querySelector('.timeline-running')?.style.width ?? null;
      }, name);
    const row = page().locator(`.timeline-row[data-job="${name}"]`);
    const first = await width();
    assert.ok(first !== null, 'the running job has a running bar');
    // the one-second timer re-renders: the bar's share of a growing range changes
    await page().waitForFunction(
      ([n, was]) => {
        const rows = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.timeline-row'));
        const now = rows.find((r) => r.getAttribute('data-job') === n)?.querySelector('.timeline-running')?.style.width;
        return now !== undefined && now !== was;
      },
      [name, first] as const,
      { timeout: 5000 },
    );
    await row.click();
    await page().waitForFunction((n) => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === 'batchman/dashboard/selectJob' && (m.params as { key: string }).key === n), name, { timeout: 5000 });
    assert.match((await row.getAttribute('class')) ?? '', /\bselected\b/);
    await page().locator('.timeline-scroll').evaluate((node) => {
      (node as unknown as PageElement).scrollTop = 0;
    });
    await screenshot('timeline');
    assert.deepEqual(dashboard!.problems, [], 'no dialog, console error or page error');
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as PageGlobal).__test.violations), []);
  });
});
