// Gaussian's frequencies: each calculation's "Frequencies --" lines after its "Harmonic frequencies" header.
import type { FrequencyCalculation, FrequencyReader } from './program.js';

const HEADER = 'Harmonic frequencies';
const VALUES = 'Frequencies --';
/** Gaussian: `******    1 imaginary frequencies (negative Signs) ******`, printed before the table. */
export const GAUSSIAN_IMAGINARY = 'imaginary frequencies';

/** The lines a Gaussian frequency reader needs. */
export const GAUSSIAN_FREQUENCY_NEEDLES: readonly string[] = [HEADER, VALUES, GAUSSIAN_IMAGINARY];

// `Frequencies --   -412.3301   3727.3788   3849.1765`: three per line. With freq=HPModes Gaussian first prints
// the same modes to more digits as `Frequencies ---` under a header of their own; that table is skipped, the
// ordinary one follows it.
const VALUES_LINE = /^\s*Frequencies --(?!-)(.*)$/;
const SUMMARY_LINE = /(\d+)\s+imaginary frequencies/;

interface Table {
  imaginary: number[];
  values: number;
  evidence?: string;
}

/** Reads the frequency tables of a Gaussian log; a table that holds no ordinary `Frequencies --` line is no calculation. */
export function gaussianFrequencyReader(): FrequencyReader {
  const tables: Table[] = [];
  let summary: { count: number; line: string } | undefined;
  return {
    line(text) {
      if (text.includes(HEADER)) {
        tables.push({ imaginary: [], values: 0 });
        return;
      }
      const values = VALUES_LINE.exec(text);
      if (values) {
        if (tables.length === 0) tables.push({ imaginary: [], values: 0 });
        const table = tables.at(-1)!;
        const numbers = values[1]!.trim().split(/\s+/).map(Number).filter(Number.isFinite);
        const negative = numbers.filter((value) => value < 0);
        table.values += numbers.length;
        table.imaginary.push(...negative);
        if (table.evidence === undefined || (negative.length > 0 && table.imaginary.length === negative.length)) table.evidence = text.trim();
        return;
      }
      const count = SUMMARY_LINE.exec(text);
      if (count) summary ??= { count: Number(count[1]), line: text.trim() };
    },
    calculations(): FrequencyCalculation[] {
      const found = tables.filter((table) => table.values > 0).map((table) => ({ imaginary: table.imaginary, modes: table.values, evidence: table.evidence! }));
      // An output cut down to its summary line (no table) still says how many modes are imaginary.
      if (found.length === 0 && summary) return [{ imaginary: { count: summary.count }, modes: 0, evidence: summary.line }];
      return found;
    },
  };
}
