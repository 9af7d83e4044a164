// The job detail's `results` part: what a job computed, as the host sends it to the page (plain JSON data, no Node or DOM types).
import type { OptimizationResult, ResultAtom } from '../results/types.js';

/** One geometry of the job's trajectory: its 1-based step among all the file holds, its energy (Hartree) when printed, x y z per atom (Å). */
export interface DashboardFrame {
  step: number;
  energy: number | null;
  coords: number[];
}

/** The geometries step by step (an optimisation, CREST's conformers), sampled evenly to at most a few hundred frames. */
export interface DashboardTrajectory {
  /** Element symbols, one per atom, the same in every frame. */
  elements: string[];
  /** The last frame is always among them. */
  frames: DashboardFrame[];
  /** How many geometries the file holds (more than `frames.length` when sampled). */
  total: number;
  /** The file they came from, its name only (`xtbopt.log`, `job.log`). */
  source: string;
}

/** What the job computed (core/results/types.ts's JobResults, less what the detail does not show). Hartree, K, cm⁻¹, Å. */
export interface DashboardJobResults {
  normalTermination: boolean;
  scfEnergy: number | null;
  finalEnergy: number | null;
  zpe: number | null;
  enthalpy: number | null;
  gibbs: number | null;
  temperature: number | null;
  /** Imaginary ones negative. */
  frequencies: number[] | null;
  imaginaryFrequencies: number | null;
  optimization: OptimizationResult | null;
  geometry: ResultAtom[] | null;
  /** Program text: the page inserts it as text. */
  problems: string[];
  /** Null when the output holds one geometry or none. */
  trajectory: DashboardTrajectory | null;
}
