// Real xTB for tests: whether it is installed, the skip reason when not (never with CI=true), a water molecule.
import { execa } from 'execa';

export const WATER_XYZ = '3\nwater\nO 0.000 0.000 0.000\nH 0.000 0.757 0.587\nH 0.000 -0.757 0.587\n';

async function xtbAvailable(): Promise<boolean> {
  try {
    await execa('xtb', ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** `describe(…, { skip })` value: false when xtb runs here or CI=true (then a missing xtb fails the test). */
export async function xtbSkip(): Promise<false | string> {
  if (await xtbAvailable()) return false;
  return process.env['CI'] === 'true' ? false : 'xtb is not installed (apt-get install xtb)';
}
