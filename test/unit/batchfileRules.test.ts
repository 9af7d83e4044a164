// Data-driven rule tests: each fixture batchfile beside the diagnostics it must produce, and every code covered.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../core/batchfile/index.js';
import { DIAGNOSTIC_CODES, createNodeDiskView, validateBatchfile } from '../../core/batchfile/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/batchfiles/', import.meta.url));
const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

/** `line:char-line:char severity code`, 0-based like LSP. */
function describeDiagnostic(d: Diagnostic): string {
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${SEVERITY[d.severity]} ${d.code}`;
}

function diagnosticsOf(name: string): Diagnostic[] {
  const path = join(FIXTURES, name);
  return validateBatchfile(readFileSync(path, 'utf8'), { batchfilePath: path, disk: createNodeDiskView() }).diagnostics;
}

const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.batchfile')).sort();

describe('batchfile fixtures', () => {
  for (const name of fixtures) {
    it(name, () => {
      const expected = readFileSync(join(FIXTURES, name.replace(/\.batchfile$/, '.expected')), 'utf8').split('\n').filter((line) => line.trim() !== '');
      const actual = diagnosticsOf(name).map(describeDiagnostic);
      assert.deepEqual([...actual].sort(), [...expected].sort());
    });
  }

  it('covers every diagnostic code', () => {
    const seen = new Set(fixtures.flatMap((name) => diagnosticsOf(name).map((d) => d.code)));
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !seen.has(code as keyof typeof DIAGNOSTIC_CODES));
    assert.deepEqual(missing, []);
  });

  it('gives the same diagnostics for CRLF and LF line ends', () => {
    const crlf = readFileSync(join(FIXTURES, 'crlf.batchfile'), 'utf8');
    assert.ok(crlf.includes('\r\n'), 'the fixture must keep its CRLF line ends');
    const lf = validateBatchfile(crlf.replace(/\r\n/g, '\n'), { batchfilePath: join(FIXTURES, 'crlf.batchfile') });
    const withCrlf = validateBatchfile(crlf, { batchfilePath: join(FIXTURES, 'crlf.batchfile') });
    assert.deepEqual(withCrlf.diagnostics, lf.diagnostics);
  });

  it('measures ranges in UTF-16 code units, as LSP does', () => {
    const diagnostic = diagnosticsOf('unicode.batchfile').find((d) => d.code === 'program-unknown')!;
    const line = readFileSync(join(FIXTURES, 'unicode.batchfile'), 'utf8').split('\n')[diagnostic.range.start.line]!;
    assert.equal(line.slice(diagnostic.range.start.character, diagnostic.range.end.character), 'orcaa');
  });
});
