// Hostile and truncated outputs: cut at every few kilobytes (mid-line, mid-geometry), binary garbage, one endless
// line, a flood of SCF cycles. Every parser gives partial results and problems, never a throw or a hang.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCrestOutput } from '../../core/programs/results/crestResults.js';
import { parseGaussianOutput } from '../../core/programs/results/gaussianResults.js';
import { parseOrcaOutput } from '../../core/programs/results/orcaResults.js';
import type { ParsedOutput } from '../../core/programs/results/parsed.js';
import { parseXtbOutput } from '../../core/programs/results/xtbResults.js';
import type { JobResults } from '../../core/results/types.js';

const cclib = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
const PARSERS: Record<string, (path: string, directory: string) => Promise<ParsedOutput>> = {
  gaussian: (path) => parseGaussianOutput(path),
  orca: (path) => parseOrcaOutput(path),
  xtb: parseXtbOutput,
  crest: parseCrestOutput,
};

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'batchman-results-hostile-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

function assertShape(results: JobResults): void {
  for (const value of Object.values(results)) assert.ok(value === null || typeof value !== 'number' || Number.isFinite(value), 'no NaN or Infinity');
  assert.ok(Array.isArray(results.problems));
}

describe('truncated outputs', () => {
  for (const [program, source] of [
    ['gaussian', 'gaussian/g16-dvb_gopt.log'],
    ['orca', 'orca/o6-dvb_gopt.out'],
    ['xtb', 'xtb/dvb_opt/dvb_opt.out'],
  ] as const) {
    it(`${program}: cut at 40 places, mid-line included, gives what came before the cut`, async () => {
      const whole = await readFile(join(cclib, source));
      const full = (await PARSERS[program]!(join(cclib, source), join(scratch, 'none'))).results;
      const directory = join(scratch, `cut-${program}`);
      await mkdir(directory, { recursive: true });
      let previousSteps = 0;
      for (let cut = 1; cut < 40; cut++) {
        // An odd offset: almost always mid-line.
        const at = Math.floor((whole.length * cut) / 40) + 7;
        const path = join(directory, `cut${cut}.out`);
        await writeFile(path, whole.subarray(0, at));
        const { results } = await PARSERS[program]!(path, directory);
        assertShape(results);
        assert.equal(results.normalTermination, false, `cut at ${at}`);
        assert.ok(results.problems.some((problem) => problem.startsWith('no normal termination')));
        assert.ok(results.problems.some((problem) => problem.includes('ends mid-line')) || whole[at - 1] === 10);
        const steps = results.optimization?.steps ?? 0;
        assert.ok(steps >= previousSteps && steps <= (full.optimization?.steps ?? 0), 'steps only grow with the part read');
        previousSteps = steps;
        if (results.scfEnergy !== null) assert.ok(full.optimization!.energies.some((energy) => Math.abs(energy - results.scfEnergy!) < 1e-6) || program === 'orca');
      }
    });
  }
});

describe('garbage', () => {
  for (const program of Object.keys(PARSERS)) {
    it(`${program}: binary bytes, an empty file, one endless line`, async () => {
      const directory = join(scratch, `garbage-${program}`);
      await mkdir(directory, { recursive: true });
      const binary = join(directory, 'binary.out');
      await writeFile(binary, randomBytes(3 * 1024 * 1024));
      const fromBinary = (await PARSERS[program]!(binary, directory)).results;
      assertShape(fromBinary);
      assert.ok(fromBinary.problems.some((problem) => problem.includes('binary')));
      assert.equal(fromBinary.finalEnergy, null);

      const empty = join(directory, 'empty.out');
      await writeFile(empty, '');
      assert.ok((await PARSERS[program]!(empty, directory)).results.problems.includes('the output is empty'));

      const endless = join(directory, 'endless.out');
      await writeFile(endless, `SCF Done:  E(RB3LYP) =  -1.0 ${'x'.repeat(8 * 1024 * 1024)}`);
      const fromEndless = (await PARSERS[program]!(endless, directory)).results;
      assert.ok(fromEndless.problems.some((problem) => problem.includes('over-long')));
    });
  }

  it('real lines between garbage are still read', async () => {
    const path = join(scratch, 'mixed.log');
    const log = await readFile(join(cclib, 'gaussian/g16-dvb_ir.log'));
    await writeFile(path, Buffer.concat([randomBytes(100_000), Buffer.from('\n'), log, randomBytes(100_000)]));
    const { results } = await parseGaussianOutput(path);
    assert.equal(results.gibbs, -382.164915);
    assert.equal(results.frequencies?.length, 54);
    assert.ok(results.problems.some((problem) => problem.includes('binary')));
  });
});

describe('a flood of SCF cycles', () => {
  it('Gaussian: 60 MB of SCF iterations before an SCF that never converges, read in bounded time', async () => {
    const path = join(scratch, 'flood.log');
    const head = (await readFile(join(cclib, 'gaussian/g16-dvb_gopt.log'), 'utf8')).split('\n').slice(0, 640).join('\n');
    const handle = await open(path, 'w');
    await handle.write(`${head}\n`);
    const cycle = ' Cycle   1  Pass 1  IDiag  1:\n E= -382.194718624290     Delta-E=       -0.000000000001 Rises=F Damp=F\n DIIS: error= 1.13D-02 at cycle   1 NSaved=   1.\n';
    const block = cycle.repeat(4000);
    for (let index = 0; index < 60_000_000 / block.length; index++) await handle.write(block);
    await handle.write(' Convergence failure -- run terminated.\n Error termination via Lnk1e in l502.exe\n');
    await handle.close();
    const started = performance.now();
    const { results, ccbatchman } = await parseGaussianOutput(path);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 10, `read in ${seconds.toFixed(1)} s`);
    assert.equal(ccbatchman.scf_fail, true);
    assert.equal(results.normalTermination, false);
    assert.ok(results.problems.some((problem) => problem.startsWith('the SCF did not converge')));
    assert.equal(results.geometry?.length, 20, 'the geometry read before the flood');
  });
});
