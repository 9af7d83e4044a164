// A batch's submit intents in one append-only file, `<root>/.batchman/submitting-<hash>.jsonl`: each written and
// fsynced before its sbatch, so a runner killed between sbatch and the ledger finds the job again instead of submitting
// it twice; emptied once the ledger holds the submissions they protected.
import { closeSync, existsSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { isErrno, syncDirectoryNow, writeAll, writeFileAtomic } from '../fsAtomic.js';
import { ledgerSidecarPath } from '../ledger/ledgerSidecar.js';

/** A submission that may have happened: its job, if sbatch created one, is in `directory` and newer than `afterId`. */
export interface SubmitIntent {
  readonly directory: string;
  /** When the submission was made (ISO), for the row if the job is adopted. */
  readonly at: string;
  /** Every job id up to this one existed before the sbatch (-Infinity when none was known). */
  readonly afterId: number;
}

interface IntentLine {
  readonly dir: string;
  readonly at?: string;
  readonly after?: number | null;
  readonly cleared?: true;
}

/**
 * One line per intent or clearing, appended: the file already exists after a batch's first submission, so an intent
 * costs an append and an fdatasync, where a file per job cost a new file, a rename and two fsyncs (creating a file is
 * the dear part on a cluster's shared file system, and on a local disk busy with the batch's own churn).
 */
export class SubmitJournal {
  /** The intents not cleared, as this runner knows them (read at the start, then recorded). */
  private readonly live = new Map<string, SubmitIntent>();
  /** Something was appended since the file was last emptied. */
  private dirty = false;
  /** This runner looked at how the file ends before its first append. */
  private tailChecked = false;

  constructor(readonly path: string) {}

  static forLedger(rootPath: string, ledgerPath: string): SubmitJournal {
    return new SubmitJournal(ledgerSidecarPath(rootPath, ledgerPath, 'submitting', 'jsonl'));
  }

  /**
   * The intents a runner left (this one's start, after a crash): by folder, the last line of each wins. A line that is
   * not whole (a runner killed mid-append) is skipped: its sbatch never ran, as the append is fsynced before it.
   */
  read(): ReadonlyMap<string, SubmitIntent> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return this.live;
      throw error;
    }
    for (const line of text.split('\n')) {
      const parsed = parseLine(line);
      if (!parsed) continue;
      if (parsed.cleared) this.live.delete(parsed.dir);
      else this.live.set(parsed.dir, { directory: parsed.dir, at: parsed.at ?? '', afterId: parsed.after ?? Number.NEGATIVE_INFINITY });
    }
    this.dirty = text.length > 0;
    return this.live;
  }

  /** The intents are on disk, fsynced, when this returns (one append, one fsync): their sbatch may run. */
  recordAll(intents: readonly SubmitIntent[]): void {
    if (intents.length === 0) return;
    this.append(intents.map((intent) => `${JSON.stringify(lineOf(intent))}\n`).join(''), true);
    for (const intent of intents) this.live.set(intent.directory, intent);
  }

  /**
   * sbatch certainly created nothing for these folders (it refused, never ran, or was never asked): nobody need look
   * for their jobs. Not fsynced: a clearing lost to a power cut costs one look in the queue, which finds nothing and
   * submits the job again.
   */
  clearAll(directories: Iterable<string>): void {
    const lines: string[] = [];
    for (const directory of directories) {
      if (!this.live.delete(directory)) continue;
      lines.push(`${JSON.stringify({ dir: directory, cleared: true } satisfies IntentLine)}\n`);
    }
    if (lines.length > 0) this.append(lines.join(''), false);
  }

  /**
   * Called once the ledger, written durably, holds every submission so far: only the intents of `stillInDoubt` folders
   * are kept (usually none, and the file is emptied in place). Durable before it returns, so an intent whose job was
   * since restarted can never come back and match that job's earlier attempt.
   */
  async keepOnly(stillInDoubt: ReadonlySet<string>): Promise<void> {
    for (const directory of [...this.live.keys()]) if (!stillInDoubt.has(directory)) this.live.delete(directory);
    if (!this.dirty) return;
    if (this.live.size === 0) {
      let fd: number;
      try {
        fd = openSync(this.path, 'r+');
      } catch (error) {
        // Someone removed the file (a cleaned `.batchman/`): there is nothing left to empty.
        if (!isErrno(error, 'ENOENT')) throw error;
        this.dirty = false;
        return;
      }
      try {
        ftruncateSync(fd, 0);
        fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      this.dirty = false;
      return;
    }
    const lines = [...this.live.values()].map((intent) => JSON.stringify(lineOf(intent)));
    await writeFileAtomic(this.path, `${lines.join('\n')}\n`, { blocking: true });
  }

  private append(text: string, durable: boolean): void {
    const created = !existsSync(this.path);
    if (created) mkdirSync(dirname(this.path), { recursive: true });
    const fd = openSync(this.path, 'a+', 0o644);
    try {
      // A line torn by a killed runner is ended first, or the next line would be glued to it and lost with it.
      if (!this.tailChecked) {
        this.tailChecked = true;
        if (!created && !endsWithNewline(fd)) text = `\n${text}`;
      }
      writeAll(fd, text);
      if (durable) fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // A new file is durable once its folder is (and a new `.batchman/` once the root is).
    if (created && durable) {
      syncDirectoryNow(dirname(this.path));
      syncDirectoryNow(dirname(dirname(this.path)));
    }
    this.dirty = true;
  }
}

function lineOf(intent: SubmitIntent): IntentLine {
  return { dir: intent.directory, at: intent.at, after: Number.isFinite(intent.afterId) ? intent.afterId : null };
}

/** True when the file is empty or its last byte is a newline. */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

function parseLine(line: string): IntentLine | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value = JSON.parse(line) as Partial<IntentLine> | null;
    if (typeof value !== 'object' || value === null || typeof value.dir !== 'string') return undefined;
    if (value.cleared === true) return { dir: value.dir, cleared: true };
    const after = typeof value.after === 'number' && Number.isFinite(value.after) ? value.after : null;
    return { dir: value.dir, at: typeof value.at === 'string' ? value.at : '', after };
  } catch {
    return undefined;
  }
}
