// A job's input read once while a pipe transfer or a restart is planned, and the error when it is missing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import type { InputChange, JobInput } from './program.js';

/** The job folder has no input file to rewrite. */
export class MissingInputError extends Error {
  override readonly name = 'MissingInputError';
  constructor(readonly path: string) {
    super(`missing input ${path}`);
  }
}

/** The input of a job in `directory`, read on first use; `apply` keeps a planned change's new text for later steps. */
export class PlannedInput implements JobInput {
  private text: string | undefined;
  private changed = false;

  constructor(
    private readonly directory: string,
    readonly basename: string,
    readonly name: string,
  ) {}

  async read(): Promise<string> {
    if (this.text !== undefined) return this.text;
    const path = join(this.directory, this.name);
    try {
      this.text = await readFile(path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) throw new MissingInputError(path);
      throw error;
    }
    return this.text;
  }

  /** Keeps the change's new input text, so the next step of the plan sees it. */
  apply(change: InputChange): void {
    if (change.input === undefined) return;
    this.text = change.input;
    this.changed = true;
  }

  /** The input's new text when some step changed it. */
  get newText(): string | undefined {
    return this.changed ? this.text : undefined;
  }
}
