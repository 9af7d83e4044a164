// Real xTB runs (optimisation, then a hessian at the optimised geometry): our results agree with the numbers xTB
// printed, read here independently by a plain regex on its lines.
import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { parseXtbOutput } from '../../core/programs/results/xtbResults.js';
import { WATER_XYZ, xtbSkip } from '../support/xtb.js';

const skip = await xtbSkip();

/** Every number xTB printed after `label` on a line (as `| TOTAL ENERGY  -5.07 Eh |`, `:: zero point energy 0.02 Eh ::`). */
function printed(text: string, label: RegExp): number[] {
  const numbers: number[] = [];
  for (const line of text.split('\n')) {
    const match = label.exec(line);
    if (match) numbers.push(Number(line.slice(match.index + match[0].length).trim().split(/\s+/)[0]));
  }
  return numbers;
}

describe('real xTB: optimisation, then hessian', { skip }, () => {
  let dir: string;
  const run = async (name: string, args: string[]) => {
    const folder = join(dir, name);
    await execa('xtb', args, { cwd: folder, timeout: 180_000, reject: false, stdout: { file: join(folder, `${name}.out`) }, env: { OMP_NUM_THREADS: '1' } });
    return join(folder, `${name}.out`);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-xtb-results-'));
    await mkdir(join(dir, 'opt'));
    await writeFile(join(dir, 'opt', 'opt.xyz'), WATER_XYZ);
    await run('opt', ['opt.xyz', '--opt']);
    await mkdir(join(dir, 'hess'));
    await copyFile(join(dir, 'opt', 'xtbopt.xyz'), join(dir, 'hess', 'hess.xyz'));
    await run('hess', ['hess.xyz', '--hess']);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the optimisation: total energy, each cycle, convergence, the final geometry of xtbopt.xyz', async () => {
    const out = join(dir, 'opt', 'opt.out');
    const text = await readFile(out, 'utf8');
    const { results } = await parseXtbOutput(out, join(dir, 'opt'));
    assert.equal(results.normalTermination, true);
    assert.equal(results.finalEnergy, printed(text, /TOTAL ENERGY/).at(-1));
    assert.equal(results.scfEnergy, printed(text, /:: total energy/).at(-1));
    const cycles = printed(text, /^\s*\* total energy\s*:/);
    assert.deepEqual(results.optimization?.energies, cycles);
    assert.deepEqual(results.optimization?.maxForce, printed(text, /^\s*gradient norm\s*:/));
    assert.equal(results.optimization?.steps, cycles.length);
    assert.equal(results.optimization?.converged, /GEOMETRY OPTIMIZATION CONVERGED/.test(text));
    const xyz = (await readFile(join(dir, 'opt', 'xtbopt.xyz'), 'utf8')).trim().split('\n');
    const [element, x] = xyz[2]!.trim().split(/\s+/);
    assert.equal(results.geometry?.length, 3);
    assert.equal(results.geometry![0]!.element, element);
    assert.ok(Math.abs(results.geometry![0]!.x - Number(x)) < 1e-4);
    assert.deepEqual(results.problems, []);
  });

  it('the hessian: energies, ZPE, H, G, frequencies and the G(RRHO) contribution add up', async () => {
    const out = join(dir, 'hess', 'hess.out');
    const text = await readFile(out, 'utf8');
    const { results, ccbatchman } = await parseXtbOutput(out, join(dir, 'hess'));
    assert.equal(results.normalTermination, true);
    const total = printed(text, /TOTAL ENERGY/).at(-1)!;
    const free = printed(text, /TOTAL FREE ENERGY/).at(-1)!;
    const gRrho = printed(text, /G\(RRHO\) contrib\./).at(-1)!;
    assert.equal(results.finalEnergy, total);
    assert.equal(results.gibbs, free);
    assert.equal(ccbatchman.G_au, free);
    assert.equal(results.enthalpy, printed(text, /TOTAL ENTHALPY/).at(-1));
    assert.equal(results.zpe, printed(text, /:: zero point energy/).at(-1));
    assert.ok(Math.abs(total + gRrho - free) < 1e-6, 'G = E + G(RRHO) as xTB prints them');
    assert.equal(results.frequencies?.length, 3, 'water: 3 vibrations, translations and rotations left out');
    assert.equal(results.imaginaryFrequencies, printed(text, /# imaginary freq\./).at(-1));
    assert.equal(results.imaginaryFrequencies, 0);
    assert.equal(results.temperature, 298.15);
    assert.equal(results.optimization, null);
  });
});
