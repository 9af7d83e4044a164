// The batched sacct call's parser over an answer captured from the test cluster, and the run span taken from it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { SACCT_FIELDS, accountingTimes, parseSacct, sacctArgs } from '../../core/slurm/sacct.js';

// `sbatch --wrap 'sleep 2'`, then sacct with exactly the arguments the scheduler passes, once it said COMPLETED.
const CAPTURED = readFileSync(new URL('../fixtures/sacct/completed-sleep2.txt', import.meta.url), 'utf8');

describe('sacct record of a finished job', () => {
  test('one call asks for the end state, the exit code and the run span', () => {
    const args = sacctArgs(['179', '180']);
    assert.deepEqual(args.slice(0, 5), ['-X', '-n', '-P', '-j', '179,180']);
    assert.equal(args.filter((arg) => arg.startsWith('--format=')).length, 1);
    for (const field of ['State', 'ExitCode', 'Elapsed', 'Start', 'End']) assert.ok(SACCT_FIELDS.includes(field as (typeof SACCT_FIELDS)[number]), field);
  });

  test("the cluster's answer parses to its state, exit code, elapsed time, start and end", () => {
    const [record, ...rest] = parseSacct(CAPTURED);
    assert.equal(rest.length, 0);
    assert.equal(record?.jobId, '179');
    assert.equal(record?.rawJobId, '179');
    assert.equal(record?.state, 'COMPLETED');
    assert.equal(record?.exitCode, 0);
    assert.equal(record?.signal, 0);
    assert.equal(record?.elapsed, '00:00:03');
    assert.equal(record?.elapsedSeconds, 3);
    assert.equal(record?.start, '2026-12-04T19:59:04');
    assert.equal(record?.end, '2026-12-04T19:59:07');
    // sacct prints the cluster's local time; read as local time it is the same instant, and its span is Elapsed.
    const times = accountingTimes(record!);
    assert.equal(times.startedAt, new Date('2026-12-04T19:59:04').toISOString());
    assert.equal(times.endedAt, new Date('2026-12-04T19:59:07').toISOString());
    assert.equal((Date.parse(times.endedAt!) - Date.parse(times.startedAt!)) / 1000, record?.elapsedSeconds);
  });

  test('Unknown and None are no time', () => {
    const [pending] = parseSacct('181|181|CANCELLED by 0|0:0|00:00:00|None|2026-12-04T19:59:30\n');
    assert.equal(pending?.start, undefined);
    assert.deepEqual(accountingTimes(pending!), { endedAt: new Date('2026-12-04T19:59:30').toISOString() });
    const [running] = parseSacct('182|182|RUNNING|0:0|00:00:05|2026-12-04T19:59:30|Unknown\n');
    assert.equal(running?.end, undefined);
    assert.deepEqual(accountingTimes(running!), { startedAt: new Date('2026-12-04T19:59:30').toISOString() });
  });
});
