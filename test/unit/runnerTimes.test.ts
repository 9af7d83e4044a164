// A job that ran between two polls gets its start from the scheduler's elapsed time, so its row shows an elapsed
// time; a job that never ran keeps none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { backfillStart } from '../../core/truth/transition.js';
import { spanBetween } from '../../core/view/jobView.js';

function row(patch: Partial<LedgerRow>): LedgerRow {
  return { basename: 'a', directory: '/w/a', program: 'xtb', status: 'succeeded', jobId: 7, ...patch } as LedgerRow;
}

test('the start is the noticed end minus the elapsed time; a known start or a zero span is left alone', () => {
  const ended = row({ endedAt: '2026-01-01T10:00:00.000Z' });
  backfillStart(ended, 125);
  assert.equal(ended.startedAt, '2026-01-01T09:57:55.000Z');
  assert.equal(spanBetween(ended.startedAt ?? null, ended.endedAt ?? null), '2:05');

  const seen = row({ endedAt: '2026-01-01T10:00:00.000Z', startedAt: '2026-01-01T09:00:00.000Z' });
  backfillStart(seen, 125);
  assert.equal(seen.startedAt, '2026-01-01T09:00:00.000Z', 'a start seen by a poll wins');

  const neverRan = row({ status: 'cancelled', endedAt: '2026-01-01T10:00:00.000Z' });
  backfillStart(neverRan, 0);
  assert.equal(neverRan.startedAt, undefined);
  const unknown = row({ endedAt: '2026-01-01T10:00:00.000Z' });
  backfillStart(unknown, undefined);
  assert.equal(unknown.startedAt, undefined);
});
