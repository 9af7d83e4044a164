// What the host sends the dashboard: rows from the tree's jobs, the record, the history with derived `lost`, and the
// typed messages (their guards and the ready handshake's shape).
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import {
  JobsChangedMessage,
  ReadyMessage,
  SnapshotMessage,
  isHostToPageMessage,
  isMessage,
  isPageToHostMessage,
  message,
} from '../../core/dashboard/protocol.js';
import type { BatchRecord } from '../../core/runner/records.js';
import { dashboardJob, dashboardRecord, historyEntries } from '../../core/dashboard/data.js';
import { notStartedJob } from '../../core/view/jobView.js';
import type { JobView } from '../../core/view/jobView.js';

function record(patch: Partial<BatchRecord>): BatchRecord {
  return {
    id: '1700000000000_abcd',
    name: 'brave-otter',
    message: 'first try',
    tags: ['dft'],
    metadata: {},
    status: 'completed',
    start_time: '2025-01-01T10:00:00.000Z',
    end_time: '2025-01-01T11:00:00.000Z',
    error_msg: null,
    created_by: 'chemist',
    git: { repository: '/repo', remote: null, branch: 'main', commit: 'a'.repeat(40), dirty: false },
    version: '0.1.0',
    batchfile: '/repo/batchfile.csv',
    command_options: { executor: 'auto' },
    computed_options: { executor: 'local' },
    runner: { host: hostname(), pid: 4242, heartbeat: '2025-01-01T11:00:00.000Z' },
    counts: { total: 2, succeeded: 1, failed: 1, running: 0, pending: 0, not_started: 0, broken_dependency: 0, cancelled: 0 },
    run_number: 1,
    resumes: [],
    ...patch,
  };
}

describe('dashboardJob', () => {
  const base: JobView = { ...notStartedJob({ basename: 'opt', directory: '/calc/opt', program: 'xtb' }) };

  it('has no last event before submission', () => {
    assert.equal(dashboardJob(base).lastEvent, null);
  });

  it('takes the last event from the time of the status it is in', () => {
    const times = { submittedAt: '2025-01-01T10:00:00Z', startedAt: '2025-01-01T10:01:00Z', endedAt: '2025-01-01T10:09:00Z' };
    assert.deepEqual(dashboardJob({ ...base, ...times, status: 'pending', jobId: '7' }).lastEvent, { status: 'pending', at: times.submittedAt });
    assert.deepEqual(dashboardJob({ ...base, ...times, status: 'running', jobId: '7' }).lastEvent, { status: 'running', at: times.startedAt });
    const failed = dashboardJob({ ...base, ...times, status: 'failed', jobId: '7', cause: 'TIMEOUT', elapsed: '8:00' });
    assert.deepEqual(failed.lastEvent, { status: 'failed', at: times.endedAt });
    assert.equal(failed.cause, 'TIMEOUT');
    assert.equal(failed.elapsed, '8:00');
    assert.equal(failed.jobId, '7');
  });
});

describe('dashboardRecord', () => {
  it('carries what the header shows, the executor from the computed options', () => {
    const shown = dashboardRecord(record({}), 'completed');
    assert.equal(shown.executor, 'local');
    assert.equal(shown.runNumber, 1);
    assert.deepEqual(shown.git, { repository: '/repo', branch: 'main', commit: 'a'.repeat(40) });
    assert.deepEqual(shown.tags, ['dft']);
    assert.equal(shown.createdBy, 'chemist');
  });
});

describe('historyEntries', () => {
  it('keeps the order given and derives lost for a dead runner', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    const running = record({ id: 'b', run_number: 2, status: 'in_progress', end_time: null, counts: null, runner: { host: hostname(), pid: 1, heartbeat: '2025-01-01T11:59:50Z' } });
    const dead = record({ id: 'c', run_number: 3, status: 'in_progress', end_time: null, counts: null, runner: { host: hostname(), pid: 2, heartbeat: '2025-01-01T11:59:50Z' } });
    const entries = historyEntries([dead, running, record({})], { now, isPidAlive: (pid) => pid === 1 });
    assert.deepEqual(
      entries.map((entry) => [entry.id, entry.status, entry.runNumber]),
      [
        ['c', 'lost', 3],
        ['b', 'in_progress', 2],
        ['1700000000000_abcd', 'completed', 1],
      ],
    );
    assert.equal(entries[2]!.counts?.failed, 1);
  });
});

describe('dashboard messages', () => {
  it('builds and recognises messages by method and direction', () => {
    const ready = message(ReadyMessage, { protocolVersion: 1 });
    assert.deepEqual(ready, { method: 'batchman/dashboard/ready', params: { protocolVersion: 1 } });
    assert.ok(isPageToHostMessage(ready));
    assert.ok(!isHostToPageMessage(ready));
    assert.ok(isMessage(ready, ReadyMessage));
    const changed = message(JobsChangedMessage, { jobs: [], at: '2025-01-01T00:00:00Z' });
    assert.ok(isHostToPageMessage(changed));
    assert.ok(!isMessage(changed, SnapshotMessage));
  });

  it('ignores what is not one of ours', () => {
    for (const value of [null, 'ready', { method: 'batchman/dashboard/ready' }, { method: 'other', params: {} }, { type: 'x' }]) {
      assert.ok(!isPageToHostMessage(value));
      assert.ok(!isHostToPageMessage(value));
    }
  });
});
