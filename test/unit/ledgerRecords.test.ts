// The ledger's prepared reader must read exactly what csv-parse reads, hostile cells included; csv-parse is the reference.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { LEDGER_CSV_OPTIONS, preparedLedgerRecords, readLedgerRecords } from '../../core/ledger/ledgerRecords.js';

/** csv-parse's answer: its records, or the fact that it refused the text. */
function reference(text: string): { records: string[][] } | { refused: true } {
  try {
    return { records: parse(text, LEDGER_CSV_OPTIONS) as string[][] };
  } catch {
    return { refused: true };
  }
}

// Characters that matter to CSV, plain ones, and unicode beyond ASCII (an astral character is two code units).
const hostileChar = fc.constantFrom('"', '|', '\n', 'a', 'b', ' ', ',', '.', '0', '1', 'ü', '€', '😀', '\t', 'N');

// A cell as writers quote it, or raw: csv-stringify's quoting, a cell quoted by hand, a stray quote.
const cell = fc.oneof(
  fc.string({ unit: hostileChar, maxLength: 8 }),
  fc.string({ unit: hostileChar, maxLength: 8 }).map((value) => `"${value.replaceAll('"', '""')}"`),
  fc.constantFrom('10024820.0', 'NaN', 'nan', '-1', '""', '"', '"a"b', 'a"b', '"a""', ''),
);
const ledgerLike = fc
  .array(fc.array(cell, { minLength: 1, maxLength: 10 }), { maxLength: 8 })
  .chain((records) =>
    fc.record({ records: fc.constant(records), emptyLines: fc.array(fc.boolean(), { minLength: records.length, maxLength: records.length }), end: fc.constantFrom('', '\n', '\n\n') }),
  )
  .map(({ records, emptyLines, end }) => records.map((cells, i) => `${emptyLines[i] ? '\n' : ''}${cells.join('|')}`).join('\n') + end);

describe('the ledger records reader', () => {
  it('reads what csv-parse reads, or leaves the text to csv-parse, on ledger-like text with hostile cells', () => {
    let decided = 0;
    let runs = 0;
    fc.assert(
      fc.property(ledgerLike, (text) => {
        runs++;
        const prepared = preparedLedgerRecords(text);
        const expected = reference(text);
        if (prepared !== undefined) {
          decided++;
          assert.deepEqual({ records: prepared }, expected);
        } else {
          assert.ok('refused' in expected, 'the prepared reader gives up only where csv-parse refuses (no \\r here)');
        }
      }),
      { numRuns: 3000 },
    );
    assert.ok(decided > runs * 0.5, `the prepared reader decided ${decided} of ${runs} texts`);
  });

  it('reads what csv-parse reads on any text of CSV characters, \\r and lone surrogates included', () => {
    const anyChar = fc.oneof(hostileChar, fc.constantFrom('\r', '\uD800', '\uDC00', '\uFEFF', '\u0000'));
    fc.assert(
      fc.property(fc.string({ unit: anyChar, maxLength: 80 }), (text) => {
        const prepared = preparedLedgerRecords(text);
        const expected = reference(text);
        if (prepared !== undefined) assert.deepEqual({ records: prepared }, expected);
        if ('refused' in expected) assert.equal(prepared, undefined);
        else assert.deepEqual(readLedgerRecords(text), expected.records);
      }),
      { numRuns: 5000 },
    );
  });

  it("throws csv-parse's own error for a quote never closed", () => {
    assert.throws(() => readLedgerRecords('job_id|job_basename\n1|"open\n'), /Quote Not Closed/);
  });

  it('reads CCBatchMan\'s float ids, NaN and added columns as cells', () => {
    const text = 'job_id|job_basename|job_directory|job_status|program|note\n10024820.0|opt|calcs/opt|succeeded|xtb|"a|b"\nNaN|freq|calcs/freq|not_started|xtb|\n';
    assert.deepEqual(preparedLedgerRecords(text), [
      ['job_id', 'job_basename', 'job_directory', 'job_status', 'program', 'note'],
      ['10024820.0', 'opt', 'calcs/opt', 'succeeded', 'xtb', 'a|b'],
      ['NaN', 'freq', 'calcs/freq', 'not_started', 'xtb', ''],
    ]);
  });
});
