// ORCA's `.out` read in one streaming pass: the input echo, SCF and final energies, optimisation cycles, thermochemistry, frequencies, last geometry.
import type { ResultAtom } from '../../results/types.js';
import { addProblem, finishDraft, newDraft } from './draft.js';
import { firstFloat, numberOf, pushCapped, scanLines, tokens } from './outputLines.js';
import type { CcbatchmanValues, ParsedOutput } from './parsed.js';

const TOTAL_ENERGY = /^Total Energy\s+:\s+(\S+)\s+Eh/;
const FINAL_ENERGY = /FINAL SINGLE POINT ENERGY\s+(\S+)/;
const INPUT_LINE = /^\|\s*\d+>\s?(.*)$/;
const MODE_LINE = /^\s*\d+:\s+(-?\d+(?:\.\d*)?)\s+cm\*\*-1/;
const RUN_TIME = /TOTAL RUN TIME:\s+(\d+)\s+days\s+(\d+)\s+hours\s+(\d+)\s+minutes\s+(\d+)\s+seconds\s+(\d+)\s+msec/;
const GRADIENT_ROW = /^\s+MAX gradient\s+(\S+)\s+\S+\s+(?:YES|NO)/;
const CHARGE = /Total Charge\s+Charge\s+\.+\s+(-?\d+)/;
const MULTIPLICITY = /Multiplicity\s+Mult\s+\.+\s+(\d+)/;
// CCBatchMan's orca_rules.dat: an input line that asks for an optimisation.
const OPT_KEYWORD = /(^|\s+)(opt|tightopt|verytightopt|copt)\s+/i;

// Outside a section, every line the parser reads begins (after spaces) with one of these; the others (SCF iterations,
// orbital energies, population analyses: most of an output) are skipped unread.
const LINE_STARTS = [
  'CARTESIAN COORDINATES (ANGSTROEM)', 'Total Energy', 'FINAL SINGLE POINT ENERGY', 'MAX gradient', '*** OPTIMIZATION RUN DONE ***',
  'VIBRATIONAL FREQUENCIES', 'INPUT FILE', 'DFT DISPERSION CORRECTION', 'TD-DFT/TDA EXCITED STATES', 'BROKEN SYMMETRY MAGNETIC',
  'The optimization did not converge but reached', 'ORCA finished by error termination', 'aborting the run', 'Total Charge',
  'Multiplicity', 'Temperature', 'Zero point energy', 'Total thermal energy', 'Total Enthalpy', 'Final Gibbs free energy',
  'Final entropy term', 'G-E(el)', 'TOTAL RUN TIME',
];
// Lines that begin inside a box of stars: `*   GEOMETRY OPTIMIZATION CYCLE   1   *`, `****ORCA TERMINATED NORMALLY****`.
const LINE_START_PATTERNS = ['\\*\\s+GEOMETRY OPTIMIZATION CYCLE', '\\*+HURRAY', '\\*+ORCA TERMINATED NORMALLY', '(?:\\*\\s*)?SCF NOT CONVERGED'];

type Section = 'none' | 'input' | 'geometry' | 'frequencies' | 'dispersion' | 'tddft' | 'brokenSymmetry';

/** Reads an ORCA output (any size) into results and CCBatchMan's keys. */
export async function parseOrcaOutput(path: string): Promise<ParsedOutput> {
  const draft = newDraft();
  const methodLines: string[] = [];
  let section: Section = 'none';
  let geometryDashes = 0;
  let block: ResultAtom[] = [];
  let lastGeometry: ResultAtom[] | null = null;
  let frequencies: number[] | null = null;
  let cycle = -1;
  let cycleHasEnergy = false;
  const energies: number[] = [];
  const maxForce: (number | null)[] = [];
  let converged = false;
  let sawOptimisation = false;
  const ccb: CcbatchmanValues = {
    E_el_au: null, E_au: null, H_au: null, G_au: null, TS_au: null, E_dispersion_au: null, E_gCP_au: null, G_minus_E_el_au: null,
    normal_exit: false, is_opt: false, opt_normal_exit: false, opt_fail: false, scf_fail: false, imaginary_frequencies: false,
    first_excite_E_au: null, E_high_spin_au: null, E_broken_sym_au: null, '<S^2>_HS': null, '<S^2>_BS': null,
  };

  const onLine = (line: string): void => {
    // Sections first: inside one only its own lines are read (and those that close it).
    switch (section) {
      case 'input': {
        if (line.includes('****END OF INPUT****')) {
          section = 'none';
          return;
        }
        const echoed = INPUT_LINE.exec(line)?.[1];
        if (echoed === undefined) return;
        if (echoed.trimStart().startsWith('!')) pushCapped(methodLines, echoed.trim().replace(/^!\s*/, ''), 50);
        // CCBatchMan reads lines with their newline, so a keyword at the end of a line counts.
        if (OPT_KEYWORD.test(`${echoed}\n`)) ccb.is_opt = true;
        return;
      }
      case 'geometry': {
        if (/^-+\s*$/.test(line) && geometryDashes === 0) {
          geometryDashes++;
          return;
        }
        const atom = cartesianAtom(line);
        if (atom) {
          pushCapped(block, atom, 100_000);
          return;
        }
        if (block.length > 0) lastGeometry = block;
        section = 'none';
        break;
      }
      case 'frequencies': {
        if (/NORMAL\s+MODES/.test(line)) {
          section = 'none';
          return;
        }
        const mode = MODE_LINE.exec(line);
        if (mode) {
          const value = Number(mode[1]);
          // Translations and rotations are printed as exactly zero.
          if (value !== 0) pushCapped((frequencies ??= []), value, 10_000);
          if (value < 0) ccb.imaginary_frequencies = true;
        }
        return;
      }
      case 'dispersion':
        if (line.includes('FINAL SINGLE POINT ENERGY')) section = 'none';
        else if (/Dispersion\s+correction/.test(line)) ccb.E_dispersion_au = firstFloat(line);
        else if (/gCP\s+correction/.test(line)) ccb.E_gCP_au = firstFloat(line);
        break;
      case 'tddft':
        if (/TD-DFT\/TDA-EXCITATION\s+SPECTRA/.test(line)) section = 'none';
        else if (ccb.first_excite_E_au === null && /STATE\s+1/.test(line)) ccb.first_excite_E_au = firstFloat(line);
        return;
      case 'brokenSymmetry':
        if (/Spin-Hamiltonian\s+Analysis/.test(line)) section = 'none';
        else if (ccb.E_high_spin_au === null && /E\s*\(High-Spin\)/.test(line)) ccb.E_high_spin_au = firstFloat(line);
        else if (ccb.E_broken_sym_au === null && /E\s*\(BrokenSym\)/.test(line)) ccb.E_broken_sym_au = firstFloat(line);
        else if (ccb['<S^2>_HS'] === null && /<S\*\*2>\s*\(High-Spin\)/.test(line)) ccb['<S^2>_HS'] = firstFloat(line);
        else if (ccb['<S^2>_BS'] === null && /<S\*\*2>\s*\(BrokenSym\)/.test(line)) ccb['<S^2>_BS'] = firstFloat(line);
        return;
      case 'none':
        break;
    }

    if (line.startsWith('CARTESIAN COORDINATES (ANGSTROEM)')) {
      section = 'geometry';
      geometryDashes = 0;
      block = [];
      return;
    }
    if (line.startsWith('Total Energy ')) {
      const energy = numberOf(TOTAL_ENERGY.exec(line)?.[1]);
      if (energy !== null) draft.scfEnergy = energy;
      return;
    }
    if (line.includes('FINAL SINGLE POINT ENERGY')) {
      const energy = numberOf(FINAL_ENERGY.exec(line)?.[1]);
      if (energy !== null) {
        draft.finalEnergy = energy;
        if (cycle >= 0 && !cycleHasEnergy) {
          pushCapped(energies, energy);
          cycleHasEnergy = true;
        }
      }
      return;
    }
    if (line.includes('GEOMETRY OPTIMIZATION CYCLE')) {
      sawOptimisation = true;
      cycle++;
      cycleHasEnergy = false;
      pushCapped(maxForce, null);
      return;
    }
    if (line.includes('MAX gradient')) {
      const value = numberOf(GRADIENT_ROW.exec(line)?.[1]);
      if (value !== null && maxForce.length > 0) maxForce[maxForce.length - 1] = value;
      return;
    }
    if (line.includes('HURRAY') || line.includes('*** OPTIMIZATION RUN DONE ***')) {
      if (line.includes('OPTIMIZATION RUN DONE')) ccb.opt_normal_exit = true;
      else converged = true;
      cycle = -1;
      return;
    }
    if (line.includes('VIBRATIONAL FREQUENCIES') && /^\s*VIBRATIONAL\s+FREQUENCIES\s*$/.test(line)) {
      section = 'frequencies';
      frequencies = null;
      return;
    }
    if (line.includes('INPUT FILE') && line.trim() === 'INPUT FILE') {
      section = 'input';
      return;
    }
    if (/DFT DISPERSION CORRECTION/.test(line)) {
      section = 'dispersion';
      return;
    }
    if (/TD-DFT\/TDA\s+EXCITED\s+STATES/.test(line)) {
      section = 'tddft';
      return;
    }
    if (/BROKEN\s+SYMMETRY\s+MAGNETIC\s+/.test(line)) {
      section = 'brokenSymmetry';
      return;
    }
    if (line.includes('ORCA TERMINATED NORMALLY')) {
      draft.normalTermination = true;
      ccb.normal_exit = true;
      return;
    }
    if (line.includes('SCF NOT CONVERGED')) {
      ccb.scf_fail = true;
      addProblem(draft, 'the SCF did not converge (ORCA: SCF NOT CONVERGED)');
      return;
    }
    if (line.includes('The optimization did not converge but reached')) {
      ccb.opt_fail = true;
      addProblem(draft, 'the optimisation reached its maximum number of cycles without converging');
      return;
    }
    if (line.includes('error termination') || line.includes('aborting the run')) {
      addProblem(draft, `ORCA: ${line.trim().slice(0, 120)}`);
      return;
    }
    if (line.includes('Total Charge')) {
      const match = CHARGE.exec(line);
      if (match) draft.charge = Number(match[1]);
      return;
    }
    if (line.includes('Multiplicity')) {
      const match = MULTIPLICITY.exec(line);
      if (match) draft.multiplicity = Number(match[1]);
      return;
    }
    if (line.startsWith('Temperature ') && line.includes('...')) {
      draft.temperature = firstFloat(line);
      return;
    }
    if (line.startsWith('Zero point energy')) {
      draft.zpe = firstFloat(line);
      return;
    }
    if (line.startsWith('Total thermal energy')) {
      ccb.E_au = firstFloat(line);
      return;
    }
    if (line.startsWith('Total Enthalpy')) {
      draft.enthalpy = firstFloat(line);
      return;
    }
    if (line.startsWith('Final Gibbs free energy')) {
      draft.gibbs = firstFloat(line);
      return;
    }
    if (/^Final\s+entropy\s+term/.test(line)) {
      ccb.TS_au = firstFloat(line);
      return;
    }
    if (/^G-E\s*\(el\)/.test(line)) {
      ccb.G_minus_E_el_au = firstFloat(line);
      return;
    }
    if (line.startsWith('TOTAL RUN TIME')) {
      const match = RUN_TIME.exec(line);
      if (match) draft.wallSeconds = Number(match[1]) * 86_400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]) + Number(match[5]) / 1000;
    }
  };
  const facts = await scanLines(path, { lineStarts: LINE_STARTS, lineStartPatterns: LINE_START_PATTERNS, onLine, everyLine: () => section !== 'none' });

  // An output that ends inside the block (cut, or still being written) keeps the rows read.
  if ((section as Section) === 'geometry' && block.length > 0) lastGeometry = block;
  draft.geometry = lastGeometry;
  draft.frequencies = frequencies;
  draft.method = methodLines.length > 0 ? methodLines.join(' ').replace(/\s+/g, ' ').trim() : null;
  if (sawOptimisation || ccb.is_opt) {
    draft.optimization = { steps: maxForce.length, converged, energies, maxForce };
  }
  const results = finishDraft(draft, facts);
  ccb.E_el_au = draft.finalEnergy;
  ccb.H_au = draft.enthalpy;
  ccb.G_au = draft.gibbs;
  return { results, ccbatchman: ccb };
}

// `  C     -1.415253    0.230222    0.000000`
function cartesianAtom(line: string): ResultAtom | undefined {
  const parts = tokens(line);
  if (parts.length !== 4 || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(parts[0]!)) return undefined;
  const [x, y, z] = parts.slice(1).map(numberOf);
  if (x == null || y == null || z == null) return undefined;
  return { element: parts[0]!.replace(/[^A-Za-z].*$/, ''), x, y, z };
}
