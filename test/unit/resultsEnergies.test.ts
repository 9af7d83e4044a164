// Energies in the Batches tree's tooltips and the batchfile's row hover, from real Gaussian outputs (numbers checked
// against what cclib reads from the same files), read through the views' bounded ResultsCache: in the background,
// within a budget, never writing a job's folder; the hover's reader trusts only a current {basename}.json.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, appendFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBatchModel, hover, parseBatchfile } from '../../core/batchfile/index.js';
import { jobKey } from '../../core/ledger/jobKey.js';
import { readJobResults } from '../../core/results/jobResults.js';
import { ResultsCache, parseWhenNeeded, recordedOnly } from '../../core/results/resultsCache.js';
import { BatchTree, jobNodeId } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';
import { endedResultsJob, resultsLines } from '../../core/view/resultsTooltip.js';

const cclibRoot = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
const cclib = JSON.parse(readFileSync(join(cclibRoot, 'expected-cclib.json'), 'utf8')) as Record<string, { finalScfEnergyHartree?: number; gibbsHartree?: number; imaginaryFrequencies?: number; optimizationConverged?: boolean; geometries?: number }>;

const scratch = await mkdtemp(join(tmpdir(), 'batchman-energies-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** A job folder `<name>/` holding a copy of a real output as `<name>.log` (Gaussian). */
async function gaussianJob(name: string, fixture: string): Promise<{ directory: string; basename: string; program: string }> {
  const directory = join(scratch, name);
  await mkdir(directory, { recursive: true });
  await copyFile(join(cclibRoot, fixture), join(directory, `${name}.log`));
  return { directory, basename: name, program: 'gaussian' };
}

/** The number after `label: ` in Markdown lines (`Final energy: -382.308267 Eh`). */
function numberAfter(text: string, label: string): number {
  const match = new RegExp(`^${label}: (-?\\d+\\.\\d+) Eh`, 'm').exec(text);
  assert.ok(match, `no ${label} in:\n${text}`);
  return Number(match[1]);
}

describe("an ended job's tooltip", () => {
  test('a frequency job: final energy, G and no imaginary frequency, as cclib reads them', async () => {
    const job = await gaussianJob('ir', 'gaussian/g16-dvb_ir.log');
    const expected = cclib['gaussian/g16-dvb_ir.log']!;
    const cache = new ResultsCache();
    const results = await cache.get(job, 60_000);
    assert.ok(results, 'results read within the budget');
    const id = join(scratch, 'batchfile.csv');
    const view = { ...notStartedJob(job), status: 'succeeded' as const, jobId: '12' };
    const tree = new BatchTree();
    tree.setBatch({ id, label: 'b', batchfilePath: id, rootPath: scratch, ledgerPath: null, record: null, live: 'idle', stale: null, error: null, jobs: [view] });
    const tooltip = tree.tooltip(jobNodeId(id, jobKey(job.directory, job.basename)), results);
    // 6 decimals shown: within half a µHartree of what we read, which agrees with cclib to 1e-6
    assert.ok(Math.abs(numberAfter(tooltip, 'Final energy') - expected.finalScfEnergyHartree!) <= 1.5e-6, tooltip);
    assert.ok(Math.abs(numberAfter(tooltip, 'G') - expected.gibbsHartree!) <= 1.5e-6, tooltip);
    assert.match(tooltip, new RegExp(`^Imaginary frequencies: ${expected.imaginaryFrequencies}  $`, 'm'));
    assert.doesNotMatch(tooltip, /^Problems:/m);
    // without results (not read yet) the tooltip is the job's alone
    assert.doesNotMatch(tree.tooltip(jobNodeId(id, jobKey(job.directory, job.basename))), /Final energy/);
  });

  test("an optimisation: converged, and its steps as cclib counts the output's geometries", async () => {
    const job = await gaussianJob('opt', 'gaussian/g16-dvb_gopt.log');
    const expected = cclib['gaussian/g16-dvb_gopt.log']!;
    const read = await readJobResults(job, { writeFile: false });
    const lines = resultsLines(read.results!).join('\n');
    assert.equal(expected.optimizationConverged, true);
    assert.match(lines, new RegExp(`^Optimisation: converged after ${expected.geometries} steps  $`, 'm'));
    assert.ok(Math.abs(numberAfter(lines, 'Final energy') - expected.finalScfEnergyHartree!) <= 1.5e-6);
  });

  test('only jobs that ran and ended have results to show', () => {
    const base = notStartedJob({ basename: 'a', directory: '/x', program: 'gaussian' });
    assert.equal(endedResultsJob(base), undefined);
    assert.equal(endedResultsJob({ ...base, status: 'running' }), undefined);
    assert.equal(endedResultsJob({ ...base, status: 'broken_dependency' }), undefined);
    for (const status of ['succeeded', 'failed', 'cancelled'] as const) assert.deepEqual(endedResultsJob({ ...base, status }), { directory: '/x', basename: 'a', program: 'gaussian' });
  });
});

describe('the views results cache', () => {
  test('a budget of 0 answers "not ready" at once; the read goes on and the next ask has it; the folder is not written', async () => {
    const job = await gaussianJob('later', 'gaussian/g16-dvb_sp.log');
    // the read is held until the first answer is given, as a 200 MB log would hold it
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = new ResultsCache({ load: async (target, previous) => (await gate, parseWhenNeeded(target, previous)) });
    assert.equal(await cache.get(job, 0), undefined);
    assert.equal(cache.peek(job), undefined);
    release();
    let results;
    for (let i = 0; i < 600 && !results; i++) results = cache.peek(job) ?? (await new Promise((resolve) => setTimeout(resolve, 10)), undefined);
    assert.ok(results, 'read in the background');
    assert.ok(Math.abs(results.finalEnergy! - cclib['gaussian/g16-dvb_sp.log']!.finalScfEnergyHartree!) <= 1e-6);
    assert.deepEqual(await readdir(job.directory), ['later.log'], 'a view never writes {basename}.json');
  });

  test('bounded: the least recently used job is dropped', async () => {
    const cache = new ResultsCache({ capacity: 2 });
    const jobs = [0, 1, 2].map((i) => ({ directory: join(scratch, `none${i}`), basename: 'x', program: 'gaussian' }));
    for (const job of jobs) assert.equal(await cache.get(job, 10_000), null, 'no output: no results');
    assert.equal(cache.size, 2);
    assert.equal(cache.peek(jobs[0]!), undefined);
    assert.equal(cache.peek(jobs[2]!), null);
  });

  test("the hover's reader: only a current {basename}.json, never a parse of the output", async () => {
    const job = await gaussianJob('recorded', 'gaussian/g16-dvb_ir.log');
    assert.equal((await recordedOnly(job, undefined)).results, null, 'no file: nothing (the job may still be running)');
    await readJobResults(job, { writeFile: true });
    const recorded = (await recordedOnly(job, undefined)).results;
    assert.ok(recorded);
    assert.ok(Math.abs(recorded.gibbs! - cclib['gaussian/g16-dvb_ir.log']!.gibbsHartree!) <= 1e-6);
    await appendFile(join(job.directory, 'recorded.log'), ' Step number 99\n');
    assert.equal((await recordedOnly(job, undefined)).results, null, 'an output newer than the file: not current');
  });

  test("the batchfile's row hover shows the results it is given, after the row's neighbours", async () => {
    const job = await gaussianJob('hovered', 'gaussian/g16-dvb_ir.log');
    const text = `root_directory=${scratch}\njob_basename|job_directory|program|pipe\nhovered|hovered|gaussian|\n`;
    const model = buildBatchModel(parseBatchfile(text), join(scratch, 'batchfile.csv'));
    const results = (await readJobResults(job, { writeFile: false })).results;
    const shown = hover(model, { line: 2, character: 2 }, { results: () => results })!.contents.value;
    assert.match(shown, /Feeds: nothing\n\nFinal energy: -382\.308267 Eh {2}\nG: -382\.164915 Eh {2}\nImaginary frequencies: 0 {2}/);
    assert.doesNotMatch(hover(model, { line: 2, character: 2 })!.contents.value, /Final energy/);
  });
});
