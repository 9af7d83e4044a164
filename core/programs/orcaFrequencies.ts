// ORCA's frequencies: the numbered modes of each "VIBRATIONAL FREQUENCIES" block (`   6:    -312.45 cm**-1 ***imaginary mode***`).
import type { FrequencyCalculation, FrequencyReader } from './program.js';

const HEADER = 'VIBRATIONAL FREQUENCIES';
const UNIT = 'cm**-1';

/** The lines an ORCA frequency reader needs. */
export const ORCA_FREQUENCY_NEEDLES: readonly string[] = [HEADER, UNIT];

const MODE_LINE = /^\s*\d+:\s+(-?\d+(?:\.\d*)?)\s+cm\*\*-1/;

interface Block {
  imaginary: number[];
  /** Modes that are not translations or rotations (those are printed as exactly zero). */
  modes: number;
  evidence?: string;
}

/**
 * Reads ORCA's frequency blocks. The first 6 modes (5 for a linear molecule) are translations and rotations,
 * printed as 0.00; a mode below zero is imaginary (ORCA marks it `***imaginary mode***`). Mode lines outside a
 * block (other tables in cm**-1) are not frequencies.
 */
export function orcaFrequencyReader(): FrequencyReader {
  const blocks: Block[] = [];
  return {
    line(text) {
      if (text.trim() === HEADER) {
        blocks.push({ imaginary: [], modes: 0 });
        return;
      }
      const mode = MODE_LINE.exec(text);
      const block = blocks.at(-1);
      if (!mode || !block) return;
      const value = Number(mode[1]);
      if (value !== 0) block.modes++;
      if (value < 0) {
        block.imaginary.push(value);
        if (block.imaginary.length === 1) block.evidence = text.trim();
      }
      if (value > 0) block.evidence ??= text.trim();
    },
    calculations(): FrequencyCalculation[] {
      return blocks.filter((block) => block.modes > 0).map((block) => ({ imaginary: block.imaginary, modes: block.modes, evidence: block.evidence ?? HEADER }));
    },
  };
}
