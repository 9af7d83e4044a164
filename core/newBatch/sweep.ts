// Sweeps: a pipeline's steps expanded into jobs, one per combination of a step's list-valued settings and per job
// of the step it takes its geometry from, each named so a chemist can read it (`opt_b3lyp_def2-svp`).
import { PROGRAMS } from '../programs/catalog.js';
import { SWEEPABLE } from './pipelines.js';
import type { PipelineSpec, StepSpec, SweepableKey } from './pipelines.js';

/** One job of a pipeline, the same in every molecule's folder. */
export interface StepJob {
  readonly step: StepSpec;
  /** Its basename and its folder in the molecule's folder. */
  readonly name: string;
  /** The name's parts after the step's name: its own swept values, then those of the job it takes its geometry from. */
  readonly suffix: readonly string[];
  /** Each sweepable setting with one value. */
  readonly settings: Readonly<Partial<Record<SweepableKey, string>>>;
  /** The job (by name) whose geometry it takes, and the file. */
  readonly coords?: { readonly from: string; readonly file: string };
  readonly orbitals?: { readonly from: string; readonly file: string };
  /** The job of each earlier step on its geometry chain, itself included: how orbitals find the matching job. */
  readonly chain: ReadonlyMap<string, string>;
}

/** A sweep that gives two jobs one name (`B3LYP` and `b3lyp`), or a pipeline that cannot be expanded. */
export class SweepError extends Error {
  override readonly name = 'SweepError';
}

/** Every job of the pipeline, steps in order, each step's jobs in sweep order. */
export function expandPipeline(pipeline: PipelineSpec): StepJob[] {
  const jobs: StepJob[] = [];
  for (const step of pipeline.steps) {
    const upstreamJobs = step.coordsFrom === undefined ? [undefined] : jobs.filter((job) => job.step.name === step.coordsFrom);
    const combinations = sweepCombinations(step);
    for (const upstream of upstreamJobs) {
      for (const combination of combinations) {
        const suffix = [...combination.parts, ...(upstream?.suffix ?? [])];
        const name = [step.name, ...suffix].join('_');
        if (jobs.some((job) => job.name === name)) throw new SweepError(`step ${step.name}: two jobs would be named "${name}"; make the swept values differ by more than case or punctuation`);
        const chain = new Map(upstream?.chain ?? []);
        chain.set(step.name, name);
        const job: StepJob = {
          step,
          name,
          suffix,
          settings: { ...inherited(step, upstream), ...combination.settings },
          ...(upstream ? { coords: { from: upstream.name, file: step.coordsFile ?? leftGeometry(upstream) } } : {}),
          ...(step.orbitalsFrom !== undefined ? { orbitals: orbitalsOf(step, chain) } : {}),
          chain,
        };
        jobs.push(job);
      }
    }
  }
  return jobs;
}

/** A swept value as part of a name: lower case, anything but letters, digits, `.`, `+` and `-` as `-`. */
export function nameSlug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

function sweepCombinations(step: StepSpec): { settings: Partial<Record<SweepableKey, string>>; parts: string[] }[] {
  let combinations: { settings: Partial<Record<SweepableKey, string>>; parts: string[] }[] = [{ settings: {}, parts: [] }];
  for (const key of SWEEPABLE) {
    const given = step[key];
    if (given === undefined) continue;
    const values = typeof given === 'string' ? [given] : given;
    // Only a setting with several values names its jobs: a one-value list is just that value.
    const named = values.length > 1;
    combinations = combinations.flatMap((combination) =>
      values.map((value) => ({ settings: { ...combination.settings, [key]: value }, parts: named ? [...combination.parts, nameSlug(value)] : combination.parts })),
    );
  }
  return combinations;
}

/**
 * The settings a step leaves out and takes from the job it starts from, when both run the same program: a frequency
 * step after a swept optimisation runs at each optimisation's own level and solvent.
 */
function inherited(step: StepSpec, upstream: StepJob | undefined): Partial<Record<SweepableKey, string>> {
  if (!upstream || upstream.step.program !== step.program) return {};
  const settings: Partial<Record<SweepableKey, string>> = {};
  for (const key of SWEEPABLE) if (step[key] === undefined && upstream.settings[key] !== undefined) settings[key] = upstream.settings[key];
  return settings;
}

/** What the upstream job leaves for a coords pipe: its program's final geometry file. */
function leftGeometry(upstream: StepJob): string {
  const left = PROGRAMS[upstream.step.program].leavesBehind.find((item) => item.pipe === 'coords');
  if (!left) throw new SweepError(`step ${upstream.step.name}: ${upstream.step.program} leaves no geometry; name the file with coordsFile`);
  return left.name(upstream.name);
}

function orbitalsOf(step: StepSpec, chain: ReadonlyMap<string, string>): { from: string; file: string } {
  const from = chain.get(step.orbitalsFrom!);
  if (from === undefined) throw new SweepError(`step ${step.name}: orbitalsFrom "${step.orbitalsFrom}" is not on its geometry chain`);
  // Only ORCA takes orbitals (the pipeline's validation says so): it leaves them as `{basename}.gbw`.
  const left = PROGRAMS.orca.leavesBehind.find((item) => item.pipe === 'orbitals')!;
  return { from, file: left.name(from) };
}
