// The submission back-off after a refusal for now: growing, jittered within bounds, capped, cut short by a freed slot.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SubmitBackoff } from '../../core/runner/submitBackoff.js';

describe('SubmitBackoff', () => {
  test('each refusal in a row waits twice as long, up to the ceiling (no jitter: random 0)', () => {
    const backoff = new SubmitBackoff({ firstMs: 5_000, ceilingMs: 60_000, random: () => 0 });
    const waits = Array.from({ length: 6 }, () => backoff.refused(1_000) - 1_000);
    assert.deepEqual(waits, [5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    assert.equal(backoff.refusals, 6);
  });

  test('jitter takes at most half of a wait off, never adds to it: the ceiling holds', () => {
    let draw = 0.999;
    const backoff = new SubmitBackoff({ firstMs: 5_000, ceilingMs: 60_000, random: () => draw });
    assert.ok(Math.abs(backoff.refused(0) - 2_502.5) < 1e-6, 'random near 1: half the first wait');
    draw = 0.5;
    assert.equal(backoff.refused(0), 7_500, 'random 0.5: three quarters of 10 s');
    for (let i = 0; i < 3; i++) backoff.refused(0); // 20 s, 40 s, then the ceiling
    for (let i = 0; i < 20; i++) {
      draw = i / 20;
      const wait = backoff.refused(0);
      assert.ok(wait <= 60_000 && wait >= 30_000, `capped and at least half the ceiling: ${wait}`);
    }
  });

  test('may not try before the wait ends; remainingMs counts down to 0', () => {
    const backoff = new SubmitBackoff({ firstMs: 5_000, random: () => 0 });
    assert.equal(backoff.mayTry(0), true, 'no refusal yet');
    backoff.refused(100);
    assert.equal(backoff.mayTry(5_099), false);
    assert.equal(backoff.remainingMs(2_100), 3_000);
    assert.equal(backoff.mayTry(5_100), true);
    assert.equal(backoff.remainingMs(9_000), 0);
  });

  test('a freed slot ends the wait at once, but the next refusal still waits longer', () => {
    const backoff = new SubmitBackoff({ firstMs: 5_000, random: () => 0 });
    backoff.refused(0);
    backoff.refused(0);
    backoff.slotFreed();
    assert.equal(backoff.mayTry(1), true);
    assert.equal(backoff.refused(1) - 1, 20_000, 'the third refusal in a row');
  });

  test('an accepted submission starts over from the first wait', () => {
    const backoff = new SubmitBackoff({ firstMs: 5_000, random: () => 0 });
    backoff.refused(0);
    backoff.refused(0);
    backoff.accepted();
    assert.equal(backoff.refusals, 0);
    assert.equal(backoff.mayTry(0), true);
    assert.equal(backoff.refused(0), 5_000);
  });
});
