// What a program is to Batchman: the one interface each program module implements, so code outside
// core/programs/ asks the program instead of branching on its name.
import type { SlurmOptions } from '../runner/batchSettings.js';
import type { Atom } from './geometry/atoms.js';
import type { XyzFrame } from './geometry/xyz.js';
import type { ProgramMarkers } from './markers.js';
import type { ResultsParser } from './results/parsed.js';
import type { InputTemplate } from './templates/types.js';

export const PROGRAM_IDS = ['gaussian', 'orca', 'crest', 'xtb', 'pyaroma', 'shell'] as const;

export type ProgramId = (typeof PROGRAM_IDS)[number];

/** What the batchfile language knows of a program (completion, hover, rules): its name and files. */
export interface ProgramInfo<Id extends ProgramId = ProgramId> {
  readonly id: Id;
  readonly displayName: string;
  readonly description: string;
  /** Extension of the job's input file, `{basename}{inputExtension}`. */
  readonly inputExtension: string;
  /** Extension of the program's main output, `{basename}{outputExtension}`. */
  readonly outputExtension: string;
  /** True when the input is a bare geometry that a coords pipe can supply on its own. */
  readonly inputIsGeometry: boolean;
  /** True when the program reads orbitals piped in (`orbitals{DIR,FILE.gbw}`); then `orbitalsPipe` is set. */
  readonly acceptsOrbitals: boolean;
}

/**
 * Everything particular to one program. Each member is required (a member that does not apply is
 * `undefined` or empty on purpose), so a program that forgets a piece does not compile.
 */
export interface Program<Id extends ProgramId = ProgramId> extends ProgramInfo<Id> {
  /** How its output says a run ended well or badly. */
  readonly verdict: ProgramVerdict;
  /** What a `coords` pipe does to the job's folder and input. */
  readonly coordsPipe: PipeInput;
  /** What an `orbitals` pipe does; undefined when the program takes no orbitals. */
  readonly orbitalsPipe: PipeInput | undefined;
  /** Continuing a failed run from the last geometry it reached; undefined when the program starts over. */
  readonly restart: GeometryRestart | undefined;
  /** Files beside the input that a run reads and a restart carries into the fresh folder (`.CHRG`, `xcontrol`…). */
  readonly sideInputs: readonly string[];
  /** File names the input itself refers to in its folder (ORCA `* xyzfile`, `%moinp`; Gaussian `%oldchk`, `@include`). */
  filesNamedByInput(input: string): string[];
  /** How a job of it runs on SLURM. */
  readonly script: GeneratedScript | OwnScript;
  /** SLURM options every job of it starts from (batchman.json's `programs.<id>.slurm` goes over them). */
  readonly slurm: SlurmOptions;
  /**
   * The geometry a successful run ends with, written by Batchman where the next job's coords pipe reads it;
   * undefined when the program writes that file itself (`restart.lastGeometry` reads what a failed run leaves).
   */
  readonly finalGeometry: FinalGeometry | undefined;
  /** What a successful run leaves in its folder for a pipe downstream (completion and hover offer these). */
  readonly leavesBehind: readonly LeftBehind[];

  /**
   * What a run computed, read from its output in one streaming pass (core/programs/results/); undefined when the
   * program's output holds no results Batchman reads.
   */
  readonly results: ResultsParser | undefined;

  /** A new job's input written from a geometry and a step's settings (core/programs/templates/); undefined when there is none. */
  readonly template: InputTemplate | undefined;
}

// ------------------------------------------------------------------------------------ what a run leaves

/** Batchman writes the final geometry of a successful run (the runner, when it decides the job succeeded). */
export interface FinalGeometry {
  /** The file it goes to, `{basename}.xyz`. */
  fileName(basename: string): string;
  /**
   * Writes it into `directory` from the run's output; the path written, undefined when the run is not one that
   * ends with a new geometry (no optimisation) or its output holds none.
   */
  write(directory: string, basename: string): Promise<string | undefined>;
}

/** A file a successful run leaves in its folder, as a pipe downstream would name it. */
export interface LeftBehind {
  /** The pipe that takes it. */
  readonly pipe: 'coords' | 'orbitals';
  /** Its name in the job folder. */
  name(basename: string): string;
  /** What it is and when it is there, for completion and hover: `the final geometry of an optimisation`. */
  readonly what: string;
}

// ------------------------------------------------------------------------------------------- verdict

export type ProgramVerdict = MarkerVerdict | ExitCodeVerdict;

/** The program prints no end marker: exit code 0 (or SLURM's COMPLETED) is success. */
export interface ExitCodeVerdict {
  readonly by: 'exit code';
}

/** The program's own lines decide: a failure marker anywhere in the tail, else enough success markers. */
export interface MarkerVerdict {
  readonly by: 'markers';
  readonly markers: ProgramMarkers;
  /** What a finished run's output must hold, which may depend on the job's kind (opt+freq, an optimisation). */
  countPlan(files: VerdictFiles): Promise<CountPlan>;
}

/** The job's files as a count plan may read them (first 64 KiB; '' when the file does not exist). */
export interface VerdictFiles {
  inputHead(): Promise<string>;
  outputHead(): Promise<string>;
}

/** How many times a line must appear, and the cause when it appears too few times. */
export interface CountRequirement {
  readonly needle: string;
  readonly count: number;
  readonly cause: string;
}

/**
 * The vibrational frequencies a finished run with a frequency calculation must have: no imaginary mode at a
 * minimum, exactly one at a transition state. Read from the lines that hold the frequencies, in one streaming pass.
 */
export interface FrequencyCheck {
  /** Imaginary modes a right result has: 0 for a minimum, 1 for a transition-state search. */
  readonly imaginaryExpected: 0 | 1;
  /** Fixed strings; every output line that contains one is given to the reader, in file order. */
  readonly needles: readonly string[];
  /** A fresh reader for one output. */
  reader(): FrequencyReader;
}

export interface FrequencyReader {
  line(text: string): void;
  /** Each frequency calculation the lines held, in order (none when the output printed no frequencies). */
  calculations(): FrequencyCalculation[];
}

export interface FrequencyCalculation {
  /** Its imaginary frequencies in cm⁻¹ (printed as negative numbers), or only their number when the output gives no values. */
  readonly imaginary: readonly number[] | { readonly count: number };
  /** How many vibrational frequencies it printed (translations and rotations not counted); 0 when unknown. */
  readonly modes: number;
  /** The line that shows them (the first imaginary one, else the first frequency line), for evidence. */
  readonly evidence: string;
}

export interface CountPlan {
  /** A few words on the job kind, for evidence. */
  readonly kind: string;
  /** The success marker's requirement first: too few of it means the run has not finished yet. */
  readonly requirements: readonly CountRequirement[];
  /** Checked over the whole output (frequencies come before huge tables) once the requirements are met. */
  readonly frequencies?: FrequencyCheck;
}

// ------------------------------------------------------------------------------------- pipes, restarts

/** A file a pipe brings from an upstream job's folder. */
export interface PipedFile {
  /** Its path upstream. */
  readonly path: string;
  /** FILE as the pipe names it (it may name a sub-folder upstream). */
  readonly fileName: string;
  /** Its first XYZ frame; throws a GeometryError when the file is not XYZ. */
  firstFrame(): Promise<XyzFrame>;
}

/** The job's input while a change is planned; nothing is written until the whole plan is known. */
export interface JobInput {
  readonly basename: string;
  /** `{basename}{inputExtension}`. */
  readonly name: string;
  /** The input's text as the earlier steps of the plan left it; throws MissingInputError when there is none. */
  read(): Promise<string>;
}

/** What a pipe or a restart puts in the job folder: copies and new files first, the input's new text last. */
export interface InputChange {
  readonly copies?: readonly { readonly from: string; readonly to: string }[];
  readonly writes?: readonly { readonly to: string; readonly text: string }[];
  /** The input's new text, when the input changes. */
  readonly input?: string;
}

/** What a pipe of one kind does to a job of this program. */
export interface PipeInput {
  /** The name the piped file gets in the job folder. */
  fileName(jobBasename: string, pipedName: string): string;
  /** The change that brings the piped file in; throws a GeometryError when the input cannot take it. */
  plan(piped: PipedFile, input: JobInput): Promise<InputChange>;
}

/** A geometry a failed run left behind. */
export interface FoundGeometry {
  atoms: Atom[];
  /** The file it was read from. */
  source: string;
  /** The frame as the program wrote it, when the source is an XYZ file (full precision, its comment). */
  xyz?: string;
}

/** The geometry a restart starts from: its atoms and the same as an XYZ frame. */
export interface RestartGeometry {
  readonly atoms: readonly Atom[];
  readonly xyz: string;
}

export interface GeometryRestart {
  /** The last geometry a failed run left in `directory`; undefined when there is none. */
  lastGeometry(directory: string, basename: string): Promise<FoundGeometry | undefined>;
  /** The change that makes the fresh attempt start from `geometry`; throws a GeometryError when the input cannot take it. */
  plan(geometry: RestartGeometry, input: JobInput): Promise<InputChange>;
}

// ------------------------------------------------------------------------------------------- scripts

/** Batchman writes `{basename}.sh` around a command line (batchman.json's, else `defaultCommand`). */
export interface GeneratedScript {
  readonly kind: 'generated';
  /** One bash line with placeholders (`{input}`, `{output}`, `{cores}`…), as in batchman.json. */
  readonly defaultCommand: string;
  /** What `{args}` stands for when the job folder's `job_config.json` gives no arguments of its own. */
  readonly defaultArgs: readonly string[];
  /** Variables exported before batchman.json's `env` (which wins), e.g. threads per core asked for. */
  env(cores: number): Record<string, string>;
}

/** The job is the user's own `{basename}.sh`: it has no command, and its absence is an error. */
export interface OwnScript {
  readonly kind: 'own';
}
