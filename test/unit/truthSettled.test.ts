// `status`'s reading of jobs SLURM no longer knows: a job cancelled by scancel (its slurm-*.out says CANCELLED AT) is
// `cancelled` on the first read and on every read after; a job in no queue, no accounting record and with no end
// marker in its output is failed as `vanished` once its folder has been silent for the runner's grace, not before,
// and never when sacct could not be asked.
import { strict as assert } from 'node:assert';
import { copyFile, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import type { BatchModel } from '../../core/batchfile/index.js';
import { writeLedger } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import type { AccountingResult, QueueSnapshot } from '../../core/slurm/scheduler.js';
import { readBatchTruth } from '../../core/truth/truth.js';
import { VANISHED_CAUSE } from '../../core/truth/vanished.js';

const OUTPUTS = new URL('../fixtures/outputs/', import.meta.url).pathname;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** A scheduler that knows none of the jobs: gone from squeue, no accounting record (or sacct failing). */
function forgetful(options: { sacctFails?: boolean } = {}) {
  return {
    queue: async (): Promise<QueueSnapshot> => ({ entries: [], at: Date.now() }),
    accounting: async (): Promise<AccountingResult> => {
      if (options.sacctFails) throw new Error('sacct: Unable to contact slurm controller');
      return { available: true, records: new Map() };
    },
  };
}

describe('jobs the scheduler no longer knows', () => {
  let dir: string;
  let model: BatchModel;
  const ledgerPath = () => join(dir, '__ledger__.csv');
  const row = (basename: string, jobId: number, patch: Partial<LedgerRow> = {}): LedgerRow => ({
    jobId,
    basename,
    directory: join(dir, basename),
    status: 'running',
    program: 'xtb',
    submittedAt: HOUR_AGO.toISOString(),
    ...patch,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-settled-'));
    const text = ['root_directory=.', 'job_basename|job_directory|program|pipe', 'gone|gone|xtb|', 'fresh|fresh|xtb|', 'killed|killed|xtb|', ''].join('\n');
    await writeFile(join(dir, 'batchfile.csv'), text);
    model = buildBatchModel(parseBatchfile(text), join(dir, 'batchfile.csv'));
    for (const name of ['gone', 'fresh', 'killed']) await mkdir(join(dir, name));
    // gone: started an hour ago, wrote part of its output, then nothing
    await copyFile(join(OUTPUTS, 'xtb/running/mol.out'), join(dir, 'gone', 'gone.out'));
    await utimes(join(dir, 'gone', 'gone.out'), HOUR_AGO, HOUR_AGO);
    // fresh: submitted a moment ago and not yet listed
    // killed: scancel'd while it ran
    await copyFile(join(OUTPUTS, 'xtb/running/mol.out'), join(dir, 'killed', 'killed.out'));
    await copyFile(join(OUTPUTS, 'slurm/cancelled/slurm-4253.out'), join(dir, 'killed', 'slurm-4253.out'));
    await writeLedger(ledgerPath(), {
      rows: [row('gone', 4251), row('fresh', 4252, { submittedAt: new Date().toISOString() }), row('killed', 4253)],
      extraColumns: [],
    });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const read = (scheduler = forgetful()) => readBatchTruth({ model, ledgerPath: ledgerPath(), scheduler, vanishedAfterMs: 10 * 60_000 });
  const pick = (truth: Awaited<ReturnType<typeof read>>, name: string) => {
    const job = truth.jobs.find((candidate) => candidate.basename === name)!;
    return { status: job.status, cause: job.cause, reason: job.reason };
  };

  it('reads a cancelled job as cancelled twice in a row', async () => {
    const first = await read();
    assert.deepEqual([pick(first, 'killed').status, pick(first, 'killed').cause], ['cancelled', 'CANCELLED']);
    const second = await read();
    assert.deepEqual([pick(second, 'killed').status, pick(second, 'killed').cause], ['cancelled', 'CANCELLED']);
  });

  it('fails a job silent past the grace as vanished, in every read; a job just submitted waits', async () => {
    const first = await read();
    assert.deepEqual(pick(first, 'gone'), { status: 'failed', cause: VANISHED_CAUSE, reason: 'not in squeue; no accounting record' });
    assert.deepEqual(pick(first, 'fresh'), { status: 'running', cause: null, reason: 'not in squeue; no accounting record' });
    const second = await read();
    assert.equal(pick(second, 'gone').status, 'failed');
    assert.equal(pick(second, 'gone').cause, VANISHED_CAUSE);
  });

  it('calls nothing vanished while sacct cannot be asked', async () => {
    const truth = await read(forgetful({ sacctFails: true }));
    assert.equal(pick(truth, 'gone').status, 'running');
    assert.match(truth.stale ?? '', /sacct failed/);
  });
});
