// The dashboard feed of one batch: a snapshot (jobs in batchfile order, links, header, history), then only what
// changed: the rows whose fields changed, a new snapshot when the job list changed, the header and the history when
// they changed; the launch on show; links from a real parsed batchfile. Views come from the real BatchTree, as the
// host gets them.
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { BatchChangedMessage, HistoryChangedMessage, JobsChangedMessage, SnapshotMessage, isHostToPageMessage } from '../../core/dashboard/protocol.js';
import type { DashboardLink, HostToPageMessage } from '../../core/dashboard/protocol.js';
import type { BatchRecord } from '../../core/runner/records.js';
import { BATCH_ID as ID, NOW, batchView, jobView as job, keyOfJob, record } from './dashboardHostFixtures.js';
import { BatchTree } from '../../core/view/batchTree.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { DashboardFeed, dashboardLinks, touchesJob } from '../../core/dashboard/feed.js';
import { jobKey } from '../../core/ledger/jobKey.js';

const options = { now: () => NOW, isPidAlive: () => true };

const JOBS = [job('opt', { status: 'running', jobId: '11', startedAt: '2025-03-01T11:50:00.000Z' }), job('freq'), job('sp')];
const LINKS: DashboardLink[] = [
  { from: 'opt', to: 'freq', kind: 'coords' },
  { from: 'opt', to: 'sp', kind: 'coords' },
];

/** A tree holding the batch, and the feed over the tree's view of it (the host's setup). */
function setup(jobs = JOBS, records: BatchRecord[] = [record('r1')]): { tree: BatchTree; feed: DashboardFeed; view: () => BatchView } {
  const tree = new BatchTree();
  tree.setBatch(batchView(jobs.map((j) => ({ ...j }))));
  const view = (): BatchView => tree.batch(ID)!;
  return { tree, feed: new DashboardFeed({ view: view(), links: LINKS, records }, options), view };
}

function methods(messages: readonly HostToPageMessage[]): string[] {
  return messages.map((m) => m.method);
}

describe('dashboard feed: the snapshot', () => {
  it('has the header, the jobs in batchfile order, the links, the history and the time', () => {
    const { feed } = setup();
    const snapshot = feed.snapshot();
    assert.ok(isHostToPageMessage(snapshot));
    assert.equal(snapshot.method, SnapshotMessage.method);
    const { batch, jobs, links, history, at } = snapshot.params;
    assert.deepEqual(jobs.map((j) => j.basename), ['opt', 'freq', 'sp']);
    assert.equal(jobs[0]!.status, 'running');
    assert.deepEqual(jobs[0]!.lastEvent, { status: 'running', at: '2025-03-01T11:50:00.000Z' });
    assert.deepEqual(links, LINKS);
    assert.equal(batch.id, ID);
    assert.equal(batch.ledgerPath, '/work/calcs/__ledger__.csv');
    assert.equal(batch.record?.id, 'r1');
    assert.equal(batch.record?.executor, 'local');
    assert.deepEqual(history.map((entry) => entry.id), ['r1']);
    assert.equal(at, new Date(NOW).toISOString());
    // plain JSON: what postMessage carries is what was built
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  });

  it('sends nothing before the first snapshot, and nothing when nothing changed', () => {
    const { feed, tree, view } = setup();
    assert.deepEqual(feed.update({ view: view() }), [], 'the page has not been sent anything yet');
    feed.snapshot();
    assert.deepEqual(feed.update({ view: view() }), []);
    tree.setBatch(batchView(JOBS.map((j) => ({ ...j }))));
    assert.deepEqual(feed.update({ view: view() }), [], 'new objects with the same fields are no change');
  });
});

describe('dashboard feed: minimal updates', () => {
  it('sends only the rows whose fields changed', () => {
    const { feed, tree, view } = setup();
    feed.snapshot();
    tree.updateJobs(ID, [job('opt', { status: 'succeeded', jobId: '11', startedAt: '2025-03-01T11:50:00.000Z', endedAt: '2025-03-01T11:55:00.000Z', elapsed: '5:00' })]);
    const messages = feed.update({ view: view() });
    assert.deepEqual(methods(messages), [JobsChangedMessage.method]);
    const [changed] = messages as [Extract<HostToPageMessage, { method: 'batchman/dashboard/jobsChanged' }>];
    assert.deepEqual(changed.params.jobs.map((j) => [j.basename, j.status, j.elapsed]), [['opt', 'succeeded', '5:00']]);
    assert.deepEqual(changed.params.jobs[0]!.lastEvent, { status: 'succeeded', at: '2025-03-01T11:55:00.000Z' });
    assert.equal(changed.params.at, new Date(NOW).toISOString());
    // the same state again is no message; a second job changing is that job alone
    assert.deepEqual(feed.update({ view: view() }), []);
    tree.updateJobs(ID, [job('freq', { status: 'pending', jobId: '12', reason: 'Dependency' })]);
    const second = feed.update({ view: view() });
    assert.deepEqual(methods(second), [JobsChangedMessage.method]);
    assert.deepEqual((second[0]!.params as { jobs: { basename: string }[] }).jobs.map((j) => j.basename), ['freq']);
  });

  it('sends a fresh snapshot when jobs were added, removed or reordered', () => {
    const { feed, tree, view } = setup();
    feed.snapshot();
    tree.setBatch(batchView([JOBS[1]!, JOBS[0]!, JOBS[2]!].map((j) => ({ ...j }))));
    let messages = feed.update({ view: view() });
    assert.deepEqual(methods(messages), [SnapshotMessage.method], 'reordered');
    assert.deepEqual((messages[0]!.params as { jobs: { basename: string }[] }).jobs.map((j) => j.basename), ['freq', 'opt', 'sp']);
    tree.setBatch(batchView([...JOBS, job('extra')].map((j) => ({ ...j }))));
    messages = feed.update({ view: view() });
    assert.deepEqual(methods(messages), [SnapshotMessage.method], 'added');
    assert.equal((messages[0]!.params as { jobs: unknown[] }).jobs.length, 4);
    tree.setBatch(batchView([JOBS[0]!].map((j) => ({ ...j }))));
    assert.deepEqual(methods(feed.update({ view: view() })), [SnapshotMessage.method], 'removed');
    // after the snapshot, diffs are against it
    assert.deepEqual(feed.update({ view: view() }), []);
  });

  it('sends a snapshot when the links changed (the graph has only the snapshot\'s)', () => {
    const { feed, view } = setup();
    feed.snapshot();
    assert.deepEqual(feed.update({ view: view(), links: LINKS.map((l) => ({ ...l })) }), []);
    const messages = feed.update({ links: [LINKS[0]!] });
    assert.deepEqual(methods(messages), [SnapshotMessage.method]);
    assert.deepEqual((messages[0]!.params as { links: DashboardLink[] }).links, [LINKS[0]]);
  });

  it('sends the header alone when only the header changed', () => {
    const { feed, tree, view } = setup();
    feed.snapshot();
    tree.updateBatch(ID, { stale: 'squeue failed: timeout' });
    const messages = feed.update({ view: view() });
    assert.deepEqual(methods(messages), [BatchChangedMessage.method]);
    assert.equal((messages[0]!.params as { batch: { stale: string } }).batch.stale, 'squeue failed: timeout');
    assert.deepEqual(feed.update({ view: view() }), []);
  });

  it('sends the history and the header when a launch begins, and the history when it ends', () => {
    const { feed, view } = setup();
    feed.snapshot();
    const running = record('r2', {
      status: 'in_progress',
      end_time: null,
      start_time: '2025-03-01T11:59:00.000Z',
      run_number: 2,
      runner: { host: hostname(), pid: process.pid, heartbeat: new Date(NOW).toISOString() },
    });
    let messages = feed.update({ view: view(), records: [running, record('r1')] });
    assert.deepEqual(methods(messages), [BatchChangedMessage.method, HistoryChangedMessage.method]);
    assert.equal((messages[0]!.params as { batch: { record: { id: string; status: string } } }).batch.record.id, 'r2');
    assert.deepEqual((messages[1]!.params as { history: { id: string; status: string }[] }).history.map((h) => [h.id, h.status]), [['r2', 'in_progress'], ['r1', 'completed']]);
    messages = feed.update({ records: [{ ...running, status: 'completed', end_time: '2025-03-01T12:00:00.000Z' }, record('r1')] });
    assert.deepEqual(methods(messages), [BatchChangedMessage.method, HistoryChangedMessage.method]);
    assert.equal((messages[1]!.params as { history: { status: string }[] }).history[0]!.status, 'completed');
  });

  it('shows a launch whose runner died as lost', () => {
    const tree = new BatchTree();
    tree.setBatch(batchView(JOBS.map((j) => ({ ...j }))));
    const running = record('r2', { status: 'in_progress', end_time: null, runner: { host: hostname(), pid: 999_999, heartbeat: new Date(NOW).toISOString() } });
    const feed = new DashboardFeed({ view: tree.batch(ID)!, links: [], records: [running] }, { now: () => NOW, isPidAlive: () => false });
    const { batch, history } = feed.snapshot().params;
    assert.equal(batch.record?.status, 'lost');
    assert.equal(history[0]!.status, 'lost');
  });

  it('starts over after reset: the next message is a snapshot built by the caller', () => {
    const { feed, tree, view } = setup();
    feed.snapshot();
    feed.reset();
    tree.updateJobs(ID, [job('sp', { status: 'pending', jobId: '13' })]);
    assert.deepEqual(feed.update({ view: view() }), [], 'a discarded page is sent nothing');
    const snapshot = feed.snapshot();
    assert.equal(snapshot.params.jobs[2]!.status, 'pending');
    assert.deepEqual(feed.update({ view: view() }), []);
  });

  it('names the job a message touches, for the job detail', () => {
    const { feed, tree, view } = setup();
    const snapshot = feed.snapshot();
    assert.ok(touchesJob([snapshot], keyOfJob('freq')));
    tree.updateJobs(ID, [job('freq', { status: 'pending', jobId: '12' })]);
    const messages = feed.update({ view: view() });
    assert.ok(touchesJob(messages, keyOfJob('freq')));
    assert.ok(!touchesJob(messages, keyOfJob('opt')));
    assert.ok(!touchesJob([], keyOfJob('freq')));
  });
});

describe('dashboard feed: a large batch', () => {
  it('sends one row for one change among 10,000 jobs, quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => job(`job${String(i).padStart(5, '0')}`, { status: 'pending', jobId: String(100 + i) }));
    const { feed, tree, view } = setup(many, [record('r1')]);
    let started = performance.now();
    const snapshot = feed.snapshot();
    const snapshotMs = performance.now() - started;
    assert.equal(snapshot.params.jobs.length, 10_000);
    tree.updateJobs(ID, [{ ...many[4321]!, status: 'running', startedAt: '2025-03-01T11:58:00.000Z' }]);
    started = performance.now();
    const messages = feed.update({ view: view() });
    const updateMs = performance.now() - started;
    assert.deepEqual(methods(messages), [JobsChangedMessage.method]);
    assert.deepEqual((messages[0]!.params as { jobs: { basename: string }[] }).jobs.map((j) => j.basename), ['job04321']);
    // generous bounds (a slow CI machine): the point is that an update does not rebuild every row
    assert.ok(updateMs < 250, `update took ${updateMs.toFixed(1)} ms`);
    console.log(`dashboard feed, 10,000 jobs: snapshot ${snapshotMs.toFixed(1)} ms, one-row update ${updateMs.toFixed(1)} ms`);
  });
});

describe('dashboard feed: the launch on show', () => {
  const older = record('r1', { start_time: '2025-02-01T10:00:00.000Z', name: 'older-run', status: 'canceled' });
  const newest = record('r2', { start_time: '2025-03-01T10:00:00.000Z', name: 'newest-run', run_number: 2 });

  it('shows the newest launch, or the one chosen from the history, with the current jobs either way', () => {
    const { feed } = setup(JOBS, [newest, older]);
    assert.equal(feed.snapshot().params.batch.record?.name, 'newest-run');
    assert.equal(feed.showLaunch('nope'), false);
    assert.equal(feed.showLaunch('r1'), true);
    const shown = feed.snapshot().params;
    assert.equal(shown.batch.record?.name, 'older-run');
    assert.equal(shown.batch.record?.status, 'canceled');
    assert.deepEqual(shown.history.map((h) => h.id), ['r2', 'r1']);
    assert.deepEqual(shown.jobs.map((j) => [j.basename, j.status]), [['opt', 'running'], ['freq', 'not_started'], ['sp', 'not_started']]);
  });

  it('keeps a chosen older launch when a new one begins; choosing the newest follows the next', () => {
    const { feed, view } = setup(JOBS, [newest, older]);
    feed.showLaunch('r1');
    feed.snapshot();
    const third = record('r3', { start_time: '2025-03-01T11:00:00.000Z', name: 'third-run', run_number: 3 });
    let messages = feed.update({ view: view(), records: [third, newest, older] });
    assert.deepEqual(methods(messages), [HistoryChangedMessage.method], 'the header stays on the chosen launch');
    feed.showLaunch('r3');
    assert.equal(feed.snapshot().params.batch.record?.name, 'third-run');
    const fourth = record('r4', { start_time: '2025-03-01T11:30:00.000Z', name: 'fourth-run', run_number: 4 });
    messages = feed.update({ records: [fourth, third, newest, older] });
    assert.equal((messages.find((m) => m.method === BatchChangedMessage.method)!.params as { batch: { record: { name: string } } }).batch.record.name, 'fourth-run');
  });

  it('falls back to the newest when the chosen record disappears', () => {
    const { feed } = setup(JOBS, [newest, older]);
    feed.showLaunch('r1');
    feed.snapshot();
    const messages = feed.update({ records: [newest] });
    assert.equal((messages.find((m) => m.method === BatchChangedMessage.method)!.params as { batch: { record: { id: string } } }).batch.record.id, 'r2');
  });
});

describe('dashboard links', () => {
  it('links jobs of the batch from a parsed batchfile: no ./ pipes, no outside folders, no duplicates', () => {
    const text = [
      'root_directory=/work/calcs',
      'job_basename|job_directory|program|pipe',
      'opt|mol/opt|orca|',
      'freq|mol/freq|orca|coords{../opt,opt.xyz};orbitals<../opt,opt.gbw>',
      'sp|mol/sp|orca|coords{../freq,}',
      'self|mol/self|xtb|coords{./,start.xyz}',
      'outside|mol/outside|xtb|coords{../../elsewhere,x.xyz}',
      '',
    ].join('\n');
    const model = buildBatchModel(parseBatchfile(text), ID);
    // links name jobs by key: folder and basename
    const opt = jobKey('/work/calcs/mol/opt', 'opt');
    const freq = jobKey('/work/calcs/mol/freq', 'freq');
    assert.deepEqual(dashboardLinks(model), [
      { from: opt, to: freq, kind: 'coords' },
      { from: opt, to: freq, kind: 'orbitals' },
      { from: freq, to: jobKey('/work/calcs/mol/sp', 'sp'), kind: 'coords' },
    ]);
  });

  it('dedupes a link written twice and skips unknown kinds and a job piping from itself', () => {
    const model = {
      jobs: [
        { basename: 'a', path: '/c/a', pipes: [] },
        {
          basename: 'b',
          path: '/c/b',
          pipes: [
            { kind: 'coords', noTransfer: false, upstream: 0 },
            { kind: 'coords', noTransfer: false, upstream: 0 },
            { kind: 'charges', noTransfer: false, upstream: 0 },
            { kind: 'coords', noTransfer: false, upstream: 1 },
            { kind: 'coords', noTransfer: false, upstream: 7 },
          ],
        },
      ],
    };
    assert.deepEqual(dashboardLinks(model), [{ from: '/c/a|a', to: '/c/b|b', kind: 'coords' }]);
    assert.deepEqual(dashboardLinks(undefined), []);
  });
});
