// Reads and validates the batchfile a CLI command was given; errors in it stop the command, printed as `validate` does.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BatchModel, Diagnostic } from '../batchfile/index.js';
import { Severity, createNodeDiskView, validateBatchfile } from '../batchfile/index.js';
import type { CliOutput } from './output.js';
import { UsageError } from './usage.js';

export interface LoadedBatchfile {
  readonly file: string;
  readonly path: string;
  readonly model: BatchModel;
  readonly diagnostics: Diagnostic[];
}

export async function loadBatchfile(file: string): Promise<LoadedBatchfile> {
  const path = resolve(file);
  let text: string;
  try {
    // Editors hide a UTF-8 byte order mark; so does the CLI, or the two would disagree on line 1.
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { model, diagnostics } = validateBatchfile(text, { batchfilePath: path, disk: createNodeDiskView() });
  return { file, path, model, diagnostics };
}

/** Prints the errors (not warnings) and says whether there were any. */
export function reportErrors(loaded: LoadedBatchfile, output: CliOutput): boolean {
  const errors = loaded.diagnostics.filter((d) => d.severity === Severity.Error);
  for (const error of errors) output.err(formatDiagnostic(loaded.file, error));
  if (errors.length > 0) output.err(`${loaded.file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; fix them first (batchman validate ${loaded.file}).`);
  return errors.length > 0;
}

const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** `file:line:col: severity: message [code]`, 1-based like compilers print. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  return `${file}:${line + 1}:${character + 1}: ${SEVERITY_NAMES[diagnostic.severity]}: ${diagnostic.message} [${diagnostic.code}]`;
}
