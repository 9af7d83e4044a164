// The dashboard's Results tab in Chromium (the built bundle, the stub host) over real results: real Gaussian, ORCA and
// xTB outputs copied into a temp batch, read by the host's own reader (readViewResults, as the panel does) and posted
// as the host posts them. The tab asks for them when first shown, shows the energies cclib reads from the same files,
// sorts by energy, converts units by the right factor, keeps a hostile job name as text, chooses the job on a click and
// posts the export; a screenshot at 1400×760, sorted by energy, goes to test-results/results-tab.png.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dashboardJob } from '../../core/dashboard/data.js';
import { ExportResultsCsvMessage, JobsChangedMessage, RequestResultsMessage, ResultsMessage, SelectJobMessage, SnapshotMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardResultRow, PageToHostMessage } from '../../core/dashboard/protocol.js';
import { dashboardResultRows, readViewResults } from '../../core/dashboard/resultsRows.js';
import { resultColumnsOf } from '../../core/dashboard/resultColumns.js';
import { keyOf } from '../../core/ledger/jobKey.js';
import { HARTREE_TO_KCAL } from '../../core/results/types.js';
import type { JobStatus } from '../../core/status.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';
import { RESULTS_DIR, ensureWebviewBuilt, openDashboard, webviewSkip } from './harness.js';
import type { DashboardPage } from './harness.js';
import { scratchBatch } from './batchFixture.js';

const CCLIB = join(import.meta.dirname, '..', 'fixtures', 'outputs', 'cclib');
const HOSTILE = '<img src=x onerror=alert(1)>';

/** cclib's reading of each output (its last SCF energy is the program's final energy for these runs). */
const expected = JSON.parse(readFileSync(join(CCLIB, 'expected-cclib.json'), 'utf8')) as Record<string, { finalScfEnergyHartree: number; gibbsHartree?: number }>;

/** basename, program, status, the output copied in (relative to the cclib folder) and the files beside it. */
const JOBS: { name: string; program: string; status: JobStatus; output?: string; beside?: string[] }[] = [
  { name: 'conf1', program: 'gaussian', status: 'succeeded', output: 'gaussian/g16-dvb_gopt.log' },
  { name: 'conf2', program: 'gaussian', status: 'succeeded', output: 'gaussian/g09-dvb_gopt.log' },
  { name: 'freq', program: 'orca', status: 'succeeded', output: 'orca/o6-dvb_ir.out' },
  { name: 'xopt', program: 'xtb', status: 'succeeded', output: 'xtb/dvb_opt/dvb_opt.out', beside: ['xtbopt.xyz', 'xtbopt.log'] },
  { name: 'hess', program: 'xtb', status: 'succeeded', output: 'xtb/dvb_ir/dvb_ir.out' },
  { name: HOSTILE, program: 'gaussian', status: 'failed', output: 'gaussian/g16-dvb_sp.log' },
  { name: 'never', program: 'orca', status: 'not_started' },
];

interface PageTest {
  posted: PageToHostMessage[];
}
interface PageNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
}
type PageGlobal = {
  __test: PageTest;
  document: { querySelector(selector: string): PageNode | null; querySelectorAll(selector: string): ArrayLike<PageNode> };
  postMessage(message: unknown, target: string): void;
};

const skip = webviewSkip();
if (skip) console.log(`# webview suite skipped: ${skip}`);

describe('dashboard Results tab in Chromium, over real outputs', { skip }, () => {
  let dashboard: DashboardPage | undefined;
  let root: string;
  let view: BatchView;
  let rows: DashboardResultRow[];

  const page = () => {
    if (!dashboard) throw new Error('the page did not open (see the before hook)');
    return dashboard.page;
  };
  const posted = () => page().evaluate(() => (globalThis as unknown as PageGlobal).__test.posted);
  const post = (value: unknown) => page().evaluate((m) => (globalThis as unknown as PageGlobal).postMessage(m, '*'), value);
  const keyOfName = (name: string) => keyOf({ directory: join(root, name), basename: name });
  /** Each shown row's job label and the cells of `columns`, top to bottom. */
  const shown = (columns: string[]) =>
    page().evaluate((cols) => {
      const rowsInDom = Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('.result-row'));
      return rowsInDom.map((row) => [row.getAttribute('data-job') ?? '', ...cols.map((column) => row.querySelector(`.rcol-${column}`)?.textContent ?? '')]);
    }, columns);
  const cell = async (name: string, column: string) => (await shown([column])).find(([job]) => job === name)?.[1];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'batchman-results-tab-'));
    for (const job of JOBS) {
      const folder = join(root, job.name);
      mkdirSync(folder);
      if (job.output) {
        const extension = job.program === 'gaussian' ? '.log' : '.out';
        copyFileSync(join(CCLIB, job.output), join(folder, `${job.name}${extension}`));
        for (const file of job.beside ?? []) copyFileSync(join(CCLIB, job.output, '..', file), join(folder, file));
      }
    }
    const jobs = JOBS.map((job) => ({ ...notStartedJob({ basename: job.name, directory: join(root, job.name), program: job.program }), status: job.status }));
    view = { id: join(root, 'batchfile.csv'), label: 'batchfile.csv', batchfilePath: join(root, 'batchfile.csv'), rootPath: root, ledgerPath: null, record: null, live: 'poller', stale: null, error: null, jobs };
    // the host's reader, as the panel calls it
    rows = dashboardResultRows(await readViewResults(view), root);
    await ensureWebviewBuilt();
    dashboard = await openDashboard();
    await page().setViewportSize({ width: 1400, height: 760 });
    await page().goto(dashboard.url);
    await page().waitForFunction(() => (globalThis as unknown as PageGlobal).__test.posted.length > 0, undefined, { timeout: 20_000 });
    const batch = scratchBatch({ id: view.id, label: 'calcs/batchfile.csv', batchfilePath: view.batchfilePath, rootPath: root });
    await post(message(SnapshotMessage, { batch, jobs: jobs.map((job) => dashboardJob(job)), links: [], history: [], at: new Date().toISOString() }));
    await page().locator('.job-row').first().waitFor();
  });

  after(async () => {
    await dashboard?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('asks the host for the results once, when the tab is first shown', { timeout: 30_000 }, async () => {
    assert.equal((await posted()).filter((m) => m.method === RequestResultsMessage.method).length, 0);
    await page().locator('vscode-tab-header[data-tab="results"]').click();
    await page().waitForFunction((method) => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === method), RequestResultsMessage.method);
    assert.equal(await page().locator('[data-testid="results-count"]').textContent(), 'reading the outputs…');
    await post(message(ResultsMessage, { columns: resultColumnsOf(rows), at: new Date().toISOString() }));
    await page().locator('[data-testid="results-count"]', { hasText: `${JOBS.length} jobs` }).waitFor();
    await page().locator('vscode-tab-header[data-tab="jobs"]').click();
    await page().locator('vscode-tab-header[data-tab="results"]').click();
    assert.equal((await posted()).filter((m) => m.method === RequestResultsMessage.method).length, 1);
  });

  it('shows the final energies and Gibbs energies cclib reads from the same outputs, — where unknown', async () => {
    for (const job of JOBS.filter((candidate) => candidate.output)) {
      const reading = expected[job.output!]!;
      assert.equal(await cell(job.name, 'energy'), reading.finalScfEnergyHartree.toFixed(6), `${job.name} E`);
      if (reading.gibbsHartree !== undefined) assert.equal(await cell(job.name, 'gibbs'), reading.gibbsHartree.toFixed(6), `${job.name} G`);
    }
    assert.deepEqual((await shown(['energy', 'relative', 'gibbs', 'imaginary', 'steps', 'wall', 'problems'])).find(([job]) => job === 'never'), ['never', '—', '—', '—', '—', '—', '—', 'no output']);
    // the relative energy by the CLI's rule: conf2 (Gaussian 09) against conf1 (Gaussian 16), same route, same molecule
    const conf2 = (expected['gaussian/g09-dvb_gopt.log']!.finalScfEnergyHartree - rows.find((row) => row.basename === 'conf1')!.finalEnergy!).toFixed(6);
    assert.equal(await cell('conf2', 'relative'), conf2);
    assert.equal(await cell('conf1', 'steps'), '5 ✓');
    assert.match((await page().locator('[data-testid="results-rule"]').textContent()) ?? '', /same program, method, formula and charge/);
  });

  it('sorts by energy when its header is clicked, lowest first, unknown last', async () => {
    const before = (await shown([])).map(([job]) => job);
    assert.deepEqual(before, JOBS.map((job) => job.name));
    await page().locator('.results-header-row [data-result-column="energy"]').click();
    const after = await shown(['energy']);
    const values = after.filter(([, energy]) => energy !== '—').map(([, energy]) => Number(energy));
    assert.deepEqual(values, [...values].sort((a, b) => a - b));
    assert.notDeepEqual(after.map(([job]) => job), before);
    assert.equal(after.at(-1)![0], 'never');
    assert.equal(await page().locator('.results-header-row [data-result-column="energy"]').locator('..').getAttribute('aria-sort'), 'ascending');
    // the picture README shows: sorted by energy, in Hartree
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page().screenshot({ path: join(RESULTS_DIR, 'results-tab.png') });
  });

  it('converts every energy by the unit’s factor when the unit changes', async () => {
    const hartree = Number(await cell('freq', 'energy'));
    const relative = Number(await cell('conf2', 'relative'));
    await page().locator('select.results-unit').selectOption('kcal');
    assert.equal(await cell('freq', 'energy'), (expected['orca/o6-dvb_ir.out']!.finalScfEnergyHartree * HARTREE_TO_KCAL).toFixed(2));
    assert.ok(Math.abs(Number(await cell('freq', 'energy')) / hartree - HARTREE_TO_KCAL) < 1e-3);
    assert.equal(await cell('conf2', 'relative'), (rows.find((row) => row.basename === 'conf2')!.relativeEnergy! * HARTREE_TO_KCAL).toFixed(2));
    assert.ok(Math.abs(Number(await cell('conf2', 'relative')) - relative * HARTREE_TO_KCAL) < 0.01);
    assert.equal(await page().locator('.results-header-row [data-result-column="energy"]').textContent(), 'E (kcal/mol) ▲');
  });

  it('shows a hostile job name as text', async () => {
    assert.equal(await cell(HOSTILE, 'job'), HOSTILE);
    assert.equal(await page().locator('.results-grid img').count(), 0);
    assert.deepEqual(dashboard!.problems, []);
  });

  it('filters by text (name, program, problems)', async () => {
    await page().locator('.results-toolbar input.search').fill('xtb');
    assert.deepEqual((await shown([])).map(([job]) => job).sort(), ['hess', 'xopt']);
    assert.equal(await page().locator('[data-testid="results-count"]').textContent(), `2 of ${JOBS.length} jobs`);
    await page().locator('.results-toolbar input.search').fill('');
  });

  it('chooses the job on a click, as the run table does (selectJob with its key)', async () => {
    await page().locator('.result-row[data-job="freq"]').click();
    await page().waitForFunction(
      ([method, key]) => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === method && (m.params as { key: string | null }).key === key),
      [SelectJobMessage.method, keyOfName('freq')] as const,
    );
    assert.equal(await page().locator('.result-row[data-job="freq"]').getAttribute('aria-selected'), 'true');
  });

  it('takes a job’s newer status from the run table between two reads of the results', async () => {
    const never = view.jobs.find((job) => job.basename === 'never')!;
    await post(message(JobsChangedMessage, { jobs: [dashboardJob({ ...never, status: 'pending', jobId: '77' })], at: new Date().toISOString() }));
    await page().locator('.result-row[data-job="never"] .badge', { hasText: 'pending' }).waitFor();
  });

  it('posts exportResultsCsv when Export is pressed', async () => {
    await page().locator('[data-testid="results-export"]').click();
    await page().waitForFunction((method) => (globalThis as unknown as PageGlobal).__test.posted.some((m) => m.method === method), ExportResultsCsvMessage.method);
    assert.deepEqual((await posted()).filter((m) => m.method === ExportResultsCsvMessage.method), [message(ExportResultsCsvMessage, {})]);
  });
});
