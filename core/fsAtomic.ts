// Atomic file writes: readers (the extension, `batchman status`, CCBatchMan) never see a half-written file.
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * How much of a write must survive a power loss (a process crash never tears a renamed file, whatever the level):
 * - `durable` (default): the file's data is fsynced before the rename and the folder after it, so once the write
 *   returns, the new content is what any later reader sees. For what crash-ordering rests on: the ledger, generated
 *   submit scripts.
 * - `data`: the data is fsynced, the folder is not: after a power loss the file holds the new content or, when the
 *   rename was lost, the old one, never an empty file. For a write whose old content is a safe fallback.
 * - `rebuildable`: nothing is fsynced, and the write is made with synchronous calls (a fifth of the CPU of the
 *   asynchronous ones; a small file on a local disk costs the event loop well under a millisecond). Only for records
 *   the runner's resume rebuilds from the ledger, the submit journal and the outputs (run_info.json, {basename}.json).
 */
export type Durability = 'durable' | 'data' | 'rebuildable';

export interface AtomicWriteOptions {
  readonly durability?: Durability;
  /**
   * Synchronous calls (always so for `rebuildable`): a fifth of the CPU of the asynchronous ones, but the event loop
   * waits for the fsyncs. For the runner's own small files, written in a pass that waits for them anyway (a pipe copy
   * before sbatch, run_info.json after it; sbatch itself is a child process and goes on meanwhile). Never in an editor.
   */
  readonly blocking?: boolean;
}

// Unique within this process; the pid in the name and the exclusive create keep two processes apart.
let tempCounter = 0;

function tempPathFor(path: string): string {
  // A dot-prefixed name keeps globs like `__ledger__.csv` or `*.json` watchers from seeing the temp file.
  return join(dirname(path), `.${basename(path)}.${process.pid}.${(tempCounter++).toString(36)}.tmp`);
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder (same file system, so the rename is
 * atomic), written whole, renamed over the target; fsyncs as `durability` asks. The existing file's permission bits
 * are kept.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const durability = options.durability ?? 'durable';
  if (durability === 'rebuildable' || options.blocking === true) return writeFileAtomicNow(path, data, durability);
  const mode = await existingMode(path);
  await replaceFile(path, async (temp) => {
    const handle = await open(temp, 'wx', mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (needsChmod(mode)) await handle.chmod(mode!); // the umask narrowed it
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
  if (durability === 'durable') await syncDirectory(dirname(path));
}

/** The synchronous write; fsyncs as `durability` asks. */
function writeFileAtomicNow(path: string, data: string | Uint8Array, durability: Durability): void {
  let mode: number | undefined;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  replaceFileNow(path, (temp) => {
    const fd = openSync(temp, 'wx', mode ?? 0o644);
    try {
      writeAll(fd, data);
      if (needsChmod(mode)) chmodSync(temp, mode!);
      if (durability !== 'rebuildable') fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
  if (durability === 'durable') syncDirectoryNow(dirname(path));
}

/**
 * Replaces `path` with the file `fill` makes at the temporary path it is given (beside `path`: the same file system,
 * so the rename is atomic). The temporary file never outlives a failure.
 */
export async function replaceFile(path: string, fill: (temp: string) => Promise<void>): Promise<void> {
  const temp = tempPathFor(path);
  try {
    await fill(temp);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** replaceFile with synchronous calls, for the runner's small files (see AtomicWriteOptions.blocking). */
export function replaceFileNow(path: string, fill: (temp: string) => void): void {
  const temp = tempPathFor(path);
  try {
    fill(temp);
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw error;
  }
}

/** Fsyncs a folder (its entries: a file created or renamed there), where the platform allows it. */
export function syncDirectoryNow(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here (see syncDirectory)
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes all of `data` at the descriptor's position (a write may take less than it is given). */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/**
 * Writes atomically only when the file's current content differs; returns true when it wrote.
 * Skipping identical writes keeps file watchers (the extension follows the ledger) quiet.
 */
export async function writeFileAtomicIfChanged(path: string, data: string, options: AtomicWriteOptions = {}): Promise<boolean> {
  const current = options.blocking === true || options.durability === 'rebuildable' ? readNow(path) : await readFile(path, 'utf8').catch(absentOnly);
  if (current === data) return false;
  await writeFileAtomic(path, data, options);
  return true;
}

function absentOnly(error: unknown): undefined {
  if (isErrno(error, 'ENOENT')) return undefined;
  throw error;
}

function readNow(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return absentOnly(error);
  }
}

/** True when `error` is a Node system error with the given code (ENOENT, EACCES…). */
export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

// The process's umask, read once (reading it sets it twice; nothing in this process changes it afterwards).
let umaskBits: number | undefined;

/** A file created with `mode` lost bits to the umask, so it needs an explicit chmod to keep the old file's bits. */
function needsChmod(mode: number | undefined): boolean {
  if (mode === undefined) return false;
  umaskBits ??= process.umask();
  return (mode & umaskBits) !== 0 || (mode & 0o7000) !== 0;
}

// Some file systems (and all of Windows) refuse to open or fsync a directory; the rename is then as
// durable as the platform allows, which is fine.
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // not supported here
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
