// `batchman validate FILE [--json] [--no-disk]`: the language server's diagnostics, printed for terminals and scripts.
import { parseArgs } from 'node:util';
import type { Diagnostic } from '../batchfile/index.js';
import { Severity } from '../batchfile/index.js';
import { formatDiagnostic, loadBatchfile } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import { EXIT, UsageError } from './usage.js';

export async function validateCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean', default: false }, 'no-disk': { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('validate takes exactly one FILE');
  // Like the server's `diagnostics.checkDisk: false`: a batch read away from its machine is checked as text.
  const { file, diagnostics } = await loadBatchfile(positionals[0]!, { disk: !values['no-disk'] });
  if (values.json) {
    output.out(JSON.stringify({ file, diagnostics: diagnostics.map(toJson) }, null, 2));
  } else {
    for (const diagnostic of diagnostics) output.out(formatDiagnostic(file, diagnostic));
    const errors = diagnostics.filter((d) => d.severity === Severity.Error).length;
    output.err(errors === 0 ? `${file}: no errors (${diagnostics.length} other finding${diagnostics.length === 1 ? '' : 's'})` : `${file}: ${errors} error${errors === 1 ? '' : 's'}`);
  }
  return diagnostics.some((d) => d.severity === Severity.Error) ? EXIT.failed : EXIT.ok;
}

function toJson(diagnostic: Diagnostic): Pick<Diagnostic, 'range' | 'severity' | 'code' | 'message'> {
  return { range: diagnostic.range, severity: diagnostic.severity, code: diagnostic.code, message: diagnostic.message };
}
