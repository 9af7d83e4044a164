// Ledger read/write: CCBatchMan's files (pandas floats, nan, an index column), round trips, atomic writes, corrupt files.
import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { LedgerCorruptError } from '../../core/ledger/errors.js';
import {
  BATCHMAN_COLUMNS,
  CCBATCHMAN_COLUMNS,
  NO_JOB_ID,
  findRow,
  ledgerPathFor,
  newLedgerRow,
  parseLedger,
  readLedger,
  readLedgerIfExists,
  salvageLedger,
  serializeLedger,
  writeLedger,
} from '../../core/ledger/ledger.js';
import type { Ledger, LedgerRow } from '../../core/ledger/ledger.js';
import { JOB_STATUSES } from '../../core/status.js';

const fixtures = new URL('../fixtures/ledger/', import.meta.url);
const fixture = (name: string): Promise<string> => readFile(new URL(name, fixtures), 'utf8');

describe('reading CCBatchMan ledgers', () => {
  it('reads a pandas-written ledger: float ids, nan and empty cells, program case kept', async () => {
    const ledger = parseLedger(await fixture('ccbatchman.csv'));
    assert.equal(ledger.rows.length, 7);
    assert.deepEqual(ledger.extraColumns, []);
    assert.deepEqual(findRow(ledger, 'opt'), {
      jobId: 4242,
      basename: 'opt',
      directory: '/scratch/me/calcs/mol1/opt',
      status: 'succeeded',
      program: 'xtb',
    });
    assert.deepEqual(findRow(ledger, 'sp'), {
      jobId: NO_JOB_ID,
      basename: 'sp',
      directory: '/scratch/me/calcs/mol1/sp',
      status: 'not_started',
      program: 'orca',
      coordsFrom: '../opt',
      xyzFilename: 'xtbopt.xyz',
      orbitalsFrom: '../guess',
      gbwFilename: 'guess.gbw',
    });
    const guess = findRow(ledger, 'guess')!;
    assert.equal(guess.program, 'ORCA');
    assert.equal(guess.coordsFrom, undefined, '`nan` is an empty cell');
    assert.equal(guess.xyzFilename, undefined);
    assert.equal(findRow(ledger, 'pending_nan')!.jobId, NO_JOB_ID, 'an empty job_id is "not submitted"');
    assert.equal(findRow(ledger, 'after_bad')!.status, 'broken_dependency');
  });

  it('reads the older seven-column layout (no orbitals columns)', async () => {
    const ledger = parseLedger(await fixture('ccbatchman-7col.csv'));
    assert.deepEqual(
      ledger.rows.map((row) => [row.jobId, row.basename, row.status, row.coordsFrom ?? null]),
      [
        [12001, 'opt', 'succeeded', null],
        [12002, 'freq', 'pending', '../opt'],
        [-1, 'sp', 'not_started', '../opt'],
      ],
    );
  });

  it('drops the unnamed index column pandas writes without index=False', async () => {
    const ledger = parseLedger(await fixture('ccbatchman-index.csv'));
    assert.deepEqual(
      ledger.rows.map((row) => [row.jobId, row.basename, row.directory]),
      [
        [12001, 'opt', 'calcs/opt'],
        [-1, 'freq', 'calcs/freq'],
      ],
    );
    assert.ok(!serializeLedger(ledger).startsWith('|'));
  });

  it('tolerates a BOM, CRLF line ends, a missing final newline and status spellings', () => {
    const text =
      '\uFEFFjob_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename\r\n' +
      '7|a|/x/a| Completed |xtb||||\r\n8|b|/x/b|canceled|xtb||||';
    const ledger = parseLedger(text);
    assert.deepEqual(
      ledger.rows.map((row) => [row.basename, row.status]),
      [
        ['a', 'succeeded'],
        ['b', 'cancelled'],
      ],
    );
  });

  it('finds columns by name in any order', () => {
    const text = 'job_basename|job_status|program|job_directory|job_id\nopt|running|xtb|/x/opt|99.0\n';
    assert.deepEqual(parseLedger(text).rows[0], { jobId: 99, basename: 'opt', directory: '/x/opt', status: 'running', program: 'xtb' });
  });
});

describe('writing ledgers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-ledger-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a CCBatchMan ledger: nine columns first, Batchman columns after, same data', async () => {
    const original = parseLedger(await fixture('ccbatchman.csv'));
    const text = serializeLedger(original);
    const [header, firstRow] = text.split('\n');
    assert.equal(header, [...CCBATCHMAN_COLUMNS, ...BATCHMAN_COLUMNS].join('|'));
    assert.equal(firstRow, `4242|opt|/scratch/me/calcs/mol1/opt|succeeded|xtb${'|'.repeat(11)}`);
    assert.ok(text.includes('\n-1|guess|/scratch/me/calcs/mol1/guess|not_started|ORCA|'));
    assert.deepEqual(parseLedger(text), original);
  });

  it('writes a Batchman ledger back byte for byte, unknown columns and quoted cells included', async () => {
    const text = await fixture('batchman-extra.csv');
    const ledger = parseLedger(text);
    assert.deepEqual(ledger.extraColumns, ['reviewer', 'energy']);
    const odd = findRow(ledger, 'odd|name')!;
    assert.equal(odd.directory, '/scratch/me/calcs/with "quotes"');
    assert.deepEqual(odd.extra, { reviewer: 'multi\nline note' });
    const sp = findRow(ledger, 'sp')!;
    assert.equal(sp.cause, 'TIMEOUT');
    assert.equal(sp.restarts, 1);
    assert.equal(sp.exitCode, 0);
    assert.equal(findRow(ledger, 'opt')!.extra!['energy'], '-5.0705');
    assert.equal(serializeLedger(ledger), text);
  });

  it('writes atomically, only when the content changed, and keeps the file mode', async () => {
    const path = ledgerPathFor(join(dir, 'batchfile.csv'));
    assert.equal(path, join(dir, '__ledger__.csv'));
    assert.equal(await readLedgerIfExists(path), undefined);
    const ledger: Ledger = {
      rows: [newLedgerRow({ basename: 'opt', directory: join(dir, 'opt'), program: 'xtb' })],
      extraColumns: [],
    };
    assert.equal(await writeLedger(path, ledger), true);
    const first = await stat(path);
    assert.equal(await writeLedger(path, structuredClone(ledger)), false, 'unchanged content is not rewritten');
    assert.equal((await stat(path)).mtimeMs, first.mtimeMs);
    ledger.rows[0]!.status = 'pending';
    ledger.rows[0]!.jobId = 77;
    assert.equal(await writeLedger(path, ledger), true);
    assert.deepEqual(await readLedger(path), ledger);
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
  });

  it('round-trips any ledger (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '.', '/', ' ', '|', '"', '\n', ',', 'é') });
    const word = fc.stringMatching(/^[A-Za-z0-9_./-]{1,12}$/).filter((value) => value !== 'nan' && value !== 'NaN');
    const optionalWord = fc.option(word, { nil: undefined });
    const row: fc.Arbitrary<LedgerRow> = fc.record(
      {
        jobId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 31 })),
        basename: word,
        directory: word,
        status: fc.constantFrom(...JOB_STATUSES),
        program: fc.constantFrom('xtb', 'ORCA', 'gaussian', 'shell'),
        coordsFrom: optionalWord,
        xyzFilename: optionalWord,
        orbitalsFrom: optionalWord,
        gbwFilename: optionalWord,
        submittedAt: fc.option(fc.constant('2024-04-28T10:00:00.000Z'), { nil: undefined }),
        exitCode: fc.option(fc.integer({ min: -255, max: 255 }), { nil: undefined }),
        cause: optionalWord,
        restarts: fc.option(fc.nat(20), { nil: undefined }),
        slurmState: optionalWord,
      },
      { requiredKeys: ['jobId', 'basename', 'directory', 'status', 'program'] },
    );
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.array(cell, { maxLength: 3 }), (rows, notes) => {
        const extraColumns = notes.length > 0 ? ['note'] : [];
        const withExtra = rows.map((r, i) => {
          const clean = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as LedgerRow;
          const note = notes[i % Math.max(notes.length, 1)] ?? '';
          // An empty unknown cell reads back as absent.
          return note !== '' ? { ...clean, extra: { note } } : clean;
        });
        const ledger: Ledger = { rows: withExtra, extraColumns };
        assert.deepEqual(parseLedger(serializeLedger(ledger)), ledger);
      }),
      { numRuns: 200 },
    );
  });
});

describe('corrupt ledgers', () => {
  const cases: [string, number, RegExp][] = [
    ['corrupt-columns.csv', 3, /expected 9 columns, found 7/],
    ['corrupt-header.csv', 1, /bad header: missing column\(s\) job_id, job_basename, job_directory, job_status, program/],
    ['corrupt-binary.csv', 3, /binary data or invalid UTF-8/],
    ['corrupt-cut.csv', 3, /file ends mid-line \(4 of 9 columns\)/],
    ['corrupt-status.csv', 2, /unknown job_status "exploded"/],
  ];
  for (const [name, line, reason] of cases) {
    it(`${name}: a LedgerCorruptError naming line ${line}`, async () => {
      const path = join(new URL(fixtures).pathname, name);
      await assert.rejects(readLedger(path), (error: unknown) => {
        assert.ok(error instanceof LedgerCorruptError);
        assert.equal(error.line, line);
        assert.match(error.reason, reason);
        assert.equal(error.path, path);
        assert.match(error.message, new RegExp(`${name}:${line}: corrupt ledger`));
        return true;
      });
    });
  }

  it('an empty file, a duplicated column and an unclosed quote are errors too', () => {
    assert.throws(() => parseLedger(''), { name: 'LedgerCorruptError', line: 1, reason: 'empty file (no header)' });
    assert.throws(() => parseLedger('job_id|job_id|job_basename|job_directory|job_status|program\n'), { line: 1, reason: /appears twice/ });
    const unclosed = 'job_id|job_basename|job_directory|job_status|program\n1|a|/a|running|xtb\n2|"b|/b|running|xtb\n';
    assert.throws(() => parseLedger(unclosed), (error: unknown) => error instanceof LedgerCorruptError && /Quote Not Closed/.test(error.reason));
  });

  it('salvages the readable rows of a corrupt ledger', async () => {
    assert.deepEqual(
      salvageLedger(await fixture('corrupt-cut.csv')).rows.map((row) => [row.basename, row.jobId, row.status]),
      [['opt', 4242, 'succeeded']],
    );
    assert.deepEqual(
      salvageLedger(await fixture('corrupt-columns.csv')).rows.map((row) => row.basename),
      ['opt', 'sp'],
    );
    // The header lost too: Batchman's and CCBatchMan's layouts are both tried.
    const headless = (await fixture('batchman-extra.csv')).split('\n').slice(1, 3).join('\n');
    assert.deepEqual(
      salvageLedger(`\u0000garbage\n${headless}\n4243|freq|/c/freq|running|xtb|../opt|xtbopt.xyz||\n`).rows.map((row) => row.basename),
      ['freq'],
      'rows with unknown extra columns cannot be placed without their header',
    );
    assert.deepEqual(
      salvageLedger('\u0000garbage\n4243|freq|/c/freq|running|xtb|../opt|xtbopt.xyz||\n').rows.map((row) => [row.basename, row.coordsFrom]),
      [['freq', '../opt']],
    );
  });

  it('never loses data on write when a cell holds the delimiter or a newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-ledger-'));
    try {
      const path = join(dir, 'l.csv');
      const ledger: Ledger = {
        rows: [{ ...newLedgerRow({ basename: 'a|b', directory: '/x\ny', program: 'xtb' }), cause: 'exit code 1' }],
        extraColumns: [],
      };
      await writeLedger(path, ledger);
      assert.deepEqual(await readLedger(path), ledger);
      await writeFile(path, (await readFile(path, 'utf8')).slice(0, -5));
      await assert.rejects(readLedger(path), LedgerCorruptError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
