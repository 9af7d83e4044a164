// A batch whose submissions wait for the cluster, as every front end shows it: the record's field, the tree's
// description, the dashboard's header record and `run`'s progress lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reportPass } from '../../core/cli/runProgress.js';
import { dashboardRecord } from '../../core/dashboard/data.js';
import type { BatchRecord } from '../../core/runner/records.js';
import { describeWaiting, readWaiting } from '../../core/runner/waiting.js';
import type { BatchWaiting } from '../../core/runner/waiting.js';
import { summarise } from '../../core/truth/summary.js';
import { batchDescription } from '../../core/view/batchTree.js';

const LIMIT: BatchWaiting = { reason: 'submit limit', limit: 3, since: '2026-01-01T10:00:00.000Z', message: 'QOSMaxSubmitJobPerUserLimit' };

describe('waiting: the one line', () => {
  test('a submit limit names the limit; other reasons name themselves', () => {
    assert.equal(describeWaiting(LIMIT), 'waiting — submit limit 3 reached');
    assert.equal(describeWaiting({ reason: 'controller unreachable' }), 'waiting — controller unreachable');
  });

  test('a record file is read back checked: an unknown reason or a missing time is no wait', () => {
    assert.deepEqual(readWaiting(JSON.parse(JSON.stringify(LIMIT))), LIMIT);
    assert.equal(readWaiting({ reason: 'bored', since: LIMIT.since }), null);
    assert.equal(readWaiting({ reason: 'rate limit' }), null);
    assert.equal(readWaiting(null), null);
    assert.deepEqual(readWaiting({ reason: 'rate limit', since: LIMIT.since, limit: -2 }), { reason: 'rate limit', since: LIMIT.since, message: '' });
  });

  test('the tree: the batch description ends with the wait', () => {
    const summary = summarise(['running', 'running', 'running', 'not_started']);
    // The counts are the one summary phrasing every view shares.
    assert.equal(batchDescription(summary, false, describeWaiting(LIMIT)), '0/4 succeeded, 3 running, 1 not started · waiting — submit limit 3 reached');
    assert.equal(batchDescription(summary), '0/4 succeeded, 3 running, 1 not started', 'no wait, no words');
  });

  test('the dashboard: the header record carries the wait while the launch is in progress only', () => {
    const record = { id: '1_a', name: 'n', run_number: 1, message: '', tags: [], start_time: LIMIT.since, end_time: null, created_by: 'me', git: null, runner: { host: 'h', pid: 1, heartbeat: LIMIT.since }, computed_options: {}, error_msg: null, waiting: LIMIT } as unknown as BatchRecord;
    assert.equal(dashboardRecord(record, 'in_progress').waiting, 'waiting — submit limit 3 reached');
    assert.equal(dashboardRecord(record, 'lost').waiting, undefined, 'a dead runner waits for nothing');
    assert.equal('waiting' in dashboardRecord({ ...record, waiting: null }, 'in_progress'), false);
  });

  test("run's progress lines say when the wait starts and ends, once each", () => {
    const rows: never[] = [];
    const summary = summarise([]);
    const at = new Date(2026, 0, 1, 10, 0, 0);
    const first = reportPass(undefined, { rows, summary }, at);
    const waiting = reportPass(first.state, { rows, summary, waiting: LIMIT }, at);
    assert.match(waiting.text, /\n {2}waiting — submit limit 3 reached \(since \d\d:\d\d:\d\d\)$/);
    assert.equal(reportPass(waiting.state, { rows, summary, waiting: LIMIT }, at).text, '', 'the same wait is not said again');
    assert.match(reportPass(waiting.state, { rows, summary }, at).text, /\n {2}submitting again$/);
  });
});
