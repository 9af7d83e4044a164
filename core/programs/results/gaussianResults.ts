// Gaussian's `.log` read in one streaming pass: SCF and post-SCF energies, optimisation steps, thermochemistry, frequencies, last orientation.
import type { ResultAtom } from '../../results/types.js';
import { elementSymbol } from '../geometry/atoms.js';
import { addProblem, finishDraft, newDraft } from './draft.js';
import { firstFloat, numberOf, pushCapped, scanLines, tokens } from './outputLines.js';
import type { CcbatchmanValues, ParsedOutput } from './parsed.js';

const SCF_DONE = /SCF Done:\s+E\(\S+\)\s*=\s*(\S+)/;
// Post-SCF totals that follow an SCF: `E2 = -0.379D-01 EUMP2 = -0.75002282127454D+02`, `CCSD(T)= -0.76241D+02`.
const POST_SCF = /(?:EUMP[2-5]|CCSD\(T\)|QCISD\(T\))\s*=\s*(\S+)/;
const CHARGE = /Charge\s*=\s*(-?\d+)\s+Multiplicity\s*=\s*(\d+)/;
const ELAPSED = /Elapsed time:\s+(\d+)\s+days\s+(\d+)\s+hours\s+(\d+)\s+minutes\s+([\d.]+)\s+seconds/;
const ORIENTATION = /^\s*(Standard|Input|Z-Matrix) orientation:/;
const DASHES = /^\s*-{10,}\s*$/;
/** The route comes within the first lines; an output without one is not read line by line to its end looking for it. */
const ROUTE_WITHIN_LINES = 5_000;
// Every line the parser reads begins (after spaces) with one of these; the others (most of a log) are skipped unread.
const LINE_STARTS = [
  'Standard orientation:', 'Input orientation:', 'Z-Matrix orientation:', 'SCF Done:', 'Maximum Force', 'Frequencies --',
  'Harmonic frequencies', 'E2 =', 'E2=', 'E3=', 'CCSD(T)', 'QCISD(T)', '-- Stationary point found', 'Normal termination',
  'Error termination', 'Optimization stopped', 'Convergence failure -- run terminated', 'FormBX had a problem', 'Charge =',
  'Zero-point correction=', 'Sum of electronic and thermal', 'Temperature ', 'Elapsed time:', '<Sx>',
];

interface OrientationBlock {
  kind: string;
  /** Dashed lines seen: rows come after the second and end at the third. */
  dashes: number;
  /** The rows as printed: only the last block's are ever parsed (a long optimisation prints thousands). */
  rows: string[];
}

interface FrequencyTable {
  highPrecision: number[];
  ordinary: number[];
}

/** Reads a Gaussian log (any size) into results and CCBatchMan's keys. */
export async function parseGaussianOutput(path: string): Promise<ParsedOutput> {
  const draft = newDraft();
  const route: string[] = [];
  let routeState: 'before' | 'reading' | 'done' = 'before';
  let previousWasDashes = false;
  let orientation: OrientationBlock | undefined;
  let lastStandard: string[] | null = null;
  let lastOther: string[] | null = null;
  let lastScf: number | null = null;
  let postScf: number | null = null;
  const energies: number[] = [];
  const maxForce: (number | null)[] = [];
  let stationary = 0;
  let normalCount = 0;
  const tables: FrequencyTable[] = [];
  let wall: number | null = null;
  const ccb: CcbatchmanValues = {
    E_el_au: null, E_au: null, H_au: null, G_au: null, imaginary_frequencies: false, is_opt_freq: false, opt_fail: false,
    bad_internals: false, scf_fail: false, normal_exit: false, normal_exit_opt_freq: false, normal_exit_opt_freq_2: false, '<S**2>': null,
  };

  let linesBeforeRoute = 0;
  const onLine = (line: string): void => {
    // The route: the lines between the dashes that start with `#`, the first job step's only.
    if (routeState !== 'done') {
      const dashes = DASHES.test(line);
      if (routeState === 'before' && previousWasDashes && line.startsWith(' #')) routeState = 'reading';
      if (routeState === 'reading') {
        if (dashes) routeState = 'done';
        else pushCapped(route, line.trim(), 50);
      } else if (++linesBeforeRoute > ROUTE_WITHIN_LINES) {
        routeState = 'done';
      }
      previousWasDashes = dashes;
    }

    if (orientation) {
      const dashes = DASHES.test(line);
      if (dashes) {
        orientation.dashes++;
        if (orientation.dashes === 3) {
          if (orientation.kind === 'Standard') lastStandard = orientation.rows;
          else lastOther = orientation.rows;
          orientation = undefined;
        }
        return;
      }
      if (orientation.dashes === 2) {
        // A row begins with its centre number; anything else is a block garbled or cut, read no further.
        if (!/^\s*\d/.test(line)) orientation = undefined;
        else pushCapped(orientation.rows, line, 100_000);
      }
      if (orientation) return;
    }
    const orientationStart = ORIENTATION.exec(line);
    if (orientationStart) {
      orientation = { kind: orientationStart[1]!, dashes: 0, rows: [] };
      return;
    }
    if (line.includes('SCF Done:')) {
      const match = SCF_DONE.exec(line);
      const energy = numberOf(match?.[1]);
      if (energy !== null) {
        lastScf = energy;
        postScf = null;
      }
      return;
    }
    if (line.includes('Maximum Force')) {
      const parts = tokens(line);
      // One Converged? table per optimisation step, after that step's SCF; a frequency step after the
      // optimisation (opt freq, or --Link1--) prints one too, which is no step.
      if (parts[0] === 'Maximum' && parts[1] === 'Force' && normalCount === 0) {
        pushCapped(maxForce, numberOf(parts[2]));
        pushCapped(energies, lastScf ?? Number.NaN);
      }
      return;
    }
    if (line.includes('Frequencies --')) {
      const table = tables.at(-1) ?? pushTable(tables);
      const highPrecision = line.includes('Frequencies ---');
      const values = line.slice(line.indexOf(highPrecision ? '---' : '--') + (highPrecision ? 3 : 2));
      for (const token of tokens(values)) {
        const value = numberOf(token);
        if (value !== null) pushCapped(highPrecision ? table.highPrecision : table.ordinary, value, 10_000);
      }
      return;
    }
    if (line.includes('Harmonic frequencies')) {
      pushTable(tables);
      return;
    }
    if (line.includes('EUMP') || line.includes('CCSD(T)') || line.includes('QCISD(T)')) {
      const value = numberOf(POST_SCF.exec(line)?.[1]);
      if (value !== null) postScf = value;
      return;
    }
    if (line.includes('Stationary point found')) {
      stationary++;
      return;
    }
    if (/Normal\s*termination\s*of\s*Gaussian/.test(line)) {
      normalCount++;
      draft.normalTermination = true;
      return;
    }
    if (line.includes('Error termination')) {
      draft.normalTermination = false;
      addProblem(draft, `Gaussian: ${line.trim().slice(0, 120)}`);
      return;
    }
    if (line.includes('Optimization stopped')) {
      ccb.opt_fail = true;
      addProblem(draft, 'the optimisation stopped (Gaussian: Optimization stopped)');
      return;
    }
    if (line.includes('Convergence failure -- run terminated')) {
      ccb.scf_fail = true;
      addProblem(draft, 'the SCF did not converge (Gaussian: Convergence failure -- run terminated)');
      return;
    }
    if (line.includes('FormBX had a problem')) {
      ccb.bad_internals = true;
      addProblem(draft, 'bad internal coordinates (Gaussian: FormBX had a problem)');
      return;
    }
    if (line.includes('Charge =')) {
      const match = CHARGE.exec(line);
      if (match) {
        draft.charge = Number(match[1]);
        draft.multiplicity = Number(match[2]);
      }
      return;
    }
    if (line.includes('Zero-point correction=')) {
      draft.zpe = firstFloat(line);
      return;
    }
    if (line.includes('Sum of electronic and thermal')) {
      const value = firstFloat(line.slice(line.indexOf('=')));
      if (line.includes('Free Energies')) draft.gibbs = value;
      else if (line.includes('Enthalpies')) draft.enthalpy = value;
      else if (line.includes('Energies')) ccb.E_au = value;
      return;
    }
    if (line.startsWith(' Temperature ') && line.includes('Kelvin')) {
      draft.temperature = firstFloat(line);
      return;
    }
    if (line.includes('Elapsed time:')) {
      const match = ELAPSED.exec(line);
      if (match) wall = (wall ?? 0) + Number(match[1]) * 86_400 + Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
      return;
    }
    if (line.includes('<S**2>')) {
      // `<Sx>= 0.0000 <Sy>= 0.0000 <Sz>= 0.5000 <S**2>= 0.7530 S= 0.5012`: the value after `<S**2>=`.
      const value = firstFloat(line.slice(line.indexOf('<S**2>')));
      if (value !== null) ccb['<S**2>'] = value;
    }
  };
  const facts = await scanLines(path, { lineStarts: LINE_STARTS, onLine, everyLine: () => routeState !== 'done' || orientation !== undefined });

  if (orientation && orientation.rows.length > 0) addProblem(draft, 'the output ends inside a geometry block');
  draft.geometry = orientationAtoms(lastStandard ?? lastOther);
  draft.scfEnergy = lastScf;
  draft.finalEnergy = postScf ?? lastScf;
  draft.wallSeconds = wall;
  draft.method = route.length > 0 ? route.join(' ').replace(/\s+/g, ' ').trim() : null;
  // CCBatchMan looks for `opt freq` on any line; in practice that is the route (and its copy in the archive entry).
  ccb.is_opt_freq = draft.method !== null && /opt\s+freq/i.test(draft.method);
  const isOptimisation = draft.method !== null && /(?:^|[\s#/])opt\b/i.test(draft.method);
  if (isOptimisation) {
    const energiesKnown = energies.filter((energy) => !Number.isNaN(energy));
    draft.optimization = { steps: maxForce.length, converged: stationary > 0, energies: energiesKnown, maxForce };
  }
  draft.frequencies = chosenFrequencies(tables);
  const results = finishDraft(draft, facts);
  ccb.E_el_au = lastScf;
  ccb.imaginary_frequencies = (results.imaginaryFrequencies ?? 0) > 0;
  ccb.normal_exit = normalCount > 0;
  ccb.normal_exit_opt_freq = normalCount >= 2;
  ccb.normal_exit_opt_freq_2 = stationary >= 2;
  ccb.H_au = draft.enthalpy;
  ccb.G_au = draft.gibbs;
  return { results, ccbatchman: ccb };
}

function pushTable(tables: FrequencyTable[]): FrequencyTable {
  const table = { highPrecision: [], ordinary: [] };
  tables.push(table);
  if (tables.length > 2) tables.shift();
  return table;
}

// The last calculation's frequencies: its ordinary table, or the high-precision one (freq=HPModes) when only that was printed.
function chosenFrequencies(tables: readonly FrequencyTable[]): number[] | null {
  for (let index = tables.length - 1; index >= 0; index--) {
    const table = tables[index]!;
    if (table.ordinary.length > 0) return table.ordinary;
    if (table.highPrecision.length > 0) return table.highPrecision;
  }
  return null;
}

/** A block's atoms, null when its rows are not all atoms (a block garbled or cut inside). */
function orientationAtoms(rows: readonly string[] | null): ResultAtom[] | null {
  if (!rows || rows.length === 0) return null;
  const atoms: ResultAtom[] = [];
  for (const row of rows) {
    const atom = orientationAtom(row);
    if (!atom) return null;
    atoms.push(atom);
  }
  return atoms;
}

// `     1          6           0        0.269445    1.410118    0.000000` (Gaussian 03 and older omit the atomic type).
function orientationAtom(line: string): ResultAtom | undefined {
  const parts = tokens(line);
  if (parts.length !== 6 && parts.length !== 5) return undefined;
  const [x, y, z] = parts.slice(-3).map(numberOf);
  const element = elementSymbol(Number(parts[1]));
  if (x == null || y == null || z == null || element === undefined) return undefined;
  return { element, x, y, z };
}
