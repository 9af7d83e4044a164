// `batchman validate FILE [--json]`: the language server's diagnostics, printed for terminals and scripts.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Diagnostic } from '../batchfile/index.js';
import { Severity, createNodeDiskView, validateBatchfile } from '../batchfile/index.js';
import type { CliOutput } from './output.js';
import { EXIT, UsageError } from './usage.js';

const SEVERITY_NAMES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

export async function validateCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('validate takes exactly one FILE');
  const file = positionals[0]!;
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { diagnostics } = validateBatchfile(text, { batchfilePath: path, disk: createNodeDiskView() });
  if (values.json) {
    output.out(JSON.stringify({ file, diagnostics: diagnostics.map(toJson) }, null, 2));
  } else {
    for (const diagnostic of diagnostics) output.out(formatDiagnostic(file, diagnostic));
    const errors = diagnostics.filter((d) => d.severity === Severity.Error).length;
    output.err(errors === 0 ? `${file}: no errors (${diagnostics.length} other finding${diagnostics.length === 1 ? '' : 's'})` : `${file}: ${errors} error${errors === 1 ? '' : 's'}`);
  }
  return diagnostics.some((d) => d.severity === Severity.Error) ? EXIT.failed : EXIT.ok;
}

/** `file:line:col: severity: message [code]`, 1-based like compilers print. */
export function formatDiagnostic(file: string, diagnostic: Diagnostic): string {
  const { line, character } = diagnostic.range.start;
  return `${file}:${line + 1}:${character + 1}: ${SEVERITY_NAMES[diagnostic.severity]}: ${diagnostic.message} [${diagnostic.code}]`;
}

function toJson(diagnostic: Diagnostic): Pick<Diagnostic, 'range' | 'severity' | 'code' | 'message'> {
  return { range: diagnostic.range, severity: diagnostic.severity, code: diagnostic.code, message: diagnostic.message };
}
