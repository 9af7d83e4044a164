// What an input template is: a new job's input files and program arguments rendered from a geometry and a step's settings.
import type { Atom } from '../geometry/atoms.js';

/** What a step asks a program to do. */
export const RUN_TYPES = ['opt', 'freq', 'opt+freq', 'sp', 'ts', 'conformers'] as const;
export type RunType = (typeof RUN_TYPES)[number];

/** One job's settings after sweeps and defaults: every value is decided. */
export interface TemplateJob {
  readonly basename: string;
  /** A line for the input's title or comment: the molecule and the step. */
  readonly title: string;
  readonly atoms: readonly Atom[];
  readonly charge: number;
  readonly multiplicity: number;
  readonly runType: RunType;
  /** Functional or method (`B3LYP`, `gfn2`); undefined for the program's own default. */
  readonly method?: string;
  readonly basis?: string;
  /** `D3BJ`, `D3`, `D4`… as chemists write it; each program spells it its own way. */
  readonly dispersion?: string;
  /** An implicit solvent by name (`water`). */
  readonly solvent?: string;
  /** Extra keywords, added as written (route words, `!` words, command-line flags). */
  readonly keywords: readonly string[];
  readonly cores: number;
  /** Memory of the whole job in MB (SLURM's `--mem`), undefined when nothing sets it. */
  readonly memoryMb?: number;
}

/** A file the template writes into the job folder. */
export interface RenderedFile {
  readonly name: string;
  readonly text: string;
}

export interface RenderedInput {
  /** The input `{basename}{inputExtension}` first, then any file it names. */
  readonly files: readonly RenderedFile[];
  /** Arguments for the generated command's `{args}` (xTB and CREST flags); empty when the input says it all. */
  readonly args: readonly string[];
  /** The CCBatchMan `job_config.json` keys this program's generator fills (`functional`, `basis`, `run_type`…). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A program's input template. */
export interface InputTemplate {
  /** The run types it can render. */
  readonly runTypes: readonly RunType[];
  /** True when a run of this type ends with a new geometry a later step can take. */
  makesGeometry(runType: RunType): boolean;
  /** The input, the files it names and the arguments; throws a TemplateError when the settings cannot be written. */
  render(job: TemplateJob): RenderedInput;
}

/** Settings a template cannot write (a run type the program does not have, a value with a newline). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** A setting's value on one line, refused when it would break the file it goes into. */
export function oneLine(value: string, what: string): string {
  if (/[\r\n]/.test(value)) throw new TemplateError(`${what} "${value}" must be on one line`);
  return value.trim();
}

/** Geometry-making run types common to the quantum-chemistry programs. */
export function optimises(runType: RunType): boolean {
  return runType === 'opt' || runType === 'opt+freq' || runType === 'ts' || runType === 'conformers';
}
