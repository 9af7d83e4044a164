// A ledger CCBatchMan wrote for a multi-molecule batch (every molecule folder has an `opt` and a `freq`): float ids,
// NaN and empty cells, `root/dir` folders relative to the batchfile, an older row of a job written again. Every job
// gets its own row, by folder and basename, and the ledger is written back with each of them.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { keyOf } from '../../core/ledger/jobKey.js';
import { parseLedger, readLedger } from '../../core/ledger/ledger.js';
import { rebuildLedger } from '../../core/ledger/rebuild.js';
import { ledgerJobs } from '../../core/truth/batchJobs.js';

const BATCHFILE = [
  'root_directory=./calcs',
  'job_basename|job_directory|program|pipe',
  'opt|mol1/opt|xtb|',
  'freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}',
  'opt|mol2/opt|xtb|',
  'freq|mol2/freq|xtb|coords{../opt,xtbopt.xyz}',
  '',
].join('\n');

// As CCBatchMan's `to_csv(sep='|', index=False)` writes it: its root as the batchfile has it, ids as floats once a NaN
// made the column float, NaN where pandas had no value, and mol1/opt twice (CCBatchMan de-duplicates keeping the last).
const LEDGER = [
  'job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename',
  '10024819.0|opt|./calcs/mol1/opt|running|xtb|NaN|NaN|NaN|NaN',
  '10024820.0|opt|./calcs/mol1/opt|succeeded|xtb|NaN|NaN|NaN|NaN',
  '10024821.0|freq|./calcs/mol1/freq|failed|xtb|../opt|xtbopt.xyz||',
  '10024822.0|opt|./calcs/mol2/opt|succeeded|xtb|NaN|NaN|NaN|NaN',
  'nan|freq|./calcs/mol2/freq|not_started|xtb|../opt|xtbopt.xyz|nan|',
  '-1.0|sp|./calcs/mol3/sp|not_started|orca|NaN|NaN|NaN|NaN',
  '',
].join('\n');

describe('a CCBatchMan ledger whose molecules reuse step names', () => {
  let dir: string;
  const ledgerPath = () => join(dir, '__ledger__.csv');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-ccb-ledger-'));
    for (const folder of ['mol1/opt', 'mol1/freq', 'mol2/opt', 'mol2/freq']) await mkdir(join(dir, 'calcs', folder), { recursive: true });
    await writeFile(join(dir, 'batchfile.csv'), BATCHFILE);
    await writeFile(ledgerPath(), LEDGER);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every row: float ids as ids, NaN as empty, the same basename in two folders as two rows', () => {
    const ledger = parseLedger(LEDGER);
    assert.deepEqual(
      ledger.rows.map((row) => [row.jobId, row.basename, row.directory, row.status, row.coordsFrom ?? null]),
      [
        [10024819, 'opt', './calcs/mol1/opt', 'running', null],
        [10024820, 'opt', './calcs/mol1/opt', 'succeeded', null],
        [10024821, 'freq', './calcs/mol1/freq', 'failed', '../opt'],
        [10024822, 'opt', './calcs/mol2/opt', 'succeeded', null],
        [-1, 'freq', './calcs/mol2/freq', 'not_started', '../opt'],
        [-1, 'sp', './calcs/mol3/sp', 'not_started', null],
      ],
    );
  });

  it('gives each job its own row by folder and basename, and writes them all back', async () => {
    const model = buildBatchModel(parseBatchfile(BATCHFILE), join(dir, 'batchfile.csv'));
    const jobs = ledgerJobs(model);
    assert.equal(jobs.length, 4, 'the same basename in two folders is two jobs');
    const result = await rebuildLedger({ ledgerPath: ledgerPath(), jobs });

    const byKey = new Map(result.ledger.rows.map((row) => [keyOf(row), row]));
    const row = (folder: string, basename: string) => byKey.get(keyOf({ directory: join(dir, 'calcs', folder), basename }));
    assert.deepEqual([row('mol1/opt', 'opt')?.jobId, row('mol1/opt', 'opt')?.status], [10024820, 'succeeded'], 'the last row of a job written twice');
    assert.deepEqual([row('mol1/freq', 'freq')?.jobId, row('mol1/freq', 'freq')?.status], [10024821, 'failed']);
    assert.deepEqual([row('mol2/opt', 'opt')?.jobId, row('mol2/opt', 'opt')?.status], [10024822, 'succeeded']);
    assert.deepEqual([row('mol2/freq', 'freq')?.jobId, row('mol2/freq', 'freq')?.status], [-1, 'not_started']);
    assert.equal(result.orphanRows, 1, 'a job no longer in the batch keeps its row');

    const written = await readLedger(ledgerPath());
    assert.deepEqual(
      written.rows.map((entry) => [entry.basename, entry.directory, entry.jobId, entry.status]),
      [
        ['opt', join(dir, 'calcs/mol1/opt'), 10024820, 'succeeded'],
        ['freq', join(dir, 'calcs/mol1/freq'), 10024821, 'failed'],
        ['opt', join(dir, 'calcs/mol2/opt'), 10024822, 'succeeded'],
        ['freq', join(dir, 'calcs/mol2/freq'), -1, 'not_started'],
        ['sp', './calcs/mol3/sp', -1, 'not_started'],
      ],
    );
    const text = await readFile(ledgerPath(), 'utf8');
    assert.ok(text.startsWith('job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename|'), 'CCBatchMan\'s columns first');
    assert.ok(!/\bnan\b|NaN|\.0\|/.test(text), 'written as Batchman writes: no NaN, whole ids');

    const again = await rebuildLedger({ ledgerPath: ledgerPath(), jobs });
    assert.equal(again.written, false, 'a second read changes nothing');
  });

  it('keeps a moved batch\'s rows: a basename only one row and one job have still finds its row', async () => {
    const moved = LEDGER.replaceAll('./calcs/', '/old/machine/calcs/').replace(/^.*\|opt\|\/old\/machine\/calcs\/mol2\/opt.*\n/m, '');
    await writeFile(ledgerPath(), moved);
    const model = buildBatchModel(parseBatchfile(BATCHFILE.replace('opt|mol2/opt|xtb|', 'relax|mol2/opt|xtb|')), join(dir, 'batchfile.csv'));
    const result = await rebuildLedger({ ledgerPath: ledgerPath(), jobs: ledgerJobs(model) });
    const statuses = result.ledger.rows.map((row) => `${row.basename}@${row.directory.replace(dir, '')}:${row.status}`);
    assert.ok(statuses.includes('opt@/calcs/mol1/opt:succeeded'), 'one opt in the batch, one in the ledger: its row');
    assert.ok(statuses.includes('relax@/calcs/mol2/opt:not_started'), 'no row of that name');
    // freq is in two folders here and in the ledger: folders decide, and they moved, so neither is guessed
    assert.ok(statuses.includes('freq@/calcs/mol1/freq:not_started'), statuses.join(', '));
  });
});
