// SLURM output parsing and state meanings: squeue records, sacct lines, exit codes, durations.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseSacct, sacctArgs } from '../../core/slurm/sacct.js';
import { SQUEUE_FORMAT, SqueueParseError, formatSqueue, parseSqueue, squeueArgs } from '../../core/slurm/squeue.js';
import { failureCause, parseSlurmDuration, parseSlurmExitCode, slurmStateMeaning } from '../../core/slurm/states.js';

const US = '\x1f';
const RS = '\x1e';

describe('SLURM state meanings', () => {
  const cases: [string, string, boolean, string | undefined][] = [
    ['PENDING', 'pending', false, undefined],
    ['CONFIGURING', 'pending', false, undefined],
    ['REQUEUED', 'pending', false, undefined],
    ['REQUEUE_HOLD', 'pending', false, undefined],
    ['RUNNING', 'running', false, undefined],
    ['COMPLETING', 'running', false, undefined],
    ['SUSPENDED', 'running', false, undefined],
    ['COMPLETED', 'succeeded', true, undefined],
    ['FAILED', 'failed', true, 'FAILED'],
    ['TIMEOUT', 'failed', true, 'TIMEOUT'],
    ['OUT_OF_MEMORY', 'failed', true, 'OUT_OF_MEMORY'],
    ['NODE_FAIL', 'failed', true, 'NODE_FAIL'],
    ['PREEMPTED', 'failed', true, 'PREEMPTED'],
    ['BOOT_FAIL', 'failed', true, 'BOOT_FAIL'],
    ['DEADLINE', 'failed', true, 'DEADLINE'],
    ['CANCELLED', 'cancelled', true, 'CANCELLED'],
  ];
  for (const [raw, status, final, cause] of cases) {
    test(`${raw} → ${status}${cause ? ` (${cause})` : ''}`, () => {
      const meaning = slurmStateMeaning(raw);
      assert.equal(meaning.state, raw);
      assert.equal(meaning.status, status);
      assert.equal(meaning.final, final);
      assert.equal(meaning.cause, cause);
      assert.equal(meaning.known, true);
    });
  }

  test('"CANCELLED by 0" reads its first word and keeps who cancelled', () => {
    const meaning = slurmStateMeaning('CANCELLED by 0');
    assert.equal(meaning.state, 'CANCELLED');
    assert.equal(meaning.status, 'cancelled');
    assert.equal(meaning.cancelledBy, '0');
    assert.equal(slurmStateMeaning('CANCELLED by 1001').cancelledBy, '1001');
  });

  test('an unknown state is never a failure by guess', () => {
    const meaning = slurmStateMeaning('SOMETHING_NEW');
    assert.equal(meaning.known, false);
    assert.equal(meaning.final, false);
    assert.notEqual(meaning.status, 'failed');
  });

  test('exit codes N:M give the exit code and the signal', () => {
    assert.deepEqual(parseSlurmExitCode('3:0'), { exitCode: 3, signal: 0 });
    assert.deepEqual(parseSlurmExitCode('0:9'), { exitCode: 0, signal: 9 });
    assert.deepEqual(parseSlurmExitCode('0:0'), { exitCode: 0, signal: 0 });
    assert.equal(parseSlurmExitCode(''), undefined);
    assert.equal(parseSlurmExitCode('x'), undefined);
  });

  test('the cause of a FAILED job is its exit code or signal when known', () => {
    const failed = slurmStateMeaning('FAILED');
    assert.equal(failureCause(failed, { exitCode: 3, signal: 0 }), 'exit code 3');
    assert.equal(failureCause(failed, { exitCode: 0, signal: 9 }), 'signal 9');
    assert.equal(failureCause(failed), 'FAILED');
    assert.equal(failureCause(slurmStateMeaning('TIMEOUT'), { exitCode: 0, signal: 15 }), 'TIMEOUT');
    assert.equal(failureCause(slurmStateMeaning('COMPLETED'), { exitCode: 0, signal: 0 }), undefined);
  });

  test('durations in every SLURM form', () => {
    assert.equal(parseSlurmDuration('0:00'), 0);
    assert.equal(parseSlurmDuration('1:07'), 67);
    assert.equal(parseSlurmDuration('00:00:19'), 19);
    assert.equal(parseSlurmDuration('2:03:04'), 2 * 3600 + 3 * 60 + 4);
    assert.equal(parseSlurmDuration('1-02:03:04'), 86400 + 2 * 3600 + 3 * 60 + 4);
    assert.equal(parseSlurmDuration('1-02'), 86400 + 2 * 3600);
    assert.equal(parseSlurmDuration('INVALID'), undefined);
    assert.equal(parseSlurmDuration('UNLIMITED'), undefined);
  });
});

describe('squeue', () => {
  test('one call for every job of the user, finished ones included, the name last', () => {
    const args = squeueArgs();
    assert.ok(args.includes('--me'));
    assert.ok(args.includes('--states=all'));
    assert.ok(args.includes('--noheader'));
    assert.ok(args.includes(`--format=${SQUEUE_FORMAT}`));
    assert.ok(SQUEUE_FORMAT.endsWith(`%j${RS}`), 'the free-text name comes last');
  });

  test('parses records, including array ids and a job with no name', () => {
    const out =
      `12${US}RUNNING${US}None${US}1:07${US}/home/u/b/j1${US}opt${RS}\n` +
      `13_4${US}PENDING${US}Dependency${US}0:00${US}/home/u/b/j2${US}freq${RS}\n` +
      `14_[1-3]${US}PENDING${US}Priority${US}0:00${US}/w${US}${RS}\n`;
    const entries = parseSqueue(out);
    assert.equal(entries.length, 3);
    assert.deepEqual(entries[0], {
      id: '12',
      state: 'RUNNING',
      reason: 'None',
      elapsed: '1:07',
      elapsedSeconds: 67,
      workDir: '/home/u/b/j1',
      name: 'opt',
    });
    assert.equal(entries[1]?.id, '13_4');
    assert.equal(entries[1]?.reason, 'Dependency');
    assert.equal(entries[2]?.id, '14_[1-3]');
    assert.equal(entries[2]?.name, '');
  });

  test('names with |, quotes, $(), backticks, separators and newlines stay intact', () => {
    const names = ['a|b|c', `say "hi" 'there'`, '$(rm -rf /) `id`', `with${US}unit${US}seps`, 'two\nlines', 'ünïcödé ✓', ' padded '];
    const records = names.map((name, i) => ({
      id: String(100 + i),
      state: 'PENDING',
      reason: 'Priority',
      elapsed: '0:00',
      workDir: '/tmp/x|y',
      name,
    }));
    const parsed = parseSqueue(formatSqueue(records));
    assert.deepEqual(
      parsed.map((e) => e.name),
      names,
    );
    assert.ok(parsed.every((e) => e.workDir === '/tmp/x|y' && e.state === 'PENDING'));
  });

  test('empty output is an empty queue; a missing final newline is tolerated', () => {
    assert.deepEqual(parseSqueue(''), []);
    const out = `5${US}RUNNING${US}None${US}0:01${US}/w${US}n${RS}`;
    assert.equal(parseSqueue(out).length, 1);
  });

  test('garbled output throws rather than reading as "no jobs"', () => {
    for (const garbage of [
      'slurm_load_jobs error: Unable to contact slurm controller\n',
      '12|RUNNING|None|1:07|/w|name\n',
      `12${US}RUNNING${US}None${RS}\n`,
      `abc${US}RUNNING${US}None${US}0:01${US}/w${US}n${RS}\n`,
      `12${US}running state${US}None${US}0:01${US}/w${US}n${RS}\n`,
      `12${US}RUNNING${US}None${US}0:01${US}/w${US}n${RS}\ntruncated${US}`,
    ]) {
      assert.throws(() => parseSqueue(garbage), SqueueParseError, JSON.stringify(garbage));
    }
  });
});

describe('sacct', () => {
  test('one batched call for many ids, allocations only, parseable', () => {
    assert.deepEqual(sacctArgs(['6', '7', '11_2']).slice(0, 5), ['-X', '-n', '-P', '-j', '6,7,11_2']);
  });

  test('parses states, exit codes, array tasks and "CANCELLED by 0"', () => {
    const out = [
      '6|6|COMPLETED|0:0|00:00:01|2026-01-01T10:00:00|2026-01-01T10:00:01',
      '7|7|FAILED|3:0|00:00:02|2026-01-01T10:00:00|2026-01-01T10:00:02',
      '8|8|CANCELLED by 0|0:15|00:00:05|2026-01-01T10:00:00|2026-01-01T10:00:05',
      '9|9|CANCELLED by 0|0:0|00:00:00|None|2026-01-01T10:00:05',
      '11_2|13|TIMEOUT|0:0|00:01:07|2026-01-01T10:00:00|2026-01-01T10:01:07',
      '',
    ].join('\n');
    const records = parseSacct(out);
    assert.equal(records.length, 5);
    assert.equal(records[1]?.exitCode, 3);
    assert.equal(records[1]?.signal, 0);
    assert.equal(records[2]?.state, 'CANCELLED by 0');
    assert.equal(records[2]?.signal, 15);
    assert.equal(records[3]?.start, undefined);
    assert.equal(records[4]?.jobId, '11_2');
    assert.equal(records[4]?.rawJobId, '13');
    assert.equal(records[4]?.elapsedSeconds, 67);
  });

  test('garbled lines throw', () => {
    assert.throws(() => parseSacct('not|a|record\n'));
    assert.throws(() => parseSacct('sacct: error: Problem talking to the database|x|y|z|a|b|c\n'));
  });
});
