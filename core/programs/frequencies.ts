// Imaginary frequencies: what a frequency calculation found against what its job kind needs, and the cause that says so.
import { CAUSES } from './markers.js';
import type { FrequencyCalculation } from './program.js';

/** The number of imaginary modes of a calculation, and the lowest (most negative) when the output gives values. */
export function imaginaryModes(calculation: FrequencyCalculation): { count: number; lowest?: number } {
  const imaginary = calculation.imaginary;
  if ('count' in imaginary) return { count: imaginary.count };
  return imaginary.length === 0 ? { count: 0 } : { count: imaginary.length, lowest: Math.min(...imaginary) };
}

/**
 * The failure cause when a calculation has the wrong number of imaginary modes, undefined when it is right:
 * `1 imaginary frequency (-312 cm⁻¹)`, `2 imaginary frequencies (lowest -312 cm⁻¹)`; for a transition-state
 * search, which needs exactly one, `no imaginary frequency (a transition state has exactly one)` or
 * `2 imaginary frequencies (lowest -312 cm⁻¹; a transition state has exactly one)`.
 */
export function imaginaryFrequencyCause(calculation: FrequencyCalculation, expected: 0 | 1): string | undefined {
  const { count, lowest } = imaginaryModes(calculation);
  if (count === expected) return undefined;
  const tsNote = expected === 1 ? 'a transition state has exactly one' : undefined;
  if (count === 0) return `no ${CAUSES.imaginaryFrequency} (${tsNote})`;
  const words = count === 1 ? `1 ${CAUSES.imaginaryFrequency}` : `${count} imaginary frequencies`;
  const value = lowest === undefined ? undefined : `${count === 1 ? '' : 'lowest '}${formatWavenumber(lowest)} cm⁻¹`;
  const details = [value, tsNote].filter((part) => part !== undefined);
  return details.length === 0 ? words : `${words} (${details.join('; ')})`;
}

/** The first calculation whose imaginary modes are wrong for the job, with its cause. */
export function wrongFrequencies(calculations: readonly FrequencyCalculation[], expected: 0 | 1): { cause: string; evidence: string } | undefined {
  for (const calculation of calculations) {
    const cause = imaginaryFrequencyCause(calculation, expected);
    if (cause !== undefined) return { cause, evidence: calculation.evidence };
  }
  return undefined;
}

// Whole wavenumbers: what a chemist reads off; one decimal only when rounding would hide that a mode is imaginary.
function formatWavenumber(value: number): string {
  const rounded = Math.round(value);
  return rounded === 0 ? value.toFixed(1) : String(rounded);
}
