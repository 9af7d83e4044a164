// What a job computed, as read from its output: the one results shape for the CLI, `{basename}.json` and the page (no Node imports).

/** One atom of a geometry, Cartesian coordinates in Ångström. */
export interface ResultAtom {
  readonly element: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** A geometry optimisation as the output printed it, one entry per step in file order. */
export interface OptimizationResult {
  /** Geometry steps printed (energies computed at a geometry the optimiser judged). */
  readonly steps: number;
  /** True when the program said the optimisation converged. */
  readonly converged: boolean;
  /** The energy at each step, Hartree. */
  readonly energies: readonly number[];
  /**
   * The largest gradient component (Gaussian's Maximum Force, ORCA's MAX gradient, xTB's gradient norm) at each
   * step, Hartree/Bohr; null at a step whose value the output does not show.
   */
  readonly maxForce: readonly (number | null)[];
}

/** One conformer CREST kept, its energy in Hartree and its share of the ensemble. */
export interface ConformerResult {
  readonly energy: number;
  /** Energy relative to the lowest conformer, kcal/mol. */
  readonly relativeKcal: number | null;
  /** Boltzmann population (0–1) as CREST printed it, null when not printed. */
  readonly population: number | null;
  /** The conformer's geometry from `crest_conformers.xyz`, null when that file is absent. */
  readonly geometry: readonly ResultAtom[] | null;
}

/**
 * Everything read from one job's output. Unknown values are null, never guessed; `problems` says what went wrong
 * (SCF not converged, optimisation stopped, imaginary frequencies, a truncated or unreadable output…).
 */
export interface JobResults {
  /** The program said it ended normally. */
  readonly normalTermination: boolean;
  /** The last SCF energy (for xTB its total energy), Hartree. */
  readonly scfEnergy: number | null;
  /** The program's own final energy (Gaussian's last SCF Done, ORCA's FINAL SINGLE POINT ENERGY, xTB's TOTAL ENERGY, CREST's lowest conformer), Hartree. */
  readonly finalEnergy: number | null;
  /** Zero-point energy, Hartree. */
  readonly zpe: number | null;
  /** Total enthalpy (electronic + thermal), Hartree. */
  readonly enthalpy: number | null;
  /** Total Gibbs free energy (electronic + thermal), Hartree. */
  readonly gibbs: number | null;
  /** Temperature of the thermochemistry, K. */
  readonly temperature: number | null;
  /** Vibrational frequencies of the last frequency calculation, cm⁻¹ (imaginary ones negative; no translations/rotations). */
  readonly frequencies: readonly number[] | null;
  /** How many of them are imaginary; null when no frequencies were computed. */
  readonly imaginaryFrequencies: number | null;
  /** The optimisation, null when the job did not optimise. */
  readonly optimization: OptimizationResult | null;
  /** The final geometry, null when the output holds none. */
  readonly geometry: readonly ResultAtom[] | null;
  readonly charge: number | null;
  readonly multiplicity: number | null;
  /** The method as the program's input states it (Gaussian's route line, ORCA's `!` lines, xTB's method). */
  readonly method: string | null;
  /** Wall time of the run, seconds. */
  readonly wallSeconds: number | null;
  /** CREST's conformer ensemble, lowest first; null for other programs. */
  readonly conformers: readonly ConformerResult[] | null;
  /** What went wrong, in words; empty when nothing did. */
  readonly problems: readonly string[];
}

/** One job of a batch as `batchman results --json` prints it. */
export interface JobResultsRow {
  readonly basename: string;
  readonly directory: string;
  readonly program: string;
  readonly status: string;
  readonly results: JobResults | null;
}

/** `batchman results --json`. */
export interface BatchResults {
  readonly file: string;
  readonly jobs: readonly JobResultsRow[];
}

/** Hartree to kcal/mol (CODATA 2018, as CCBatchMan and cclib use 627.5095). */
export const HARTREE_TO_KCAL = 627.5094740631;
export const HARTREE_TO_KJ = 2625.4996394799;
export const HARTREE_TO_EV = 27.211386245988;

/** A results object with every value unknown, the start of every parser. */
export function emptyResults(): JobResults {
  return {
    normalTermination: false,
    scfEnergy: null,
    finalEnergy: null,
    zpe: null,
    enthalpy: null,
    gibbs: null,
    temperature: null,
    frequencies: null,
    imaginaryFrequencies: null,
    optimization: null,
    geometry: null,
    charge: null,
    multiplicity: null,
    method: null,
    wallSeconds: null,
    conformers: null,
    problems: [],
  };
}
