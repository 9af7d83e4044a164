// resolveFrom must agree with posix.resolve for every absolute base and relative path.
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { relativeTo, resolveFrom } from '../../core/batchfile/paths.js';

const segment = fc.oneof(fc.constantFrom('.', '..', '', 'opt', 'mol 1', 'ü', '...', '.hidden'), fc.string({ maxLength: 4 }).filter((s) => !s.includes('/')));
const relative = fc.array(segment, { maxLength: 6 }).map((parts) => parts.join('/'));

describe('resolveFrom', () => {
  it('matches posix.resolve', () => {
    fc.assert(
      fc.property(relative, relative, fc.boolean(), (baseParts, path, absolute) => {
        const base = posix.resolve('/', baseParts);
        const input = absolute ? `/${path}` : path;
        assert.equal(resolveFrom(base, input), posix.resolve(base, input));
      }),
      { numRuns: 3000 },
    );
  });

  it('handles the shapes batchfiles use', () => {
    assert.equal(resolveFrom('/calcs/mol1/freq', '../opt'), '/calcs/mol1/opt');
    assert.equal(resolveFrom('/calcs', 'mol1/opt/'), '/calcs/mol1/opt');
    assert.equal(resolveFrom('/', '../../x'), '/x');
    assert.equal(resolveFrom('/calcs/a', './'), '/calcs/a');
  });
});

describe('relativeTo', () => {
  it('matches posix.relative', () => {
    fc.assert(
      fc.property(relative, relative, (a, b) => {
        const from = posix.resolve('/', a);
        const to = posix.resolve('/', b);
        assert.equal(relativeTo(from, to), posix.relative(from, to) || '.');
      }),
      { numRuns: 3000 },
    );
  });
});
