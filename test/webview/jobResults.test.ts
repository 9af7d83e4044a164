// The job detail's results in real Chromium: the host's detail of a real Gaussian opt+freq job (cclib's outputs in a
// temp job folder, its lowest mode made imaginary) shown by the built page — the convergence plot with one point per
// step, the frequencies with the imaginary one marked, the final geometry in a WebGL 3D view with every atom, a frame
// slider through the optimisation — checked against cclib's reading, under the strict CSP; a screenshot for README.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readJobDetail } from '../../core/dashboard/jobDetail.js';
import { JobDetailMessage, RevealJobMessage, SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardJob, DashboardJobDetail } from '../../core/dashboard/protocol.js';
import { keyOf } from '../../core/ledger/jobKey.js';
import { FREQ_LOG, OPT_LOG, cclibReading, writeOptFreqJob } from '../support/gaussianOptFreq.js';
import { scratchBatch } from './batchFixture.js';
import { RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';

interface PageTest {
  posted: unknown[];
  violations: string[];
  sendAndTime(message: unknown, doneSelector: string, doneText?: string): Promise<number>;
}
type TestGlobal = { __test: PageTest };
/** The few DOM shapes the page-side callbacks use (the test project has no DOM types). */
interface PageCanvas { width: number; height: number; getContext(kind: '2d'): { drawImage(image: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
interface PageSlider { value: string; max: string; dispatchEvent(event: unknown): boolean }
interface PageDocument {
  querySelector(selector: string): (PageSlider & PageCanvas & { scrollIntoView(options: unknown): void }) | null;
  createElement(tag: 'canvas'): PageCanvas;
}

interface PageScrollNode { scrollTop: number; scrollLeft: number; scrollHeight: number; clientHeight: number; parentElement: PageScrollNode | null }
interface PageScrollDocument { scrollingElement: PageScrollNode; querySelector(selector: string): PageScrollNode | null }

/** A unit quaternion (x, y, z, w) turning `angle` degrees about `axis`, as 3Dmol's getView() gives its rotation. */
function axisAngle(axis: [number, number, number], angle: number): number[] {
  const half = (angle * Math.PI) / 360;
  return [...axis.map((c) => c * Math.sin(half)), Math.cos(half)];
}

/** The rotation `a` after `b` (Hamilton product a·b): `a` about the screen's axes, `b` the view's rotation. */
function multiply(a: number[], b: number[]): number[] {
  const [ax, ay, az, aw] = a as [number, number, number, number];
  const [bx, by, bz, bw] = b as [number, number, number, number];
  return [aw * bx + ax * bw + ay * bz - az * by, aw * by - ax * bz + ay * bw + az * bx, aw * bz + ax * by - ay * bx + az * bw, aw * bw - ax * bx - ay * by - az * bz];
}

/** Equal to the page's four decimals (a quaternion and its negation are one rotation: compared as given). */
function assertClose(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  assert.ok(actual.every((value, i) => Math.abs(value - expected[i]!) < 2e-3), `${what}: ${actual.map((n) => n.toFixed(4)).join(' ')} ≠ ${expected.map((n) => n.toFixed(4)).join(' ')}`);
}

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('job detail results in Chromium', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  let folder = '';
  let detail: DashboardJobDetail;
  const opt = cclibReading(OPT_LOG);
  const freq = cclibReading(FREQ_LOG);

  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const send = (value: unknown, doneSelector: string, doneText?: string) =>
    page().evaluate(([m, selector, text]) => (globalThis as unknown as TestGlobal).__test.sendAndTime(m, selector as string, text as string | undefined), [value, doneSelector, doneText] as const);

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'batchman-detail-results-'));
    const directory = join(folder, 'dvb', 'optfreq');
    await writeOptFreqJob(directory, 'dvb');
    const job: DashboardJob = {
      basename: 'dvb', directory, program: 'gaussian', status: 'succeeded', jobId: '4242', slurmState: null, reason: null,
      elapsed: '0:42', exitCode: 0, cause: null, submittedAt: '2025-01-01T08:00:00.000Z', startedAt: '2025-01-01T08:00:10.000Z',
      endedAt: '2025-01-01T08:00:52.000Z', restarts: 0, lastEvent: { status: 'succeeded', at: '2025-01-01T08:00:52.000Z' },
      key: keyOf({ directory, basename: 'dvb' }), label: 'dvb',
    };
    detail = await readJobDetail(job);
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await page().goto(dashboard.url);
    await page().waitForFunction(() => (globalThis as unknown as TestGlobal).__test.posted.length > 0, undefined, { timeout: 20_000 });
    // The run table shows the job in the batch's root (/scratch/calcs), as in README's picture; its files are in the temp folder.
    const listed: DashboardJob = { ...job, directory: '/scratch/calcs/dvb/optfreq' };
    await send(message(SnapshotMessage, { batch: scratchBatch(), jobs: [listed], links: [], history: [], at: '2025-01-01T09:00:00.000Z' }), '[data-testid="shown-count"]');
    await send(message(RevealJobMessage, { key: job.key }), '[data-testid="job-detail"] .detail-title', 'dvb');
    await send(message(JobDetailMessage, { detail }), '[data-testid="molecule-3d"][data-atom-count]');
  });

  after(async () => {
    await dashboard?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('the host reads the results and the trajectory from the job folder', () => {
    const results = detail.results;
    assert.ok(results, 'the detail has results');
    assert.equal(results.optimization?.steps, opt.scfEnergiesCount);
    assert.equal(results.trajectory?.frames.length, opt.geometries, 'one frame per geometry cclib reads');
    assert.ok(Math.abs(results.finalEnergy! - freq.finalScfEnergyHartree!) < 1e-6, 'the final energy is the frequency step\'s, as cclib reads it');
  });

  it('plots one point per optimisation step on a canvas', async () => {
    const plot = page().locator('[data-testid="convergence-plot"]');
    assert.equal(await plot.getAttribute('data-points'), String(opt.scfEnergiesCount));
    assert.ok((await plot.locator('canvas').count()) >= 1, 'uPlot drew on a canvas');
    const box = await plot.locator('canvas').first().boundingBox();
    assert.ok(box && box.width > 200 && box.height > 100, `the plot canvas is ${box?.width}×${box?.height}`);
  });

  it('lists every frequency with the imaginary one marked and counted', async () => {
    const list = page().locator('[data-testid="frequencies"]');
    assert.equal(await list.locator('li').count(), freq.frequencies);
    const imaginary = (freq.imaginaryFrequencies ?? 0) + 1; // cclib's count for the unedited log, plus the mode made imaginary
    assert.equal(await list.locator('li.imaginary').count(), imaginary);
    assert.equal(await list.locator('li.imaginary').first().textContent(), '-312.46 i');
    assert.equal(await page().locator('[data-testid="frequency-summary"]').textContent(), `${freq.frequencies} modes, ${imaginary} imaginary`);
    const facts = (await page().locator('[data-testid="result-facts"]').textContent()) ?? '';
    assert.match(facts, new RegExp(`Imaginary frequencies${imaginary}`));
  });

  it('draws the final geometry on a WebGL canvas with every atom, and steps through the frames', async () => {
    const view = page().locator('[data-testid="molecule-3d"]');
    assert.equal(await view.getAttribute('data-atom-count'), String(opt.atoms), 'the viewer\'s model holds cclib\'s atoms');
    assert.equal(await view.getAttribute('data-frame'), String(opt.geometries! - 1), 'the last frame (the final geometry) first');
    assert.match((await view.getAttribute('data-webgl')) ?? '', /^webgl2?$/, 'the viewer draws with WebGL');
    // Render the first frame, then copy what the canvas shows: pixels unlike the background are atoms and bonds.
    const drawn = await page().evaluate(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const slider = doc.querySelector('.molecule-slider')!;
      slider.value = '0';
      slider.dispatchEvent(new Event('input'));
      const canvas = doc.querySelector('[data-testid="molecule-3d"] canvas')!;
      const copy = doc.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const context = copy.getContext('2d')!;
      context.drawImage(canvas, 0, 0);
      const pixels = context.getImageData(0, 0, copy.width, copy.height).data;
      const [r, g, b] = [pixels[0]!, pixels[1]!, pixels[2]!];
      let coloured = 0;
      for (let i = 0; i < pixels.length; i += 4) if (Math.abs(pixels[i]! - r) + Math.abs(pixels[i + 1]! - g) + Math.abs(pixels[i + 2]! - b) > 60) coloured++;
      return { coloured, total: pixels.length / 4 };
    });
    assert.ok(drawn.total > 10_000, `the canvas has ${drawn.total} pixels`);
    assert.ok(drawn.coloured > drawn.total * 0.01, `${drawn.coloured} of ${drawn.total} pixels show atoms or bonds`);
    assert.equal(await view.getAttribute('data-frame'), '0');
    assert.match((await page().locator('[data-testid="molecule-frame"]').textContent()) ?? '', new RegExp(`^step 1 of ${opt.geometries} · \\+\\d+\\.\\d\\d kcal/mol$`));
  });

  it('turns, zooms and resets the 3D view from the keyboard, about the screen\'s axes, without scrolling the page', async () => {
    const view = page().locator('[data-testid="molecule-3d"]');
    assert.equal(await view.getAttribute('tabindex'), '0');
    assert.equal(await view.getAttribute('role'), 'application');
    assert.equal(await view.getAttribute('aria-label'), `Geometry, ${opt.atoms} atoms: arrow keys rotate, + and − zoom, 0 resets; or drag to rotate, scroll to zoom`);
    const readView = async () => ((await view.getAttribute('data-view')) ?? '').split(' ').map(Number);
    const first = await readView();
    assert.equal(first.length, 8, `the view is 3Dmol's eight numbers: ${first.join(' ')}`);
    // The detail scrolls (a short window), with room left below: an arrow key the view let through would scroll it.
    await page().setViewportSize({ width: 1000, height: 420 });
    const scroll = () => page().evaluate(() => {
      const doc = (globalThis as unknown as { document: PageScrollDocument }).document;
      const scrollers = [doc.scrollingElement];
      for (let node = doc.querySelector('[data-testid="molecule-3d"]')!.parentElement; node; node = node.parentElement) if (node.scrollHeight > node.clientHeight + 1) scrollers.push(node);
      return scrollers.map((node) => ({ top: node.scrollTop, left: node.scrollLeft, room: node.scrollHeight - node.clientHeight - node.scrollTop }));
    });
    await page().evaluate(() => (globalThis as unknown as { document: PageDocument }).document.querySelector('[data-testid="molecule-3d"]')!.scrollIntoView({ block: 'center' }));
    // Into the view by the keyboard: from the frame slider after it, Shift+Tab.
    await page().locator('.molecule-slider').focus();
    await page().keyboard.press('Shift+Tab');
    await page().waitForTimeout(200);
    // What became of each key once the page had it (a listener on the window sees it after the view's).
    await page().evaluate(() => {
      const win = globalThis as unknown as { __keys: string[]; addEventListener(type: 'keydown', listener: (event: { key: string; defaultPrevented: boolean }) => void): void };
      win.__keys = [];
      win.addEventListener('keydown', (event) => win.__keys.push(`${event.key}${event.defaultPrevented ? ' prevented' : ''}`));
    });
    const before = await scroll();
    assert.ok(before.some((scroller) => scroller.room > 20), `something could scroll down: ${JSON.stringify(before)}`);
    assert.equal(await page().evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid')), 'molecule-3d');
    const outline = await view.evaluate((node) => { const style = (globalThis as unknown as { getComputedStyle(node: unknown): { outlineStyle: string; outlineColor: string } }).getComputedStyle(node); return `${style.outlineStyle} ${style.outlineColor}`; });
    assert.equal(outline, 'solid rgb(0, 95, 184)', 'the light theme\'s focus border colour (#005fb8)');

    await page().keyboard.press('ArrowRight');
    const turned = await readView();
    assert.notDeepEqual(turned.slice(4), first.slice(4), 'ArrowRight turned the molecule');
    assert.deepEqual(turned.slice(0, 4), first.slice(0, 4), 'and neither moved nor zoomed it');
    const expectedRight = multiply(axisAngle([0, 1, 0], 15), first.slice(4));
    assertClose(turned.slice(4), expectedRight, 'ArrowRight: 15° about the screen\'s y axis');
    await page().keyboard.press('ArrowDown');
    await page().keyboard.press('ArrowDown');
    // About the screen's x axis, after the turn about y: a turn about the model's x axis would give another rotation.
    assertClose((await readView()).slice(4), multiply(axisAngle([1, 0, 0], 30), expectedRight), 'ArrowDown twice: 30° about the screen\'s x axis');
    await page().waitForTimeout(300);
    assert.deepEqual(await scroll(), before, 'the arrows did not scroll the page');

    await page().keyboard.press('+');
    const closer = await readView();
    assert.ok(closer[3]! > first[3]!, `+ zoomed in (the camera's z ${first[3]} → ${closer[3]})`);
    await page().keyboard.press('-');
    await page().keyboard.press('-');
    assert.ok((await readView())[3]! < closer[3]!, '- zoomed out');
    await page().keyboard.press('0');
    assertClose(await readView(), first, '0: the view first shown');
    assert.equal(await view.getAttribute('data-frame'), '0', 'the keys leave the frame as it was');

    // Other keys are the page's: Tab moves on to the slider.
    await page().keyboard.press('Tab');
    assert.equal(await page().evaluate(() => (globalThis as unknown as { document: { activeElement: { className: string } | null } }).document.activeElement?.className), 'molecule-slider');
    assertClose(await readView(), first, 'Tab left the view alone');
    assert.deepEqual(await page().evaluate(() => (globalThis as unknown as { __keys: string[] }).__keys),
      ['ArrowRight prevented', 'ArrowDown prevented', 'ArrowDown prevented', '+ prevented', '- prevented', '- prevented', '0 prevented', 'Tab'],
      'the view\'s keys are its own (no scrolling, no typing), Tab is the page\'s');
  });

  it('breaks no CSP rule and logs no error; screenshot', async () => {
    const violations = await page().evaluate(() => (globalThis as unknown as TestGlobal).__test.violations);
    assert.deepEqual(violations, []);
    assert.deepEqual(dashboard!.problems, []);
    await page().setViewportSize({ width: 1400, height: 760 });
    await page().evaluate(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const slider = doc.querySelector('.molecule-slider')!;
      slider.value = slider.max;
      slider.dispatchEvent(new Event('input'));
      doc.querySelector('[data-testid="job-results"]')?.scrollIntoView({ block: 'start' });
    });
    await page().waitForTimeout(300);
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page().screenshot({ path: join(RESULTS_DIR, 'job-detail-results.png') });
  });

  it('says when a running job\'s results were read when the output has grown since, as text, and nothing once they are current', async () => {
    const age = page().locator('[data-testid="results-age"]');
    assert.equal(await age.isHidden(), true, 'current results carry no age');
    await send(message(JobDetailMessage, { detail: { ...detail, resultsAt: '2025-01-01T09:03:09.000Z' } }), '[data-testid="results-age"]:not([hidden])', 'As of');
    assert.match((await age.textContent()) ?? '', /^As of \d{4}-\d{2}-\d{2} \d{2}:\d{2}:09: the output has grown since; it is read again as the job runs\.$/);
    assert.equal(await age.locator('*').count(), 0, 'plain text, no markup');
    await send(message(JobDetailMessage, { detail }), '[data-testid="results-age"][hidden]');
    assert.equal(await age.isHidden(), true);
  });
});
