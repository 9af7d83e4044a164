// CREST's `.out` (lowest energy, temperature, the ensemble's populations, wall time) and the conformers of crest_conformers.xyz.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConformerResult } from '../../results/types.js';
import { HARTREE_TO_KCAL } from '../../results/types.js';
import { addProblem, finishDraft, newDraft } from './draft.js';
import { firstFloat, forEachLine, numberOf, pushCapped, tokens } from './outputLines.js';
import type { ParsedOutput } from './parsed.js';
import { forEachXyzFrame } from './xyzFrames.js';

/** Conformers kept with their geometry; an ensemble larger than this keeps the lowest ones and says so. */
export const MAX_CONFORMERS = 2_000;

const WALL = /Overall wall time\s*:\s*(\d+)h\s*:\s*(\d+)m\s*:\s*(\d+)s/;
// CREST's own default level is GFN2-xTB; a flag on its command line says another.
const METHOD_FLAGS: readonly [RegExp, string][] = [
  [/--gfn2\/\/gfnff/, 'GFN2-xTB//GFN-FF'],
  [/--gfnff|--gff/, 'GFN-FF'],
  [/--gfn1/, 'GFN1-xTB'],
  [/--gfn0/, 'GFN0-xTB'],
];

/** Reads a CREST output and, beside it, crest_conformers.xyz (when it is not older than the output's run). */
export async function parseCrestOutput(path: string, directory: string): Promise<ParsedOutput> {
  const draft = newDraft();
  let commandLine: string | null = null;
  let readCommand = false;
  let lowest: number | null = null;
  let inEnsembleTable = false;
  // The Boltzmann weight of each conformer, in the order of the ensemble table (the first rotamer of each set has it).
  const populations: number[] = [];
  const tableEnergies: number[] = [];
  let abnormal = false;

  const facts = await forEachLine(path, (line) => {
    if (readCommand) {
      readCommand = false;
      if (line.trim().startsWith('>')) commandLine = line.trim().replace(/^>\s*/, '');
      return;
    }
    if (inEnsembleTable) {
      // `1   0.000   -56.00767    0.07792    0.15581       1       2     md2`: the row that begins a set of rotamers
      // (index, Erel, Etot, weight, the set's weight, set, degeneracy, origin); the set's other rotamers have 4 numbers.
      const parts = tokens(line);
      const numbers = parts.map(numberOf);
      if (parts.length >= 7 && numbers.slice(0, 7).every((value) => value !== null)) {
        pushCapped(populations, numbers[4]!, MAX_CONFORMERS);
        pushCapped(tableEnergies, numbers[2]!, MAX_CONFORMERS);
        return;
      }
      if (parts.length >= 4 && parts.length <= 5 && numbers.slice(0, 4).every((value) => value !== null)) return;
      inEnsembleTable = false;
    }
    if (line.includes('Command line input')) {
      readCommand = true;
      return;
    }
    if (line.includes('Erel/kcal') && line.includes('Etot')) {
      // A new ensemble table replaces the one before it (CREST prints one per refinement).
      populations.length = 0;
      tableEnergies.length = 0;
      inEnsembleTable = true;
      return;
    }
    if (/^\s*E lowest\s*:/.test(line)) {
      lowest = firstFloat(line);
      return;
    }
    if (/^\s*T \/K\s*:/.test(line)) {
      draft.temperature = firstFloat(line);
      return;
    }
    if (line.includes('Overall wall time')) {
      const match = WALL.exec(line);
      if (match) draft.wallSeconds = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
      return;
    }
    if (line.includes('CREST terminated normally')) {
      draft.normalTermination = true;
      return;
    }
    if (line.includes('CREST terminated abnormally')) {
      abnormal = true;
      addProblem(draft, 'CREST terminated abnormally');
    }
  });
  if (abnormal) draft.normalTermination = false;

  const command: string | null = commandLine;
  if (command !== null) {
    draft.method = METHOD_FLAGS.find(([flag]) => flag.test(command))?.[1] ?? 'GFN2-xTB';
    const charge = /--chrg\s+(-?\d+)/.exec(command);
    if (charge) draft.charge = Number(charge[1]);
    const unpaired = /--uhf\s+(\d+)/.exec(command);
    if (unpaired) draft.multiplicity = Number(unpaired[1]) + 1;
  }

  const conformers = await readConformers(directory, path, populations);
  const fromTable = tableEnergies.map((energy, index) => ({ energy, relativeKcal: null, population: populations[index] ?? null, geometry: null }));
  const ensemble = conformers ?? (fromTable.length > 0 ? fromTable : null);
  if (ensemble) {
    const minimum = Math.min(...ensemble.map((conformer) => conformer.energy));
    draft.conformers = ensemble.map((conformer) => ({ ...conformer, relativeKcal: (conformer.energy - minimum) * HARTREE_TO_KCAL }));
    draft.geometry = ensemble[0]?.geometry ? [...ensemble[0].geometry] : null;
    if (ensemble.length >= MAX_CONFORMERS) addProblem(draft, `more than ${MAX_CONFORMERS} conformers: the lowest ${MAX_CONFORMERS} are kept`);
  }
  // The conformer file's energies have more digits than `E lowest`.
  draft.finalEnergy = conformers ? Math.min(...conformers.map((conformer) => conformer.energy)) : (lowest ?? (draft.conformers ? Math.min(...draft.conformers.map((conformer) => conformer.energy)) : null));
  return { results: finishDraft(draft, facts), ccbatchman: { normal_exit: draft.normalTermination } };
}

/** crest_conformers.xyz: each frame's comment is its energy (Hartree); lowest first. Undefined when absent or stale. */
async function readConformers(directory: string, output: string, populations: readonly number[]): Promise<ConformerResult[] | undefined> {
  const path = join(directory, 'crest_conformers.xyz');
  try {
    const [file, out] = await Promise.all([stat(path), stat(output)]);
    // A file from an earlier search in the same folder (the output was started again after it).
    if (file.mtimeMs < out.birthtimeMs - 60_000 && out.birthtimeMs > 0) return undefined;
  } catch {
    return undefined;
  }
  const conformers: ConformerResult[] = [];
  await forEachXyzFrame(path, (frame) => {
    const energy = firstFloat(frame.comment);
    if (energy === null || conformers.length >= MAX_CONFORMERS) return;
    conformers.push({ energy, relativeKcal: null, population: populations[conformers.length] ?? null, geometry: frame.atoms });
  });
  return conformers.length > 0 ? conformers : undefined;
}
