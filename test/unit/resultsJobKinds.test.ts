// Results of job kinds the real outputs show only in parts, made from them at test time: Gaussian's opt+freq (the
// optimisation's log followed by the frequency job's, as `--Link1--` writes them), an imaginary mode, an ORCA run
// whose SCF did not converge.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseGaussianOutput } from '../../core/programs/results/gaussianResults.js';
import { parseOrcaOutput } from '../../core/programs/results/orcaResults.js';

const cclib = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'batchman-results-kinds-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

describe('job kinds', () => {
  it("Gaussian opt+freq: the optimisation's steps, the frequency job's thermochemistry, CCBatchMan's opt-freq flags", async () => {
    const path = join(scratch, 'optfreq.log');
    const opt = await readFile(join(cclib, 'gaussian/g16-dvb_gopt.log'), 'utf8');
    const freq = await readFile(join(cclib, 'gaussian/g16-dvb_ir.log'), 'utf8');
    await writeFile(path, opt + freq);
    const { results, ccbatchman } = await parseGaussianOutput(path);
    assert.equal(results.optimization?.steps, 5, 'the frequency job prints a Converged? table that is no step');
    assert.equal(results.optimization?.converged, true);
    assert.equal(results.frequencies?.length, 54);
    assert.equal(results.gibbs, -382.164915);
    assert.equal(results.method, '#p b3lyp/sto-3g opt', "the first job step's route");
    assert.equal(results.wallSeconds, 50.1 + 70.0);
    assert.equal(ccbatchman.normal_exit_opt_freq, true);
    assert.equal(ccbatchman.normal_exit_opt_freq_2, true, "Stationary point found twice: the optimisation's and the frequency job's check");
  });

  it('an imaginary frequency is counted, named in problems and flagged for CCBatchMan', async () => {
    const path = join(scratch, 'ts.log');
    const freq = await readFile(join(cclib, 'gaussian/g16-dvb_ir.log'), 'utf8');
    await writeFile(path, freq.replaceAll('    53.1981', '   -53.1981'));
    const { results, ccbatchman } = await parseGaussianOutput(path);
    assert.equal(results.imaginaryFrequencies, 1);
    assert.equal(results.frequencies?.[0], -53.1981);
    assert.ok(results.problems.includes('1 imaginary frequency (-53.1981 cm⁻¹)'));
    assert.equal(ccbatchman.imaginary_frequencies, true);
  });

  it('ORCA: an SCF that did not converge and a run cut before its end', async () => {
    const path = join(scratch, 'scf.out');
    const out = await readFile(join(cclib, 'orca/o6-dvb_sp_dft.out'), 'utf8');
    const cut = out.slice(0, out.indexOf('FINAL SINGLE POINT ENERGY'));
    await writeFile(path, `${cut}\n                     *****************************************************\n                     *                     ERROR                         *\n                     *           SCF NOT CONVERGED AFTER 125 CYCLES      *\n`);
    const { results, ccbatchman } = await parseOrcaOutput(path);
    assert.equal(ccbatchman.scf_fail, true);
    assert.equal(results.normalTermination, false);
    assert.equal(results.finalEnergy, null, 'no FINAL SINGLE POINT ENERGY was printed');
    assert.ok(results.problems.includes('the SCF did not converge (ORCA: SCF NOT CONVERGED)'));
    assert.equal(results.geometry?.length, 20);
  });
});
