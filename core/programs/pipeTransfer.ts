// Pipe transfer before a job is submitted: copy the upstream geometry or orbitals in, rewrite the input.
import { closeSync, copyFileSync, fsyncSync, openSync, statSync } from 'node:fs';
import { copyFile, open, readFile } from 'node:fs/promises';
import { basename as pathBasename, join } from 'node:path';
import { isErrno, replaceFile, replaceFileNow, writeFileAtomic } from '../fsAtomic.js';
import type { BatchModel, PipeLink, ResolvedJob } from '../batchfile/model.js';
import { PROGRAMS, PROGRAM_IDS } from './catalog.js';
import type { Program, ProgramId } from './catalog.js';
import { jobFiles } from './files.js';
import { GeometryError } from './geometry/atoms.js';
import { parseXyzFrames } from './geometry/xyz.js';
import { MissingInputError, PlannedInput } from './jobInput.js';
import type { InputChange, PipeInput, PipedFile } from './program.js';

export { MOREAD_SUFFIX, orbitalsFileName } from './orca.js';

export type PipeResult =
  | {
      ok: true;
      /** Names of the files placed in the job folder (copies and the geometry input of xTB/CREST). */
      transferred: string[];
      /** Names of the job's inputs rewritten to use them (`.gjf`, `.inp`). */
      rewritten: string[];
    }
  | { ok: false; cause: string };

/**
 * Transfers every pipe of `job` that is not `./` (no transfer) into its folder and rewrites its
 * input, before the job is submitted, as the job's program says (`coordsPipe`, `orbitalsPipe`):
 * - `coords`: Gaussian — the piped file is copied in and the geometry block of `{basename}.gjf` is
 *   replaced; ORCA — the first frame is written as FILE and `{basename}.inp` reads it with
 *   `* xyzfile CHARGE MULT FILE`; xTB/CREST — the first frame becomes the input `{basename}.xyz`;
 *   pyAroma and shell — the file is copied in as it is.
 * - `orbitals` (ORCA only): the `.gbw` is copied in and the input gets `MORead` and `%moinp "FILE"`.
 *
 * Everything is read, checked and computed before the first write, so a missing piped file (cause
 * `missing piped file <path>`), a file that is not XYZ, or an input that cannot take the geometry
 * leaves the folder untouched. Each file is written atomically, inputs last. Running it again gives
 * the same files (idempotent), so a resumed runner may repeat it safely.
 */
export async function applyPipes(_model: BatchModel, job: ResolvedJob): Promise<PipeResult> {
  const program = job.program ? PROGRAMS[job.program.id] : undefined;
  if (!program) return { ok: false, cause: `unknown program "${job.programName}"` };
  const nameProblem = basenameProblem(job.basename);
  if (nameProblem) return { ok: false, cause: nameProblem };
  const pipes = job.pipes.filter((pipe) => !pipe.noTransfer);
  if (pipes.length === 0) return { ok: true, transferred: [], rewritten: [] };

  try {
    for (const pipe of pipes) {
      const source = join(pipe.targetPath, pipe.fileName);
      const kind = await fileKind(source);
      if (kind === 'missing') return { ok: false, cause: `missing piped file ${source}` };
      if (kind === 'other') return { ok: false, cause: `piped file ${source} is not a regular file` };
      if (pipe.kind === 'orbitals' && !program.orbitalsPipe) {
        return { ok: false, cause: `an orbitals pipe needs an ${orbitalsPrograms()} job; ${job.basename} is ${program.id}` };
      }
    }
    const plan = await planTransfer(program, job, pipes);
    if ('cause' in plan) return { ok: false, cause: plan.cause };
    await writeInputChange(job.path, plan.inputName, plan);
    return {
      ok: true,
      transferred: [...plan.copies.map((copy) => copy.to), ...plan.writes.map((write) => write.to)],
      rewritten: plan.input === undefined ? [] : [plan.inputName],
    };
  } catch (error) {
    return { ok: false, cause: `pipe transfer failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The name a coords file gets in the job folder (FILE may name a sub-folder upstream). */
export function coordsFileName(program: ProgramId, jobBasename: string, fileName: string): string {
  return PROGRAMS[program].coordsPipe.fileName(jobBasename, fileName);
}

/** The name a pipe's file gets in the job folder; its own name when the program takes no such pipe. */
export function pipedFileName(program: ProgramId, kind: PipeLink['kind'], jobBasename: string, fileName: string): string {
  return pipeInput(PROGRAMS[program], kind)?.fileName(jobBasename, fileName) ?? pathBasename(fileName);
}

/** Why a basename cannot name files in a folder, or undefined when it can. */
export function basenameProblem(basename: string): string | undefined {
  if (basename === '') return 'the job has no basename';
  if (basename.includes('/') || basename.includes('\0')) return `basename "${basename}" cannot name a file (it holds "/" or NUL)`;
  return undefined;
}

/**
 * Writes a planned change into `directory`: copies and new files first, each atomically, the input
 * last. Returns the names written, in that order.
 */
export async function writeInputChange(directory: string, inputName: string, change: InputChange): Promise<string[]> {
  const written: string[] = [];
  for (const copy of change.copies ?? []) {
    await copyFileAtomic(copy.from, join(directory, copy.to));
    written.push(copy.to);
  }
  for (const write of change.writes ?? []) {
    await writeFileAtomic(join(directory, write.to), write.text, { blocking: true });
    written.push(write.to);
  }
  if (change.input !== undefined) {
    await writeFileAtomic(join(directory, inputName), change.input, { blocking: true });
    written.push(inputName);
  }
  return written;
}

interface TransferPlan {
  readonly inputName: string;
  readonly copies: readonly { readonly from: string; readonly to: string }[];
  readonly writes: readonly { readonly to: string; readonly text: string }[];
  readonly input?: string;
}

async function planTransfer(program: Program, job: ResolvedJob, pipes: readonly PipeLink[]): Promise<TransferPlan | { cause: string }> {
  const copies: { from: string; to: string }[] = [];
  const writes: { to: string; text: string }[] = [];
  const input = new PlannedInput(job.path, job.basename, jobFiles(program.id, job.basename).input);
  try {
    for (const pipe of pipes) {
      // Checked by applyPipes before planning: every pipe here has its program's transfer.
      const change = await pipeInput(program, pipe.kind)!.plan(pipedFile(pipe), input);
      copies.push(...(change.copies ?? []));
      writes.push(...(change.writes ?? []));
      input.apply(change);
    }
  } catch (error) {
    if (error instanceof GeometryError || error instanceof MissingInputError) return { cause: error.message };
    throw error;
  }
  return { inputName: input.name, copies, writes, ...(input.newText !== undefined ? { input: input.newText } : {}) };
}

function pipeInput(program: Program, kind: PipeLink['kind']): PipeInput | undefined {
  return kind === 'orbitals' ? program.orbitalsPipe : program.coordsPipe;
}

function pipedFile(pipe: PipeLink): PipedFile {
  const path = join(pipe.targetPath, pipe.fileName);
  return {
    path,
    fileName: pipe.fileName,
    firstFrame: async () => parseXyzFrames(await readFile(path, 'utf8'), `piped file ${path}`)[0]!,
  };
}

/** `ORCA` (the display names of the programs that take orbitals, joined by "or"). */
function orbitalsPrograms(): string {
  return PROGRAM_IDS.filter((id) => PROGRAMS[id].orbitalsPipe !== undefined)
    .map((id) => PROGRAMS[id].displayName)
    .join(' or ');
}

async function fileKind(path: string): Promise<'file' | 'missing' | 'other'> {
  try {
    return statSync(path).isFile() ? 'file' : 'other';
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return 'missing';
    throw error;
  }
}

/**
 * Copies `from` to `to` so that `to` is never seen half-written: a temporary copy in the destination
 * folder, fsync, rename. Works for big binary files (`.gbw`) without reading them into memory, and
 * when `from` and `to` are the same file. A small file (a piped geometry, an output of a few kB) is copied with
 * synchronous calls: the runner waits for it anyway, and the asynchronous calls cost several times the CPU (one
 * submission after another in a big batch).
 */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  if (smallFile(from)) {
    replaceFileNow(to, (temp) => {
      copyFileSync(from, temp);
      const fd = openSync(temp, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    });
    return;
  }
  await replaceFile(to, async (temp) => {
    await copyFile(from, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Below this size a copy is made with synchronous calls. */
const SMALL_COPY_BYTES = 1 << 20;

function smallFile(path: string): boolean {
  try {
    return statSync(path).size < SMALL_COPY_BYTES;
  } catch {
    return false; // the asynchronous path reports the error
  }
}

