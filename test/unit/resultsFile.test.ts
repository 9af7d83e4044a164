// `{basename}.json` in CCBatchMan's shape: exactly its rule files' keys per program plus ours, written when a job ends,
// read back while the output is unchanged (size + mtime), read again when the output changes; relative energies.
import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBatchModel } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { readJobResults } from '../../core/results/jobResults.js';
import { formulaOf, relativeEnergiesKcal } from '../../core/results/relative.js';
import { emptyResults, HARTREE_TO_KCAL } from '../../core/results/types.js';
import { defaultBatchSettings } from '../../core/runner/batchSettings.js';
import { createJobHooks } from '../../core/runner/jobHooks.js';

const cclib = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;

// The variables of CCBatchMan's config/file_parser_config/*_rules.dat, each program's file whole.
const CCBATCHMAN_KEYS = {
  gaussian: ['E_el_au', 'E_au', 'H_au', 'G_au', 'imaginary_frequencies', 'is_opt_freq', 'opt_fail', 'bad_internals', 'scf_fail', 'normal_exit', 'normal_exit_opt_freq', 'normal_exit_opt_freq_2', '<S**2>'],
  orca: ['E_el_au', 'E_au', 'H_au', 'G_au', 'TS_au', 'E_dispersion_au', 'E_gCP_au', 'G_minus_E_el_au', 'normal_exit', 'is_opt', 'opt_normal_exit', 'opt_fail', 'scf_fail', 'imaginary_frequencies', 'first_excite_E_au', 'E_high_spin_au', 'E_broken_sym_au', '<S^2>_HS', '<S^2>_BS'],
  xtb: ['E_el_au', 'H_au', 'G_au', 'Delta_E_homo_lumo_ev', 'imaginary_frequencies', 'normal_exit'],
};
const OUR_KEYS = ['normalTermination', 'scfEnergy', 'finalEnergy', 'zpe', 'enthalpy', 'gibbs', 'temperature', 'frequencies', 'imaginaryFrequencies', 'optimization', 'geometry', 'charge', 'multiplicity', 'method', 'wallSeconds', 'conformers', 'problems', 'batchmanSource'];

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'batchman-results-file-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

async function jobFolder(name: string, source: string, output: string): Promise<string> {
  const directory = join(scratch, name);
  await mkdir(directory, { recursive: true });
  await copyFile(join(cclib, source), join(directory, output));
  return directory;
}

describe('{basename}.json', () => {
  for (const [program, source, output] of [
    ['gaussian', 'gaussian/g16-dvb_ir.log', 'freq.log'],
    ['orca', 'orca/o6-dvb_ir.out', 'freq.out'],
    ['xtb', 'xtb/dvb_ir/dvb_ir.out', 'freq.out'],
  ] as const) {
    it(`${program}: CCBatchMan's keys, then ours`, async () => {
      const directory = await jobFolder(`keys-${program}`, source, output);
      const read = await readJobResults({ directory, basename: 'freq', program }, { writeFile: true });
      assert.equal(read.from, 'parsed');
      const json = JSON.parse(await readFile(join(directory, 'freq.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(json), [...CCBATCHMAN_KEYS[program], ...OUR_KEYS]);
      assert.equal(json.normal_exit, true);
      assert.equal(json.G_au, read.results!.gibbs);
      assert.equal(json.imaginary_frequencies, program === 'xtb' ? 0 : false, "CCBatchMan's xTB rule counts, the others say found or not");
    });
  }

  it('is read back while the output is unchanged, and read again when it changes', async () => {
    const directory = await jobFolder('cache', 'gaussian/g16-dvb_gopt.log', 'opt.log');
    const job = { directory, basename: 'opt', program: 'gaussian' };
    const first = await readJobResults(job, { writeFile: true });
    assert.equal(first.from, 'parsed');
    assert.ok(first.written);
    const second = await readJobResults(job, { writeFile: true });
    assert.equal(second.from, 'file');
    assert.deepEqual(second.results, first.results);
    // The run goes on (a restart appended to it): the file no longer describes the output.
    const log = join(directory, 'opt.log');
    const { mtime } = await stat(log);
    await writeFile(log, `${await readFile(log, 'utf8')} Error termination via Lnk1e\n`);
    await utimes(log, mtime, new Date(mtime.getTime() + 5_000));
    const third = await readJobResults(job, { writeFile: true });
    assert.equal(third.from, 'parsed');
    assert.equal(third.results!.normalTermination, false);
  });

  it('keeps the keys another tool wrote and replaces a stale CCBatchMan file (NaN and all)', async () => {
    const directory = await jobFolder('foreign', 'orca/o6-dvb_gopt.out', 'opt.out');
    // As CCBatchMan's Python writes it: a value its rules did not find is a bare NaN.
    await writeFile(join(directory, 'opt.json'), '{\n"E_el_au": 1,\n"G_au": NaN,\n"note": "kept"\n}');
    await readJobResults({ directory, basename: 'opt', program: 'orca' }, { writeFile: true });
    const json = JSON.parse(await readFile(join(directory, 'opt.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(json.note, 'kept');
    assert.equal(json.E_el_au, -382.055133399486);
    assert.equal(json.G_au, null);
  });

  it('is not written for a job still running (writeFile false), and a folder without output has no results', async () => {
    const directory = await jobFolder('running', 'xtb/dvb_sp/dvb_sp.out', 'sp.out');
    const read = await readJobResults({ directory, basename: 'sp', program: 'xtb' }, { writeFile: false });
    assert.equal(read.from, 'parsed');
    await assert.rejects(stat(join(directory, 'sp.json')));
    assert.deepEqual(await readJobResults({ directory, basename: 'other', program: 'xtb' }, { writeFile: true }), { results: null, from: 'none' });
    assert.deepEqual(await readJobResults({ directory, basename: 'sp', program: 'shell' }, { writeFile: true }), { results: null, from: 'none' });
  });

  it('is written by the runner when a job ends, failed or succeeded', async () => {
    const root = join(scratch, 'hook');
    const model = buildBatchModel(parseBatchfile([`root_directory=${root}`, 'job_basename|job_directory|program|pipe', 'opt|mol1/opt|orca|'].join('\n')), join(root, 'batchfile.csv'));
    const [opt] = model.jobs;
    await mkdir(opt!.path, { recursive: true });
    await copyFile(join(cclib, 'orca/o6-dvb_gopt.out'), join(opt!.path, 'opt.out'));
    const hooks = createJobHooks({ model, rootPath: root, settings: defaultBatchSettings(), restartFailed: false });
    const row: LedgerRow = { jobId: 7, basename: 'opt', directory: opt!.path, status: 'failed', program: 'orca' };
    await hooks.onJobEnded!(opt!, row);
    const json = JSON.parse(await readFile(join(opt!.path, 'opt.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(json.opt_normal_exit, true);
    assert.equal((json.optimization as { steps: number }).steps, 3);
  });
});

describe('relative energies', () => {
  const atoms = (formula: string) => [...formula].map((element) => ({ element, x: 0, y: 0, z: 0 }));
  const job = (program: string, method: string | null, energy: number | null, geometry: string | null) => ({
    program,
    results: { ...emptyResults(), finalEnergy: energy, method, charge: 0, geometry: geometry === null ? null : atoms(geometry) },
  });

  it('are taken from the lowest final energy among jobs of one program, method and formula', () => {
    const relative = relativeEnergiesKcal([
      job('orca', 'r2scan-3c opt', -100.0, 'CCHHO'),
      job('orca', 'r2scan-3c opt', -100.01, 'CCHHO'),
      job('orca', 'r2scan-3c opt', -90.0, 'CCHH'), // another formula: its own reference
      job('orca', 'B3LYP opt', -100.5, 'CCHHO'), // another method
      job('xtb', 'r2scan-3c opt', -100.2, 'CCHHO'), // another program
      job('orca', null, -100.3, 'CCHHO'), // no method to compare by
      job('orca', 'r2scan-3c opt', -100.3, null), // no geometry
      { program: 'orca', results: null },
    ]);
    assert.ok(Math.abs(relative[0]! - 0.01 * HARTREE_TO_KCAL) < 1e-9);
    assert.deepEqual(relative.slice(1), [0, 0, 0, 0, null, null, null]);
  });

  it('formulas in Hill order', () => {
    assert.equal(formulaOf(['H', 'O', 'C', 'H', 'Cl'].map((element) => ({ element, x: 0, y: 0, z: 0 }))), 'CH2ClO');
    assert.equal(formulaOf(null), null);
  });
});
