// The job detail's results: the page's pure transforms (kcal/mol relative to the last step, imaginary modes marked,
// the frames the 3D view steps through), the trajectory sampler's bounds, and the host's detail builder on real
// Gaussian, ORCA and xTB outputs copied into temp job folders, checked against cclib's reading (expected-cclib.json).
import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readDetailResults, readJobDetail } from '../../core/dashboard/jobDetail.js';
import type { DashboardJobResults } from '../../core/dashboard/jobResultsMessage.js';
import { clampIndex, convergenceSeries, energyFacts, formatFrequency, frameLabel, frameXyz, frequencyRows, initialFrame, viewerFrames } from '../../core/dashboard/page/jobResults.js';
import { FrameSampler, TRAJECTORY_MAX_FRAMES, readTrajectory } from '../../core/programs/results/trajectory.js';
import { HARTREE_TO_KCAL } from '../../core/results/types.js';
import { jobViewFromRow } from '../../core/view/jobView.js';
import { CCLIB_DIR, FREQ_LOG, OPT_LOG, cclibReading, writeOptFreqJob } from '../support/gaussianOptFreq.js';

function results(patch: Partial<DashboardJobResults> = {}): DashboardJobResults {
  return {
    normalTermination: true, scfEnergy: null, finalEnergy: null, zpe: null, enthalpy: null, gibbs: null, temperature: null,
    frequencies: null, imaginaryFrequencies: null, optimization: null, geometry: null, problems: [], trajectory: null, ...patch,
  };
}

describe('page transforms', () => {
  it('the convergence series is kcal/mol relative to the last step, with max force per step', () => {
    const series = convergenceSeries({ steps: 3, converged: true, energies: [-1.01, -1.002, -1], maxForce: [0.1, null] });
    assert.deepEqual(series?.steps, [1, 2, 3]);
    assert.ok(Math.abs(series!.relativeKcal[0]! - -0.01 * HARTREE_TO_KCAL) < 1e-9);
    assert.ok(Math.abs(series!.relativeKcal[1]! - -0.002 * HARTREE_TO_KCAL) < 1e-9);
    assert.equal(series!.relativeKcal[2], 0);
    assert.deepEqual(series!.maxForce, [0.1, null, null], 'a step the output gave no force is null, never guessed');
    assert.equal(convergenceSeries(null), null);
    assert.equal(convergenceSeries({ steps: 0, converged: false, energies: [], maxForce: [] }), null);
  });

  it('frequencies: negative ones are imaginary and counted; zero is not', () => {
    const read = frequencyRows([-312.4567, -20, 0, 53.2]);
    assert.equal(read?.imaginary, 2);
    assert.deepEqual(read?.rows.map((row) => row.imaginary), [true, true, false, false]);
    assert.deepEqual(read?.rows.map((row) => row.mode), [1, 2, 3, 4]);
    assert.equal(formatFrequency(read!.rows[0]!), '-312.46 i');
    assert.equal(formatFrequency(read!.rows[3]!), '53.20');
    assert.equal(frequencyRows(null), null);
  });

  it('the 3D view steps through the trajectory, or shows the final geometry alone', () => {
    const geometry = [{ element: 'O', x: 0, y: 0, z: 0.1 }, { element: 'H', x: 0, y: 0.76, z: -0.5 }];
    const single = viewerFrames(results({ geometry, finalEnergy: -76.4 }));
    assert.deepEqual(single, { elements: ['O', 'H'], frames: [{ step: 1, energy: -76.4, coords: [0, 0, 0.1, 0, 0.76, -0.5] }], total: 1, source: null });
    assert.equal(frameXyz(single!.elements, single!.frames[0]!), '2\nstep 1\nO 0 0 0.1\nH 0 0.76 -0.5\n');
    assert.equal(frameLabel(single!, 0), 'step 1 of 1 · 0.00 kcal/mol');

    const trajectory = { elements: ['O'], frames: [{ step: 1, energy: -1.001, coords: [0, 0, 0] }, { step: 40, energy: -1, coords: [0, 0, 1] }], total: 40, source: 'xtbopt.log' };
    const frames = viewerFrames(results({ geometry, trajectory }));
    assert.equal(frames?.frames.length, 2, 'the trajectory wins over the final geometry');
    assert.equal(frameLabel(frames!, 0), `step 1 of 40 · ${(-0.001 * HARTREE_TO_KCAL).toFixed(2)} kcal/mol`);
    assert.equal(frameLabel(frames!, 99), 'step 40 of 40 · 0.00 kcal/mol', 'an index past the end shows the last frame');
    assert.equal(initialFrame(frames!), 1, 'an optimisation shows its last geometry first');
    const conformers = { ...frames!, source: 'crest_conformers.xyz' };
    assert.equal(initialFrame(conformers), 0, 'CREST shows its lowest conformer first');
    assert.equal(frameLabel(conformers, 1), `conformer 40 of 40 · +${(0.001 * HARTREE_TO_KCAL).toFixed(2)} kcal/mol`, 'relative to the lowest conformer');
    assert.equal(viewerFrames(results()), null);
    assert.equal(viewerFrames(null), null);
    assert.equal(clampIndex(-3, 5), 0);
    assert.equal(clampIndex(Number.NaN, 5), 0);
    assert.equal(clampIndex(2.7, 5), 2);
  });

  it('energy facts leave unknown values out and say how the optimisation ended', () => {
    const facts = energyFacts(results({ finalEnergy: -1.5, scfEnergy: -1.5, gibbs: -1.4, temperature: 298.15, imaginaryFrequencies: 1, optimization: { steps: 1, converged: false, energies: [-1.5], maxForce: [null] } }));
    assert.deepEqual(facts, [
      ['Final energy', '-1.500000 Eh'],
      ['Gibbs energy G', '-1.400000 Eh'],
      ['Temperature', '298.15 K'],
      ['Imaginary frequencies', '1'],
      ['Optimisation', '1 step, not converged'],
      ['Normal termination', 'yes'],
    ]);
  });
});

describe('trajectory sampler', () => {
  const frame = (i: number, atoms = 2) => ({ elements: Array.from({ length: atoms }, () => 'C'), coords: Array.from({ length: atoms * 3 }, (_, k) => i + k / 10), energy: -i });

  it('keeps every frame under the cap', () => {
    const sampler = new FrameSampler();
    for (let i = 0; i < 10; i++) sampler.push(frame(i));
    const trajectory = sampler.result('x.xyz');
    assert.deepEqual(trajectory?.frames.map((f) => f.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(trajectory?.total, 10);
  });

  it('samples 100,000 frames evenly to at most the cap, keeping the first and the last', () => {
    const sampler = new FrameSampler();
    for (let i = 0; i < 100_000; i++) sampler.push(frame(i));
    const trajectory = sampler.result('x.xyz')!;
    assert.ok(trajectory.frames.length <= TRAJECTORY_MAX_FRAMES, `${trajectory.frames.length} frames kept`);
    assert.ok(trajectory.frames.length > TRAJECTORY_MAX_FRAMES / 4, `${trajectory.frames.length} frames kept`);
    assert.equal(trajectory.frames[0]!.step, 1);
    assert.equal(trajectory.frames.at(-1)!.step, 100_000);
    assert.equal(trajectory.total, 100_000);
    const gaps = new Set(trajectory.frames.slice(1, -1).map((f, i) => f.step - trajectory.frames[i]!.step));
    assert.equal(gaps.size, 1, `evenly spaced (gaps ${[...gaps].join(', ')})`);
  });

  it('a large molecule keeps fewer frames (atoms over all frames are bounded); a repeated geometry is one frame; another molecule ends the trajectory', () => {
    const big = new FrameSampler(500, 10_000);
    for (let i = 0; i < 1000; i++) big.push(frame(i, 200));
    assert.ok(big.result('x')!.frames.length <= 50);
    const sampler = new FrameSampler();
    sampler.push(frame(1));
    sampler.push(frame(1));
    sampler.push(frame(2));
    sampler.push(frame(3, 3));
    assert.deepEqual(sampler.result('x')!.frames.map((f) => f.step), [1, 2]);
  });
});

describe('the host reads a job\'s results for its detail (real outputs, checked against cclib)', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-detail-results-'));
  });
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function jobFolder(name: string, source: string, basename: string, extension: string): Promise<string> {
    const directory = join(root, name);
    await mkdir(directory, { recursive: true });
    await copyFile(join(CCLIB_DIR, source), join(directory, `${basename}${extension}`));
    return directory;
  }

  it('Gaussian opt+freq: energies, steps, frequencies with the imaginary mode, atoms and the trajectory', async () => {
    const directory = join(root, 'optfreq');
    await writeOptFreqJob(directory, 'dvb');
    const opt = cclibReading(OPT_LOG);
    const freq = cclibReading(FREQ_LOG);
    const detail = await readJobDetail(jobViewFromRow({ basename: 'dvb', directory, program: 'gaussian', status: 'succeeded', jobId: 7 } as Parameters<typeof jobViewFromRow>[0]));
    const read = detail.results!;
    assert.ok(Math.abs(read.finalEnergy! - freq.finalScfEnergyHartree!) < 1e-6);
    assert.ok(Math.abs(read.gibbs! - freq.gibbsHartree!) < 1e-6);
    assert.equal(read.optimization?.steps, opt.scfEnergiesCount);
    assert.equal(read.optimization?.energies.length, opt.scfEnergiesCount);
    assert.equal(read.frequencies?.length, freq.frequencies);
    assert.equal(read.imaginaryFrequencies, (freq.imaginaryFrequencies ?? 0) + 1);
    assert.equal(read.geometry?.length, opt.atoms);
    assert.equal(read.trajectory?.frames.length, opt.geometries);
    assert.equal(read.trajectory?.elements.length, opt.atoms);
    assert.ok(read.problems.some((problem) => problem.includes('imaginary')), 'the imaginary mode is named as a problem');
  });

  it('ORCA optimisation: one frame per CARTESIAN COORDINATES block, the last one the final geometry', async () => {
    const file = 'orca/o6-dvb_gopt.out';
    const cclib = cclibReading(file);
    const directory = await jobFolder('orca', file, 'dvb', '.out');
    const read = (await readDetailResults({ basename: 'dvb', directory, program: 'orca' }))!;
    assert.ok(Math.abs(read.scfEnergy! - cclib.finalScfEnergyHartree!) < 1e-6);
    assert.equal(read.trajectory?.frames.length, cclib.geometries);
    assert.equal(read.trajectory?.elements.length, cclib.atoms);
    const last = read.trajectory!.frames.at(-1)!.coords;
    const first = read.geometry![0]!;
    assert.deepEqual(last.slice(0, 3), [first.x, first.y, first.z]);
  });

  it('xTB optimisation: the xtbopt.log frames beside the output', async () => {
    const cclib = cclibReading('xtb/dvb_opt/dvb_opt.out');
    const directory = await jobFolder('xtb', 'xtb/dvb_opt/dvb_opt.out', 'dvb_opt', '.out');
    await copyFile(join(CCLIB_DIR, 'xtb/dvb_opt/xtbopt.log'), join(directory, 'xtbopt.log'));
    const read = (await readDetailResults({ basename: 'dvb_opt', directory, program: 'xtb' }))!;
    assert.ok(Math.abs(read.scfEnergy! - cclib.finalScfEnergyHartree!) < 1e-6);
    assert.equal(read.trajectory?.elements.length, cclib.atoms);
    assert.equal(read.trajectory?.frames.length, read.optimization?.steps, 'one frame per step xTB printed');
    assert.ok(read.trajectory!.frames.every((frame) => frame.energy !== null));
  });

  it('a trajectory read before is kept while its file is unchanged, and read again once it changes', async () => {
    const directory = join(root, 'cache');
    await mkdir(directory, { recursive: true });
    await copyFile(new URL('../fixtures/outputs/crest/ok/mol.out', import.meta.url).pathname, join(directory, 'mol.out'));
    const frame = (energy: string) => `3\n  ${energy}\nO 0 0 ${-Number(energy) - 5}\nH 0 0.7 -0.5\nH 0 -0.7 -0.5\n`;
    await writeFile(join(directory, 'crest_conformers.xyz'), frame('-5.1') + frame('-5.0'));
    const read = () => readTrajectory('crest', directory, 'mol', join(directory, 'mol.out'));
    const first = await read();
    assert.equal(first?.frames.length, 2);
    assert.equal(await read(), first, 'the same object: the file was not read again');
    await writeFile(join(directory, 'crest_conformers.xyz'), frame('-5.1') + frame('-5.0') + frame('-4.9'));
    assert.equal((await read())?.frames.length, 3, 'the longer file is read again');
  });

  it('CREST: the conformers of crest_conformers.xyz are the frames, each with its energy', async () => {
    const directory = join(root, 'crest');
    await mkdir(directory, { recursive: true });
    await copyFile(new URL('../fixtures/outputs/crest/ok/mol.out', import.meta.url).pathname, join(directory, 'mol.out'));
    await copyFile(new URL('../fixtures/inputs/xyz/crest-conformers.xyz', import.meta.url).pathname, join(directory, 'crest_conformers.xyz'));
    const read = (await readDetailResults({ basename: 'mol', directory, program: 'crest' }))!;
    assert.equal(read.trajectory?.source, 'crest_conformers.xyz');
    assert.deepEqual(read.trajectory?.elements, ['O', 'H', 'H']);
    assert.equal(read.trajectory?.frames.length, 2);
    assert.equal(read.trajectory?.frames[0]!.energy, -5.07054519);
    assert.equal(frameLabel(viewerFrames(read)!, 0), 'conformer 1 of 2 · 0.00 kcal/mol');
    assert.equal(read.trajectory?.frames[1]!.energy, -5.070541);
    assert.equal(frameLabel(viewerFrames(read)!, 1), 'conformer 2 of 2 · 0.00 kcal/mol', '0.003 kcal/mol above the lowest rounds to 0.00');
  });

  it('a single point has no trajectory; a program without a parser or a folder without output has no results', async () => {
    const directory = await jobFolder('sp', 'gaussian/g16-dvb_sp.log', 'sp', '.log');
    const read = (await readDetailResults({ basename: 'sp', directory, program: 'gaussian' }))!;
    assert.equal(read.trajectory, null);
    assert.equal(read.geometry?.length, cclibReading('gaussian/g16-dvb_sp.log').atoms);
    assert.equal(await readDetailResults({ basename: 'none', directory, program: 'gaussian' }), null);
    assert.equal(await readDetailResults({ basename: 'sp', directory, program: 'shell' }), null);
  });

  it('a hostile output gives partial results and problems, never a throw', async () => {
    const directory = join(root, 'garbage');
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'bad.log'), Buffer.concat([Buffer.from(' Standard orientation:\n ------\n 1 6 0 0.0 0.0\n'), Buffer.from([0, 255, 0, 10])]));
    const read = await readDetailResults({ basename: 'bad', directory, program: 'gaussian' });
    assert.ok(read);
    assert.equal(read.trajectory, null);
    assert.ok(read.problems.length > 0);
  });
});
