// A real Gaussian 16 optimisation + frequency job for the job detail's tests: cclib's regression outputs (the
// optimisation, then the frequencies at its geometry) joined into one log as an opt+freq run writes its two job
// steps, the frequency step's lowest mode made imaginary as a run at a saddle point prints it.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CCLIB_DIR = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
export const OPT_LOG = 'gaussian/g16-dvb_gopt.log';
export const FREQ_LOG = 'gaussian/g16-dvb_ir.log';

/** What cclib read from each reference output (expected-cclib.json), the oracle the tests compare with. */
export interface CclibReading {
  finalScfEnergyHartree?: number;
  scfEnergiesCount?: number;
  frequencies?: number;
  imaginaryFrequencies?: number;
  lowestFrequency?: number;
  atoms?: number;
  geometries?: number;
  gibbsHartree?: number;
}

export function cclibReading(file: string): CclibReading {
  const all = JSON.parse(readFileSync(join(CCLIB_DIR, 'expected-cclib.json'), 'utf8')) as Record<string, CclibReading>;
  const reading = all[file];
  if (!reading) throw new Error(`expected-cclib.json has no ${file}`);
  return reading;
}

/** The value the lowest mode gets; the log says one imaginary frequency, as Gaussian does. */
export const IMAGINARY_MODE = '-312.4567';

/** The frequency log with its lowest mode (53.1981 cm⁻¹ in both of its tables) made imaginary. */
export function frequencyLogWithImaginary(): string {
  const log = readFileSync(join(CCLIB_DIR, FREQ_LOG), 'utf8');
  const original = '53.1981';
  const edited = log.replaceAll(` ${original}`, ` ${IMAGINARY_MODE.padStart(original.length)}`);
  if (edited === log) throw new Error(`${FREQ_LOG} no longer holds the mode ${original}`);
  return edited.replace(' Harmonic frequencies (cm**-1)', ' ******    1 imaginary frequencies (negative Signs) ******\n Harmonic frequencies (cm**-1)');
}

/** Writes `<directory>/<basename>.log`: the optimisation's log, then the edited frequency step. */
export async function writeOptFreqJob(directory: string, basename: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, `${basename}.log`);
  await writeFile(path, readFileSync(join(CCLIB_DIR, OPT_LOG), 'utf8') + frequencyLogWithImaginary());
  return path;
}
