// `batchman new`'s plan: the molecules, the pipeline's jobs in each molecule's folder, every file each job gets
// and the batchfile's new rows — decided from the disk without writing anything (writePlan writes it).
import { readFile, readdir } from 'node:fs/promises';
import { basename as pathBasename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { validateBatchfile } from '../batchfile/validate.js';
import { isErrno } from '../fsAtomic.js';
import { PROGRAMS } from '../programs/catalog.js';
import type { ProgramId } from '../programs/catalog.js';
import { TemplateError } from '../programs/templates/types.js';
import type { RenderedFile, TemplateJob } from '../programs/templates/types.js';
import { readBatchSettings, settingsForJob } from '../runner/batchSettings.js';
import type { BatchSettings } from '../runner/batchSettings.js';
import { memoryMegabytes, parseMemory } from '../runner/slurmUnits.js';
import { JOB_CONFIG_FILE } from './jobConfig.js';
import { findPipeline, pipelineNames } from './pipelines.js';
import type { PipelineSpec } from './pipelines.js';
import { readStructures } from './structures.js';
import type { ChargeFlags, Molecule } from './structures.js';
import { expandPipeline } from './sweep.js';
import type { StepJob } from './sweep.js';

export const DEFAULT_BATCHFILE = 'batchfile.csv';

/** The columns of a batchfile `batchman new` starts: CCBatchMan's four, then the per-job SLURM columns. */
export const NEW_BATCHFILE_COLUMNS = ['job_basename', 'job_directory', 'program', 'pipe', 'cores', 'memory', 'walltime', 'partition'] as const;

export interface NewBatchOptions extends ChargeFlags {
  /** A pipeline of batchman.json (beside the batchfile) or a built-in one. */
  readonly pipeline: string;
  /** `.xyz` files, folders of them, multi-frame files. */
  readonly structures: readonly string[];
  /** The batchfile to start or add rows to; `batchfile.csv` when not given. */
  readonly batchfile?: string;
  /** The root folder of the job folders; the batchfile's folder when not given (or the existing batchfile's root). */
  readonly root?: string;
  /** batchman.json's settings; read beside the batchfile when not given. */
  readonly settings?: BatchSettings;
  /** Relative paths are resolved against it; the process's folder when not given. */
  readonly cwd?: string;
}

/** What happens to a job's folder: made, its inputs rewritten (no output yet), already as planned, or kept (it holds output). */
export type JobState = 'new' | 'update' | 'same' | 'kept';

export interface PlannedJob {
  readonly molecule: Molecule;
  readonly stepJob: StepJob;
  readonly basename: string;
  readonly program: ProgramId;
  /** The folder as the batchfile writes it (relative to the root, `/`-separated) and as a path. */
  readonly folder: string;
  readonly path: string;
  /** The pipe cell, braces as CCBatchMan reads them: `coords{../opt,xtbopt.xyz}`. */
  readonly pipe: string;
  /** The row's SLURM columns: what the step itself sets (batchman.json's settings still apply at submission). */
  readonly slurm: { readonly cores?: number; readonly memory?: string; readonly walltime?: string; readonly partition?: string };
  /** The input first, the files it names, then job_config.json. */
  readonly files: readonly RenderedFile[];
  /** The program arguments the generated command passes (`{args}`); empty when the input says everything. */
  readonly args: readonly string[];
  readonly state: JobState;
  /** True when the batchfile already has its row. */
  readonly inBatchfile: boolean;
}

export interface NewBatchPlan {
  readonly pipelineName: string;
  readonly pipeline: PipelineSpec;
  readonly batchfilePath: string;
  readonly batchfileExists: boolean;
  /** The root as the batchfile's first line gives it, and as a path. */
  readonly rootValue: string;
  readonly rootPath: string;
  readonly molecules: readonly Molecule[];
  readonly jobs: readonly PlannedJob[];
  /** The batchfile's whole text after the plan: the existing text with the new rows added, or a new file. */
  readonly batchfileText: string;
  readonly addedRows: number;
}

/** A batch that cannot be made as asked (impossible charge and multiplicity, another root, a setting no input can take). */
export class NewBatchError extends Error {
  override readonly name = 'NewBatchError';
}

/** Bad usage: an unknown pipeline. */
export class NewBatchUsageError extends Error {
  override readonly name = 'NewBatchUsageError';
}

// How CCBatchMan's generator names programs in job_config.json.
const CCBATCHMAN_PROGRAM: Readonly<Partial<Record<ProgramId, string>>> = { gaussian: 'Gaussian', orca: 'ORCA', crest: 'CREST', xtb: 'xtb' };

/**
 * Everything `batchman new` would do, read from the disk and decided; writes nothing. Throws NewBatchError (refused),
 * NewBatchUsageError, StructurePathError (a path that is not there), StructureError (a structure refused), or
 * BatchSettingsError (batchman.json).
 */
export async function planNewBatch(options: NewBatchOptions): Promise<NewBatchPlan> {
  const cwd = options.cwd ?? process.cwd();
  const batchfilePath = resolve(cwd, options.batchfile ?? DEFAULT_BATCHFILE);
  const settings = options.settings ?? (await readBatchSettings(batchfilePath));
  const pipeline = findPipeline(settings.pipelines, options.pipeline);
  if (!pipeline) throw new NewBatchUsageError(`unknown pipeline "${options.pipeline}"; known: ${pipelineNames(settings.pipelines).join(', ')}`);
  const stepJobs = expandPipeline(pipeline);
  const molecules = await readStructures(
    options.structures.map((path) => resolve(cwd, path)),
    { ...(options.charge !== undefined ? { charge: options.charge } : {}), ...(options.multiplicity !== undefined ? { multiplicity: options.multiplicity } : {}) },
  );

  const existing = await readExistingBatchfile(batchfilePath);
  const askedRoot = options.root === undefined ? undefined : resolve(cwd, options.root);
  if (existing && askedRoot !== undefined && resolve(askedRoot) !== resolve(existing.rootPath)) {
    throw new NewBatchError(`${batchfilePath} already has root_directory=${existing.rootValue} (${existing.rootPath}), not ${askedRoot}; add to it without --root, or write another batchfile with -o`);
  }
  const rootPath = existing?.rootPath ?? askedRoot ?? dirname(batchfilePath);
  const rootValue = existing?.rootValue ?? rootLineValue(options.root, rootPath, batchfilePath);

  const jobs: PlannedJob[] = [];
  for (const molecule of molecules) {
    for (const stepJob of stepJobs) jobs.push(await planJob(molecule, stepJob, options.pipeline, settings, rootPath, existing?.jobKeys));
  }
  const columns = existing?.columns ?? NEW_BATCHFILE_COLUMNS;
  const rows = jobs.filter((job) => !job.inBatchfile).map((job) => batchfileRow(job, columns));
  const batchfileText = existing ? appendRows(existing.text, rows) : `root_directory=${rootValue}\n${NEW_BATCHFILE_COLUMNS.join('|')}\n${rows.map((row) => `${row}\n`).join('')}`;
  return { pipelineName: options.pipeline, pipeline, batchfilePath, batchfileExists: existing !== undefined, rootValue, rootPath, molecules, jobs, batchfileText, addedRows: rows.length };
}

async function planJob(
  molecule: Molecule,
  stepJob: StepJob,
  pipelineName: string,
  settings: BatchSettings,
  rootPath: string,
  inBatchfile: ReadonlySet<string> | undefined,
): Promise<PlannedJob> {
  const step = stepJob.step;
  const program = step.program;
  const basename = stepJob.name;
  const folder = `${molecule.name}/${stepJob.name}`;
  const path = join(rootPath, molecule.name, stepJob.name);
  const configured = settingsForJob(settings, program, basename).slurm;
  const cores = step.cores ?? configured.cores ?? 1;
  const memory = step.memory ?? configured.memory;
  const parsedMemory = memory === undefined ? undefined : parseMemory(memory);
  const template = PROGRAMS[program].template;
  if (!template) throw new NewBatchError(`step ${step.name}: Batchman writes no ${program} inputs`);
  const templateJob: TemplateJob = {
    basename,
    title: `${molecule.name} ${stepJob.name}`,
    atoms: molecule.atoms,
    charge: molecule.charge,
    multiplicity: molecule.multiplicity,
    runType: step.runType,
    ...stepJob.settings,
    keywords: step.keywords ?? [],
    cores,
    ...(parsedMemory ? { memoryMb: memoryMegabytes(parsedMemory) } : {}),
  };
  let rendered;
  try {
    rendered = template.render(templateJob);
  } catch (error) {
    if (error instanceof TemplateError) throw new NewBatchError(`pipeline ${pipelineName}, step ${step.name} (job ${folder}): ${error.message}`);
    throw error;
  }
  const pipes: string[] = [];
  if (stepJob.coords) pipes.push(`coords{../${stepJob.coords.from},${stepJob.coords.file}}`);
  if (stepJob.orbitals) pipes.push(`orbitals{../${stepJob.orbitals.from},${stepJob.orbitals.file}}`);
  const slurm = {
    ...(step.cores !== undefined ? { cores: step.cores } : {}),
    ...(step.memory !== undefined ? { memory: step.memory } : {}),
    ...(step.walltime !== undefined ? { walltime: step.walltime } : {}),
    ...(step.partition !== undefined ? { partition: step.partition } : {}),
  };
  const walltime = step.walltime ?? configured.walltime;
  const jobConfig = {
    program: CCBATCHMAN_PROGRAM[program] ?? program,
    num_cores: cores,
    mem_per_cpu_GB: parsedMemory ? Math.round((memoryMegabytes(parsedMemory) / cores / 1024) * 1000) / 1000 : null,
    runtime: walltime ?? null,
    write_directory: folder,
    job_basename: basename,
    xyz_directory: dirname(molecule.source),
    xyz_file: pathBasename(molecule.source),
    charge: molecule.charge,
    spin_multiplicity: molecule.multiplicity,
    run_type: step.runType,
    functional: stepJob.settings.method ?? null,
    basis: stepJob.settings.basis ?? null,
    dispersion_correction: stepJob.settings.dispersion ?? null,
    solvent: stepJob.settings.solvent ?? null,
    other_keywords: [...(step.keywords ?? [])],
    pre_submit_lines: step.setup ? [...step.setup] : null,
    post_submit_lines: null,
    ...rendered.config,
    ...(stepJob.coords ? { '!coords_from': `../${stepJob.coords.from}`, '!xyz_file': stepJob.coords.file } : {}),
    ...(stepJob.orbitals ? { '!orbitals_from': `../${stepJob.orbitals.from}`, '!gbw_file': stepJob.orbitals.file } : {}),
    batchman: {
      pipeline: pipelineName,
      step: step.name,
      molecule: molecule.name,
      ...(molecule.frame !== undefined ? { frame: molecule.frame } : {}),
      ...(rendered.args.length > 0 ? { args: [...rendered.args] } : {}),
      ...(step.modules ? { modules: [...step.modules] } : {}),
      ...(step.setup ? { setup: [...step.setup] } : {}),
    },
  };
  const files: RenderedFile[] = [...rendered.files, { name: JOB_CONFIG_FILE, text: `${JSON.stringify(jobConfig, null, 2)}\n` }];
  return {
    molecule,
    stepJob,
    basename,
    program,
    folder,
    path,
    pipe: pipes.join(';'),
    slurm,
    files,
    args: rendered.args,
    state: await folderState(path, program, basename, files),
    inBatchfile: inBatchfile?.has(jobKey(path, basename)) ?? false,
  };
}

/** True when the folder holds what a run leaves: the program's output, `run_info.json` or a `slurm-*.out`. */
export async function holdsOutput(path: string, program: ProgramId, basename: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(path);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return false;
    throw error;
  }
  const output = `${basename}${PROGRAMS[program].outputExtension}`;
  return names.some((name) => name === output || name === 'run_info.json' || /^slurm-\d+\.out$/.test(name));
}

async function folderState(path: string, program: ProgramId, basename: string, files: readonly RenderedFile[]): Promise<JobState> {
  if (await holdsOutput(path, program, basename)) return 'kept';
  let same = true;
  let any = false;
  for (const file of files) {
    const text = await readOptional(join(path, file.name));
    if (text !== undefined) any = true;
    if (text !== file.text) same = false;
  }
  if (same) return 'same';
  return any || (await readOptional(path, true)) !== undefined ? 'update' : 'new';
}

interface ExistingBatchfile {
  readonly text: string;
  readonly rootValue: string;
  readonly rootPath: string;
  readonly columns: readonly string[];
  readonly jobKeys: ReadonlySet<string>;
}

async function readExistingBatchfile(path: string): Promise<ExistingBatchfile | undefined> {
  const text = await readOptional(path);
  if (text === undefined) return undefined;
  const { model } = validateBatchfile(text.replace(/^\uFEFF/, ''), { batchfilePath: path });
  const rootValue = model.document.root?.value?.text.trim();
  if (model.rootPath === undefined || rootValue === undefined) throw new NewBatchError(`${path} exists and has no root_directory line; Batchman adds rows only to a batchfile it can read`);
  const header = model.document.header;
  const columns = header ? header.columns.map((column) => column.name.text.trim()) : [];
  for (const required of ['job_basename', 'job_directory', 'program', 'pipe']) {
    if (!columns.includes(required)) throw new NewBatchError(`${path} exists and its header has no ${required} column; Batchman adds rows only to a batchfile it can read`);
  }
  return { text, rootValue, rootPath: model.rootPath, columns, jobKeys: new Set(model.jobs.map((job) => jobKey(job.path, job.basename))) };
}

function jobKey(path: string, basename: string): string {
  return `${resolve(path)}\0${basename}`;
}

function batchfileRow(job: PlannedJob, columns: readonly string[]): string {
  const values: Record<string, string> = {
    job_basename: job.basename,
    job_directory: job.folder,
    program: job.program,
    pipe: job.pipe,
    cores: job.slurm.cores === undefined ? '' : String(job.slurm.cores),
    memory: job.slurm.memory ?? '',
    walltime: job.slurm.walltime ?? '',
    partition: job.slurm.partition ?? '',
  };
  return columns.map((column) => values[column] ?? '').join('|');
}

function appendRows(text: string, rows: readonly string[]): string {
  if (rows.length === 0) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = text === '' || text.endsWith('\n') ? text : `${text}${eol}`;
  return `${body}${rows.map((row) => `${row}${eol}`).join('')}`;
}

/** The root as a new batchfile's first line writes it: as given when absolute, else relative to the batchfile's folder. */
function rootLineValue(asked: string | undefined, rootPath: string, batchfilePath: string): string {
  if (asked !== undefined && isAbsolute(asked)) return asked;
  const value = relative(dirname(batchfilePath), rootPath);
  return value === '' ? '.' : value.split(sep).join('/');
}

async function readOptional(path: string, directory = false): Promise<string | undefined> {
  try {
    if (directory) {
      await readdir(path);
      return '';
    }
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR') || isErrno(error, 'EISDIR')) return undefined;
    throw error;
  }
}
