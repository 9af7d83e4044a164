// The mutable results a parser fills while it streams, and the finishing touches every program shares.
import type { ConformerResult, JobResults, ResultAtom } from '../../results/types.js';
import type { LineStreamFacts } from './outputLines.js';
import { fileProblems } from './outputLines.js';

export interface ResultsDraft {
  normalTermination: boolean;
  scfEnergy: number | null;
  finalEnergy: number | null;
  zpe: number | null;
  enthalpy: number | null;
  gibbs: number | null;
  temperature: number | null;
  frequencies: number[] | null;
  optimization: { steps: number; converged: boolean; energies: number[]; maxForce: (number | null)[] } | null;
  geometry: ResultAtom[] | null;
  charge: number | null;
  multiplicity: number | null;
  method: string | null;
  wallSeconds: number | null;
  conformers: ConformerResult[] | null;
  problems: string[];
}

export function newDraft(): ResultsDraft {
  return {
    normalTermination: false,
    scfEnergy: null,
    finalEnergy: null,
    zpe: null,
    enthalpy: null,
    gibbs: null,
    temperature: null,
    frequencies: null,
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

/** Adds a problem once. */
export function addProblem(draft: ResultsDraft, problem: string): void {
  if (!draft.problems.includes(problem)) draft.problems.push(problem);
}

/**
 * The finished results: the file's own problems, an unfinished run, imaginary modes. The frequencies' imaginary count
 * is derived here, so every program counts them the same way.
 */
export function finishDraft(draft: ResultsDraft, facts: LineStreamFacts | undefined): JobResults {
  const problems = [...(facts ? fileProblems(facts) : []), ...draft.problems];
  if (!draft.normalTermination && !problems.some((problem) => problem.startsWith('no normal termination'))) {
    problems.push('no normal termination (the run failed, is unfinished or its output was cut)');
  }
  const imaginary = draft.frequencies ? draft.frequencies.filter((value) => value < 0) : null;
  if (imaginary && imaginary.length > 0) {
    problems.push(`${imaginary.length} imaginary frequenc${imaginary.length === 1 ? 'y' : 'ies'} (${imaginary.map((value) => `${value} cm⁻¹`).join(', ')})`);
  }
  if (draft.optimization && !draft.optimization.converged && draft.normalTermination) {
    addUnique(problems, 'the optimisation did not converge');
  }
  return {
    normalTermination: draft.normalTermination,
    scfEnergy: draft.scfEnergy,
    finalEnergy: draft.finalEnergy,
    zpe: draft.zpe,
    enthalpy: draft.enthalpy,
    gibbs: draft.gibbs,
    temperature: draft.temperature,
    frequencies: draft.frequencies,
    imaginaryFrequencies: imaginary ? imaginary.length : null,
    optimization: draft.optimization,
    geometry: draft.geometry,
    charge: draft.charge,
    multiplicity: draft.multiplicity,
    method: draft.method,
    wallSeconds: draft.wallSeconds,
    conformers: draft.conformers,
    problems,
  };
}

function addUnique(list: string[], value: string): void {
  if (!list.some((entry) => entry.startsWith(value))) list.push(value);
}
