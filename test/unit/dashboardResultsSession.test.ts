// The Results tab's host side (DashboardSession + readViewResults) over a batch of real Gaussian outputs in a temp
// folder: nothing is read until the page asks, the answer follows the snapshot, the rows are read again (once per burst)
// when a job ends and not when nothing ended, reading writes nothing into job folders, and the CSV export hands over
// exactly what `batchman results --csv` prints for the same batch.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { resultsCommand } from '../../core/cli/results.js';
import { DASHBOARD_PROTOCOL_VERSION, ExportResultsCsvMessage, ReadyMessage, RequestResultsMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardResultRow, HostToPageMessage } from '../../core/dashboard/protocol.js';
import { readViewResults } from '../../core/dashboard/resultsRows.js';
import { resultRowsOf } from '../../core/dashboard/resultColumns.js';
import { DashboardSession } from '../../core/dashboard/session.js';
import { keyOf } from '../../core/ledger/jobKey.js';
import type { ResultsRow } from '../../core/results/batchResults.js';
import type { BatchView } from '../../core/view/batchTree.js';
import type { JobView } from '../../core/view/jobView.js';
import { batchView, jobView } from './dashboardHostFixtures.js';

const CCLIB = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
/** What cclib reads as the last SCF energy of each log (expected-cclib.json); Gaussian's final energy is its last SCF Done. */
const OPT_ENERGY = -382.3082666;
const IR_GIBBS = -382.164915;

let root: string;
let view: BatchView;
let posted: HostToPageMessage[];
let reads: number;
let saved: { view: string; csv: string }[];
let warnings: string[];
let session: DashboardSession;

function job(basename: string, patch: Partial<JobView> = {}): JobView {
  return jobView(basename, { directory: join(root, basename), program: 'gaussian', ...patch });
}

function setJob(basename: string, patch: Partial<JobView>): void {
  view = { ...view, jobs: view.jobs.map((candidate) => (candidate.basename === basename ? { ...candidate, ...patch } : candidate)) };
}

function resultsMessages(): DashboardResultRow[][] {
  return posted.flatMap((m) => (m.method === 'batchman/dashboard/results' ? [resultRowsOf(m.params.columns)] : []));
}

function methods(): string[] {
  return posted.map((m) => m.method.replace('batchman/dashboard/', ''));
}

function start(): void {
  posted = [];
  reads = 0;
  saved = [];
  warnings = [];
  session = new DashboardSession({
    batchId: view.id,
    resultsDelayMs: 20,
    ports: {
      post: (m) => void posted.push(m),
      batchView: () => view,
      readRecords: async () => [],
      readLinks: async () => [],
      readDetail: () => Promise.reject(new Error('no detail in these tests')),
      reloadPage: () => undefined,
      setTitle: () => undefined,
      runJobAction: async () => undefined,
      openBatchFile: async () => undefined,
      warn: (text) => void warnings.push(text),
      error: (text) => void warnings.push(text),
      readResults: (batch): Promise<ResultsRow[]> => {
        reads++;
        return readViewResults(batch);
      },
      saveResultsCsv: async (batch, csv) => void saved.push({ view: batch.id, csv }),
    },
  });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'batchman-dashboard-results-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  await rm(root, { recursive: true, force: true });
  await mkdir(join(root, 'opt'), { recursive: true });
  await mkdir(join(root, 'freq'), { recursive: true });
  await copyFile(join(CCLIB, 'gaussian/g16-dvb_gopt.log'), join(root, 'opt', 'opt.log'));
  view = batchView([job('opt', { status: 'succeeded' }), job('freq', { status: 'running', jobId: '12' })], { id: join(root, 'batchfile.csv'), batchfilePath: join(root, 'batchfile.csv'), rootPath: root });
  start();
});

describe('dashboard results: read when the tab asks, after the snapshot', () => {
  it('reads nothing for a page that never shows the Results tab', async () => {
    session.receive(message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    await session.settled();
    setJob('freq', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    assert.equal(reads, 0);
    assert.deepEqual(resultsMessages(), []);
  });

  it('answers requestResults with every job in batchfile order, the energies the output holds, after the snapshot', async () => {
    session.receive(message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    session.receive(message(RequestResultsMessage, {}));
    await session.settled();
    assert.deepEqual(methods(), ['snapshot', 'results']);
    const [rows] = resultsMessages();
    assert.deepEqual(
      rows!.map((row) => [row.key, row.label, row.status, row.hasOutput]),
      [
        [keyOf({ directory: join(root, 'opt'), basename: 'opt' }), 'opt', 'succeeded', true],
        [keyOf({ directory: join(root, 'freq'), basename: 'freq' }), 'freq', 'running', false],
      ],
    );
    const opt = rows![0]!;
    assert.ok(Math.abs(opt.finalEnergy! - OPT_ENERGY) < 1e-6, `final energy ${opt.finalEnergy}`);
    assert.equal(opt.relativeEnergy, 0);
    assert.deepEqual(opt.optimization, { steps: 5, converged: true });
    assert.equal(rows![1]!.finalEnergy, null);
  });

  it('ignores a request from a page that has not said ready', async () => {
    session.receive(message(RequestResultsMessage, {}));
    await session.settled();
    assert.equal(reads, 0);
    assert.deepEqual(posted, []);
  });

  it('writes nothing into the job folders (a view only reads)', async () => {
    session.receive(message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    session.receive(message(RequestResultsMessage, {}));
    await session.settled();
    assert.deepEqual((await readdir(join(root, 'opt'))).sort(), ['opt.log']);
  });
});

describe('dashboard results: read again when jobs end', () => {
  beforeEach(async () => {
    session.receive(message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    session.receive(message(RequestResultsMessage, {}));
    await session.settled();
    assert.equal(reads, 1);
  });

  it('sends the rows again when a job ends, with what its output now holds', async () => {
    await copyFile(join(CCLIB, 'gaussian/g16-dvb_ir.log'), join(root, 'freq', 'freq.log'));
    setJob('freq', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    assert.equal(reads, 2);
    const latest = resultsMessages().at(-1)!;
    const freq = latest.find((row) => row.basename === 'freq')!;
    assert.equal(freq.status, 'succeeded');
    assert.ok(Math.abs(freq.gibbs! - IR_GIBBS) < 1e-6, `G ${freq.gibbs}`);
    assert.equal(freq.imaginaryFrequencies, 0);
  });

  it('reads once for a burst of ends', async () => {
    setJob('freq', { status: 'failed' });
    session.batchChanged();
    setJob('opt', { status: 'pending' });
    session.batchChanged();
    await session.settled();
    assert.equal(reads, 2);
  });

  it('reads nothing when no job ended (a running job changed its id)', async () => {
    setJob('freq', { jobId: '13' });
    session.batchChanged();
    await session.settled();
    assert.equal(reads, 1);
  });

  it('posts nothing when a read finds the same rows', async () => {
    setJob('freq', { status: 'cancelled' });
    session.batchChanged();
    await session.settled();
    setJob('freq', { status: 'running' });
    session.batchChanged();
    await session.settled();
    assert.equal(reads, 3);
    // cancelled, then running again: two changed row sets
    assert.equal(resultsMessages().length, 3);
    session.receive(message(RequestResultsMessage, {}));
    await session.settled();
    assert.equal(reads, 4);
    assert.equal(resultsMessages().length, 3);
  });

  it('stops after the page is hidden, and a reloaded page asks again', async () => {
    session.pageGone();
    setJob('freq', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    assert.equal(reads, 1);
    session.receive(message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    session.receive(message(RequestResultsMessage, {}));
    await session.settled();
    assert.equal(reads, 2);
    assert.equal(methods().filter((m) => m === 'results').length, 2);
  });
});

describe('dashboard results: CSV export', () => {
  it('hands the save port exactly what `batchman results --csv` prints for the batch', async () => {
    await copyFile(join(CCLIB, 'gaussian/g16-dvb_ir.log'), join(root, 'freq', 'freq.log'));
    setJob('freq', { status: 'succeeded' });
    await writeFile(join(root, 'batchfile.csv'), ['root_directory=.', 'job_basename|job_directory|program|pipe', 'opt|opt|gaussian|', 'freq|freq|gaussian|', ''].join('\n'));
    session.receive(message(ReadyMessage, { protocolVersion: DASHBOARD_PROTOCOL_VERSION }));
    session.receive(message(ExportResultsCsvMessage, {}));
    await session.settled();
    assert.equal(saved.length, 1);
    assert.equal(saved[0]!.view, view.id);
    let printed = '';
    const code = await resultsCommand([join(root, 'batchfile.csv'), '--csv'], { out: (text) => void (printed += text.endsWith('\n') ? text : `${text}\n`), err: () => undefined });
    assert.equal(code, 0);
    assert.equal(saved[0]!.csv, printed);
    assert.match(saved[0]!.csv, /^basename,directory,program,status,final_energy_hartree,/);
    assert.equal(saved[0]!.csv.trim().split('\n').length, 3);
    assert.deepEqual(warnings, []);
  });
});
