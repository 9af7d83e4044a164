// The dashboard's derived batch state and progress, from job statuses and the record's status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardRecordStatus } from '../../core/dashboard/protocol.js';
import type { JobStatus } from '../../core/status.js';
import { summarise } from '../../core/truth/summary.js';
import { batchProgress, batchStateWords, deriveBatchState, deriveBatchStateOf } from '../../core/dashboard/page/state.js';

function state(statuses: JobStatus[], record: DashboardRecordStatus | null): string {
  return deriveBatchStateOf(statuses, record);
}

describe('deriveBatchState', () => {
  it('is SCHEDULE while no job has started, launched or not', () => {
    assert.equal(state(['not_started', 'not_started'], null), 'SCHEDULE');
    assert.equal(state(['pending', 'not_started'], 'in_progress'), 'SCHEDULE');
    assert.equal(state(['pending', 'pending'], 'in_progress'), 'SCHEDULE');
  });

  it('is RUNNING once a job runs or has ended while others have not', () => {
    assert.equal(state(['running', 'pending'], 'in_progress'), 'RUNNING');
    assert.equal(state(['succeeded', 'pending'], 'in_progress'), 'RUNNING');
    assert.equal(state(['failed', 'not_started'], 'in_progress'), 'RUNNING');
    // a dead runner does not end a batch whose jobs are still queued
    assert.equal(state(['succeeded', 'running'], 'lost'), 'RUNNING');
  });

  it('is TERMINATING when every job is final but the runner has not closed the record', () => {
    assert.equal(state(['succeeded', 'succeeded'], 'in_progress'), 'TERMINATING');
    assert.equal(state(['succeeded', 'failed'], 'in_progress'), 'TERMINATING');
  });

  it('is DONE when every job succeeded and the record is closed (or there is none)', () => {
    assert.equal(state(['succeeded', 'succeeded'], 'completed'), 'DONE');
    assert.equal(state(['succeeded'], null), 'DONE');
    assert.equal(state(['succeeded'], 'lost'), 'DONE');
  });

  it('is ERROR when every job is final and one did not succeed, or the runner failed', () => {
    assert.equal(state(['succeeded', 'failed'], 'completed'), 'ERROR');
    assert.equal(state(['succeeded', 'broken_dependency'], 'completed'), 'ERROR');
    assert.equal(state(['succeeded', 'cancelled'], 'canceled'), 'ERROR');
    assert.equal(state(['failed'], 'lost'), 'ERROR');
    assert.equal(state(['succeeded'], 'internal_error'), 'ERROR');
  });

  it('handles a batch without jobs', () => {
    assert.equal(state([], 'in_progress'), 'SCHEDULE');
    assert.equal(state([], 'completed'), 'DONE');
    assert.equal(state([], 'internal_error'), 'ERROR');
    assert.equal(deriveBatchState(summarise([]), null), 'DONE');
  });
});

describe('batchProgress', () => {
  it('counts final of total, succeeded, and failed with blocked jobs', () => {
    const progress = batchProgress(summarise(['succeeded', 'succeeded', 'failed', 'broken_dependency', 'cancelled', 'running', 'pending', 'not_started']));
    assert.deepEqual(progress, { total: 8, final: 5, succeeded: 2, failed: 2, cancelled: 1, running: 1, pending: 1, fraction: 5 / 8 });
  });

  it('is 0 for an empty batch, not NaN', () => {
    assert.equal(batchProgress(summarise([])).fraction, 0);
  });
});

describe('batchStateWords: the state and the launch as one phrase', () => {
  const words = (statuses: JobStatus[], record: DashboardRecordStatus | null) => {
    const said = batchStateWords(summarise(statuses), record);
    return `${said.text} (${said.tone})`;
  };

  it('never shows an error beside a completed launch, nor a schedule on a batch never launched', () => {
    assert.equal(words(['not_started', 'not_started'], null), 'never launched (idle)');
    assert.equal(words(['succeeded', 'failed', 'broken_dependency'], 'completed'), 'finished with failures (error)');
    assert.equal(words(['succeeded', 'succeeded'], 'completed'), 'finished, every job succeeded (done)');
    assert.equal(words(['succeeded', 'cancelled'], 'completed'), 'finished, some jobs cancelled (warning)');
  });

  it('says what a running launch is doing, and what a dead or stopped runner left', () => {
    assert.equal(words(['pending', 'not_started'], 'in_progress'), 'launched, no job started yet (running)');
    assert.equal(words(['running', 'succeeded'], 'in_progress'), 'running (running)');
    assert.equal(words(['succeeded', 'failed'], 'in_progress'), 'finishing: every job ended (finishing)');
    assert.equal(words(['running', 'succeeded'], 'lost'), 'runner lost, jobs still queued (warning)');
    assert.equal(words(['succeeded', 'not_started'], 'internal_error'), 'runner stopped by an internal error (error)');
    assert.equal(words(['succeeded', 'not_started'], 'completed'), 'finished, 1 job not run (warning)');
    assert.equal(words(['cancelled', 'running'], 'canceled'), 'cancelled, jobs still stopping (warning)');
    assert.equal(words(['succeeded', 'failed'], null), 'finished with failures (error)');
  });
});
