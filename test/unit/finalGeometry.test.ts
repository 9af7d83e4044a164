// Final geometries where the next job expects them: after a successful Gaussian optimisation `{basename}.xyz` from
// the log's last orientation, as CCBatchMan writes it; read from a real Gaussian 16 log (cclib's regression data).
import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBatchModel } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { PROGRAMS } from '../../core/programs/catalog.js';
import { ensureUpstreamFinalGeometries, writeFinalGeometry } from '../../core/programs/finalGeometry.js';
import { finalGeometryXyz } from '../../core/programs/geometry/finalXyz.js';
import { readFinalGaussianOrientation } from '../../core/programs/geometry/gaussianLog.js';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import { applyPipes } from '../../core/programs/pipeTransfer.js';
import { defaultBatchSettings } from '../../core/runner/batchSettings.js';
import { createJobHooks } from '../../core/runner/jobHooks.js';

const cclib = new URL('../fixtures/outputs/cclib/gaussian/', import.meta.url).pathname;
const GOPT_LOG = join(cclib, 'g16-dvb_gopt.log');
const GOPT_GJF = join(cclib, 'g16-dvb_gopt.gjf');
const IR_LOG = join(cclib, 'g16-dvb_ir.log');
// cclib's reading of g16-dvb_gopt.log: 20 atoms, the first at (0.269445, 1.410118, -0.0) Å.
const CCLIB_FIRST_ATOM = [0.269445, 1.410118, -0.0];

describe('the final orientation of a real Gaussian 16 optimisation', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-final-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the last "Standard orientation" table, and agrees with cclib', async () => {
    const atoms = (await readFinalGaussianOrientation(GOPT_LOG))!;
    assert.equal(atoms.length, 20);
    const first = atoms[0]!;
    [first.x, first.y, first.z].forEach((value, index) => assert.ok(Math.abs(value - CCLIB_FIRST_ATOM[index]!) < 1e-4, `${value}`));
    assert.equal(first.element, 'C');
    assert.deepEqual([...new Set(atoms.map((atom) => atom.element))].sort(), ['C', 'H']);
  });

  it('is written as CCBatchMan writes it after a successful optimisation: {basename}.xyz, six decimals', async () => {
    const job = join(dir, 'opt');
    await mkdir(job);
    await copyFile(GOPT_LOG, join(job, 'dvb.log'));
    await copyFile(GOPT_GJF, join(job, 'dvb.gjf'));
    const written = await writeFinalGeometry({ basename: 'dvb', path: job, program: PROGRAMS.gaussian });
    assert.equal(written, join(job, 'dvb.xyz'));
    const text = await readFile(written, 'utf8');
    const lines = text.split('\n');
    assert.equal(lines[0], '20');
    assert.equal(lines[1], 'Final coordinates from dvb optimization');
    assert.equal(lines[2], 'C  0.269445  1.410118  0.000000');
    assert.equal(lines[4], 'C  -1.325389  -0.457058  -0.000000', "a negative zero keeps its sign, as Python's format does");
    assert.equal(lines.length, 23, 'ends with a newline');
    // What a downstream coords pipe reads.
    assert.equal(parseXyz(text).atoms.length, 20);
  });

  it('without the input, the route the log echoes says it was an optimisation', async () => {
    const job = join(dir, 'noinput');
    await mkdir(job);
    await copyFile(GOPT_LOG, join(job, 'opt.log'));
    assert.equal(await writeFinalGeometry({ basename: 'opt', path: job, program: PROGRAMS.gaussian }), join(job, 'opt.xyz'));
  });

  it('nothing is written for a run that optimised nothing, nor for programs that write their own', async () => {
    const job = join(dir, 'freq');
    await mkdir(job);
    await copyFile(IR_LOG, join(job, 'freq.log'));
    assert.equal(await writeFinalGeometry({ basename: 'freq', path: job, program: PROGRAMS.gaussian }), undefined);
    assert.equal(await writeFinalGeometry({ basename: 'freq', path: job, program: PROGRAMS.orca }), undefined);
    assert.equal(await writeFinalGeometry({ basename: 'gone', path: join(dir, 'missing'), program: PROGRAMS.gaussian }), undefined);
    assert.deepEqual(await readdir(job), ['freq.log']);
  });

  it('a table cut off at the end of the log is passed over for the one before', async () => {
    const log = await readFile(GOPT_LOG, 'utf8');
    const lastTable = log.lastIndexOf('Standard orientation:');
    const cut = join(dir, 'cut.log');
    // The log up to the third row of its last table: the input-frame table before it is the last complete one.
    await writeFile(cut, log.slice(0, log.indexOf('\n', log.indexOf('     3          6', lastTable)) + 1));
    const atoms = (await readFinalGaussianOrientation(cut))!;
    assert.equal(atoms.length, 20);
    const inputTable = log.lastIndexOf('Input orientation:');
    assert.ok(inputTable < lastTable);
    const firstRow = log.slice(inputTable).split('\n')[5]!.trim().split(/\s+/);
    assert.deepEqual([atoms[0]!.x, atoms[0]!.y], [Number(firstRow[3]), Number(firstRow[4])]);
  });

  it('reads backwards from the end: a log with 64 MB before its tables costs only its tail', async () => {
    const big = join(dir, 'big.log');
    const handle = await open(big, 'w');
    // Sparse: 64 MB of holes, then the real log.
    await handle.truncate(64 * 1024 * 1024);
    await handle.write(await readFile(GOPT_LOG), 0, undefined, 64 * 1024 * 1024);
    await handle.close();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const atoms = await readFinalGaussianOrientation(big);
    const ms = performance.now() - started;
    assert.equal(atoms?.length, 20);
    assert.ok(process.memoryUsage().rss - before < 16 * 1024 * 1024, 'bounded memory');
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it('formats atoms as CCBatchMan does', () => {
    assert.equal(finalGeometryXyz([{ element: 'O', x: 0, y: -0.5, z: 1.23456789 }], 'w'), '1\nFinal coordinates from w optimization\nO  0.000000  -0.500000  1.234568\n');
  });
});

describe('the runner writes it when the job succeeded, and a downstream pipe reads it', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-final-run-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const batch = (rootPath: string) =>
    buildBatchModel(
      parseBatchfile([`root_directory=${rootPath}`, 'job_basename|job_directory|program|pipe', 'opt|mol1/opt|gaussian|', 'sp|mol1/sp|xtb|coords{../opt,}'].join('\n')),
      join(rootPath, 'batchfile.csv'),
    );
  const row = (status: LedgerRow['status'], directory: string): LedgerRow => ({ jobId: 7, basename: 'opt', directory, status, program: 'gaussian' });

  it('onJobEnded writes {basename}.xyz for a success, nothing for a failure', async () => {
    const model = batch(root);
    const [opt] = model.jobs;
    await mkdir(opt!.path, { recursive: true });
    await copyFile(GOPT_LOG, join(opt!.path, 'opt.log'));
    await copyFile(GOPT_GJF, join(opt!.path, 'opt.gjf'));
    const hooks = createJobHooks({ model, rootPath: root, settings: defaultBatchSettings(), restartFailed: false });
    await hooks.onJobEnded!(opt!, row('failed', opt!.path));
    assert.ok(!(await readdir(opt!.path)).includes('opt.xyz'));
    await hooks.onJobEnded!(opt!, row('succeeded', opt!.path));
    assert.ok((await readdir(opt!.path)).includes('opt.xyz'));
  });

  it('a job whose upstream succeeded without a runner gets the geometry written before its pipe', async () => {
    const other = join(root, 'unwatched');
    const model = batch(other);
    const [opt, sp] = model.jobs;
    await mkdir(opt!.path, { recursive: true });
    await mkdir(sp!.path, { recursive: true });
    await copyFile(GOPT_LOG, join(opt!.path, 'opt.log'));
    await copyFile(GOPT_GJF, join(opt!.path, 'opt.gjf'));
    assert.deepEqual(await ensureUpstreamFinalGeometries(model, sp!), [join(opt!.path, 'opt.xyz')]);
    const piped = await applyPipes(model, sp!);
    assert.ok(piped.ok, JSON.stringify(piped));
    assert.equal(parseXyz(await readFile(join(sp!.path, 'sp.xyz'), 'utf8')).atoms.length, 20);
    // Once there, it is left as it is.
    assert.deepEqual(await ensureUpstreamFinalGeometries(model, sp!), []);
  });
});
