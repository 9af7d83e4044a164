// What the "New Batch from Structures…" wizard asks and shows, decided without VS Code: the pipelines offered, whether
// charge and multiplicity are asked (only for molecules whose comment line does not say), the default batchfile, the
// preview's lines, and which errors are the plan's refusals (shown as a message, not a stack).
import { basename, dirname, join } from 'node:path';
import { BatchSettingsError } from '../runner/batchSettings.js';
import { BUILTIN_PIPELINES } from './pipelines.js';
import type { PipelineSpec } from './pipelines.js';
import { DEFAULT_BATCHFILE, NewBatchError, NewBatchUsageError } from './plan.js';
import type { NewBatchPlan, PlannedJob } from './plan.js';
import { StructureError, StructurePathError, spinProblem } from './structures.js';
import type { ChargeFlags, Molecule } from './structures.js';
import { SweepError } from './sweep.js';

export interface PipelineChoice {
  readonly name: string;
  /** The steps in order: `opt (xtb opt) → freq (xtb freq)`. */
  readonly steps: string;
  readonly source: 'batchman.json' | 'built-in';
  readonly description?: string;
}

/** batchman.json's pipelines first (one of them may redefine a built-in), then the other built-ins. */
export function pipelineChoices(own: Readonly<Record<string, PipelineSpec>>): PipelineChoice[] {
  const choice = (name: string, spec: PipelineSpec, source: PipelineChoice['source']): PipelineChoice => ({
    name,
    steps: spec.steps.map((step) => `${step.name} (${step.program} ${step.runType})`).join(' → '),
    source,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  });
  return [
    ...Object.entries(own).map(([name, spec]) => choice(name, spec, 'batchman.json')),
    ...Object.entries(BUILTIN_PIPELINES).filter(([name]) => own[name] === undefined).map(([name, spec]) => choice(name, spec, 'built-in')),
  ];
}

export interface ChargeQuestion {
  /** The molecules whose comment line leaves charge or multiplicity unsaid. */
  readonly molecules: readonly string[];
  readonly prompt: string;
  /** What the box starts with: the defaults the plan would use. */
  readonly value: string;
}

/** The question to ask, or undefined when every molecule's comment line gives both. */
export function chargeQuestion(molecules: readonly Molecule[]): ChargeQuestion | undefined {
  const unsaid = molecules.filter((molecule) => molecule.chargeFrom === 'default' || molecule.multiplicityFrom === 'default').map((molecule) => molecule.name);
  if (unsaid.length === 0) return undefined;
  const names = unsaid.length <= 4 ? unsaid.join(', ') : `${unsaid.slice(0, 3).join(', ')} and ${unsaid.length - 3} more`;
  return {
    molecules: unsaid,
    prompt: `Charge and multiplicity of ${names} (${unsaid.length === 1 ? 'its comment line does' : 'their comment lines do'} not say; a comment line's charge=… mult=… is kept)`,
    value: '0 1',
  };
}

/** `0 1`, `+1 2`, `-1, 1` → charge and multiplicity; a string saying what is wrong otherwise. */
export function parseChargeAnswer(text: string): { charge: number; multiplicity: number } | string {
  const match = /^\s*([+-]?\d+)\s*[\s,;/]\s*(\d+)\s*$/.exec(text);
  if (!match) return 'two whole numbers: the charge, then the multiplicity (e.g. 0 1, or -1 2)';
  const multiplicity = Number(match[2]);
  if (multiplicity < 1) return 'the multiplicity is 1 or more';
  return { charge: Number(match[1]), multiplicity };
}

/**
 * The plan's flags for an answer: none for the defaults; a flag only for a value that differs from the default, and
 * only when it changes no molecule whose comment line says otherwise (the plan's flags apply to every molecule); a
 * string naming the molecule when the answer is refused, as the plan would refuse it (parity).
 */
export function chargeFlags(molecules: readonly Molecule[], answer: { charge: number; multiplicity: number }): ChargeFlags | string {
  const flags: { charge?: number; multiplicity?: number } = {};
  if (answer.charge !== 0) {
    const said = molecules.find((molecule) => molecule.chargeFrom === 'comment' && molecule.charge !== answer.charge);
    if (said) return `${said.name}'s comment line says charge=${said.charge}: give the others' charge in their comment lines (charge=${answer.charge}), or make their batch separately`;
    flags.charge = answer.charge;
  }
  if (answer.multiplicity !== 1) {
    const said = molecules.find((molecule) => molecule.multiplicityFrom === 'comment' && molecule.multiplicity !== answer.multiplicity);
    if (said) return `${said.name}'s comment line says mult=${said.multiplicity}: give the others' multiplicity in their comment lines (mult=${answer.multiplicity}), or make their batch separately`;
    flags.multiplicity = answer.multiplicity;
  }
  // Said here, in the box, rather than by the plan after the next step: which molecule cannot have the answer.
  for (const molecule of molecules) {
    const problem = spinProblem(molecule.atoms, flags.charge ?? molecule.charge, flags.multiplicity ?? molecule.multiplicity);
    if (problem) return `${molecule.name}: ${problem}`;
  }
  return flags;
}

/** The batchfile beside the structures: in the folder of the first file, or beside the first folder (as the example has it). */
export function defaultBatchfilePath(structures: readonly string[]): string {
  const first = structures[0];
  if (first === undefined) throw new Error('no structures');
  return join(dirname(first), DEFAULT_BATCHFILE);
}

export interface PreviewLine {
  readonly kind: 'job' | 'input';
  readonly label: string;
  readonly description?: string;
}

const STATE_WORDS: Readonly<Record<PlannedJob['state'], string>> = {
  new: 'new folder',
  update: 'inputs rewritten (no output yet)',
  same: 'unchanged',
  kept: 'kept: holds output',
};

/** One sentence of what Create does. */
export function previewSummary(plan: NewBatchPlan): string {
  const made = plan.jobs.filter((job) => job.state === 'new' || job.state === 'update').length;
  const file = basename(plan.batchfilePath);
  const rows = plan.batchfileExists ? `${plan.addedRows} row${plural(plan.addedRows)} added to ${file}` : `new ${file}`;
  return `${plan.molecules.length} molecule${plural(plan.molecules.length)}, ${plan.jobs.length} job${plural(plan.jobs.length)} (${made} folder${plural(made)} written); ${rows}`;
}

/** The preview's lines: each job (folder, program, pipe, what happens to its folder), then a sample input. */
export function previewLines(plan: NewBatchPlan, sampleLines = 12): { jobs: PreviewLine[]; sampleTitle?: string; sample: PreviewLine[] } {
  const jobs = plan.jobs.map((job): PreviewLine => {
    const molecule = job.molecule;
    const spin = `charge ${molecule.charge}, mult ${molecule.multiplicity}`;
    return { kind: 'job', label: job.folder, description: [job.program, job.pipe, spin, `${STATE_WORDS[job.state]}${job.inBatchfile ? ', row there' : ''}`].filter((part) => part !== '').join(' · ') };
  });
  const sampleJob = plan.jobs.find((job) => job.state !== 'kept') ?? plan.jobs[0];
  const input = sampleJob?.files[0];
  if (!sampleJob || !input) return { jobs, sample: [] };
  const lines = input.text.replace(/\n+$/, '').split('\n');
  const sample: PreviewLine[] = lines.slice(0, sampleLines).map((line) => ({ kind: 'input', label: line === '' ? ' ' : line }));
  if (lines.length > sampleLines) sample.push({ kind: 'input', label: `… ${lines.length - sampleLines} more line${plural(lines.length - sampleLines)}` });
  if (sampleJob.args.length > 0) sample.push({ kind: 'input', label: `{args}: ${sampleJob.args.join(' ')}` });
  return { jobs, sampleTitle: `${sampleJob.folder}/${input.name}`, sample };
}

/** `New Batch (2/4)`. */
export function stepTitle(step: number, steps: number): string {
  return `New Batch (${step}/${steps})`;
}

/** True for the errors the plan refuses with (a structure, a pipeline, batchman.json, the batchfile): shown as their message. */
export function isPlanRefusal(error: unknown): error is Error {
  return (
    error instanceof NewBatchError ||
    error instanceof NewBatchUsageError ||
    error instanceof StructureError ||
    error instanceof StructurePathError ||
    error instanceof BatchSettingsError ||
    error instanceof SweepError
  );
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
