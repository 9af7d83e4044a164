// The dashboard's host side (DashboardSession) against a fake page, as the page is tested against a stub host: the
// page hears nothing before `ready` and a snapshot first after every `ready`; then only what changed; a job opened
// from the tree is revealed after the snapshot; the chosen job's detail follows its row and only the newest answer
// reaches the page; the page's requests are checked before a port runs them; a page of another protocol version is
// reloaded once.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  DASHBOARD_PROTOCOL_VERSION,
  JobActionMessage,
  OpenBatchFileMessage,
  ReadyMessage,
  SelectJobMessage,
  ShowLaunchMessage,
  SnapshotMessage,
  ViewStateMessage,
  message,
} from '../../core/dashboard/protocol.js';
import type { DashboardBatch, DashboardBatchFile, DashboardJob, DashboardJobAction, DashboardJobDetail, DashboardLink, DashboardViewState, HostToPageMessage } from '../../core/dashboard/protocol.js';
import { DashboardSession, dashboardTitle } from '../../core/dashboard/session.js';
import type { DashboardSessionPorts } from '../../core/dashboard/session.js';
import type { BatchRecord } from '../../core/runner/records.js';
import { BATCH_ID as ID, NOW, batchView, jobView, keyOfJob as k, record } from './dashboardHostFixtures.js';
import type { BatchView } from '../../core/view/batchTree.js';
import type { JobView } from '../../core/view/jobView.js';


function detailOf(basename: string, runInfo: string): DashboardJobDetail {
  return { key: k(basename), history: [], runInfo, runInfoError: null, outputTail: null, files: { output: false, input: false, folder: true }, at: new Date(NOW).toISOString() };
}

/** A page as the bundle behaves: it listens from its `ready` until it is hidden, and keeps what the host told it. */
class FakePage {
  listening = false;
  received: HostToPageMessage[] = [];
  jobs: DashboardJob[] = [];
  batch: DashboardBatch | null = null;
  detail: DashboardJobDetail | null = null;
  revealed: string | null = null;
  private hadSnapshot = false;

  constructor(private readonly session: () => DashboardSession) {}

  /** The page (re)loads and says ready: it knows nothing yet. */
  load(protocolVersion = DASHBOARD_PROTOCOL_VERSION): void {
    this.listening = true;
    this.hadSnapshot = false;
    this.jobs = [];
    this.batch = null;
    this.detail = null;
    this.revealed = null;
    this.session().receive(message(ReadyMessage, { protocolVersion }));
  }

  /** The panel was hidden: VS Code discards the page. */
  hide(): void {
    this.listening = false;
    this.session().pageGone();
  }

  /** The user chooses a job: the page names it by its key. */
  select(basename: string | null): void {
    this.session().receive(message(SelectJobMessage, { key: basename === null ? null : k(basename) }));
  }

  methods(): string[] {
    return this.received.map((m) => m.method.replace('batchman/dashboard/', ''));
  }

  row(basename: string): DashboardJob | undefined {
    return this.jobs.find((job) => job.key === k(basename));
  }

  /** What the host posts; the page's own checks are assertions. */
  hear(m: HostToPageMessage): void {
    assert.ok(this.listening, `the page is not listening but heard ${m.method}`);
    if (!this.hadSnapshot) assert.equal(m.method, SnapshotMessage.method, `the first message after ready is a snapshot, not ${m.method}`);
    this.received.push(m);
    switch (m.method) {
      case 'batchman/dashboard/snapshot':
        this.hadSnapshot = true;
        this.jobs = m.params.jobs;
        this.batch = m.params.batch;
        break;
      case 'batchman/dashboard/jobsChanged':
        for (const changed of m.params.jobs) {
          const i = this.jobs.findIndex((job) => job.key === changed.key);
          assert.ok(i >= 0, `a changed row is one of the page's rows: ${changed.key}`);
          this.jobs[i] = changed;
        }
        break;
      case 'batchman/dashboard/batchChanged':
        this.batch = m.params.batch;
        break;
      case 'batchman/dashboard/historyChanged':
        break;
      case 'batchman/dashboard/jobDetail':
        this.detail = m.params.detail;
        break;
      case 'batchman/dashboard/revealJob':
        this.revealed = this.jobs.find((job) => job.key === m.params.key)?.basename ?? m.params.key;
        break;
    }
  }
}

interface PendingDetail {
  basename: string;
  resolve: (detail: DashboardJobDetail) => void;
  reject: (error: Error) => void;
}

/** The model and the disk the session reads through its ports, with every call recorded. */
class World {
  view: BatchView | undefined = batchView([jobView('opt', { status: 'running', jobId: '11' }), jobView('freq'), jobView('sp')]);
  links: DashboardLink[] = [{ from: 'opt', to: 'freq', kind: 'coords' }];
  records: BatchRecord[] = [record('r2', { run_number: 2 }), record('r1')];
  /** Answer detail reads at once (else they wait in `pendingDetails`). */
  autoDetail = true;
  detailVersion = 0;
  readonly pendingDetails: PendingDetail[] = [];
  readonly calls = { batchView: 0, records: 0, links: 0, details: [] as string[], reloads: 0 };
  readonly titles: string[] = [];
  readonly actions: { key: string; action: DashboardJobAction }[] = [];
  readonly opened: { view: string; which: DashboardBatchFile }[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  failNextRecords = false;

  ports(page: FakePage): DashboardSessionPorts {
    return {
      post: (m) => page.hear(m),
      batchView: () => {
        this.calls.batchView++;
        return this.view;
      },
      readRecords: async () => {
        this.calls.records++;
        if (this.failNextRecords) {
          this.failNextRecords = false;
          throw new Error('records unreadable');
        }
        return this.records;
      },
      readLinks: async () => {
        this.calls.links++;
        return this.links;
      },
      readDetail: (job) => {
        this.calls.details.push(job.basename);
        if (this.autoDetail) return Promise.resolve(detailOf(job.basename, `v${this.detailVersion}`));
        return new Promise((resolve, reject) => this.pendingDetails.push({ basename: job.basename, resolve, reject }));
      },
      reloadPage: () => {
        this.calls.reloads++;
      },
      setTitle: (title) => this.titles.push(title),
      runJobAction: async (key, action) => {
        this.actions.push({ key, action });
      },
      openBatchFile: async (view, which) => {
        this.opened.push({ view: view.id, which });
      },
      warn: (text) => this.warnings.push(text),
      error: (text) => this.errors.push(text),
    };
  }

  /** The model changed a job (a new JobView object, as the monitor makes). */
  setJob(basename: string, patch: Partial<JobView>): void {
    const view = this.view!;
    this.view = { ...view, jobs: view.jobs.map((job) => (job.basename === basename ? { ...job, ...patch } : job)) };
  }
}

let world: World;
let page: FakePage;
let session: DashboardSession;

function start(reveal?: string): void {
  world = new World();
  page = new FakePage(() => session);
  session = new DashboardSession({ batchId: ID, ports: world.ports(page), feed: { now: () => NOW, isPidAlive: () => false }, ...(reveal !== undefined ? { reveal: k(reveal) } : {}) });
}

describe('dashboard session: the page hears nothing before ready, then a snapshot first', () => {
  beforeEach(() => start());

  it('posts nothing to a page that has not said ready, whatever the model does', async () => {
    session.batchChanged();
    world.setJob('opt', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.received, []);
  });

  it('answers ready with a snapshot of the model, read fresh, and titles the panel', async () => {
    page.load();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot']);
    assert.deepEqual(page.jobs.map((job) => job.basename), ['opt', 'freq', 'sp']);
    assert.equal(page.row('opt')?.status, 'running');
    assert.equal(page.batch?.record?.id, 'r2', 'the newest launch');
    assert.deepEqual(world.titles, [dashboardTitle(world.view!)]);
    assert.equal(dashboardTitle(world.view!), 'Batch: calcs/batchfile.csv');
    assert.deepEqual([world.calls.records, world.calls.links], [1, 1]);
  });

  it('answers every ready with a new snapshot (a hidden page is discarded), and nothing reaches a hidden page', async () => {
    page.load();
    await session.settled();
    page.hide();
    world.setJob('opt', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    page.load();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot', 'snapshot']);
    assert.equal(page.row('opt')?.status, 'succeeded');
    assert.deepEqual([world.calls.records, world.calls.links], [2, 2], 'a new page gets the newest records and links');
  });

  it('owes the snapshot to a page that said ready before the batch was followed, and pays it when the model has it', async () => {
    const view = world.view;
    world.view = undefined;
    page.load();
    await session.settled();
    assert.deepEqual(page.received, []);
    world.view = view;
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot']);
  });

  it('reloads a page of another protocol version once, then talks to it anyway (the bundle is what it is)', async () => {
    page.load(DASHBOARD_PROTOCOL_VERSION - 1);
    await session.settled();
    assert.equal(world.calls.reloads, 1);
    assert.deepEqual(page.received, []);
    page.load(DASHBOARD_PROTOCOL_VERSION - 1);
    await session.settled();
    assert.equal(world.calls.reloads, 1);
    assert.deepEqual(page.methods(), ['snapshot']);
    assert.equal(world.warnings.filter((w) => w.includes('protocol')).length, 2);
  });

  it('ignores what is not one of the page messages', async () => {
    page.load();
    await session.settled();
    for (const raw of [null, 'ready', { method: 'batchman/dashboard/ready' }, { method: 'batchman/dashboard/snapshot', params: {} }, { method: 'other', params: {} }]) session.receive(raw);
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot']);
  });
});

describe('dashboard session: then only what changed', () => {
  beforeEach(async () => {
    start();
    page.load();
    await session.settled();
    page.received = [];
  });

  it('posts the rows that changed, and nothing when nothing did', async () => {
    world.setJob('freq', { status: 'pending', jobId: '12' });
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.methods(), ['jobsChanged']);
    assert.equal(page.row('freq')?.jobId, '12');
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.methods(), ['jobsChanged']);
  });

  it('reads the model once for a burst of changes', async () => {
    const reads = world.calls.batchView;
    world.setJob('freq', { status: 'pending' });
    session.batchChanged();
    world.setJob('sp', { status: 'pending' });
    session.batchChanged();
    session.batchChanged();
    await session.settled();
    assert.equal(world.calls.batchView - reads, 1);
    assert.deepEqual(page.methods(), ['jobsChanged']);
    assert.deepEqual([page.row('freq')?.status, page.row('sp')?.status], ['pending', 'pending']);
  });

  it('reads the records again only when the record changed, the links only when the job list changed', async () => {
    world.setJob('opt', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    assert.deepEqual([world.calls.records, world.calls.links], [1, 1]);
    world.view = { ...world.view!, record: { id: 'r3' } as BatchView['record'] };
    world.records = [record('r3', { run_number: 3, status: 'in_progress', end_time: null }), ...world.records];
    session.batchChanged();
    await session.settled();
    assert.deepEqual([world.calls.records, world.calls.links], [2, 1]);
    assert.equal(page.batch?.record?.id, 'r3');
    world.view = { ...world.view!, jobs: [...world.view!.jobs, jobView('ts')] };
    session.batchChanged();
    await session.settled();
    assert.deepEqual([world.calls.records, world.calls.links], [2, 2]);
    assert.equal(page.received.at(-1)?.method, SnapshotMessage.method, 'a new job list is a new snapshot');
    assert.deepEqual(page.jobs.map((job) => job.basename), ['opt', 'freq', 'sp', 'ts']);
  });

  it('keeps the last picture of a batch no longer followed', async () => {
    world.view = undefined;
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.received, []);
    assert.equal(page.jobs.length, 3);
  });

  it('logs a failed read and goes on with the next change', async () => {
    world.view = { ...world.view!, record: { id: 'r9' } as BatchView['record'] };
    world.failNextRecords = true;
    session.batchChanged();
    await session.settled();
    assert.equal(world.errors.length, 1);
    world.setJob('sp', { status: 'pending' });
    session.batchChanged();
    await session.settled();
    assert.equal(page.row('sp')?.status, 'pending');
  });

  it('shows a launch from the history as a snapshot, and ignores one that does not exist', async () => {
    session.receive(message(ShowLaunchMessage, { recordId: 'nope' }));
    await session.settled();
    assert.deepEqual(page.received, []);
    session.receive(message(ShowLaunchMessage, { recordId: 'r1' }));
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot']);
    assert.equal(page.batch?.record?.id, 'r1');
  });

  it('posts nothing once disposed', async () => {
    session.dispose();
    world.setJob('opt', { status: 'succeeded' });
    session.batchChanged();
    page.select('opt');
    await session.settled();
    assert.deepEqual(page.received, []);
    assert.deepEqual(world.calls.details, []);
  });
});

describe('dashboard session: the chosen job', () => {
  beforeEach(async () => {
    start();
    page.load();
    await session.settled();
    page.received = [];
  });

  it('answers a choice with the job’s detail, read from the model’s job', async () => {
    page.select('freq');
    await session.settled();
    assert.deepEqual(page.methods(), ['jobDetail']);
    assert.equal(page.detail?.key, k('freq'));
    assert.deepEqual(world.calls.details, ['freq']);
  });

  it('takes a choice from the view state too, and reads nothing for a job the batch does not have', async () => {
    const state: DashboardViewState = { batchId: ID, sort: null, statuses: [], search: '', selected: k('sp'), tab: 'jobs' };
    session.receive(message(ViewStateMessage, { state }));
    await session.settled();
    assert.equal(page.detail?.key, k('sp'));
    session.receive(message(ViewStateMessage, { state }));
    page.select('../../etc');
    await session.settled();
    assert.deepEqual(world.calls.details, ['sp']);
  });

  it('does not read the same job again while its detail is shown or loading', async () => {
    world.autoDetail = false;
    page.select('opt');
    page.select('opt');
    assert.deepEqual(world.calls.details, ['opt']);
    world.pendingDetails[0]!.resolve(detailOf('opt', 'v0'));
    await session.settled();
    page.select('opt');
    await session.settled();
    assert.deepEqual(world.calls.details, ['opt']);
    assert.deepEqual(page.methods(), ['jobDetail']);
  });

  it('posts only the newest choice’s answer when answers come back out of order', async () => {
    world.autoDetail = false;
    page.select('opt');
    page.select('freq');
    const [opt, freq] = world.pendingDetails;
    freq!.resolve(detailOf('freq', 'v0'));
    opt!.resolve(detailOf('opt', 'v0'));
    await session.settled();
    assert.deepEqual(page.methods(), ['jobDetail']);
    assert.equal(page.detail?.key, k('freq'));
  });

  it('drops an answer that comes after the page was hidden, and sends the detail again to the reloaded page', async () => {
    world.autoDetail = false;
    page.select('opt');
    page.hide();
    world.pendingDetails[0]!.resolve(detailOf('opt', 'v0'));
    await session.settled();
    world.autoDetail = true;
    page.load();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot', 'jobDetail']);
    assert.equal(page.detail?.key, k('opt'));
  });

  it('sends the detail again when the chosen job’s row changes, not when another row does', async () => {
    page.select('opt');
    await session.settled();
    world.detailVersion = 1;
    world.setJob('freq', { status: 'pending' });
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.methods(), ['jobDetail', 'jobsChanged']);
    world.setJob('opt', { status: 'succeeded' });
    session.batchChanged();
    await session.settled();
    assert.deepEqual(page.methods(), ['jobDetail', 'jobsChanged', 'jobsChanged', 'jobDetail']);
    assert.equal(page.detail?.runInfo, 'v1');
  });

  it('clears the choice on null, and a failed read is logged and not posted', async () => {
    page.select(null);
    await session.settled();
    assert.deepEqual(world.calls.details, []);
    world.autoDetail = false;
    page.select('sp');
    world.pendingDetails[0]!.reject(new Error('EACCES'));
    await session.settled();
    assert.deepEqual(page.received, []);
    assert.ok(world.warnings.some((w) => w.includes('cannot read the detail of sp')));
    world.autoDetail = true;
    page.select('sp');
    await session.settled();
    assert.equal(page.detail?.key, k('sp'), 'a failed read does not block the next choice');
  });

  it('sends the chosen job’s detail again after a launch is shown', async () => {
    page.select('freq');
    await session.settled();
    session.receive(message(ShowLaunchMessage, { recordId: 'r1' }));
    await session.settled();
    assert.deepEqual(page.methods(), ['jobDetail', 'snapshot', 'jobDetail']);
  });
});

describe('dashboard session: a job to reveal', () => {
  it('reveals the job the dashboard was opened from after the snapshot, and sends its detail', async () => {
    start('freq');
    page.load();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot', 'revealJob', 'jobDetail']);
    assert.equal(page.revealed, 'freq');
    assert.equal(page.detail?.key, k('freq'));
  });

  it('reveals at once on a page that listens, in turn with the changes, and waits for the snapshot of one still loading', async () => {
    start();
    session.reveal(k('sp'));
    await session.settled();
    assert.deepEqual(page.received, []);
    page.load();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot', 'revealJob', 'jobDetail']);
    world.setJob('opt', { status: 'succeeded' });
    session.batchChanged();
    session.reveal(k('opt'));
    await session.settled();
    assert.deepEqual(page.methods().slice(3), ['jobsChanged', 'revealJob', 'jobDetail']);
    assert.equal(page.detail?.key, k('opt'));
  });

  it('reveals nothing for a job the batch does not have', async () => {
    start('gone');
    page.load();
    await session.settled();
    assert.deepEqual(page.methods(), ['snapshot']);
  });
});

describe('dashboard session: the page’s requests are checked before a port runs them', () => {
  beforeEach(async () => {
    start();
    page.load();
    await session.settled();
  });

  it('runs a known action on a job of the batch, and nothing else', async () => {
    session.receive(message(JobActionMessage, { key: k('opt'), action: 'restart' }));
    session.receive(message(JobActionMessage, { key: k('nope'), action: 'cancel' }));
    session.receive({ method: JobActionMessage.method, params: { key: k('opt'), action: 'rm -rf' } });
    session.receive({ method: JobActionMessage.method, params: { key: 7, action: 'cancel' } });
    await session.settled();
    assert.deepEqual(world.actions, [{ key: k('opt'), action: 'restart' }]);
  });

  it('opens one of the batch’s own files by name, never a path from the page', async () => {
    session.receive(message(OpenBatchFileMessage, { which: 'ledger' }));
    session.receive({ method: OpenBatchFileMessage.method, params: { which: '/etc/passwd' } });
    await session.settled();
    assert.deepEqual(world.opened, [{ view: ID, which: 'ledger' }]);
  });

  it('logs an action that failed instead of leaving it unhandled', async () => {
    const ports = world.ports(page);
    session = new DashboardSession({ batchId: ID, ports: { ...ports, runJobAction: () => Promise.reject(new Error('no such command')) } });
    page.load();
    await session.settled();
    session.receive(message(JobActionMessage, { key: k('opt'), action: 'openOutput' }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(world.warnings.some((w) => w.includes('openOutput of opt in /work/calcs/opt failed')));
  });
});
