// The one decision path (applyObservations) over real job folders: SLURM's end state with the program's output decides,
// other attempts and settled jobs are left alone, the disk's settlement stands until SLURM says the job ended, a lost
// job whose output has no end marker fails, hooks run one job at a time before the next decision, and broken dependencies follow.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import type { BatchModel } from '../../core/batchfile/index.js';
import { jobKey } from '../../core/ledger/jobKey.js';
import { NO_JOB_ID } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { CAUSES } from '../../core/programs/markers.js';
import type { JobStatus } from '../../core/status.js';
import { applyObservations } from '../../core/truth/observations.js';

const scratch = mkdtempSync(join(tmpdir(), 'batchman-observations-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const OUTPUTS = new URL('../fixtures/outputs/xtb/', import.meta.url).pathname;
const AT = '2026-01-01T10:00:00.000Z';
// f feeds g, g feeds h: a failure of f breaks both; a and r stand alone.
const JOBS = ['a', 'f', 'g', 'h', 'r'];
const BATCHFILE = [
  'root_directory=.',
  'job_basename|job_directory|program|pipe',
  'a|a|xtb|',
  'f|f|xtb|',
  'g|g|xtb|coords{../f,xtbopt.xyz}',
  'h|h|xtb|coords{../g,xtbopt.xyz}',
  'r|r|xtb|',
  '',
].join('\n');

let counter = 0;
function batch(): {
  dir: string;
  model: BatchModel;
  rows: Map<string, LedgerRow>;
  output: (job: string, fixture: 'opt-ok' | 'opt-fail') => void;
  /** A job's key: rows are keyed by folder and basename. */
  k: (job: string) => string;
} {
  const dir = join(scratch, `batch${++counter}`);
  for (const name of JOBS) mkdirSync(join(dir, name), { recursive: true });
  const model = buildBatchModel(parseBatchfile(BATCHFILE), join(dir, 'batchfile.csv'));
  const k = (name: string) => jobKey(join(dir, name), name);
  const rows = new Map(JOBS.map((name) => [k(name), { jobId: NO_JOB_ID, basename: name, directory: join(dir, name), status: 'not_started' as JobStatus, program: 'xtb' }]));
  const output = (job: string, fixture: 'opt-ok' | 'opt-fail') => copyFileSync(join(OUTPUTS, fixture, 'mol.out'), join(dir, job, `${job}.out`));
  return { dir, model, rows, output, k };
}

function submitted(row: LedgerRow, jobId: number, status: JobStatus = 'running'): void {
  Object.assign(row, { jobId, status, submittedAt: '2026-01-01T09:00:00.000Z' });
}

describe('applyObservations', () => {
  test("SLURM's COMPLETED is success only when the output says so; a failure breaks every job below it", async () => {
    const { model, rows, output, k } = batch();
    submitted(rows.get(k('a'))!, 11);
    submitted(rows.get(k('f'))!, 12);
    submitted(rows.get(k('r'))!, 13, 'pending');
    output('a', 'opt-ok');
    output('f', 'opt-fail');

    const result = await applyObservations({
      model,
      rows,
      at: AT,
      observations: [
        { key: k('a'), jobId: '11', state: 'COMPLETED', exitCode: 0 },
        { key: k('f'), jobId: '12', state: 'COMPLETED', exitCode: 0 },
        { key: k('r'), jobId: '13', state: 'RUNNING' },
      ],
    });

    assert.deepEqual([...result.decided.keys()].sort(), ['a', 'f', 'r'].map(k));
    assert.deepEqual(result.broken, ['g', 'h'].map(k));
    assert.deepEqual(
      JOBS.map((name) => `${name}:${rows.get(k(name))!.status}`),
      ['a:succeeded', 'f:failed', 'g:broken_dependency', 'h:broken_dependency', 'r:running'],
    );
    const a = rows.get(k('a'))!;
    assert.equal(a.slurmState, 'COMPLETED');
    assert.equal(a.exitCode, 0);
    assert.equal(a.endedAt, AT);
    assert.equal(rows.get(k('f'))!.cause, CAUSES.optNotConverged);
    assert.equal(rows.get(k('g'))!.cause, 'upstream f failed');
    assert.equal(rows.get(k('h'))!.cause, 'upstream g broken_dependency');
    assert.equal(rows.get(k('h'))!.endedAt, AT);
    assert.equal(rows.get(k('r'))!.startedAt, AT, 'a job seen running gets its start');
  });

  test("another attempt's news and jobs already final are left alone; a job nobody knows is settled by its output or kept", async () => {
    const { model, rows, output, k } = batch();
    submitted(rows.get(k('a'))!, 21, 'succeeded');
    submitted(rows.get(k('f'))!, 22);
    submitted(rows.get(k('r'))!, 23);
    submitted(rows.get(k('g'))!, 24);
    output('r', 'opt-ok');
    const before = structuredClone(Object.fromEntries(rows));

    const result = await applyObservations({
      model,
      rows,
      at: AT,
      observations: [
        { key: k('a'), jobId: '21', state: 'FAILED', exitCode: 1 },
        { key: k('f'), jobId: '20', state: 'FAILED', exitCode: 1 },
        { key: k('r'), jobId: '23' },
        { key: k('g'), jobId: '24' },
        { key: k('nobody'), jobId: '25', state: 'FAILED' },
      ],
    });

    assert.deepEqual(rows.get(k('a')), before[k('a')], 'a final job stays as it is');
    assert.deepEqual(rows.get(k('f')), before[k('f')], 'an earlier attempt is history');
    assert.equal(rows.get(k('r'))!.status, 'succeeded', 'its output says it finished');
    assert.equal(rows.get(k('r'))!.slurmState, undefined);
    assert.deepEqual(rows.get(k('g')), before[k('g')], 'no output, no SLURM: nothing is guessed');
    assert.deepEqual([...result.decided.keys()].sort(), ['g', 'r'].map(k));
    assert.deepEqual(result.broken, []);
  });

  test('what the disk settled stands until SLURM says the job ended; then SLURM and the output decide', async () => {
    const { model, rows, output, k } = batch();
    submitted(rows.get(k('a'))!, 31, 'succeeded');
    submitted(rows.get(k('f'))!, 32, 'succeeded');
    output('a', 'opt-ok');
    output('f', 'opt-ok');

    await applyObservations({
      model,
      rows,
      at: AT,
      observations: [
        { key: k('a'), jobId: '31', state: 'RUNNING', settledOnDisk: true },
        { key: k('f'), jobId: '32', state: 'TIMEOUT', exitCode: 0, settledOnDisk: true },
      ],
    });

    const a = rows.get(k('a'))!;
    assert.equal(a.status, 'succeeded');
    assert.equal(a.slurmState, 'RUNNING', "SLURM's state is still recorded");
    assert.equal(a.endedAt, AT);
    const f = rows.get(k('f'))!;
    assert.equal(f.status, 'failed', 'an abnormal end overrules the marker');
    assert.equal(f.cause, 'TIMEOUT');
    assert.equal(f.exitCode, 0);
    assert.deepEqual([rows.get(k('g'))!.status, rows.get(k('h'))!.status], ['broken_dependency', 'broken_dependency']);
  });

  test('with a hook, jobs are taken one at a time: each hook runs before the next decision and before the walk', async () => {
    const { dir, model, rows, output, k } = batch();
    submitted(rows.get(k('a'))!, 41);
    submitted(rows.get(k('f'))!, 42);
    submitted(rows.get(k('r'))!, 43);
    output('a', 'opt-ok');
    output('f', 'opt-fail');
    const ended: string[] = [];

    const result = await applyObservations({
      model,
      rows,
      at: AT,
      observations: [
        { key: k('f'), jobId: '42', state: 'COMPLETED', exitCode: 0, elapsedSeconds: 90 },
        { key: k('a'), jobId: '41', state: 'COMPLETED', exitCode: 0 },
        { key: k('r'), jobId: '43', lostCause: 'lost' },
      ],
      onEnded: async (job, row, decision) => {
        ended.push(`${job.basename}:${decision.status}:${row.status}`);
        if (job.basename === 'f') {
          // as a restart would: the failed job is a new attempt, not started; and it leaves a's output behind
          Object.assign(row, { status: 'not_started', jobId: NO_JOB_ID });
          copyFileSync(join(dir, 'f', 'f.out'), join(dir, 'a', 'a.out'));
        }
      },
    });

    assert.deepEqual(ended, ['f:failed:failed', 'a:failed:failed', 'r:failed:failed'], 'in order; a is decided from what f\'s hook wrote');
    assert.equal(rows.get(k('a'))!.cause, CAUSES.optNotConverged);
    assert.equal(rows.get(k('r'))!.cause, 'lost');
    assert.equal(rows.get(k('r'))!.slurmState, undefined, 'a lost job has no SLURM state to record');
    assert.deepEqual(result.broken, [], 'the restarted job blocks nothing');
    assert.equal(rows.get(k('g'))!.status, 'not_started');
  });

  test('a job that ended between two looks gets its start from SLURM\'s elapsed time', async () => {
    const { model, rows, output, k } = batch();
    submitted(rows.get(k('a'))!, 51, 'pending');
    output('a', 'opt-ok');
    await applyObservations({ model, rows, at: AT, observations: [{ key: k('a'), jobId: '51', state: 'COMPLETED', exitCode: 0, elapsedSeconds: 125 }], onEnded: async () => undefined });
    assert.equal(rows.get(k('a'))!.status, 'succeeded');
    assert.equal(rows.get(k('a'))!.startedAt, '2026-01-01T09:57:55.000Z');
  });
});
