// The submit script of a job: the user's own `{basename}.sh` as is, or one generated from the program's template.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { valueOf } from '../batchfile/document.js';
import type { BatchModel, ResolvedJob } from '../batchfile/model.js';
import { isErrno, writeFileAtomicIfChanged } from '../fsAtomic.js';
import { PROGRAMS } from '../programs/catalog.js';
import type { ProgramId } from '../programs/catalog.js';
import { jobFiles } from '../programs/files.js';
import { basenameProblem } from '../programs/pipeTransfer.js';
import { commentSafe, shellQuote } from '../shellQuote.js';
import { PARTITION_PATTERN, PLACEHOLDERS, mergeSlurm, settingsForJob } from './batchSettings.js';
import type { BatchSettings, SlurmOptions, WordPlaceholder } from './batchSettings.js';
import { JobConfigError, readJobScriptConfig } from '../newBatch/jobConfig.js';
import type { JobScriptConfig } from '../newBatch/jobConfig.js';
import { parseMemory, parseWalltime, slurmMemory } from './slurmUnits.js';

/** The line that marks a script as Batchman's: it may be rewritten; without it the script is the user's. */
export const GENERATED_MARKER = '# batchman:generated';

/** What changes between attempts of one job (restarts). */
export interface SubmitAttempt {
  /** Restarts made before this attempt (0 for the first run). */
  restarts: number;
  /** A time limit or memory decided by the restart plan; wins over every other layer. */
  walltime?: string;
  memory?: string;
}

export interface PreparedScript {
  scriptPath: string;
  /** True when Batchman wrote the script (it holds GENERATED_MARKER). */
  generated: boolean;
  /**
   * sbatch's options, one argv element each, to be run as `sbatch [--parsable] ...sbatchArgs scriptPath`
   * (never through a shell). `--chdir` names the job folder so the call works from anywhere.
   */
  sbatchArgs: string[];
}

/** A job whose script cannot be prepared (no script for a shell job, a bad cores/memory/walltime value). */
export class SubmitScriptError extends Error {
  override readonly name = 'SubmitScriptError';
}

/**
 * Makes sure `{basename}.sh` is ready to submit and says how to submit it.
 *
 * - A script the user wrote (no GENERATED_MARKER line) is never touched and is submitted as is; for a
 *   program whose script is its own (shell) that script is the job itself, and its absence is a SubmitScriptError. Its own
 *   `#SBATCH` lines decide, except for what the batchfile row sets explicitly (cores, memory,
 *   walltime, partition columns) and the restart plan's walltime/memory, passed as arguments
 *   (sbatch's arguments win over `#SBATCH` lines). `--job-name` is passed unless the script sets one.
 * - Otherwise the script is (re)generated from the program's command template: the module loads,
 *   environment, setup lines and command of batchman.json, every user-written value single-quoted.
 *   SLURM options are arguments, each layer overriding the one before: built-in defaults <
 *   batchman.json `slurm` < the program's `slurm` < matching `jobs` entries < the row's optional
 *   columns < the restart plan. Rewriting an unchanged script is skipped.
 */
export async function prepareSubmitScript(
  model: BatchModel,
  job: ResolvedJob,
  settings: BatchSettings,
  attempt: SubmitAttempt | number = 0,
): Promise<PreparedScript> {
  const plan = typeof attempt === 'number' ? { restarts: attempt } : attempt;
  const program = job.program?.id;
  if (!program) throw new SubmitScriptError(`job ${job.basename}: unknown program "${job.programName}"`);
  const nameProblem = basenameProblem(job.basename);
  if (nameProblem) throw new SubmitScriptError(`job ${job.basename}: ${nameProblem}`);
  const files = jobFiles(program, job.basename);
  const scriptPath = join(job.path, files.submitScript);
  const existing = await readOptional(scriptPath);
  const rowOptions = rowSlurmOptions(model, job);
  const restartOptions: SlurmOptions = {
    ...(plan.walltime !== undefined ? { walltime: checkedWalltime(plan.walltime, job, 'restart walltime') } : {}),
    ...(plan.memory !== undefined ? { memory: checkedMemory(plan.memory, job, 'restart memory') } : {}),
  };

  if (existing !== undefined && !isGeneratedScript(existing)) {
    const options = mergeSlurm(rowOptions, restartOptions);
    const args = [`--chdir=${job.path}`];
    if (!scriptSetsOption(existing, ['--job-name', '-J'])) args.push(`--job-name=${slurmJobName(job.basename)}`);
    args.push(...slurmArgs(options, settingsForJob(settings, program, job.basename).slurm.coresAs ?? 'cpus-per-task'));
    return { scriptPath, generated: false, sbatchArgs: args };
  }
  if (PROGRAMS[program].script.kind === 'own') {
    throw new SubmitScriptError(`job ${job.basename}: missing script ${scriptPath} (a ${program} job runs its own {basename}.sh)`);
  }

  const jobSettings = { ...settingsForJob(settings, program, job.basename), ...(await ownScriptConfig(job)) };
  const options = mergeSlurm(mergeSlurm(jobSettings.slurm, rowOptions), restartOptions);
  const text = generateScript(program, job, jobSettings, options, plan.restarts);
  await writeFileAtomicIfChanged(scriptPath, text, { blocking: true }); // durable: an empty script must never be taken for the user's
  return {
    scriptPath,
    generated: true,
    sbatchArgs: [`--chdir=${job.path}`, `--job-name=${slurmJobName(job.basename)}`, '--output=slurm-%j.out', ...slurmArgs(options, options.coresAs ?? 'cpus-per-task')],
  };
}

/** True when the script text carries Batchman's marker in its first lines. */
export function isGeneratedScript(text: string): boolean {
  return text
    .split('\n', 5)
    .some((line) => line.startsWith(GENERATED_MARKER));
}

/**
 * A SLURM job name from a basename: control characters and `|` (squeue's field separator in the
 * poller's format) become `_`, so one job is always one squeue line.
 */
export function slurmJobName(basename: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what must go
  return basename.replace(/[\u0000-\u001f\u007f|]/g, '_');
}

/** sbatch arguments for the options that are set, extras last (so they can override). */
export function slurmArgs(options: SlurmOptions, coresAs: SlurmOptions['coresAs']): string[] {
  const args: string[] = [];
  if (options.cores !== undefined) args.push(coresAs === 'ntasks' ? `--ntasks=${options.cores}` : `--cpus-per-task=${options.cores}`);
  if (options.memory !== undefined) {
    const memory = parseMemory(options.memory);
    if (memory) args.push(`--mem=${slurmMemory(memory)}`);
  }
  if (options.walltime !== undefined) args.push(`--time=${options.walltime.trim()}`);
  if (options.partition !== undefined) args.push(`--partition=${options.partition}`);
  args.push(...(options.extraArgs ?? []));
  return args;
}

/** The generated script's text: deterministic, so regenerating an unchanged job rewrites nothing. */
export function generateScript(
  program: ProgramId,
  job: Pick<ResolvedJob, 'basename' | 'path'>,
  settings: { command?: string; modules: readonly string[]; setup: readonly string[]; env: Readonly<Record<string, string>>; args?: readonly string[] },
  options: SlurmOptions,
  restarts: number,
): string {
  const files = jobFiles(program, job.basename);
  const cores = options.cores ?? 1;
  const values: Record<WordPlaceholder, string> = {
    basename: job.basename,
    input: files.input,
    output: files.output,
    cores: String(cores),
    memory: options.memory ?? '',
    walltime: options.walltime ?? '',
    jobDir: job.path,
  };
  const command = settings.command;
  if (command === undefined) throw new SubmitScriptError(`job ${job.basename}: no command configured for ${program}`);
  const script = PROGRAMS[program].script;
  if (settings.args !== undefined && settings.args.length > 0 && !hasArgsPlaceholder(command)) {
    // The job's own flags (its charge, spin, run type) must not be dropped silently.
    throw new SubmitScriptError(
      `job ${job.basename}: its job_config.json gives ${program} the arguments ${settings.args.join(' ')}, but the ${program} command in batchman.json has no {args} to put them in`,
    );
  }
  const args = settings.args ?? (script.kind === 'generated' ? script.defaultArgs : []);
  const lines = [
    settings.modules.length > 0 ? '#!/bin/bash -l' : '#!/bin/bash',
    `${GENERATED_MARKER} by Batchman for job ${commentSafe(job.basename)} (${program})${restarts > 0 ? `, restart ${restarts}` : ''}.`,
    '# Batchman rewrites this file before each submission; delete the line above to make it yours.',
    '# SLURM options are passed on the sbatch command line.',
    'set -o pipefail',
    `cd -- ${shellQuote(job.path)} || exit 1`,
  ];
  for (const module of settings.modules) lines.push(`module load ${shellQuote(module)} || exit 1`);
  // The program's own variables (xTB's OpenMP threads) first: batchman.json's env wins.
  const env: Record<string, string> = script.kind === 'generated' ? script.env(cores) : {};
  Object.assign(env, settings.env);
  for (const [name, value] of Object.entries(env)) lines.push(`export ${name}=${shellQuote(value)}`);
  lines.push(...settings.setup);
  lines.push(substitutePlaceholders(command, values, args));
  return `${lines.join('\n')}\n`;
}

/** Replaces `{name}` placeholders (not `${name}`) by the single-quoted value; `{args}` by each argument quoted. */
export function substitutePlaceholders(command: string, values: Readonly<Record<WordPlaceholder, string>>, args: readonly string[] = []): string {
  return command.replace(/(^|[^$])\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, before: string, name: string) => {
    if (name === 'args') return `${before}${args.map(quoteArgument).join(' ')}`;
    return (PLACEHOLDERS as readonly string[]).includes(name) ? `${before}${shellQuote(values[name as WordPlaceholder])}` : whole;
  });
}

// A flag such as `--chrg` or `-1` reads better bare; anything else (a solvent from the user) is quoted.
function quoteArgument(word: string): string {
  return /^[A-Za-z0-9_+=:,./@%-]+$/.test(word) ? word : shellQuote(word);
}

function hasArgsPlaceholder(command: string): boolean {
  return /(^|[^$])\{args\}/.test(command);
}

/** The job folder's own arguments, modules and setup lines (job_config.json), over batchman.json's. */
async function ownScriptConfig(job: ResolvedJob): Promise<JobScriptConfig> {
  try {
    const own = await readJobScriptConfig(job.path);
    return {
      ...(own.args !== undefined ? { args: own.args } : {}),
      ...(own.modules !== undefined ? { modules: [...own.modules] } : {}),
      ...(own.setup !== undefined ? { setup: [...own.setup] } : {}),
    };
  } catch (error) {
    if (error instanceof JobConfigError) throw new SubmitScriptError(`job ${job.basename}: ${error.message}`);
    throw error;
  }
}

function rowSlurmOptions(model: BatchModel, job: ResolvedJob): SlurmOptions {
  const read = (column: 'cores' | 'memory' | 'walltime' | 'partition'): string => valueOf(model.document, job.row, column).trim();
  const options: SlurmOptions = {};
  const cores = read('cores');
  if (cores !== '') {
    if (!/^[1-9]\d*$/.test(cores)) throw new SubmitScriptError(`job ${job.basename}: cores "${cores}" is not a positive whole number`);
    options.cores = Number(cores);
  }
  const memory = read('memory');
  if (memory !== '') options.memory = checkedMemory(memory, job, 'memory');
  const walltime = read('walltime');
  if (walltime !== '') options.walltime = checkedWalltime(walltime, job, 'walltime');
  const partition = read('partition');
  if (partition !== '') {
    if (!PARTITION_PATTERN.test(partition)) throw new SubmitScriptError(`job ${job.basename}: partition "${partition}" is not a partition name`);
    options.partition = partition;
  }
  return options;
}

function checkedMemory(memory: string, job: ResolvedJob, what: string): string {
  if (!parseMemory(memory)) throw new SubmitScriptError(`job ${job.basename}: ${what} "${memory}" is not memory like 4GB, 4000M or 4000 (MB)`);
  return memory;
}

function checkedWalltime(walltime: string, job: ResolvedJob, what: string): string {
  if (parseWalltime(walltime) === undefined) throw new SubmitScriptError(`job ${job.basename}: ${what} "${walltime}" is not a time limit like HH:MM:SS or D-HH:MM:SS`);
  return walltime;
}

/** True when a `#SBATCH` line of the script sets one of `names` (`--job-name=x`, `--job-name x`, `-J x`, `-Jx`). */
export function scriptSetsOption(script: string, names: readonly string[]): boolean {
  for (const line of script.split('\n')) {
    const match = /^#SBATCH\s+(\S+)/.exec(line);
    if (!match) {
      // sbatch stops reading directives at the first command line.
      if (line.trim() !== '' && !line.startsWith('#')) break;
      continue;
    }
    const option = match[1]!;
    if (names.some((name) => option === name || option.startsWith(`${name}=`) || (name.length === 2 && option.startsWith(name)))) return true;
  }
  return false;
}

// Synchronous: a small file, read before each submission (the asynchronous read costs several times the CPU).
async function readOptional(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}
