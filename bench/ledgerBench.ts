// Prints ledger figures: parse/serialize/atomic write of big ledgers, a no-op write, and a rebuild from job folders.
// Run: node --import tsx bench/ledgerBench.ts
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { parse as csvParse } from 'csv-parse/sync';
import { join } from 'node:path';
import { newLedgerRow, parseLedger, serializeLedger, writeLedger } from '../core/ledger/ledger.js';
import type { Ledger } from '../core/ledger/ledger.js';
import { LEDGER_CSV_OPTIONS } from '../core/ledger/ledgerRecords.js';
import { rebuildLedger } from '../core/ledger/rebuild.js';
import type { RebuildJob } from '../core/ledger/rebuild.js';
import { JOB_STATUSES } from '../core/status.js';

const fixtures = new URL('../test/fixtures/outputs/', import.meta.url).pathname;

function ledgerOf(rows: number): Ledger {
  return {
    rows: Array.from({ length: rows }, (_, i) => ({
      ...newLedgerRow({ basename: `job${i}`, directory: `/scratch/me/calcs/mol${i}/opt`, program: 'xtb', coordsFrom: '../opt', xyzFilename: 'xtbopt.xyz' }),
      jobId: 100000 + i,
      status: JOB_STATUSES[i % JOB_STATUSES.length]!,
      submittedAt: '2024-04-28T10:00:00.000Z',
    })),
    extraColumns: [],
  };
}

async function time<T>(fn: () => Promise<T> | T, repeat = 5): Promise<{ median: number; result: T }> {
  const times: number[] = [];
  let result!: T;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    result = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, result };
}

const dir = await mkdtemp(join(tmpdir(), 'batchman-ledger-bench-'));
try {
  for (const rows of [100, 1000, 10000]) {
    const ledger = ledgerOf(rows);
    const text = serializeLedger(ledger);
    const serialize = await time(() => serializeLedger(ledger));
    const parse = await time(() => parseLedger(text), 9);
    const path = join(dir, `ledger-${rows}.csv`);
    let flip = 0;
    const write = await time(async () => {
      ledger.rows[0]!.status = flip++ % 2 === 0 ? 'running' : 'pending';
      return writeLedger(path, ledger);
    });
    const noop = await time(() => writeLedger(path, ledger));
    console.log(
      `ledger ${String(rows).padStart(5)} rows (${(text.length / 1024).toFixed(0)} KiB): serialize ${serialize.median.toFixed(2)} ms, ` +
        `parse ${parse.median.toFixed(2)} ms, atomic write ${write.median.toFixed(2)} ms, unchanged write (skipped) ${noop.median.toFixed(2)} ms`,
    );
    if (rows === 10000) {
      // csv-parse alone on the same text, timed beside the parse: the ratio survives a busy machine better than either figure.
      const reference = await time(() => csvParse(text, LEDGER_CSV_OPTIONS));
      console.log(
        `ledger 10000 rows: parse ${parse.median.toFixed(1)} ms (goal ≤ 50 ms; 200 ms before the prepared reader), csv-parse's records alone ` +
          `${reference.median.toFixed(1)} ms, ${(reference.median / parse.median).toFixed(1)}× — load average ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  }

  const jobs: RebuildJob[] = [];
  for (let i = 0; i < 300; i++) {
    const directory = join(dir, 'calcs', `job${i}`);
    await mkdir(directory, { recursive: true });
    const kind = i % 3 === 0 ? ['gaussian', 'gaussian/optfreq-ok', 'mol.gjf', 'mol.log'] : i % 3 === 1 ? ['xtb', 'xtb/opt-ok', 'mol.xyz', 'mol.out'] : ['orca', 'orca/opt-ok', 'mol.inp', 'mol.out'];
    const [program, from, input, output] = kind as [string, string, string, string];
    await cp(join(fixtures, from, output), join(directory, output.replace('mol', `job${i}`))).catch(() => undefined);
    await cp(join(fixtures, from, input), join(directory, input.replace('mol', `job${i}`))).catch(() => undefined);
    jobs.push({ basename: `job${i}`, directory, program });
  }
  const rebuild = await time(() => rebuildLedger({ ledgerPath: join(dir, 'rebuilt.csv'), jobs }), 3);
  const succeeded = rebuild.result.ledger.rows.filter((row) => row.status === 'succeeded').length;
  console.log(`rebuild from ${jobs.length} job folders: ${rebuild.median.toFixed(1)} ms (${succeeded} succeeded)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
