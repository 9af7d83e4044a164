// xTB's `.out` read in one streaming pass, with the optimisation's own files beside it (xtbopt.xyz, the xtbopt.log trajectory).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultAtom } from '../../results/types.js';
import { addProblem, finishDraft, newDraft } from './draft.js';
import type { ResultsDraft } from './draft.js';
import { firstFloat, numberOf, pushCapped, scanLines, tokens } from './outputLines.js';
import type { CcbatchmanValues, ParsedOutput } from './parsed.js';
import { forEachXyzFrame } from './xyzFrames.js';

const SUMMARY_ENERGY = /^\s*::\s*total energy\s+(\S+)\s+Eh/;
const CYCLE_ENERGY = /^\s*\*\s*total energy\s*:\s*(\S+)\s+Eh/;
const CYCLE_GRADIENT = /^\s*gradient norm\s*:\s*(\S+)\s+Eh/;
const BOXED = /^\s*\|\s*(TOTAL ENERGY|TOTAL ENTHALPY|TOTAL FREE ENERGY|GRADIENT NORM|HOMO-LUMO GAP)\s+(\S+)/;
const WALL = /wall-time:\s+(\d+)\s+d,\s+(\d+)\s+h,\s+(\d+)\s+min,\s+([\d.]+)\s+sec/;
// Every line the parser reads begins (after spaces) with one of these; the others (SCC iterations, orbital tables:
// most of an output) are skipped unread.
const LINE_STARTS = [
  'eigval :', 'projected vibrational frequencies', ':: total energy', '* total energy', 'gradient norm :', '|', '* finished run on',
  '* wall-time:', 'total:', ':: zero point energy', ':: total charge', 'T/K', 'abnormal termination of xtb',
];
const LINE_START_PATTERNS = [
  '\\.{5,}\\s*CYCLE', '\\*+ GEOMETRY OPTIMIZATION CONVERGED', '\\*+ FAILED TO CONVERGE GEOMETRY OPTIMIZATION',
  '\\S*\\s*scf: Self consistent charge iterator did not converge', ':\\s+# imaginary freq\\.', ':\\s+Hamiltonian',
];
const TRAJECTORY_COMMENT = /energy:\s*(\S+)\s+gnorm:\s*(\S+)/;

/** Reads an xTB output (any size) and, for an optimisation, xtbopt.xyz / xtbopt.log in its folder. */
export async function parseXtbOutput(path: string, directory: string): Promise<ParsedOutput> {
  const draft = newDraft();
  const energies: number[] = [];
  const gradients: (number | null)[] = [];
  let optimisation = false;
  let converged = false;
  let finished = false;
  let abnormal = false;
  let imaginaryPrinted: number | null = null;
  let frequencies: number[] | null = null;
  let thermoTable = false;
  let totalWall = false;
  const ccb: CcbatchmanValues = { E_el_au: null, H_au: null, G_au: null, Delta_E_homo_lumo_ev: null, imaginary_frequencies: null, normal_exit: false };

  const onLine = (line: string): void => {
    if (line.includes('projected vibrational frequencies')) {
      // xTB prints the projected frequencies more than once, each time under this header.
      frequencies = [];
      return;
    }
    if (line.startsWith('eigval :')) {
      frequencies ??= [];
      for (const token of tokens(line.slice(8))) {
        const value = numberOf(token);
        // Translations and rotations are printed as ±0.00.
        if (value !== null && Math.abs(value) >= 0.005) pushCapped(frequencies!, value, 10_000);
      }
      return;
    }
    if (thermoTable) {
      // `    298.15    0.105380E-01    0.171775E+00 …`: the first row under the T/K header is the temperature used.
      const first = numberOf(tokens(line)[0]);
      if (first !== null) {
        draft.temperature = first;
        thermoTable = false;
      }
      return;
    }
    if (line.includes('total energy')) {
      const summary = numberOf(SUMMARY_ENERGY.exec(line)?.[1]);
      if (summary !== null) {
        draft.scfEnergy = summary;
        return;
      }
      const cycle = numberOf(CYCLE_ENERGY.exec(line)?.[1]);
      if (cycle !== null) {
        pushCapped(energies, cycle);
        pushCapped(gradients, null);
      }
      return;
    }
    if (line.includes('gradient norm :')) {
      const value = numberOf(CYCLE_GRADIENT.exec(line)?.[1]);
      if (value !== null && gradients.length > 0) gradients[gradients.length - 1] = value;
      return;
    }
    if (line.includes('|')) {
      const boxed = BOXED.exec(line);
      if (boxed) {
        const value = numberOf(boxed[2]);
        if (boxed[1] === 'TOTAL ENERGY') draft.finalEnergy = value;
        else if (boxed[1] === 'TOTAL ENTHALPY') draft.enthalpy = value;
        else if (boxed[1] === 'TOTAL FREE ENERGY') draft.gibbs = value;
        else if (boxed[1] === 'HOMO-LUMO GAP') ccb.Delta_E_homo_lumo_ev = value;
        return;
      }
    }
    if (line.includes('CYCLE') && /\.{5,}\s*CYCLE\s+\d+/.test(line)) {
      optimisation = true;
      return;
    }
    if (line.includes('GEOMETRY OPTIMIZATION CONVERGED')) {
      converged = true;
      return;
    }
    if (line.includes('FAILED TO CONVERGE GEOMETRY OPTIMIZATION')) {
      addProblem(draft, 'the optimisation did not converge (xTB: FAILED TO CONVERGE GEOMETRY OPTIMIZATION)');
      return;
    }
    if (line.includes('Self consistent charge iterator did not converge')) {
      addProblem(draft, 'the SCC did not converge (xTB: Self consistent charge iterator did not converge)');
      return;
    }
    if (line.includes('abnormal termination of xtb')) {
      abnormal = true;
      addProblem(draft, 'xTB: abnormal termination');
      return;
    }
    if (line.includes('* finished run on')) {
      finished = true;
      return;
    }
    if (line.includes('wall-time:')) {
      // The first wall time after `total:` is the whole run's; the ones after it are parts of it.
      const match = WALL.exec(line);
      if (match && totalWall) {
        draft.wallSeconds = Number(match[1]) * 86_400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
        totalWall = false;
      }
      return;
    }
    if (line.trim() === 'total:') {
      totalWall = true;
      return;
    }
    if (line.includes(':: zero point energy')) {
      draft.zpe = firstFloat(line);
      return;
    }
    if (line.includes(':: total charge')) {
      const charge = firstFloat(line);
      if (charge !== null) draft.charge = Math.round(charge);
      return;
    }
    if (line.includes('# imaginary freq.')) {
      const match = /imaginary freq\.\s+(\d+)/.exec(line);
      if (match) imaginaryPrinted = Number(match[1]);
      return;
    }
    if (line.includes('T/K') && line.includes('G(T)/Eh')) {
      thermoTable = true;
      return;
    }
    if (draft.method === null && line.includes('Hamiltonian')) {
      const match = /Hamiltonian\s+(\S+)/.exec(line);
      if (match) draft.method = match[1]!;
    }
  };
  // Every line only for the row under the thermochemistry table's header.
  const facts = await scanLines(path, { lineStarts: LINE_STARTS, lineStartPatterns: LINE_START_PATTERNS, onLine, everyLine: () => thermoTable });

  draft.normalTermination = finished && !abnormal;
  draft.frequencies = frequencies;
  ccb.E_el_au = draft.finalEnergy;
  ccb.H_au = draft.enthalpy;
  ccb.G_au = draft.gibbs;
  ccb.normal_exit = finished;
  ccb.imaginary_frequencies = imaginaryPrinted;
  if (optimisation) {
    draft.optimization = { steps: energies.length, converged, energies, maxForce: gradients };
    await readOptimisationFiles(draft, directory, path);
  }
  return { results: finishDraft(draft, facts), ccbatchman: ccb };
}

/**
 * The final geometry from xtbopt.xyz, else the trajectory's last frame; the trajectory's steps when the output
 * printed none. A file older than the output belongs to an earlier run and is not read.
 */
async function readOptimisationFiles(draft: ResultsDraft, directory: string, output: string): Promise<void> {
  const outputTime = await mtime(output);
  const fresh = async (name: string): Promise<string | undefined> => {
    const path = join(directory, name);
    const time = await mtime(path);
    // The run writes these before its last lines: a minute's slack for copies and coarse file-system clocks.
    return time !== undefined && outputTime !== undefined && time >= outputTime - 60_000 ? path : undefined;
  };
  const finalXyz = await fresh('xtbopt.xyz');
  if (finalXyz) draft.geometry = await lastFrame(finalXyz, () => undefined);
  const trajectory = await fresh('xtbopt.log');
  if (!trajectory || (draft.geometry && draft.optimization && draft.optimization.steps > 0)) return;
  const energies: number[] = [];
  const gradients: (number | null)[] = [];
  const last = await lastFrame(trajectory, (comment) => {
    const match = TRAJECTORY_COMMENT.exec(comment);
    const energy = numberOf(match?.[1]);
    if (energy !== null) {
      pushCapped(energies, energy);
      pushCapped(gradients, numberOf(match?.[2]));
    }
  });
  draft.geometry ??= last;
  if (draft.optimization && draft.optimization.steps === 0 && energies.length > 0) {
    draft.optimization = { ...draft.optimization, steps: energies.length, energies, maxForce: gradients };
  }
}

async function lastFrame(path: string, onComment: (comment: string) => void): Promise<ResultAtom[] | null> {
  let last: ResultAtom[] | null = null;
  try {
    await forEachXyzFrame(path, (frame) => {
      onComment(frame.comment);
      last = frame.atoms;
    });
  } catch {
    return null;
  }
  return last;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}
