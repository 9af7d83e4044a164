// The ledger writer is a hand-rolled join for speed; it must write exactly what csv-stringify would.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { serializeLedger } from '../../core/ledger/ledger.js';
import type { Ledger } from '../../core/ledger/ledger.js';
import { JOB_STATUSES } from '../../core/status.js';

const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '|', '"', '\n', ',', 'ü', '$', '(', ')'), maxLength: 8 });

const ledgerArbitrary: fc.Arbitrary<Ledger> = fc.record({
  rows: fc.array(
    fc.record({
      jobId: fc.integer({ min: -1, max: 10_000_000 }),
      basename: text,
      directory: text,
      status: fc.constantFrom(...JOB_STATUSES),
      program: text,
      cause: fc.option(text, { nil: undefined }),
      extra: fc.option(fc.record({ note: text }), { nil: undefined }),
    }),
    { maxLength: 12 },
  ),
  extraColumns: fc.constantFrom<string[]>([], ['note']),
});

describe('serializeLedger', () => {
  it('writes byte for byte what csv-stringify writes for the same cells', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (ledger) => {
        const written = serializeLedger(ledger);
        const records = parse(written, { delimiter: '|', record_delimiter: '\n', relax_column_count: true }) as string[][];
        assert.equal(records.length, ledger.rows.length + 1, 'a header and one record per row');
        assert.equal(stringify(records, { delimiter: '|', record_delimiter: '\n' }), written);
      }),
      { numRuns: 1500 },
    );
  });
});
