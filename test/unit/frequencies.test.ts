// Imaginary frequencies decide a frequency job's verdict, read from real Gaussian 16 and ORCA 6 outputs (cclib's
// regression data, test/fixtures/outputs/cclib/) and from copies of them edited here to carry imaginary modes.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { visitLines } from '../../core/programs/fileScan.js';
import { imaginaryFrequencyCause } from '../../core/programs/frequencies.js';
import { GAUSSIAN_FREQUENCY_NEEDLES, gaussianFrequencyReader } from '../../core/programs/gaussianFrequencies.js';
import { readOutcome } from '../../core/programs/outcome.js';
import { ORCA_FREQUENCY_NEEDLES, orcaFrequencyReader } from '../../core/programs/orcaFrequencies.js';
import type { FrequencyCalculation, FrequencyReader } from '../../core/programs/program.js';

const cclib = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
const real = (path: string): Promise<string> => readFile(join(cclib, path), 'utf8');

function read(text: string, needles: readonly string[], reader: FrequencyReader): FrequencyCalculation[] {
  visitLines(text, needles, (line) => reader.line(line));
  return reader.calculations();
}

/** The real Gaussian log with its lowest modes made imaginary: both tables (HPModes' and the ordinary one) edited alike. */
function gaussianWithImaginary(log: string, values: readonly string[]): string {
  const originals = ['53.1981', '84.7415'];
  let edited = log;
  values.forEach((value, index) => {
    const original = originals[index]!;
    edited = edited.replaceAll(` ${original}`, ` ${value.padStart(original.length)}`);
  });
  const count = values.length;
  // Gaussian says how many before the tables, as it does in a real run with imaginary modes.
  return edited.replace(' Harmonic frequencies (cm**-1)', ` ******    ${count} imaginary frequencies (negative Signs) ******\n Harmonic frequencies (cm**-1)`);
}

/** The real ORCA output with its lowest modes made imaginary, marked as ORCA marks them. */
function orcaWithImaginary(out: string, values: readonly string[]): string {
  const originals = ['     6:      43.87 cm**-1', '     7:      77.06 cm**-1'];
  let edited = out;
  values.forEach((value, index) => {
    const original = originals[index]!;
    edited = edited.replace(original, `${original.slice(0, 7)}${value.padStart(11)} cm**-1 ***imaginary mode***`);
  });
  return edited;
}

describe('frequency readers on real outputs agree with cclib', () => {
  it('Gaussian 16 (freq=hpmodes): one calculation, 54 frequencies, none imaginary; the high-precision table is not counted twice', async () => {
    const calculations = read(await real('gaussian/g16-dvb_ir.log'), GAUSSIAN_FREQUENCY_NEEDLES, gaussianFrequencyReader());
    assert.equal(calculations.length, 1);
    assert.deepEqual(calculations[0]!.imaginary, []);
    assert.equal(calculations[0]!.modes, 54);
    assert.match(calculations[0]!.evidence, /^Frequencies --\s+53\.1981/);
  });

  it('ORCA 6: one block, 54 frequencies after the 6 zero modes, none imaginary', async () => {
    const calculations = read(await real('orca/o6-dvb_ir.out'), ORCA_FREQUENCY_NEEDLES, orcaFrequencyReader());
    assert.equal(calculations.length, 1);
    assert.deepEqual(calculations[0]!.imaginary, []);
    assert.equal(calculations[0]!.modes, 54);
  });

  it('edited copies: the imaginary values are read from the tables', async () => {
    const gaussian = read(gaussianWithImaginary(await real('gaussian/g16-dvb_ir.log'), ['-312.4567', '-45.1234']), GAUSSIAN_FREQUENCY_NEEDLES, gaussianFrequencyReader());
    assert.deepEqual(gaussian.map((calculation) => calculation.imaginary), [[-312.4567, -45.1234]]);
    const orca = read(orcaWithImaginary(await real('orca/o6-dvb_ir.out'), ['-312.45']), ORCA_FREQUENCY_NEEDLES, orcaFrequencyReader());
    assert.deepEqual(orca.map((calculation) => calculation.imaginary), [[-312.45]]);
    assert.match(orca[0]!.evidence, /6:\s+-312\.45 cm\*\*-1 \*\*\*imaginary mode\*\*\*/);
  });
});

describe('the cause names the count and the lowest', () => {
  const calculation = (imaginary: number[]): FrequencyCalculation => ({ imaginary, modes: 54, evidence: '' });
  it('at a minimum none is right', () => {
    assert.equal(imaginaryFrequencyCause(calculation([]), 0), undefined);
    assert.equal(imaginaryFrequencyCause(calculation([-312.4]), 0), '1 imaginary frequency (-312 cm⁻¹)');
    assert.equal(imaginaryFrequencyCause(calculation([-45.1, -312.6]), 0), '2 imaginary frequencies (lowest -313 cm⁻¹)');
    assert.equal(imaginaryFrequencyCause(calculation([-0.3]), 0), '1 imaginary frequency (-0.3 cm⁻¹)');
    assert.equal(imaginaryFrequencyCause({ imaginary: { count: 3 }, modes: 0, evidence: '' }, 0), '3 imaginary frequencies');
  });
  it('a transition state needs exactly one', () => {
    assert.equal(imaginaryFrequencyCause(calculation([-312.4]), 1), undefined);
    assert.equal(imaginaryFrequencyCause(calculation([]), 1), 'no imaginary frequency (a transition state has exactly one)');
    assert.equal(imaginaryFrequencyCause(calculation([-312.4, -45]), 1), '2 imaginary frequencies (lowest -312 cm⁻¹; a transition state has exactly one)');
  });
});

describe('verdicts of frequency jobs from real outputs', () => {
  let dir: string;
  let gaussianIr: string;
  let gaussianOpt: string;
  let orcaIr: string;
  let orcaOpt: string;
  let folders = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-freq-'));
    [gaussianIr, gaussianOpt, orcaIr, orcaOpt] = await Promise.all([
      real('gaussian/g16-dvb_ir.log'),
      real('gaussian/g16-dvb_gopt.log'),
      real('orca/o6-dvb_ir.out'),
      real('orca/o6-dvb_gopt.out'),
    ]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A job folder holding `mol` + its output (and input, when given); its outcome. */
  async function outcome(program: 'gaussian' | 'orca', output: string, input?: string) {
    const folder = join(dir, `job${++folders}`);
    await mkdir(folder);
    await writeFile(join(folder, program === 'gaussian' ? 'mol.log' : 'mol.out'), output);
    if (input !== undefined) await writeFile(join(folder, program === 'gaussian' ? 'mol.gjf' : 'mol.inp'), input);
    return readOutcome({ program, jobDirectory: folder, basename: 'mol', slurmEndState: 'COMPLETED', exitCode: 0 });
  }

  // Gaussian runs opt+freq as two job steps in one log: the optimisation's log, then the frequencies' log. The
  // two real logs of the same molecule, one after the other, are that log.
  const gjf = (route: string) => `%chk=mol.chk\n#p b3lyp/sto-3g ${route}\n\ndvb\n\n0 1\nC 0 0 0\n\n`;

  it('Gaussian frequencies without imaginary modes succeed (the real log as it is)', async () => {
    assert.equal((await outcome('gaussian', gaussianIr)).status, 'succeeded');
    assert.equal((await outcome('gaussian', gaussianOpt + gaussianIr, gjf('opt freq'))).status, 'succeeded');
  });

  it('Gaussian opt+freq with one or two imaginary modes fails, naming their count and the lowest', async () => {
    const one = await outcome('gaussian', gaussianOpt + gaussianWithImaginary(gaussianIr, ['-312.4567']), gjf('opt freq'));
    assert.deepEqual([one.status, one.cause], ['failed', '1 imaginary frequency (-312 cm⁻¹)']);
    assert.match(one.evidence ?? '', /mol\.log: Frequencies --\s+-312\.4567/);
    const two = await outcome('gaussian', gaussianOpt + gaussianWithImaginary(gaussianIr, ['-312.4567', '-45.1234']), gjf('opt freq'));
    assert.deepEqual([two.status, two.cause], ['failed', '2 imaginary frequencies (lowest -312 cm⁻¹)']);
    // A frequency job on its own is judged alike (its route echoed in the log: no input needed).
    assert.equal((await outcome('gaussian', gaussianWithImaginary(gaussianIr, ['-312.4567']))).cause, '1 imaginary frequency (-312 cm⁻¹)');
  });

  it('a Gaussian transition-state search needs exactly one: opt=ts, opt(ts,…), opt=(calcfc,ts)', async () => {
    for (const route of ['opt=ts freq', 'opt(ts,calcfc,noeigentest) freq', 'opt=(calcfc,ts) freq']) {
      const none = await outcome('gaussian', gaussianOpt + gaussianIr, gjf(route));
      assert.deepEqual([none.status, none.cause], ['failed', 'no imaginary frequency (a transition state has exactly one)'], route);
      assert.equal((await outcome('gaussian', gaussianOpt + gaussianWithImaginary(gaussianIr, ['-312.4567']), gjf(route))).status, 'succeeded', route);
      const two = await outcome('gaussian', gaussianOpt + gaussianWithImaginary(gaussianIr, ['-312.4567', '-45.1234']), gjf(route));
      assert.deepEqual([two.status, two.cause], ['failed', '2 imaginary frequencies (lowest -312 cm⁻¹; a transition state has exactly one)'], route);
    }
  });

  // ORCA prints an opt+freq run as the optimisation followed by the frequencies: the two real outputs in a row.
  const inp = (keywords: string) => `! b3lyp sto-3g ${keywords}\n* xyz 0 1\nC 0 0 0\n*\n`;

  it('ORCA frequencies without imaginary modes succeed (the real output as it is)', async () => {
    assert.equal((await outcome('orca', orcaIr)).status, 'succeeded');
    assert.equal((await outcome('orca', orcaOpt + orcaIr, inp('Opt Freq'))).status, 'succeeded');
  });

  it('ORCA Opt Freq with one or two imaginary modes fails, naming their count and the lowest', async () => {
    const one = await outcome('orca', orcaOpt + orcaWithImaginary(orcaIr, ['-312.45']), inp('Opt Freq'));
    assert.deepEqual([one.status, one.cause], ['failed', '1 imaginary frequency (-312 cm⁻¹)']);
    assert.match(one.evidence ?? '', /mol\.out: 6:\s+-312\.45 cm\*\*-1/);
    const two = await outcome('orca', orcaOpt + orcaWithImaginary(orcaIr, ['-312.45', '-20.5']), inp('TightOpt NumFreq'));
    assert.deepEqual([two.status, two.cause], ['failed', '2 imaginary frequencies (lowest -312 cm⁻¹)']);
    // The keywords echoed at the top of the output decide when the input is gone.
    assert.equal((await outcome('orca', orcaWithImaginary(orcaIr, ['-312.45']))).cause, '1 imaginary frequency (-312 cm⁻¹)');
  });

  it('an ORCA OptTS needs exactly one', async () => {
    const none = await outcome('orca', orcaOpt + orcaIr, inp('OptTS Freq'));
    assert.deepEqual([none.status, none.cause], ['failed', 'no imaginary frequency (a transition state has exactly one)']);
    assert.equal((await outcome('orca', orcaOpt + orcaWithImaginary(orcaIr, ['-312.45']), inp('OptTS Freq'))).status, 'succeeded');
    const two = await outcome('orca', orcaOpt + orcaWithImaginary(orcaIr, ['-312.45', '-20.5']), inp('OptTS Freq'));
    assert.equal(two.cause, '2 imaginary frequencies (lowest -312 cm⁻¹; a transition state has exactly one)');
  });

  it('an ORCA optimisation without frequencies is not judged on them', async () => {
    assert.equal((await outcome('orca', orcaOpt, inp('Opt'))).status, 'succeeded');
  });
});
