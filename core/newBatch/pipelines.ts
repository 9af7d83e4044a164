// Pipelines: ordered steps, each a program with its settings and the earlier step it takes its geometry (and
// orbitals) from; the built-in ones, and the validation of batchman.json's `pipelines`.
import { PROGRAMS, PROGRAM_IDS } from '../programs/catalog.js';
import type { ProgramId } from '../programs/catalog.js';
import { RUN_TYPES } from '../programs/templates/types.js';
import type { RunType } from '../programs/templates/types.js';
import { parseMemory, parseWalltime } from '../runner/slurmUnits.js';

/** A setting a step may sweep: one value, or a list expanded into one job per value. */
export type Sweepable = string | readonly string[];

/**
 * The settings that may be lists; the order is the order of a job name's parts. A step that leaves one out takes it
 * from the job it takes its geometry from when both run the same program (core/newBatch/sweep.ts).
 */
export const SWEEPABLE = ['method', 'basis', 'dispersion', 'solvent'] as const;
export type SweepableKey = (typeof SWEEPABLE)[number];

export interface StepSpec {
  /** The step's name: its folder in each molecule's folder and its jobs' basename (with sweep values appended). */
  readonly name: string;
  readonly program: ProgramId;
  readonly runType: RunType;
  readonly method?: Sweepable;
  readonly basis?: Sweepable;
  readonly dispersion?: Sweepable;
  readonly solvent?: Sweepable;
  /** Extra keywords, as the program writes them (route words, `!` words, command-line flags). */
  readonly keywords?: readonly string[];
  readonly cores?: number;
  /** SLURM memory of the whole job (`8G`); Gaussian's %mem and ORCA's %maxcore are derived from it. */
  readonly memory?: string;
  readonly walltime?: string;
  readonly partition?: string;
  /** `module load` names and setup lines for this step's jobs, instead of batchman.json's. */
  readonly modules?: readonly string[];
  readonly setup?: readonly string[];
  /** The earlier step whose final geometry this step starts from; none: the structure itself. */
  readonly coordsFrom?: string;
  /** The file taken from it; by default what that program leaves after an optimisation (`xtbopt.xyz`, `crest_best.xyz`…). */
  readonly coordsFile?: string;
  /** The earlier ORCA step whose orbitals (`.gbw`) this ORCA step starts from. */
  readonly orbitalsFrom?: string;
}

export interface PipelineSpec {
  readonly description?: string;
  readonly steps: readonly StepSpec[];
}

export const BUILTIN_PIPELINES: Readonly<Record<string, PipelineSpec>> = {
  'xtb-opt-freq': {
    description: 'xTB optimisation, then xTB frequencies (the Hessian) at the optimised geometry',
    steps: [
      { name: 'opt', program: 'xtb', runType: 'opt', method: 'gfn2' },
      { name: 'freq', program: 'xtb', runType: 'freq', method: 'gfn2', coordsFrom: 'opt' },
    ],
  },
  'crest-xtb': {
    description: 'CREST conformer search, then an xTB optimisation of the best conformer',
    steps: [
      { name: 'crest', program: 'crest', runType: 'conformers', method: 'gfn2', cores: 4 },
      { name: 'opt', program: 'xtb', runType: 'opt', method: 'gfn2', coordsFrom: 'crest' },
    ],
  },
  'orca-opt-freq-sp': {
    description: 'ORCA optimisation and frequencies (B3LYP-D3BJ/def2-SVP), then a single point with the larger def2-TZVP basis',
    steps: [
      { name: 'optfreq', program: 'orca', runType: 'opt+freq', method: 'B3LYP', basis: 'def2-SVP', dispersion: 'D3BJ', cores: 4, memory: '8G', walltime: '24:00:00' },
      { name: 'sp', program: 'orca', runType: 'sp', method: 'B3LYP', basis: 'def2-TZVP', dispersion: 'D3BJ', cores: 4, memory: '8G', walltime: '12:00:00', coordsFrom: 'optfreq' },
    ],
  },
  'gaussian-opt-freq': {
    description: 'Gaussian optimisation and frequencies (B3LYP-D3BJ/6-31G(d))',
    steps: [{ name: 'optfreq', program: 'gaussian', runType: 'opt+freq', method: 'B3LYP', basis: '6-31G(d)', dispersion: 'D3BJ', cores: 4, memory: '8G', walltime: '24:00:00' }],
  },
};

/** Letters, digits and `_ . + -`: a folder and basename every program, SLURM and CCBatchMan take as is. */
export const STEP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

/** A pipeline by name: batchman.json's first (it may redefine a built-in), then the built-ins. */
export function findPipeline(own: Readonly<Record<string, PipelineSpec>>, name: string): PipelineSpec | undefined {
  return own[name] ?? BUILTIN_PIPELINES[name];
}

/** Every pipeline's name: batchman.json's and the built-ins. */
export function pipelineNames(own: Readonly<Record<string, PipelineSpec>>): string[] {
  return [...new Set([...Object.keys(own), ...Object.keys(BUILTIN_PIPELINES)])];
}

/** Reports a problem at a dotted key (`pipelines.mine.steps[1].runType`) and does not return. */
export type Fail = (key: string, problem: string) => never;

const STEP_KEYS = [
  'name', 'program', 'runType', ...SWEEPABLE, 'keywords', 'cores', 'memory', 'walltime', 'partition', 'modules', 'setup', 'coordsFrom', 'coordsFile', 'orbitalsFrom',
] as const;

/** batchman.json's `pipelines`: an object of named pipelines, each checked step by step; every problem names its key. */
export function validatePipelines(value: unknown, fail: Fail, key = 'pipelines'): Record<string, PipelineSpec> {
  const pipelines = object(value, key, fail);
  const result: Record<string, PipelineSpec> = {};
  for (const [name, spec] of Object.entries(pipelines)) {
    const at = `${key}.${name}`;
    if (!STEP_NAME.test(name)) fail(at, 'a pipeline name is letters, digits, _, ., + and -');
    const body = object(spec, at, fail);
    for (const extra of Object.keys(body)) if (extra !== 'steps' && extra !== 'description') fail(`${at}.${extra}`, 'unknown key; expected steps, description');
    if (body['description'] !== undefined && typeof body['description'] !== 'string') fail(`${at}.description`, 'must be a string');
    if (!Array.isArray(body['steps']) || body['steps'].length === 0) fail(`${at}.steps`, 'must be a list of at least one step');
    const steps: StepSpec[] = [];
    (body['steps'] as unknown[]).forEach((step, index) => steps.push(validateStep(step, `${at}.steps[${index}]`, steps, fail)));
    result[name] = { ...(typeof body['description'] === 'string' ? { description: body['description'] } : {}), steps };
  }
  return result;
}

/** One step, checked against the steps before it (names unique, geometry and orbitals from an earlier step that has them). */
export function validateStep(value: unknown, at: string, earlier: readonly StepSpec[], fail: Fail): StepSpec {
  const step = object(value, at, fail);
  for (const extra of Object.keys(step)) if (!(STEP_KEYS as readonly string[]).includes(extra)) fail(`${at}.${extra}`, `unknown key; expected ${STEP_KEYS.join(', ')}`);
  const name = text(step['name'], `${at}.name`, fail);
  if (!STEP_NAME.test(name)) fail(`${at}.name`, `"${name}" is not a step name: letters, digits, _, ., + and - (it becomes a folder)`);
  if (earlier.some((other) => other.name === name)) fail(`${at}.name`, `a second step named "${name}"`);
  const program = text(step['program'], `${at}.program`, fail).toLowerCase();
  if (!(PROGRAM_IDS as readonly string[]).includes(program)) fail(`${at}.program`, `unknown program "${program}"; expected one of ${PROGRAM_IDS.join(', ')}`);
  const template = PROGRAMS[program as ProgramId].template;
  if (!template) fail(`${at}.program`, `Batchman writes no ${program} inputs; a pipeline step is one of ${PROGRAM_IDS.filter((id) => PROGRAMS[id].template).join(', ')}`);
  const runType = text(step['runType'], `${at}.runType`, fail);
  if (!template.runTypes.includes(runType as RunType)) {
    fail(`${at}.runType`, `${program} runs ${template.runTypes.join(', ')}${(RUN_TYPES as readonly string[]).includes(runType) ? '' : ` (run types: ${RUN_TYPES.join(', ')})`}, not "${runType}"`);
  }
  const spec: { -readonly [K in keyof StepSpec]: StepSpec[K] } = { name, program: program as ProgramId, runType: runType as RunType };
  for (const key of SWEEPABLE) {
    const given = step[key];
    if (given === undefined) continue;
    if (Array.isArray(given)) {
      if (given.length === 0) fail(`${at}.${key}`, 'a sweep needs at least one value');
      spec[key] = given.map((item, index) => text(item, `${at}.${key}[${index}]`, fail));
    } else {
      spec[key] = text(given, `${at}.${key}`, fail);
    }
  }
  for (const key of ['keywords', 'modules', 'setup'] as const) if (step[key] !== undefined) spec[key] = texts(step[key], `${at}.${key}`, fail);
  if (step['cores'] !== undefined) {
    const cores = step['cores'];
    if (typeof cores !== 'number' || !Number.isInteger(cores) || cores < 1) fail(`${at}.cores`, 'must be a whole number of at least 1');
    spec.cores = cores as number;
  }
  if (step['memory'] !== undefined) {
    const memory = typeof step['memory'] === 'number' ? String(step['memory']) : text(step['memory'], `${at}.memory`, fail);
    if (!parseMemory(memory)) fail(`${at}.memory`, `"${memory}" is not memory like 8G, 4000M or 4000 (MB)`);
    spec.memory = memory;
  }
  if (step['walltime'] !== undefined) {
    const walltime = text(step['walltime'], `${at}.walltime`, fail);
    if (parseWalltime(walltime) === undefined) fail(`${at}.walltime`, `"${walltime}" is not a time limit like HH:MM:SS or D-HH:MM:SS`);
    spec.walltime = walltime;
  }
  if (step['partition'] !== undefined) {
    const partition = text(step['partition'], `${at}.partition`, fail);
    if (!/^[A-Za-z0-9_.-]+$/.test(partition)) fail(`${at}.partition`, 'must be a partition name (letters, digits, _, -, .)');
    spec.partition = partition;
  }
  if (step['coordsFrom'] !== undefined) {
    const from = text(step['coordsFrom'], `${at}.coordsFrom`, fail);
    const upstream = earlier.find((other) => other.name === from);
    if (!upstream) fail(`${at}.coordsFrom`, `"${from}" is not an earlier step (${earlier.map((other) => other.name).join(', ') || 'none'})`);
    spec.coordsFrom = from;
    if (step['coordsFile'] !== undefined) {
      const file = text(step['coordsFile'], `${at}.coordsFile`, fail);
      if (/[,;{}<>|\s]/.test(file)) fail(`${at}.coordsFile`, `"${file}" cannot stand in a pipe (no , ; braces, brackets, | or blanks)`);
      spec.coordsFile = file;
    } else if (!PROGRAMS[upstream.program].template!.makesGeometry(upstream.runType)) {
      fail(`${at}.coordsFrom`, `step "${from}" (${upstream.runType}) ends with no new geometry; take it from an optimisation, or name the file with coordsFile`);
    }
  } else if (step['coordsFile'] !== undefined) {
    fail(`${at}.coordsFile`, 'takes effect only with coordsFrom');
  }
  if (step['orbitalsFrom'] !== undefined) {
    const from = text(step['orbitalsFrom'], `${at}.orbitalsFrom`, fail);
    const upstream = earlier.find((other) => other.name === from);
    if (!upstream) fail(`${at}.orbitalsFrom`, `"${from}" is not an earlier step`);
    if (!PROGRAMS[spec.program].acceptsOrbitals) fail(`${at}.orbitalsFrom`, `${spec.program} takes no orbitals`);
    if (!PROGRAMS[upstream.program].acceptsOrbitals) fail(`${at}.orbitalsFrom`, `step "${from}" is ${upstream.program}, which leaves no orbitals ORCA reads`);
    if (!onCoordsChain(earlier, spec.coordsFrom, from)) fail(`${at}.orbitalsFrom`, `"${from}" must be coordsFrom's step or one it takes its geometry from, so each job gets its own molecule's orbitals`);
    spec.orbitalsFrom = from;
  }
  return spec;
}

/** True when `target` is `from` or a step `from` takes its geometry from, directly or not. */
function onCoordsChain(steps: readonly StepSpec[], from: string | undefined, target: string): boolean {
  for (let name = from; name !== undefined; name = steps.find((step) => step.name === name)?.coordsFrom) if (name === target) return true;
  return false;
}

function object(value: unknown, key: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(key, 'must be an object');
  return value as Record<string, unknown>;
}

function text(value: unknown, key: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') fail(key, 'must be a non-empty string');
  if (/[\0\r\n]/.test(value as string)) fail(key, 'must be one line');
  return (value as string).trim();
}

function texts(value: unknown, key: string, fail: Fail): string[] {
  if (!Array.isArray(value)) fail(key, 'must be a list of strings');
  return (value as unknown[]).map((item, index) => text(item, `${key}[${index}]`, fail));
}
