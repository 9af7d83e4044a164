// CREST's results: the lowest energy, temperature and wall time from its output, the conformers from
// crest_conformers.xyz with their populations from CREGEN's table (the row that begins each set of rotamers).
import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCrestOutput } from '../../core/programs/results/crestResults.js';
import { HARTREE_TO_KCAL } from '../../core/results/types.js';

const fixtures = new URL('../fixtures/outputs/crest/', import.meta.url).pathname;
// CREGEN's ensemble table as CREST 2.12 prints it (the rotamer rows of a set carry only their own weight).
const TABLE = [
  '       Erel/kcal        Etot weight/tot  conformer     set   degen     origin',
  '       1   0.000   -20.04233    0.40000    0.70000       1       2     mtd4',
  '       2   0.000   -20.04233    0.30000                                mtd1',
  '       3   1.069   -20.04063    0.30000    0.30000       2       1     mtd3',
  ' T /K                                  :   298.15',
];
const water = (energy: string, z: number) => `3\n  ${energy}\nO  0.0 0.0 ${z}\nH  0.0 0.7 -0.5\nH  0.0 -0.7 -0.5\n`;

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'batchman-results-crest-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

describe('CREST results', () => {
  it('conformers lowest first, with energies, relative energies, populations and geometries', async () => {
    const directory = join(scratch, 'ok');
    await mkdir(directory);
    const out = (await readFile(join(fixtures, 'ok/mol.out'), 'utf8')).replace(' T /K ', `${TABLE.join('\n')}\n T /K `);
    await writeFile(join(directory, 'mol.out'), out);
    await writeFile(join(directory, 'crest_conformers.xyz'), water('-20.04233208', 0.1) + water('-20.04062840', 0.2));
    const { results, ccbatchman } = await parseCrestOutput(join(directory, 'mol.out'), directory);
    assert.equal(results.normalTermination, true);
    assert.equal(ccbatchman.normal_exit, true);
    assert.equal(results.finalEnergy, -20.04233208);
    assert.equal(results.temperature, 298.15);
    assert.equal(results.wallSeconds, 26);
    assert.equal(results.method, 'GFN2-xTB');
    assert.equal(results.conformers?.length, 2);
    assert.deepEqual(results.conformers!.map((conformer) => conformer.population), [0.7, 0.3]);
    assert.ok(Math.abs(results.conformers![1]!.relativeKcal! - (-20.0406284 + 20.04233208) * HARTREE_TO_KCAL) < 1e-9);
    assert.equal(results.geometry?.[0]?.z, 0.1, 'the lowest conformer is the final geometry');
    assert.deepEqual(results.problems, []);
  });

  it('without crest_conformers.xyz the table gives the conformers, without geometries', async () => {
    const directory = join(scratch, 'table-only');
    await mkdir(directory);
    const out = (await readFile(join(fixtures, 'ok/mol.out'), 'utf8')).replace(' T /K ', `${TABLE.join('\n')}\n T /K `);
    await writeFile(join(directory, 'mol.out'), out);
    const { results } = await parseCrestOutput(join(directory, 'mol.out'), directory);
    assert.deepEqual(results.conformers!.map((conformer) => [conformer.energy, conformer.population, conformer.geometry]), [[-20.04233, 0.7, null], [-20.04063, 0.3, null]]);
    assert.equal(results.finalEnergy, -20.04233);
  });

  it('a search still running has no conformers and says so', async () => {
    const directory = join(scratch, 'running');
    await mkdir(directory);
    await copyFile(join(fixtures, 'running/mol.out'), join(directory, 'mol.out'));
    const { results } = await parseCrestOutput(join(directory, 'mol.out'), directory);
    assert.equal(results.normalTermination, false);
    assert.equal(results.conformers, null);
    assert.equal(results.finalEnergy, null);
    assert.ok(results.problems.some((problem) => problem.startsWith('no normal termination')));
  });
});
