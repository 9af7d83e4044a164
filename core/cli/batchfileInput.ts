// Reads and validates the batchfile a CLI command was given; errors in it stop the commands that act (printed as
// `validate` does), and are summed up for those that only report.
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

export interface LoadOptions {
  /** False skips every rule that needs the disk (`validate --no-disk`): the file alone is checked. */
  readonly disk?: boolean;
  /** False skips only the look for job folders and inputs (warnings): commands that report need not stat them all. */
  readonly folderChecks?: boolean;
}

export async function loadBatchfile(file: string, options: LoadOptions = {}): Promise<LoadedBatchfile> {
  const path = resolve(file);
  let text: string;
  try {
    // Editors hide a UTF-8 byte order mark; so does the CLI, or the two would disagree on line 1.
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const disk = options.disk === false ? {} : { disk: createNodeDiskView() };
  const { model, diagnostics } = validateBatchfile(text, { batchfilePath: path, ...disk, ...(options.folderChecks === false ? { folderChecks: false } : {}) });
  return { file, path, model, diagnostics };
}

/** Prints the errors (not warnings) and says whether there were any. */
export function reportErrors(loaded: LoadedBatchfile, output: CliOutput): boolean {
  const errors = loaded.diagnostics.filter((d) => d.severity === Severity.Error);
  for (const error of errors) output.err(formatDiagnostic(loaded.file, error));
  if (errors.length > 0) output.err(`${loaded.file}: ${errors.length} error${errors.length === 1 ? '' : 's'}; fix them first (batchman validate ${loaded.file}).`);
  return errors.length > 0;
}

/**
 * One line on stderr for commands that report whatever they can (`status`): how many findings of each severity,
 * the most frequent codes, and where to see them all. Nothing when the file is clean.
 */
export function summariseFindings(loaded: LoadedBatchfile, output: CliOutput): void {
  if (loaded.diagnostics.length === 0) return;
  const bySeverity = new Map<number, number>();
  const byCode = new Map<string, { severity: number; count: number }>();
  for (const diagnostic of loaded.diagnostics) {
    bySeverity.set(diagnostic.severity, (bySeverity.get(diagnostic.severity) ?? 0) + 1);
    const seen = byCode.get(diagnostic.code);
    if (seen) seen.count++;
    else byCode.set(diagnostic.code, { severity: diagnostic.severity, count: 1 });
  }
  const counts = [...bySeverity].sort(([a], [b]) => a - b).map(([severity, count]) => plural(count, SEVERITY_NAMES[severity]!));
  // The gravest codes first, then the most frequent.
  const ranked = [...byCode].sort(([, a], [, b]) => a.severity - b.severity || b.count - a.count);
  const codes = ranked.slice(0, 3).map(([code, { count }]) => `${count} ${code}`);
  const more = byCode.size > 3 ? ', …' : '';
  output.err(`${loaded.file}: ${counts.join(', ')} in the file (${codes.join(', ')}${more}); batchman validate ${loaded.file} lists them.`);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 || noun === 'info' ? '' : 's'}`;
}

const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

/** `file:line:col: severity: message [code]`, 1-based like compilers print. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  return `${file}:${line + 1}:${character + 1}: ${SEVERITY_NAMES[diagnostic.severity]}: ${diagnostic.message} [${diagnostic.code}]`;
}
