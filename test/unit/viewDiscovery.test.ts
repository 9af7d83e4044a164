// Finding a workspace's batches (name patterns, first lines beside ledgers, records), the notifications an update
// deserves, the status bar text, and the settings' typed reading.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { discoverBatches, isBatchfileName, looksLikeBatchfile } from '../../core/view/batchDiscovery.js';
import { noticesFor, statusBarText, summaryText } from '../../core/view/notifications.js';
import type { BatchUpdate } from '../../core/view/notifications.js';
import { DEFAULT_VIEW_SETTINGS, parseViewSettings } from '../../core/view/settings.js';
import { summarise } from '../../core/truth/summary.js';

const scratch = mkdtempSync(join(tmpdir(), 'batchman-view-discovery-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const full = join(scratch, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

const ROOT_LINE = 'root_directory=.\njob_basename|job_directory|program|pipe\n';

describe('batch discovery', () => {
  test('the language\'s patterns and first line', () => {
    assert.ok(isBatchfileName('/w/batchfile.csv'));
    assert.ok(isBatchfileName('batchfile_opt.csv'));
    assert.ok(isBatchfileName('/w/water.batchfile'));
    assert.ok(!isBatchfileName('/w/.batchfile'));
    assert.ok(!isBatchfileName('/w/jobs.csv'));
    assert.ok(looksLikeBatchfile('root_directory=/scratch'));
    assert.ok(looksLikeBatchfile('\uFEFFrun_root_directory=x'));
    assert.ok(!looksLikeBatchfile('job_id|job_basename'));
  });

  test('named files, a ledger\'s batchfile under any name, a record\'s batchfile; one entry per real file', async () => {
    const named = write('ws/a/batchfile.csv', ROOT_LINE);
    const other = write('ws/b/water.batchfile', ROOT_LINE);
    const odd = write('ws/c/jobs.txt', ROOT_LINE);
    const ledgerC = write('ws/c/__ledger__.csv', 'job_id|job_basename|job_directory|job_status|program\n');
    write('ws/c/notes.csv', 'just,a,table\n');
    const outside = write('elsewhere/run.txt', ROOT_LINE);
    const record = write('ws/d/.batchman/batches/1_ab.json', JSON.stringify({ batchfile: outside }));
    const missing = write('ws/e/.batchman/batches/2_cd.json', JSON.stringify({ batchfile: join(scratch, 'gone.csv') }));
    const damaged = write('ws/e/.batchman/batches/3_ef.json', '{');
    const link = join(scratch, 'ws/a/batchfile_link.csv');
    symlinkSync(named, link);
    const found = await discoverBatches({ named: [named, other, link], ledgers: [ledgerC], records: [record, missing, damaged], open: [named] });
    assert.deepEqual(
      found.map((b) => [b.batchfilePath.slice(scratch.length), b.foundBy.join('+')]),
      [
        ['/elsewhere/run.txt', 'record'],
        ['/ws/a/batchfile.csv', 'name+open'],
        ['/ws/b/water.batchfile', 'name'],
        ['/ws/c/jobs.txt', 'ledger'],
      ].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
    assert.equal(found.find((b) => b.batchfilePath === odd)?.ledgerPath, ledgerC);
    const custom = await discoverBatches({ named: [named] }, { ledgerName: 'my.csv' });
    assert.equal(custom[0]?.ledgerPath, join(scratch, 'ws/a/my.csv'));
  });
});

describe('notifications and the status bar', () => {
  const update = (patch: Partial<BatchUpdate>): BatchUpdate => ({
    batchId: '/b',
    label: 'b/batchfile.csv',
    transitions: [],
    ended: false,
    summary: summarise(['succeeded', 'running']),
    ...patch,
  });

  test('failures seen together are one notification; levels turn them off', () => {
    const failures = ['x', 'y', 'z', 'w'].map((basename) => ({ key: `/b/${basename}|${basename}`, basename, label: basename, from: 'running' as const, to: 'failed' as const, cause: 'TIMEOUT' }));
    const [many] = noticesFor(update({ transitions: failures }), DEFAULT_VIEW_SETTINGS.notifications);
    assert.equal(many?.message, '4 jobs of b/batchfile.csv failed: x, y, z, ….');
    assert.equal(many?.jobKey, undefined);
    const [one] = noticesFor(update({ transitions: failures.slice(0, 1) }), DEFAULT_VIEW_SETTINGS.notifications);
    assert.equal(one?.message, 'Job x of b/batchfile.csv failed (TIMEOUT).');
    assert.equal(one?.jobKey, '/b/x|x');
    assert.deepEqual(noticesFor(update({ transitions: failures }), { batchEnded: 'always', jobFailed: 'never' }), []);
    assert.deepEqual(noticesFor(update({ transitions: [{ key: '/b/x|x', basename: 'x', label: 'x', from: 'pending', to: 'running', cause: null }] }), DEFAULT_VIEW_SETTINGS.notifications), []);
  });

  test('a batch that ends: always, only on failure, or never', () => {
    const clean = update({ ended: true, summary: summarise(['succeeded', 'succeeded']) });
    const troubled = update({ ended: true, summary: summarise(['succeeded', 'failed', 'broken_dependency']) });
    assert.deepEqual(noticesFor(clean, { batchEnded: 'always', jobFailed: 'always' }).map((n) => [n.severity, n.message]), [['info', 'Batch b/batchfile.csv ended: 2/2 succeeded.']]);
    assert.deepEqual(noticesFor(clean, { batchEnded: 'onFailure', jobFailed: 'always' }), []);
    assert.deepEqual(noticesFor(troubled, { batchEnded: 'onFailure', jobFailed: 'always' }).map((n) => n.severity), ['error']);
    assert.deepEqual(noticesFor(troubled, { batchEnded: 'never', jobFailed: 'always' }), []);
    assert.equal(summaryText(summarise(['succeeded', 'not_started', 'cancelled'])), '1/3 succeeded, 1 cancelled, 1 not started');
  });

  test('status bar: done/total, failures, stale', () => {
    assert.equal(statusBarText('calcs', summarise(['succeeded', 'failed', 'running']), false, true), '$(sync~spin) calcs 1/3 succeeded, 1 failed, 1 running');
    assert.equal(statusBarText('calcs', summarise(['succeeded']), false, false), '$(pass) calcs 1/1 succeeded');
    assert.equal(statusBarText('calcs', summarise(['running']), true, true), '$(warning) calcs 0/1 succeeded, 1 running · stale');
  });
});

describe('settings', () => {
  test('typed values, and defaults for anything malformed', () => {
    const values: Record<string, unknown> = {
      executor: 'local',
      'poll.floorSeconds': 0.2,
      'slurm.squeuePath': ' /opt/slurm/bin/squeue ',
      'slurm.sacctPath': '',
      'notifications.batchEnded': 'onFailure',
      'notifications.jobFailed': 'sometimes',
      ledgerName: '../escape.csv',
      'tree.groupByStatus': true,
    };
    const settings = parseViewSettings((key) => values[key]);
    assert.equal(settings.executor, 'local');
    assert.equal(settings.pollFloorMs, 1000, 'never below one second');
    assert.equal(settings.slurmCommands.squeue, '/opt/slurm/bin/squeue');
    assert.equal(settings.slurmCommands.sacct, 'sacct');
    assert.deepEqual(settings.notifications, { batchEnded: 'onFailure', jobFailed: 'always' });
    assert.equal(settings.ledgerName, '__ledger__.csv', 'a ledger name that climbs out of the folder is refused');
    assert.equal(settings.groupByStatus, true);
    assert.deepEqual(parseViewSettings(() => undefined), DEFAULT_VIEW_SETTINGS);
  });
});
