// What the job detail shows of a job's results, as plain data: the convergence plot's series (kcal/mol relative to the
// last step), the frequency list with imaginary modes marked, the frames the 3D view steps through, the energy facts.
import type { DashboardFrame, DashboardJobResults } from '../jobResultsMessage.js';
import { HARTREE_TO_KCAL } from '../../results/types.js';
import type { OptimizationResult } from '../../results/types.js';

/** The convergence plot's data, one entry per optimisation step. */
export interface ConvergenceSeries {
  /** 1, 2, … n. */
  steps: number[];
  /** Each step's energy minus the last step's, kcal/mol (the last is 0; a converged optimisation falls towards it). */
  relativeKcal: number[];
  /** Hartree/Bohr; null where the output printed none. */
  maxForce: (number | null)[];
}

/** Null when there is nothing to plot (no optimisation, or no step with an energy). */
export function convergenceSeries(optimization: OptimizationResult | null): ConvergenceSeries | null {
  if (!optimization || optimization.energies.length === 0) return null;
  const energies = optimization.energies;
  const last = energies.at(-1)!;
  return {
    steps: energies.map((_, index) => index + 1),
    relativeKcal: energies.map((energy) => (energy - last) * HARTREE_TO_KCAL),
    maxForce: energies.map((_, index) => optimization.maxForce[index] ?? null),
  };
}

export interface FrequencyRow {
  /** 1-based mode number, in the output's order. */
  mode: number;
  /** cm⁻¹; negative is imaginary. */
  value: number;
  imaginary: boolean;
}

/** The modes with imaginary ones marked, and how many are imaginary. */
export function frequencyRows(frequencies: readonly number[] | null): { rows: FrequencyRow[]; imaginary: number } | null {
  if (!frequencies) return null;
  const rows = frequencies.map((value, index) => ({ mode: index + 1, value, imaginary: value < 0 }));
  return { rows, imaginary: rows.filter((row) => row.imaginary).length };
}

/** Two decimals as the programs print them; an imaginary mode keeps its sign and gets chemists' `i`. */
export function formatFrequency(row: FrequencyRow): string {
  return row.imaginary ? `${row.value.toFixed(2)} i` : row.value.toFixed(2);
}

/** What the 3D view steps through: the trajectory when the output has one, else the final geometry as one frame. */
export interface ViewerFrames {
  elements: string[];
  frames: DashboardFrame[];
  /** How many geometries the output holds (more than frames when sampled). */
  total: number;
  /** The file the frames came from, null for the final geometry alone. */
  source: string | null;
}

export function viewerFrames(results: DashboardJobResults | null | undefined): ViewerFrames | null {
  if (!results) return null;
  const trajectory = results.trajectory;
  if (trajectory && trajectory.frames.length > 0 && trajectory.elements.length > 0) {
    return { elements: trajectory.elements, frames: trajectory.frames, total: trajectory.total, source: trajectory.source };
  }
  const geometry = results.geometry;
  if (!geometry || geometry.length === 0) return null;
  return {
    elements: geometry.map((atom) => atom.element),
    frames: [{ step: 1, energy: results.finalEnergy, coords: geometry.flatMap((atom) => [atom.x, atom.y, atom.z]) }],
    total: 1,
    source: null,
  };
}

/** A frame as XYZ text, the format every molecule viewer reads (element symbols come from our parsers, never markup). */
export function frameXyz(elements: readonly string[], frame: DashboardFrame): string {
  const lines = [String(elements.length), `step ${frame.step}`];
  elements.forEach((element, index) => {
    const at = index * 3;
    lines.push(`${element} ${frame.coords[at] ?? 0} ${frame.coords[at + 1] ?? 0} ${frame.coords[at + 2] ?? 0}`);
  });
  return `${lines.join('\n')}\n`;
}

/** CREST's conformers come lowest first; an optimisation's frames end at the result. */
function isConformers(frames: ViewerFrames): boolean {
  return frames.source === 'crest_conformers.xyz';
}

/** The frame shown first: the job's result (an optimisation's last geometry, CREST's lowest conformer). */
export function initialFrame(frames: ViewerFrames): number {
  return isConformers(frames) ? 0 : Math.max(0, frames.frames.length - 1);
}

/**
 * The slider's words for a frame: its step among all, and its energy relative to the result's (the last step's, or
 * the lowest conformer's) when both are known.
 */
export function frameLabel(frames: ViewerFrames, index: number): string {
  const frame = frames.frames[clampIndex(index, frames.frames.length)];
  if (!frame) return '';
  const reference = frames.frames[initialFrame(frames)]!.energy;
  const what = isConformers(frames) ? 'conformer' : 'step';
  const relative = frame.energy !== null && reference !== null ? ` · ${formatKcal((frame.energy - reference) * HARTREE_TO_KCAL)} kcal/mol` : '';
  return `${what} ${frame.step} of ${frames.total}${relative}`;
}

export function clampIndex(index: number, length: number): number {
  if (length <= 0) return 0;
  return Math.min(length - 1, Math.max(0, Math.trunc(Number.isFinite(index) ? index : 0)));
}

function formatKcal(value: number): string {
  const rounded = Math.abs(value) < 0.005 ? 0 : value;
  return `${rounded > 0 ? '+' : ''}${rounded.toFixed(2)}`;
}

/** The energy facts the detail lists, in the order a chemist reads them; unknown values are left out. */
export function energyFacts(results: DashboardJobResults): [string, string][] {
  const facts: [string, string][] = [];
  const hartree = (name: string, value: number | null): void => {
    if (value !== null) facts.push([name, `${value.toFixed(6)} Eh`]);
  };
  hartree('Final energy', results.finalEnergy);
  if (results.scfEnergy !== null && results.scfEnergy !== results.finalEnergy) hartree('Last SCF energy', results.scfEnergy);
  hartree('ZPE', results.zpe);
  hartree('Enthalpy H', results.enthalpy);
  hartree('Gibbs energy G', results.gibbs);
  if (results.temperature !== null) facts.push(['Temperature', `${results.temperature} K`]);
  if (results.imaginaryFrequencies !== null) facts.push(['Imaginary frequencies', String(results.imaginaryFrequencies)]);
  if (results.optimization) {
    const { steps, converged } = results.optimization;
    facts.push(['Optimisation', `${steps} step${steps === 1 ? '' : 's'}, ${converged ? 'converged' : 'not converged'}`]);
  }
  facts.push(['Normal termination', results.normalTermination ? 'yes' : 'no']);
  return facts;
}
