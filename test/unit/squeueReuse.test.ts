// parseSqueue reuses the entries of records unchanged since the last parse; a changed record is parsed afresh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqueueParseError, formatSqueue, parseSqueue } from '../../core/slurm/squeue.js';

const entry = (id: string, state: string, elapsed = '0:05') => ({ id, state, reason: 'None', elapsed, workDir: `/jobs/j${id}`, name: `j${id}` });

test('an unchanged record is the same entry as in the last parse, a changed one a new entry with the new fields', () => {
  const first = parseSqueue(formatSqueue([entry('1', 'PENDING'), entry('2', 'RUNNING')]));
  const second = parseSqueue(formatSqueue([entry('1', 'PENDING'), entry('2', 'COMPLETED', '0:09')]));
  assert.equal(second[0], first[0]);
  assert.notEqual(second[1], first[1]);
  assert.deepEqual(second[1], { ...entry('2', 'COMPLETED', '0:09'), elapsedSeconds: 9 });
});

test('reused entries equal a parse from scratch, over random polls', () => {
  let seed = 7;
  const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const states = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'];
  const jobs = Array.from({ length: 50 }, (_, i) => entry(String(i + 1), 'PENDING'));
  for (let poll = 0; poll < 30; poll++) {
    for (let k = 0; k < 10; k++) {
      const job = jobs[random(jobs.length)]!;
      jobs[jobs.indexOf(job)] = entry(job.id, states[random(states.length)]!, `0:${String(random(60)).padStart(2, '0')}`);
    }
    const text = formatSqueue(jobs);
    const parsed = parseSqueue(text);
    // an independent oracle: split the text by its separators
    const oracle = text.split('\x1e\n').filter(Boolean).map((record) => record.split('\x1f'));
    assert.deepEqual(
      parsed.map((e) => [e.id, e.state, e.reason, e.elapsed, e.workDir, e.name]),
      oracle,
    );
  }
});

test('a garbled answer still throws, even when its records were seen before', () => {
  const good = formatSqueue([entry('1', 'PENDING')]);
  parseSqueue(good);
  assert.throws(() => parseSqueue(`${good}1\x1fPENDING`), SqueueParseError);
  assert.equal(parseSqueue(good).length, 1);
});
