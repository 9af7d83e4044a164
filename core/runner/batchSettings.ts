// batchman.json beside a batchfile: per-program command lines, SLURM defaults, per-job overrides, restarts.
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { PROGRAMS, PROGRAM_IDS } from '../programs/catalog.js';
import type { ProgramId } from '../programs/catalog.js';
import { parseMemory, parseWalltime } from './slurmUnits.js';
import { validatePipelines } from '../newBatch/pipelines.js';
import type { PipelineSpec } from '../newBatch/pipelines.js';
import { schemaProblem } from './settingsSchema.js';

export const SETTINGS_FILE_NAME = 'batchman.json';

/** How cores are asked for: threads of one task (Gaussian, xTB, CREST) or MPI tasks (ORCA). */
export type CoresAs = 'cpus-per-task' | 'ntasks';

/** SLURM options; every field optional so layers (defaults, program, job, row) can be merged. */
export interface SlurmOptions {
  partition?: string;
  cores?: number;
  /** `4G`, `4000M`, `4000` (MB), `4GB`. */
  memory?: string;
  /** `HH:MM:SS`, `D-HH:MM:SS` or any SLURM time format. */
  walltime?: string;
  coresAs?: CoresAs;
  /** More sbatch arguments, one argv element each (`--account=chem`, `--qos=short`). Layers add up. */
  extraArgs?: string[];
}

/** How the generated submit script runs a program. */
export interface CommandSettings {
  /**
   * One bash line, the user's own (it may use pipes, `&&`, variables). Placeholders `{basename}`,
   * `{input}`, `{output}`, `{cores}`, `{memory}`, `{walltime}`, `{jobDir}` are replaced by
   * single-quoted words; do not quote them yourself. `{args}` is the program's arguments, each word quoted: the job
   * folder's `job_config.json` (`batchman new` writes them there), else the program's defaults.
   */
  command?: string;
  /** `module load` names, each quoted. */
  modules?: string[];
  /** Lines run before the command, verbatim (the user's own bash). */
  setup?: string[];
  /** Exported variables; values are quoted. */
  env?: Record<string, string>;
  slurm?: SlurmOptions;
}

/** Settings for the jobs whose basename matches `match` (`*` any run of characters, `?` one). */
export interface JobOverride extends CommandSettings {
  match: string;
  /** Only jobs of this program. */
  program?: ProgramId;
}

export interface BatchSettings {
  /** The file read, undefined when there is none (all defaults). */
  file?: string;
  programs: Readonly<Record<ProgramId, CommandSettings>>;
  slurm: SlurmOptions;
  /** Applied in order after the program's settings; later matches win. */
  jobs: readonly JobOverride[];
  /** Restarts per job with `-r`. */
  maxRestarts: number;
  /** `batchman new`'s own pipelines by name (the built-ins are in core/newBatch/pipelines.ts). */
  pipelines: Readonly<Record<string, PipelineSpec>>;
}

export const DEFAULT_MAX_RESTARTS = 2;

/** The names placeholders may use in `command`. */
export const PLACEHOLDERS = ['basename', 'input', 'output', 'cores', 'memory', 'walltime', 'jobDir', 'args'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
/** Placeholders that stand for one word; `{args}` stands for the program's arguments, any number of words. */
export type WordPlaceholder = Exclude<Placeholder, 'args'>;

/** Built-in command lines, each program's `script.defaultCommand` (none for a program that is its own script). */
export const DEFAULT_COMMANDS: Readonly<Partial<Record<ProgramId, string>>> = Object.fromEntries(
  PROGRAM_IDS.flatMap((id) => {
    const script = PROGRAMS[id].script;
    return script.kind === 'generated' ? [[id, script.defaultCommand]] : [];
  }),
);

/** Settings when there is no batchman.json. */
export function defaultBatchSettings(): BatchSettings {
  const programs = Object.fromEntries(
    PROGRAM_IDS.map((id) => [id, { ...(DEFAULT_COMMANDS[id] === undefined ? {} : { command: DEFAULT_COMMANDS[id] }), slurm: { ...PROGRAMS[id].slurm } }]),
  ) as Record<ProgramId, CommandSettings>;
  return { programs, slurm: { cores: 1, coresAs: 'cpus-per-task', extraArgs: [] }, jobs: [], maxRestarts: DEFAULT_MAX_RESTARTS, pipelines: {} };
}

/** A batchman.json that cannot be used; `key` is the dotted path of the offending value. */
export class BatchSettingsError extends Error {
  override readonly name = 'BatchSettingsError';
  constructor(
    readonly file: string,
    readonly key: string,
    problem: string,
  ) {
    super(`${file}: ${key === '' ? '' : `${key}: `}${problem}`);
  }
}

/** Reads `batchman.json` beside the batchfile; the defaults when there is none. Throws BatchSettingsError. */
export async function readBatchSettings(batchfilePath: string): Promise<BatchSettings> {
  const file = join(dirname(batchfilePath), SETTINGS_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return defaultBatchSettings();
    throw error;
  }
  return parseBatchSettings(text, file);
}

/** Parses and validates the text of a batchman.json, merged over the defaults. */
export function parseBatchSettings(text: string, file = SETTINGS_FILE_NAME): BatchSettings {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new BatchSettingsError(file, '', `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  return validateBatchSettings(value, file);
}

/** Validates a parsed batchman.json; every problem names its key. */
export function validateBatchSettings(value: unknown, file = SETTINGS_FILE_NAME): BatchSettings {
  const v = new Validator(file);
  const root = v.object(value, '', ['programs', 'slurm', 'jobs', 'maxRestarts', 'pipelines', '$schema', 'comment']);
  const settings = defaultBatchSettings();
  const programs = { ...settings.programs } as Record<ProgramId, CommandSettings>;
  if (root['programs'] !== undefined) {
    const given = v.object(root['programs'], 'programs', PROGRAM_IDS);
    for (const id of PROGRAM_IDS) {
      if (given[id] === undefined) continue;
      const custom = v.commandSettings(given[id], `programs.${id}`, []);
      if (PROGRAMS[id].script.kind === 'own' && custom.command !== undefined) {
        v.fail(`programs.${id}.command`, `a ${id} job is its own script \`{basename}.sh\`; it has no command`);
      }
      programs[id] = mergeCommandSettings(programs[id], custom);
    }
  }
  const slurm = root['slurm'] === undefined ? settings.slurm : mergeSlurm(settings.slurm, v.slurm(root['slurm'], 'slurm'));
  const jobs: JobOverride[] = [];
  if (root['jobs'] !== undefined) {
    v.array(root['jobs'], 'jobs').forEach((item, index) => {
      const key = `jobs[${index}]`;
      const settingsPart = v.commandSettings(item, key, ['match', 'program']);
      const object = item as Record<string, unknown>;
      const match = v.string(object['match'], `${key}.match`, true);
      const override: JobOverride = { ...settingsPart, match };
      if (object['program'] !== undefined) {
        const program = v.string(object['program'], `${key}.program`, true).toLowerCase();
        if (!(PROGRAM_IDS as readonly string[]).includes(program)) v.fail(`${key}.program`, `unknown program "${program}"; expected one of ${PROGRAM_IDS.join(', ')}`);
        override.program = program as ProgramId;
      }
      jobs.push(override);
    });
  }
  let maxRestarts = settings.maxRestarts;
  if (root['maxRestarts'] !== undefined) {
    const n = root['maxRestarts'];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) v.fail('maxRestarts', 'must be a whole number from 0 to 100');
    maxRestarts = n as number;
  }
  const pipelines = root['pipelines'] === undefined ? {} : validatePipelines(root['pipelines'], (key, problem) => v.fail(key, problem));
  // The schema VS Code checks the file with (package.json's jsonValidation): what the editor accepts, the CLI accepts.
  const problem = schemaProblem(value);
  if (problem) v.fail(problem.key, problem.problem);
  return { file, programs, slurm, jobs, maxRestarts, pipelines };
}

/** What the generated script of `basename` (a job of `program`) uses, after all layers. */
export interface JobSettings {
  command?: string;
  modules: string[];
  setup: string[];
  env: Record<string, string>;
  slurm: SlurmOptions;
}

/** Global SLURM defaults < the program's settings < matching `jobs` entries, in order. */
export function settingsForJob(settings: BatchSettings, program: ProgramId, basename: string): JobSettings {
  let merged: CommandSettings = mergeCommandSettings({ slurm: settings.slurm }, settings.programs[program]);
  for (const override of settings.jobs) {
    if (override.program !== undefined && override.program !== program) continue;
    if (!globMatches(override.match, basename)) continue;
    merged = mergeCommandSettings(merged, override);
  }
  return {
    ...(merged.command !== undefined ? { command: merged.command } : {}),
    modules: merged.modules ?? [],
    setup: merged.setup ?? [],
    env: merged.env ?? {},
    slurm: merged.slurm ?? {},
  };
}

/** `*` matches any run of characters, `?` one; everything else literally; the whole basename. */
export function globMatches(pattern: string, text: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(text);
}

function mergeCommandSettings(base: CommandSettings, over: CommandSettings): CommandSettings {
  const merged: CommandSettings = { ...base };
  if (over.command !== undefined) merged.command = over.command;
  // Lists and maps are replaced, not added to: a job that names its modules means exactly those.
  if (over.modules !== undefined) merged.modules = over.modules;
  if (over.setup !== undefined) merged.setup = over.setup;
  if (over.env !== undefined) merged.env = { ...base.env, ...over.env };
  if (over.slurm !== undefined) merged.slurm = mergeSlurm(base.slurm ?? {}, over.slurm);
  return merged;
}

/** `over`'s fields win; `extraArgs` add up (an account from the defaults, a qos for one program). */
export function mergeSlurm(base: SlurmOptions, over: SlurmOptions): SlurmOptions {
  const merged: SlurmOptions = { ...base };
  for (const key of ['partition', 'cores', 'memory', 'walltime', 'coresAs'] as const) {
    if (over[key] !== undefined) (merged as Record<string, unknown>)[key] = over[key];
  }
  if (over.extraArgs !== undefined) merged.extraArgs = [...(base.extraArgs ?? []), ...over.extraArgs];
  return merged;
}

/** Problems with a command template: an unknown or self-quoted placeholder. */
export function commandTemplateProblem(command: string): string | undefined {
  for (const match of command.matchAll(/(^|[^$])\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = match[2]!;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      return `unknown placeholder {${name}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
    }
    if (match[1] === '"' || match[1] === "'") return `write {${name}} without quotes around it: Batchman quotes it`;
  }
  return undefined;
}

export const PARTITION_PATTERN = /^[A-Za-z0-9_.-]+$/;

class Validator {
  constructor(private readonly file: string) {}

  fail(key: string, problem: string): never {
    throw new BatchSettingsError(this.file, key, problem);
  }

  object(value: unknown, key: string, allowed: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(key, 'must be an object');
    const object = value as Record<string, unknown>;
    for (const name of Object.keys(object)) {
      if (!allowed.includes(name)) this.fail(join2(key, name), `unknown key; expected ${allowed.filter((a) => !a.startsWith('$')).join(', ')}`);
    }
    return object;
  }

  array(value: unknown, key: string): unknown[] {
    if (!Array.isArray(value)) this.fail(key, 'must be an array');
    return value as unknown[];
  }

  string(value: unknown, key: string, nonEmpty: boolean): string {
    if (typeof value !== 'string') this.fail(key, 'must be a string');
    if (nonEmpty && (value as string).trim() === '') this.fail(key, 'must not be empty');
    if ((value as string).includes('\0')) this.fail(key, 'must not contain NUL');
    return value as string;
  }

  strings(value: unknown, key: string): string[] {
    return this.array(value, key).map((item, index) => this.string(item, `${key}[${index}]`, true));
  }

  commandSettings(value: unknown, key: string, extraKeys: readonly string[]): CommandSettings {
    const object = this.object(value, key, ['command', 'modules', 'setup', 'env', 'slurm', ...extraKeys]);
    const result: CommandSettings = {};
    if (object['command'] !== undefined) {
      const command = this.string(object['command'], join2(key, 'command'), true);
      if (/[\r\n]/.test(command)) this.fail(join2(key, 'command'), 'must be one line (use "setup" for lines before it)');
      const problem = commandTemplateProblem(command);
      if (problem) this.fail(join2(key, 'command'), problem);
      result.command = command;
    }
    if (object['modules'] !== undefined) result.modules = this.strings(object['modules'], join2(key, 'modules'));
    if (object['setup'] !== undefined) result.setup = this.strings(object['setup'], join2(key, 'setup'));
    if (object['env'] !== undefined) {
      const env = this.object(object['env'], join2(key, 'env'), Object.keys(object['env'] as object));
      result.env = {};
      for (const [name, envValue] of Object.entries(env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.fail(join2(join2(key, 'env'), name), 'is not a valid environment variable name');
        result.env[name] = this.string(envValue, join2(join2(key, 'env'), name), false);
      }
    }
    if (object['slurm'] !== undefined) result.slurm = this.slurm(object['slurm'], join2(key, 'slurm'));
    return result;
  }

  slurm(value: unknown, key: string): SlurmOptions {
    const object = this.object(value, key, ['partition', 'cores', 'memory', 'walltime', 'coresAs', 'extraArgs']);
    const result: SlurmOptions = {};
    if (object['partition'] !== undefined) {
      const partition = this.string(object['partition'], join2(key, 'partition'), true);
      if (!PARTITION_PATTERN.test(partition)) this.fail(join2(key, 'partition'), 'must be a partition name (letters, digits, _, -, .)');
      result.partition = partition;
    }
    if (object['cores'] !== undefined) {
      const cores = object['cores'];
      if (typeof cores !== 'number' || !Number.isInteger(cores) || cores < 1) this.fail(join2(key, 'cores'), 'must be a whole number of at least 1');
      result.cores = cores as number;
    }
    if (object['memory'] !== undefined) {
      const memory = typeof object['memory'] === 'number' ? String(object['memory']) : this.string(object['memory'], join2(key, 'memory'), true);
      if (!parseMemory(memory)) this.fail(join2(key, 'memory'), `"${memory}" is not memory like 4G, 4000M or 4000 (MB)`);
      result.memory = memory;
    }
    if (object['walltime'] !== undefined) {
      const walltime = this.string(object['walltime'], join2(key, 'walltime'), true);
      if (parseWalltime(walltime) === undefined) this.fail(join2(key, 'walltime'), `"${walltime}" is not a time limit like HH:MM:SS or D-HH:MM:SS`);
      result.walltime = walltime;
    }
    if (object['coresAs'] !== undefined) {
      const coresAs = object['coresAs'];
      if (coresAs !== 'cpus-per-task' && coresAs !== 'ntasks') this.fail(join2(key, 'coresAs'), 'must be "cpus-per-task" or "ntasks"');
      result.coresAs = coresAs as CoresAs;
    }
    if (object['extraArgs'] !== undefined) {
      result.extraArgs = this.strings(object['extraArgs'], join2(key, 'extraArgs'));
      result.extraArgs.forEach((arg, index) => {
        if (!arg.startsWith('-')) this.fail(`${join2(key, 'extraArgs')}[${index}]`, `"${arg}" is not an option; write one "--name=value" per element`);
      });
    }
    return result;
  }
}

function join2(key: string, name: string): string {
  return key === '' ? name : `${key}.${name}`;
}
