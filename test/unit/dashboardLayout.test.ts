// The dashboard's layout models: a job folder as the run table names it (from the batch's root, checked against
// node:path's own relative()), the header's compact launch line, and the splitter's share within its bounds.
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { relativeFolder } from '../../core/dashboard/page/folder.js';
import { launchLine } from '../../core/dashboard/page/header.js';
import { DEFAULT_DETAIL_SHARE, MIN_DETAIL_PX, MIN_REST_PX, clampShare, shareAfterKey, shareBounds } from '../../core/dashboard/page/split.js';
import type { DashboardRecord } from '../../core/dashboard/protocol.js';

describe('relativeFolder', () => {
  it('names a folder from the root, a near neighbour with ../, anything else by its absolute path', () => {
    assert.equal(relativeFolder('/scratch/calcs/water/opt', '/scratch/calcs'), 'water/opt');
    assert.equal(relativeFolder('/scratch/calcs/', '/scratch/calcs'), '.');
    assert.equal(relativeFolder('/scratch/other/opt', '/scratch/calcs'), '../other/opt');
    assert.equal(relativeFolder('/scratch/x', '/scratch/calcs/deep/er'), '/scratch/x', 'three levels up: the absolute path reads better');
    assert.equal(relativeFolder('/home/me/x', '/scratch/calcs'), '/home/me/x', 'only / in common: the absolute path');
    assert.equal(relativeFolder('/scratch/calcs/a/../b', '/scratch/calcs'), 'b');
    assert.equal(relativeFolder('relative/dir', '/scratch/calcs'), 'relative/dir', 'a relative path is shown as given');
    assert.equal(relativeFolder('/scratch/calcs/x', null), '/scratch/calcs/x');
    assert.equal(relativeFolder('C:\\calcs\\water\\opt', 'C:\\calcs'), 'water\\opt');
    assert.equal(relativeFolder('D:\\calcs\\water', 'C:\\calcs'), 'D:\\calcs\\water', 'another drive: the absolute path');
    assert.equal(relativeFolder('/scratch/calcs/<img src=x onerror=alert(1)>/$(rm -rf ~)', '/scratch/calcs'), '<img src=x onerror=alert(1)>/$(rm -rf ~)');
    assert.equal(relativeFolder('/scratch/Calcs/x', '/scratch/calcs'), '../Calcs/x', 'names compare exactly');
  });

  // a few shared names, so that roots and folders often have parents in common
  const segment = fc.oneof(fc.constantFrom('a', 'b', 'calcs'), fc.stringMatching(/^[a-zA-Z0-9_ .<>$()-]{1,6}$/).filter((s) => s !== '.' && s !== '..'));
  const absolute = fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`);

  it('agrees with node:path.posix.relative wherever it does not fall back to the absolute path', () => {
    fc.assert(
      fc.property(absolute, absolute, (root, dir) => {
        const ours = relativeFolder(dir, root);
        const theirs = posix.relative(root, dir) || '.';
        const ups = theirs.split('/').filter((part) => part === '..').length;
        const rootDepth = root.split('/').filter((part) => part !== '').length;
        if (ups > 2 || (ups > 0 && ups === rootDepth)) assert.equal(ours, dir);
        else assert.equal(ours, theirs);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with node:path.win32.relative on one drive', () => {
    // lower-case names only: win32.relative compares case-insensitively, the table compares exactly
    const lower = fc.oneof(fc.constantFrom('a', 'b', 'calcs'), fc.stringMatching(/^[a-z0-9_ ]{1,6}$/));
    const winPath = fc.array(lower, { maxLength: 4 }).map((parts) => `C:\\${parts.join('\\')}`);
    let compared = 0;
    fc.assert(
      fc.property(winPath, winPath, (root, dir) => {
        const ours = relativeFolder(dir, root);
        const theirs = win32.relative(root, dir) || '.';
        const ups = theirs.split('\\').filter((part) => part === '..').length;
        const rootDepth = root.split('\\').filter((part) => part !== '' && part !== 'C:').length;
        if (ups > 2 || (ups > 0 && ups === rootDepth)) assert.equal(ours, dir);
        else {
          assert.equal(ours, theirs);
          compared++;
        }
      }),
      { numRuns: 600 },
    );
    assert.ok(compared > 60, `${compared} pairs compared, not only fallbacks`);
  });
});

describe('launchLine', () => {
  const record: DashboardRecord = {
    id: 'x', name: 'brave-otter', runNumber: 3, message: '', tags: [], status: 'in_progress',
    startTime: '2025-01-01T08:00:00.000Z', endTime: null, createdBy: 'chemist',
    git: null, runner: { host: 'login1', pid: 1, heartbeat: '2025-01-01T08:00:00.000Z' }, executor: 'slurm', error: null,
  };
  const start = Date.parse(record.startTime);

  it('says a running launch\'s time so far, and that it grows', () => {
    const line = launchLine(record, start + 12 * 60_000 + 5_000);
    assert.equal(line.elapsed, 'running 12m 05s');
    assert.equal(line.live, true);
    assert.match(line.started, /^started \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by chemist$/);
  });

  it('says how long an ended launch ran, and nothing for a lost one without an end', () => {
    assert.deepEqual(
      { ...launchLine({ ...record, status: 'completed', endTime: '2025-01-01T09:02:00.000Z' }, start + 1e9), started: '' },
      { started: '', elapsed: 'ran 1h 02m', live: false },
    );
    assert.equal(launchLine({ ...record, status: 'lost' }, start + 1e9).elapsed, null);
    assert.equal(launchLine({ ...record, startTime: 'garbage', createdBy: '' }, start).started, 'started garbage by unknown');
  });
});

describe('the detail pane\'s share', () => {
  it('stays within bounds that leave both panes their minimum', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 3, noNaN: true }), fc.integer({ min: MIN_DETAIL_PX + MIN_REST_PX, max: 3000 }), (share, total) => {
        const clamped = clampShare(share, total);
        assert.ok(clamped * total >= MIN_DETAIL_PX - 1e-6, 'the detail keeps its minimum');
        assert.ok((1 - clamped) * total >= MIN_REST_PX - 1e-6, 'the tabs keep theirs');
      }),
    );
    assert.equal(clampShare(Number.NaN, 1000), DEFAULT_DETAIL_SHARE);
    assert.deepEqual(shareBounds(100), { min: 0, max: 0 }, 'a body too small for both gives the tabs what there is');
  });

  it('moves by the keys: up grows the detail, Home and End go to the bounds, others are ignored', () => {
    const total = 600;
    assert.equal(shareAfterKey('ArrowUp', 0.45, total), 0.5);
    assert.ok(Math.abs(shareAfterKey('ArrowDown', 0.45, total)! - 0.4) < 1e-9);
    assert.equal(shareAfterKey('Home', 0.45, total), shareBounds(total).min);
    assert.equal(shareAfterKey('End', 0.45, total), shareBounds(total).max);
    assert.equal(shareAfterKey('PageUp', 0.7, total), shareBounds(total).max);
    assert.equal(shareAfterKey('a', 0.45, total), undefined);
  });
});
