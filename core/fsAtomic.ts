// Atomic file writes: readers (the extension, `batchman status`, CCBatchMan) never see a half-written file.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder (same file system, so the
 * rename is atomic), fsync, rename over the target, then fsync of the folder so the rename itself
 * survives a crash. The existing file's permission bits are kept.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  // A dot-prefixed name keeps globs like `__ledger__.csv` or `*.json` watchers from seeing the temp file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const mode = await existingMode(path);
  const handle = await open(temp, 'wx', mode ?? 0o644);
  try {
    try {
      await handle.writeFile(data);
      if (mode !== undefined) await handle.chmod(mode); // the umask may have narrowed it
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Writes atomically only when the file's current content differs; returns true when it wrote.
 * Skipping identical writes keeps file watchers (the extension follows the ledger) quiet.
 */
export async function writeFileAtomicIfChanged(path: string, data: string): Promise<boolean> {
  const current = await readFile(path, 'utf8').catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  });
  if (current === data) return false;
  await writeFileAtomic(path, data);
  return true;
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
