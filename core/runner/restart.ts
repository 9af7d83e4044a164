// Restarting failed jobs: what to change by cause, keeping the failed attempt as `<dir>_history_N`, the last geometry.
import { randomBytes } from 'node:crypto';
import { copyFile, lstat, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename as pathBasename, dirname, join, resolve } from 'node:path';
import type { PipeLink, ResolvedJob } from '../batchfile/model.js';
import { isErrno } from '../fsAtomic.js';
import { PROGRAMS, programById } from '../programs/catalog.js';
import type { ProgramId, ProgramInfo } from '../programs/catalog.js';
import { jobFiles } from '../programs/files.js';
import { GeometryError } from '../programs/geometry/atoms.js';
import { formatXyz } from '../programs/geometry/xyz.js';
import { MissingInputError, PlannedInput } from '../programs/jobInput.js';
import { CAUSES } from '../programs/markers.js';
import { pipedFileName, writeInputChange } from '../programs/pipeTransfer.js';
import type { FoundGeometry } from '../programs/program.js';
import { isGeneratedScript } from './submitScript.js';
import { doubleMemory, doubleWalltime } from './slurmUnits.js';
import { JOB_CONFIG_FILE } from '../newBatch/jobConfig.js';

/** Assumed time limit of a TIMEOUT job that asked for none (the restart asks for twice this). */
export const DEFAULT_WALLTIME = '01:00:00';
/** Assumed memory of an OUT_OF_MEMORY job that asked for none (the restart asks for twice this). */
export const DEFAULT_MEMORY = '4G';

export interface RestartQuery {
  /** The failure cause (a CAUSES value, `exit code N`…). */
  cause: string;
  /** Restarts already made for this job (0 after the first run failed). */
  attempt: number;
  maxRestarts: number;
  /** The time limit and memory the failed attempt asked for, when it asked. */
  walltime?: string;
  memory?: string;
  /** The failed attempt's run time (sacct Elapsed): the real limit of a TIMEOUT job that asked for none. */
  elapsed?: string;
  /** The job's program; without it a geometry restart is assumed possible. */
  program?: ProgramId | string;
}

export type RestartPlan =
  | { restart: false; reason: string }
  | {
      restart: true;
      /** Set when the restart must ask for a different time limit / memory. */
      walltime?: string;
      memory?: string;
      /** Put the last geometry of the failed attempt into the input (`applyRestartGeometry`). */
      fromLastGeometry: boolean;
      reason: string;
    };

const STOPPED_EARLY = new Set<string>([CAUSES.notFinished, CAUSES.optNotConverged]);
const RESUBMIT_AS_IS = new Set<string>([CAUSES.nodeFail, CAUSES.preempted]);

/**
 * Decides whether and how a failed job is restarted:
 * - TIMEOUT: twice the walltime (or the elapsed time, or DEFAULT_WALLTIME, when none was asked);
 * - OUT_OF_MEMORY: twice the memory, in the same unit (DEFAULT_MEMORY when none was asked);
 * - NODE_FAIL, PREEMPTED: resubmitted as is (the job was not at fault);
 * - `program did not finish`, `optimisation not converged`: resubmitted;
 * TIMEOUT, OUT_OF_MEMORY and the stopped-early causes continue from the last geometry for programs
 * that allow it (a `restart` member: Gaussian, ORCA, xTB): a timed-out optimisation should not start over.
 * Anything else (`exit code N`, imaginary frequency, SCF not converged, error termination, a user's
 * cancel) would fail the same way and is not restarted; nor is a job that had `maxRestarts` already.
 */
export function planRestart(query: RestartQuery): RestartPlan {
  const { cause } = query;
  const program = query.program === undefined ? undefined : programById(query.program)?.id;
  const geometry = program === undefined || PROGRAMS[program].restart !== undefined;
  const budget = (): RestartPlan | undefined =>
    query.attempt >= query.maxRestarts ? { restart: false, reason: `${cause}: already restarted ${query.attempt} time(s), maxRestarts is ${query.maxRestarts}` } : undefined;

  if (cause === CAUSES.timeout) {
    const exhausted = budget();
    if (exhausted) return exhausted;
    const base = query.walltime ?? query.elapsed ?? DEFAULT_WALLTIME;
    const walltime = doubleWalltime(base) ?? doubleWalltime(DEFAULT_WALLTIME)!;
    return { restart: true, walltime, fromLastGeometry: geometry, reason: `TIMEOUT: walltime ${base} → ${walltime}` };
  }
  if (cause === CAUSES.outOfMemory) {
    const exhausted = budget();
    if (exhausted) return exhausted;
    const base = query.memory ?? DEFAULT_MEMORY;
    const memory = doubleMemory(base) ?? doubleMemory(DEFAULT_MEMORY)!;
    return { restart: true, memory, fromLastGeometry: geometry, reason: `OUT_OF_MEMORY: memory ${base} → ${memory}` };
  }
  if (RESUBMIT_AS_IS.has(cause)) {
    return budget() ?? { restart: true, fromLastGeometry: false, reason: `${cause}: resubmitted as is` };
  }
  if (STOPPED_EARLY.has(cause)) {
    return (
      budget() ?? {
        restart: true,
        fromLastGeometry: geometry,
        reason: geometry ? `${cause}: restarted from the last geometry` : `${cause}: resubmitted (${program} cannot continue from a geometry)`,
      }
    );
  }
  return { restart: false, reason: `${cause}: a restart would fail the same way` };
}

// --------------------------------------------------------------------------------------- last geometry

export type { FoundGeometry } from '../programs/program.js';

/**
 * The last geometry a failed run reached, from the files the program writes while it runs (its
 * `restart.lastGeometry`): xTB `xtblast.xyz` (written when an optimisation fails), `xtbopt.xyz`, else
 * the last complete frame of the trajectory `xtbopt.log`; ORCA `{basename}.xyz`, else the last frame
 * of `{basename}_trj.xyz`; Gaussian the last orientation table of `{basename}.log`. Undefined when
 * there is none (or for programs without one).
 */
export async function findLastGeometry(program: ProgramId, directory: string, basename: string): Promise<FoundGeometry | undefined> {
  return PROGRAMS[program].restart?.lastGeometry(directory, basename);
}

export type RestartGeometryJob = Pick<ResolvedJob, 'basename' | 'path' | 'program'>;

export type RestartGeometryResult = { applied: true; source: string; written: string[] } | { applied: false; reason: string };

/**
 * Puts the last geometry of the failed attempt in `fromDirectory` (usually the `_history_N` folder
 * returned by `archiveAttempt`) into the job's input in `job.path`, as the program's `restart.plan`
 * says: xTB's `{basename}.xyz` becomes that frame, verbatim; Gaussian replaces the geometry block of
 * `{basename}.gjf`; ORCA writes `{basename}_restart.xyz` and points `* xyzfile` at it. When no
 * geometry is found the inputs stay as they were (the job restarts from its original geometry) and
 * the reason says why.
 */
export async function applyRestartGeometry(job: RestartGeometryJob, fromDirectory: string): Promise<RestartGeometryResult> {
  const program = job.program ? PROGRAMS[job.program.id] : undefined;
  const restart = program?.restart;
  if (!program || !restart) {
    return { applied: false, reason: `${program?.id ?? 'this program'} cannot continue from a geometry` };
  }
  const found = await restart.lastGeometry(fromDirectory, job.basename);
  if (!found) return { applied: false, reason: `no geometry found in ${fromDirectory}` };
  const input = new PlannedInput(job.path, job.basename, jobFiles(program.id, job.basename).input);
  // An XYZ frame is copied as the program wrote it; a geometry read from a log is formatted.
  const xyz = found.xyz ?? formatXyz(found.atoms, `restart from ${pathBasename(found.source)}`);
  try {
    const change = await restart.plan({ atoms: found.atoms, xyz }, input);
    const written = await writeInputChange(job.path, input.name, change);
    return { applied: true, source: found.source, written };
  } catch (error) {
    if (error instanceof GeometryError || error instanceof MissingInputError) return { applied: false, reason: error.message };
    throw error;
  }
}

// ------------------------------------------------------------------------------------------- history

/** What `archiveAttempt` needs to know to tell a job's inputs from its outputs. */
export interface ArchiveJob {
  basename: string;
  program?: ProgramInfo | ProgramId;
  pipes?: readonly Pick<PipeLink, 'kind' | 'noTransfer' | 'fileName'>[];
  /** More file names to carry into the fresh folder (constraint files, basis sets…). */
  keep?: readonly string[];
}

/** `<dir>_history_N`: the N-th failed attempt of a job kept by `archiveAttempt`. */
export function historyDirectory(jobDirectory: string, n: number): string {
  return `${trimSlash(resolve(jobDirectory))}_history_${n}`;
}

/** The numbers N of the job folder's `<dir>_history_N` siblings, ascending: how many restarts were made. */
export async function listHistory(jobDirectory: string): Promise<number[]> {
  const dir = trimSlash(resolve(jobDirectory));
  const prefix = `${pathBasename(dir)}_history_`;
  let names: string[];
  try {
    names = await readdir(dirname(dir));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  }
  return names
    .filter((name) => name.startsWith(prefix) && /^[1-9]\d*$/.test(name.slice(prefix.length)))
    .map((name) => Number(name.slice(prefix.length)))
    .sort((a, b) => a - b);
}

/**
 * Keeps a failed attempt as `<dir>_history_N` (the first free N from 1) and leaves a fresh job folder
 * holding only the inputs: the input file, the user's own `{basename}.sh` (a generated one is
 * regenerated), the piped files, the files the input names (ORCA `* xyzfile`, `%moinp`; Gaussian
 * `%oldchk`, `@include`), the program's side inputs (xTB/CREST's `.CHRG`/`.UHF`/`xcontrol`), `job_config.json` and `job.keep`. Outputs,
 * `slurm-*.out` and `run_info.json` stay in the history folder. The fresh folder is filled beside the
 * job folder first and the two renames follow each other, so the job folder is never half-filled.
 * Returns the history folder's path.
 */
export async function archiveAttempt(jobDirectory: string, job: ArchiveJob): Promise<string> {
  const dir = trimSlash(resolve(jobDirectory));
  const info = typeof job.program === 'string' ? programById(job.program) : job.program;
  const keep = await inputsToKeep(dir, job.basename, info?.id, job);

  const fresh = join(dirname(dir), `.${pathBasename(dir)}.fresh-${randomBytes(4).toString('hex')}`);
  await mkdir(fresh);
  try {
    for (const name of keep) await copyFile(join(dir, name), join(fresh, name));
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }

  let n = 1;
  while (await exists(historyDirectory(dir, n))) n++;
  const history = historyDirectory(dir, n);
  await rename(dir, history);
  try {
    await rename(fresh, dir);
  } catch (error) {
    await rename(history, dir).catch(() => undefined);
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
  return history;
}

async function inputsToKeep(dir: string, basename: string, program: ProgramId | undefined, job: ArchiveJob): Promise<string[]> {
  // job_config.json holds the job's own program arguments (charge, spin…) the regenerated script needs again.
  const names = new Set<string>([...(job.keep ?? []), JOB_CONFIG_FILE]);
  const script = `${basename}.sh`;
  if (program) {
    const files = jobFiles(program, basename);
    names.add(files.input);
    for (const name of PROGRAMS[program].sideInputs) names.add(name);
    for (const pipe of job.pipes ?? []) {
      if (pipe.noTransfer) continue;
      names.add(pipedFileName(program, pipe.kind, basename, pipe.fileName));
    }
    const input = await readFile(join(dir, files.input), 'utf8').catch(() => '');
    for (const name of filesNamedByInput(program, input)) names.add(name);
  }
  const scriptText = await readFile(join(dir, script), 'utf8').catch(() => undefined);
  if (scriptText !== undefined && !isGeneratedScript(scriptText)) names.add(script);
  else names.delete(script);

  const kept: string[] = [];
  for (const name of names) {
    // Only plain files directly in the folder: a name with a path is someone else's file.
    if (name === '' || name.includes('/') || name === '.' || name === '..') continue;
    try {
      if ((await lstat(join(dir, name))).isFile()) kept.push(name);
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
    }
  }
  return kept.sort();
}

/** File names an input reads from its own folder. */
export function filesNamedByInput(program: ProgramId, input: string): string[] {
  return PROGRAMS[program].filesNamedByInput(input);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function trimSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}
