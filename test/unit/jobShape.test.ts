// The job shapes compare key by key: a change in any key of a view (or of a row's last event) is seen, with no list of
// fields to forget; and a view's last event is derived from its own times.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lastEventOf, sameJob } from '../../core/truth/job.js';
import type { JobView } from '../../core/truth/job.js';
import { notStartedJob, sameJobView } from '../../core/view/jobView.js';

const view: JobView = {
  ...notStartedJob({ basename: 'opt', directory: '/calc/opt', program: 'xtb' }),
  status: 'failed',
  jobId: '7',
  slurmState: 'TIMEOUT',
  reason: 'None',
  elapsed: '1:00',
  exitCode: 0,
  cause: 'TIMEOUT',
  submittedAt: '2026-01-01T09:00:00.000Z',
  startedAt: '2026-01-01T09:01:00.000Z',
  endedAt: '2026-01-01T09:02:00.000Z',
  restarts: 1,
};

describe('job shapes', () => {
  test('two views are alike only when every key is', () => {
    assert.ok(sameJobView(view, { ...view }));
    for (const key of Object.keys(view) as (keyof JobView)[]) {
      const other = { ...view, [key]: key === 'restarts' ? 2 : key === 'exitCode' ? 1 : null } as JobView;
      assert.ok(!sameJobView(view, other), `a change of ${key} is seen`);
    }
    assert.ok(!sameJobView(view, { ...view, extra: 1 } as JobView), 'a key more is a difference');
  });

  test('the last event is compared by its content, and derived from the times the status points at', () => {
    const row = { ...view, lastEvent: lastEventOf(view) };
    assert.deepEqual(row.lastEvent, { status: 'failed', at: view.endedAt });
    assert.ok(sameJob(row, { ...row, lastEvent: { status: 'failed', at: view.endedAt! } }));
    assert.ok(!sameJob(row, { ...row, lastEvent: { status: 'failed', at: view.startedAt! } }));
    assert.ok(!sameJob(row, { ...row, lastEvent: null }));
    assert.deepEqual(lastEventOf({ ...view, status: 'running' }), { status: 'running', at: view.startedAt });
    assert.equal(lastEventOf({ ...view, status: 'pending', submittedAt: null }), null);
  });
});
