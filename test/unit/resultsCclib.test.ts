// Our results parsers against an independent reader: every field cclib read from real Gaussian, ORCA and xTB
// outputs (expected-cclib.json beside them) agrees to 1e-6 Hartree and 1e-4 Å.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseGaussianOutput } from '../../core/programs/results/gaussianResults.js';
import { parseOrcaOutput } from '../../core/programs/results/orcaResults.js';
import { parseXtbOutput } from '../../core/programs/results/xtbResults.js';
import type { ParsedOutput } from '../../core/programs/results/parsed.js';

const root = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
const HARTREE = 1e-6;
const ANGSTROM = 1e-4;

interface CclibReading {
  finalScfEnergyHartree?: number;
  scfEnergiesCount?: number;
  enthalpyHartree?: number;
  gibbsHartree?: number;
  zpeHartree?: number;
  frequencies?: number;
  imaginaryFrequencies?: number;
  lowestFrequency?: number;
  optimizationConverged?: boolean;
  atoms?: number;
  charge?: number;
  multiplicity?: number;
  finalGeometryFirstAtom?: [number, number, number];
  geometries?: number;
}

const expected = JSON.parse(readFileSync(join(root, 'expected-cclib.json'), 'utf8')) as Record<string, CclibReading>;

function parse(file: string): Promise<ParsedOutput> {
  const path = join(root, file);
  if (file.startsWith('gaussian/')) return parseGaussianOutput(path);
  if (file.startsWith('orca/')) return parseOrcaOutput(path);
  return parseXtbOutput(path, dirname(path));
}

function near(actual: number | null | undefined, wanted: number, tolerance: number, what: string): void {
  assert.ok(typeof actual === 'number', `${what}: we read nothing, cclib reads ${wanted}`);
  assert.ok(Math.abs(actual - wanted) <= tolerance, `${what}: ours ${actual}, cclib's ${wanted}`);
}

describe('results agree with cclib on every field both read', () => {
  for (const [file, cclib] of Object.entries(expected)) {
    it(file, async () => {
      const { results } = await parse(file);
      let compared = 0;
      if (cclib.finalScfEnergyHartree !== undefined) {
        near(results.scfEnergy, cclib.finalScfEnergyHartree, HARTREE, 'last SCF energy');
        compared++;
      }
      if (cclib.enthalpyHartree !== undefined) {
        near(results.enthalpy, cclib.enthalpyHartree, HARTREE, 'enthalpy');
        compared++;
      }
      if (cclib.gibbsHartree !== undefined) {
        near(results.gibbs, cclib.gibbsHartree, HARTREE, 'Gibbs free energy');
        compared++;
      }
      if (cclib.zpeHartree !== undefined) {
        near(results.zpe, cclib.zpeHartree, HARTREE, 'zero-point energy');
        compared++;
      }
      if (cclib.frequencies !== undefined) {
        assert.equal(results.frequencies?.length, cclib.frequencies, 'number of frequencies');
        assert.equal(results.imaginaryFrequencies, cclib.imaginaryFrequencies, 'imaginary frequencies');
        near(Math.min(...results.frequencies!), cclib.lowestFrequency!, 1e-4, 'lowest frequency (cm⁻¹)');
        compared += 3;
      }
      // cclib says `optdone` of a frequency job too; only an optimisation's convergence is ours to compare.
      if (cclib.optimizationConverged !== undefined && results.optimization) {
        assert.equal(results.optimization.converged, cclib.optimizationConverged, 'optimisation converged');
        compared++;
      }
      if (cclib.charge !== undefined) {
        assert.equal(results.charge, cclib.charge, 'charge');
        compared++;
      }
      if (cclib.multiplicity !== undefined) {
        assert.equal(results.multiplicity, cclib.multiplicity, 'multiplicity');
        compared++;
      }
      if (cclib.finalGeometryFirstAtom !== undefined) {
        assert.equal(results.geometry?.length, cclib.atoms, 'atoms in the final geometry');
        const first = results.geometry![0]!;
        [first.x, first.y, first.z].forEach((value, axis) => near(value, cclib.finalGeometryFirstAtom![axis]!, ANGSTROM, `first atom, axis ${axis}`));
        compared += 2;
      }
      assert.ok(compared >= 2, 'something was compared');
      assert.deepEqual(results.problems, [], 'a good run has no problems');
      assert.equal(results.normalTermination, true);
    });
  }

  it('an optimisation has one step per geometry the optimiser judged, energies and forces per step', async () => {
    const gaussian = (await parse('gaussian/g16-dvb_gopt.log')).results.optimization!;
    // cclib: 5 SCF energies, 5 geometries; Gaussian's converged step is the fifth.
    assert.equal(gaussian.steps, expected['gaussian/g16-dvb_gopt.log']!.scfEnergiesCount);
    assert.equal(gaussian.energies.length, 5);
    assert.deepEqual(gaussian.maxForce, [0.06068, 0.012462, 0.001112, 0.000309, 0.000036]);
    near(gaussian.energies.at(-1), expected['gaussian/g16-dvb_gopt.log']!.finalScfEnergyHartree!, HARTREE, 'last step energy');
    // ORCA: 3 cycles, then the final single point at the converged geometry (cclib counts it as a 4th geometry).
    const orca = (await parse('orca/o6-dvb_gopt.out')).results.optimization!;
    assert.equal(orca.steps, expected['orca/o6-dvb_gopt.out']!.geometries! - 1);
    assert.deepEqual(orca.maxForce, [0.0007463819, 0.0004742773, 0.0001392134]);
    // xTB: cclib's 6 SCF energies are the optimiser's 6 cycles.
    const xtb = (await parse('xtb/dvb_opt/dvb_opt.out')).results.optimization!;
    assert.equal(xtb.steps, expected['xtb/dvb_opt/dvb_opt.out']!.scfEnergiesCount);
    assert.equal(xtb.converged, true);
  });

  it("ORCA's final energy is its FINAL SINGLE POINT ENERGY, the SCF energy the last SCF's", async () => {
    const { results, ccbatchman } = await parse('orca/o6-dvb_gopt.out');
    assert.equal(results.finalEnergy, -382.055133399486);
    assert.equal(ccbatchman.E_el_au, -382.055133399486);
    assert.equal(results.method, 'rks b3lyp sto-3g usesym opt');
    assert.equal(ccbatchman.is_opt, true);
  });

  it("Gaussian's MP2 run: the SCF energy is the HF one, the final energy MP2's", async () => {
    const { results, ccbatchman } = await parse('gaussian/g16-water_mp2.log');
    near(results.scfEnergy, expected['gaussian/g16-water_mp2.log']!.finalScfEnergyHartree!, HARTREE, 'SCF');
    assert.equal(results.finalEnergy, -75.002282127454);
    assert.equal(ccbatchman.E_el_au, results.scfEnergy, 'CCBatchMan reads the last SCF Done');
  });

  it('thermochemistry as each program prints it', async () => {
    const gaussian = await parse('gaussian/g16-dvb_ir.log');
    assert.equal(gaussian.results.temperature, 298.15);
    assert.equal(gaussian.ccbatchman.E_au, -382.122251);
    const orca = await parse('orca/o6-dvb_ir.out');
    assert.equal(orca.ccbatchman.TS_au, 0.04291036);
    assert.equal(orca.ccbatchman.G_minus_E_el_au, 0.14396165);
    const xtb = await parse('xtb/dvb_ir/dvb_ir.out');
    assert.equal(xtb.results.temperature, 298.15);
    assert.equal(xtb.results.frequencies?.length, 54);
    assert.equal(xtb.ccbatchman.imaginary_frequencies, 0);
  });
});
