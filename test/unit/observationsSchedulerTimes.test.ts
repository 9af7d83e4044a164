// applyObservations takes a job's start and end from the scheduler's record over the time the poll noticed it.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { jobKey } from '../../core/ledger/jobKey.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import type { JobStatus } from '../../core/status.js';
import { applyObservations } from '../../core/truth/observations.js';
import { recordSchedulerTimes } from '../../core/truth/transition.js';

const scratch = mkdtempSync(join(tmpdir(), 'batchman-scheduler-times-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OUTPUTS = new URL('../fixtures/outputs/xtb/', import.meta.url).pathname;
// The poll that noticed the end, well after the job ran.
const POLL = '2026-01-01T10:00:00.000Z';
const START = '2026-01-01T09:40:00.000Z';
const END = '2026-01-01T09:40:03.000Z';

let counter = 0;
function oneJob(status: JobStatus, fields: Partial<LedgerRow> = {}) {
  const dir = join(scratch, `batch${++counter}`);
  mkdirSync(join(dir, 'a'), { recursive: true });
  copyFileSync(join(OUTPUTS, 'opt-ok', 'mol.out'), join(dir, 'a', 'a.out'));
  const model = buildBatchModel(parseBatchfile('root_directory=.\njob_basename|job_directory|program|pipe\na|a|xtb|\n'), join(dir, 'batchfile.csv'));
  const key = jobKey(join(dir, 'a'), 'a');
  const row: LedgerRow = { jobId: 7, basename: 'a', directory: join(dir, 'a'), status, program: 'xtb', submittedAt: '2026-01-01T09:00:00.000Z', ...fields };
  return { model, key, row, rows: new Map([[key, row]]) };
}

describe("the scheduler's times", () => {
  test('a job that ran between two polls gets its start and end from the record, not the poll', async () => {
    const { model, key, row, rows } = oneJob('pending');
    await applyObservations({ model, rows, at: POLL, observations: [{ key, jobId: '7', state: 'COMPLETED', exitCode: 0, elapsedSeconds: 3, startedAt: START, endedAt: END }] });
    assert.equal(row.status, 'succeeded');
    assert.equal(row.startedAt, START);
    assert.equal(row.endedAt, END);
  });

  test("the record overrules a start a poll stamped when it first saw the job running", async () => {
    const { model, key, row, rows } = oneJob('running', { startedAt: '2026-01-01T09:45:00.000Z' });
    await applyObservations({ model, rows, at: POLL, observations: [{ key, jobId: '7', state: 'COMPLETED', exitCode: 0, elapsedSeconds: 3, startedAt: START, endedAt: END }] });
    assert.equal(row.startedAt, START);
    assert.equal(row.endedAt, END);
  });

  test('a running job takes its start but no end from the record', async () => {
    const { model, key, row, rows } = oneJob('pending');
    await applyObservations({ model, rows, at: POLL, observations: [{ key, jobId: '7', state: 'RUNNING', startedAt: START, endedAt: END }] });
    assert.equal(row.status, 'running');
    assert.equal(row.startedAt, START);
    assert.equal(row.endedAt, undefined);
  });

  test('without times in the record the poll stamps the end and Elapsed gives the start', async () => {
    const { model, key, row, rows } = oneJob('pending');
    await applyObservations({ model, rows, at: POLL, observations: [{ key, jobId: '7', state: 'COMPLETED', exitCode: 0, elapsedSeconds: 3 }] });
    assert.equal(row.endedAt, POLL);
    assert.equal(row.startedAt, '2026-01-01T09:59:57.000Z');
  });

  test('a job cancelled while pending (0 s, Start at its cancel) gets no start', async () => {
    const { model, key, row, rows } = oneJob('pending');
    await applyObservations({ model, rows, at: POLL, observations: [{ key, jobId: '7', state: 'CANCELLED by 0', exitCode: 0, elapsedSeconds: 0, startedAt: END, endedAt: END }] });
    assert.equal(row.status, 'cancelled');
    assert.equal(row.startedAt, undefined);
    assert.equal(row.endedAt, END);
  });
});

describe("the record's whole seconds against finer times", () => {
  const row = (fields: Partial<LedgerRow>): LedgerRow => ({ jobId: 7, basename: 'a', directory: '/calc/a', status: 'succeeded', program: 'xtb', ...fields });

  test('a job that started in the second it was submitted does not start before its submission', () => {
    const fast = row({ submittedAt: '2026-01-01T09:40:00.600Z' });
    recordSchedulerTimes(fast, { startedAt: '2026-01-01T09:40:00.000Z', endedAt: '2026-01-01T09:40:00.000Z', elapsedSeconds: 1 });
    assert.equal(fast.startedAt, '2026-01-01T09:40:00.600Z');
    assert.equal(fast.endedAt, '2026-01-01T09:40:00.600Z', 'nor ends before it started');
  });

  test('a time the poll noticed within the record\'s second is kept; one outside it is replaced', () => {
    const within = row({ submittedAt: '2026-01-01T09:00:00.000Z', startedAt: '2026-01-01T09:40:00.250Z' });
    recordSchedulerTimes(within, { startedAt: '2026-01-01T09:40:00.000Z' });
    assert.equal(within.startedAt, '2026-01-01T09:40:00.250Z');
    const late = row({ submittedAt: '2026-01-01T09:00:00.000Z', startedAt: '2026-01-01T09:41:30.000Z' });
    recordSchedulerTimes(late, { startedAt: '2026-01-01T09:40:00.000Z' });
    assert.equal(late.startedAt, '2026-01-01T09:40:00.000Z');
  });
});
