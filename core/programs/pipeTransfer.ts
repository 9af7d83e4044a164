// Pipe transfer before a job is submitted: copy the upstream geometry or orbitals in, rewrite the input.
import { randomBytes } from 'node:crypto';
import { copyFile, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename as pathBasename, dirname, join } from 'node:path';
import { isErrno, writeFileAtomic } from '../fsAtomic.js';
import type { BatchModel, PipeLink, ResolvedJob } from '../batchfile/model.js';
import type { ProgramId } from './catalog.js';
import { jobFiles } from './files.js';
import { GeometryError, addOrcaMoRead, parseXyzFrames, replaceGaussianGeometry, setOrcaXyzFile } from './geometry.js';

export type PipeResult =
  | {
      ok: true;
      /** Names of the files placed in the job folder (copies and the geometry input of xTB/CREST). */
      transferred: string[];
      /** Names of the job's inputs rewritten to use them (`.gjf`, `.inp`). */
      rewritten: string[];
    }
  | { ok: false; cause: string };

/** A pipe's file whose name would be ORCA's own output gets this suffix (see `orbitalsFileName`). */
export const MOREAD_SUFFIX = '_moread.gbw';

/**
 * Transfers every pipe of `job` that is not `./` (no transfer) into its folder and rewrites its
 * input, before the job is submitted:
 * - `coords`: Gaussian — the piped file is copied in and the geometry block of `{basename}.gjf` is
 *   replaced; ORCA — the first frame is written as FILE and `{basename}.inp` reads it with
 *   `* xyzfile CHARGE MULT FILE`; xTB/CREST — the first frame becomes the input `{basename}.xyz`
 *   (the upstream name is not copied: `xtbopt.xyz` in a downstream xTB folder would be mistaken for
 *   that job's own result); pyAroma and shell — the file is copied in as it is.
 * - `orbitals` (ORCA only): the `.gbw` is copied in and the input gets `MORead` and `%moinp "FILE"`.
 *
 * Everything is read, checked and computed before the first write, so a missing piped file (cause
 * `missing piped file <path>`), a file that is not XYZ, or an input that cannot take the geometry
 * leaves the folder untouched. Each file is written atomically, inputs last. Running it again gives
 * the same files (idempotent), so a resumed runner may repeat it safely.
 */
export async function applyPipes(_model: BatchModel, job: ResolvedJob): Promise<PipeResult> {
  const program = job.program?.id;
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
      if (pipe.kind === 'orbitals' && program !== 'orca') {
        return { ok: false, cause: `an orbitals pipe needs an ORCA job; ${job.basename} is ${program}` };
      }
    }
    const plan = await planTransfer(program, job, pipes);
    if ('cause' in plan) return { ok: false, cause: plan.cause };

    for (const copy of plan.copies) await copyFileAtomic(copy.from, join(job.path, copy.to));
    for (const write of plan.writes) await writeFileAtomic(join(job.path, write.to), write.text);
    if (plan.input !== undefined) await writeFileAtomic(join(job.path, plan.input.name), plan.input.text);
    return {
      ok: true,
      transferred: [...plan.copies.map((copy) => copy.to), ...plan.writes.map((write) => write.to)],
      rewritten: plan.input === undefined ? [] : [plan.input.name],
    };
  } catch (error) {
    return { ok: false, cause: `pipe transfer failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The name an orbitals file gets in an ORCA job's folder: ORCA writes `{basename}.gbw` itself. */
export function orbitalsFileName(jobBasename: string, fileName: string): string {
  const name = pathBasename(fileName);
  return name === `${jobBasename}.gbw` ? `${jobBasename}${MOREAD_SUFFIX}` : name;
}

/** The name a coords file gets in the job folder (FILE may name a sub-folder upstream). */
export function coordsFileName(program: ProgramId, jobBasename: string, fileName: string): string {
  return program === 'xtb' || program === 'crest' ? `${jobBasename}.xyz` : pathBasename(fileName);
}

/** Why a basename cannot name files in a folder, or undefined when it can. */
export function basenameProblem(basename: string): string | undefined {
  if (basename === '') return 'the job has no basename';
  if (basename.includes('/') || basename.includes('\0')) return `basename "${basename}" cannot name a file (it holds "/" or NUL)`;
  return undefined;
}

interface TransferPlan {
  copies: { from: string; to: string }[];
  writes: { to: string; text: string }[];
  input?: { name: string; text: string };
}

async function planTransfer(program: ProgramId, job: ResolvedJob, pipes: readonly PipeLink[]): Promise<TransferPlan | { cause: string }> {
  const plan: TransferPlan = { copies: [], writes: [] };
  const inputName = jobFiles(program, job.basename).input;
  let input: string | undefined;
  const readInput = async (): Promise<string | undefined> => {
    if (input !== undefined) return input;
    try {
      input = await readFile(join(job.path, inputName), 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return undefined;
      throw error;
    }
    return input;
  };
  const missingInput = { cause: `missing input ${join(job.path, inputName)}` };

  try {
    for (const pipe of pipes) {
      const source = join(pipe.targetPath, pipe.fileName);
      if (pipe.kind === 'orbitals') {
        const to = orbitalsFileName(job.basename, pipe.fileName);
        const text = await readInput();
        if (text === undefined) return missingInput;
        input = addOrcaMoRead(text, to, inputName);
        plan.copies.push({ from: source, to });
        continue;
      }
      const to = coordsFileName(program, job.basename, pipe.fileName);
      if (program === 'pyaroma' || program === 'shell') {
        plan.copies.push({ from: source, to });
        continue;
      }
      const frame = parseXyzFrames(await readFile(source, 'utf8'), `piped file ${source}`)[0]!;
      if (program === 'gaussian') {
        const text = await readInput();
        if (text === undefined) return missingInput;
        input = replaceGaussianGeometry(text, frame.atoms, inputName);
        plan.copies.push({ from: source, to });
      } else if (program === 'orca') {
        const text = await readInput();
        if (text === undefined) return missingInput;
        input = setOrcaXyzFile(text, to, inputName);
        // A trajectory or conformer ensemble: ORCA gets its first frame only.
        plan.writes.push({ to, text: frame.text });
      } else {
        plan.writes.push({ to, text: frame.text });
      }
    }
  } catch (error) {
    if (error instanceof GeometryError) return { cause: error.message };
    throw error;
  }
  if (input !== undefined) plan.input = { name: inputName, text: input };
  return plan;
}

async function fileKind(path: string): Promise<'file' | 'missing' | 'other'> {
  try {
    return (await stat(path)).isFile() ? 'file' : 'other';
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return 'missing';
    throw error;
  }
}

/**
 * Copies `from` to `to` so that `to` is never seen half-written: a temporary copy in the destination
 * folder, fsync, rename. Works for big binary files (`.gbw`) without reading them into memory, and
 * when `from` and `to` are the same file.
 */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  const temp = join(dirname(to), `.${pathBasename(to)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await copyFile(from, temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, to);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
