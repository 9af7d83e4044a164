// A job is its folder + basename: the names `--job` takes (a unique basename, the job's folder, FOLDER/BASENAME; an
// ambiguous name refused with its candidates), the labels views give jobs that share a basename, and the tree, the
// notifications and the dashboard session telling two `opt` jobs apart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { DashboardSession } from '../../core/dashboard/session.js';
import { DASHBOARD_PROTOCOL_VERSION, SelectJobMessage, message } from '../../core/dashboard/protocol.js';
import type { DashboardJobDetail, HostToPageMessage } from '../../core/dashboard/protocol.js';
import { jobKey, keyOf, keyOfModelJob } from '../../core/ledger/jobKey.js';
import { selectJobs } from '../../core/truth/jobSelection.js';
import { BatchTree, batchNodeId, jobNodeId } from '../../core/view/batchTree.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { folderUnderRoot, jobLabels } from '../../core/view/jobLabel.js';
import { notStartedJob } from '../../core/view/jobView.js';
import type { JobView } from '../../core/view/jobView.js';
import { noticesFor } from '../../core/view/notifications.js';
import { summarise } from '../../core/truth/summary.js';

const BATCHFILE = [
  'root_directory=/calcs',
  'job_basename|job_directory|program|pipe',
  'opt|mol1/opt|xtb|',
  'freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}',
  'opt|mol2/opt|xtb|',
  'freq|mol2/freq|xtb|coords{../opt,xtbopt.xyz}',
  'crest|.|crest|',
  'sp|/elsewhere/sp|orca|',
  '',
].join('\n');
const model = buildBatchModel(parseBatchfile(BATCHFILE), '/calcs/batchfile.csv');
const key = (folder: string, basename: string) => jobKey(folder, basename);

describe('--job names', () => {
  it('a unique basename, the folder as written, FOLDER/BASENAME, ./ for the root, a whole folder outside it', () => {
    const selection = selectJobs(model, ['crest', 'mol2/opt', 'mol1/freq/freq', './crest', 'sp', '/elsewhere/sp', 'mol2/opt/', './mol2/opt/opt']);
    assert.deepEqual(selection.unknown, []);
    assert.deepEqual(selection.ambiguous, []);
    assert.deepEqual([...selection.keys].sort(), [key('/calcs', 'crest'), key('/calcs/mol1/freq', 'freq'), key('/calcs/mol2/opt', 'opt'), key('/elsewhere/sp', 'sp')].sort());
  });

  it('refuses a basename two jobs have, naming each by FOLDER/BASENAME, and says which names are no job', () => {
    const selection = selectJobs(model, ['opt', 'freq', 'mol3/opt', 'mol1/opt/freq']);
    assert.deepEqual(selection.ambiguous, [
      { name: 'opt', candidates: ['mol1/opt/opt', 'mol2/opt/opt'] },
      { name: 'freq', candidates: ['mol1/freq/freq', 'mol2/freq/freq'] },
    ]);
    assert.deepEqual(selection.unknown, ['mol3/opt', 'mol1/opt/freq']);
    assert.equal(selection.keys.size, 0);
  });

  it('keys jobs by their resolved folder and basename', () => {
    assert.deepEqual(model.jobs.map(keyOfModelJob), [
      key('/calcs/mol1/opt', 'opt'),
      key('/calcs/mol1/freq', 'freq'),
      key('/calcs/mol2/opt', 'opt'),
      key('/calcs/mol2/freq', 'freq'),
      key('/calcs', 'crest'),
      key('/elsewhere/sp', 'sp'),
    ]);
  });
});

function view(jobs: JobView[]): BatchView {
  return { id: '/calcs/batchfile.csv', label: 'batchfile.csv', batchfilePath: '/calcs/batchfile.csv', rootPath: '/calcs', ledgerPath: '/calcs/__ledger__.csv', record: null, live: 'poller', stale: null, error: null, jobs };
}

const JOBS = [
  notStartedJob({ basename: 'opt', directory: '/calcs/mol1/opt', program: 'xtb' }),
  notStartedJob({ basename: 'opt', directory: '/calcs/mol2/opt', program: 'xtb' }),
  notStartedJob({ basename: 'crest', directory: '/calcs', program: 'crest' }),
];

describe('jobs that share a basename in the views', () => {
  it('labels show the folder only where a basename is shared', () => {
    assert.deepEqual(jobLabels(JOBS, '/calcs'), ['opt · mol1/opt', 'opt · mol2/opt', 'crest']);
    assert.equal(folderUnderRoot('/calcs', '/calcs'), '.');
    assert.equal(folderUnderRoot('/elsewhere/sp', '/calcs'), '/elsewhere/sp');
  });

  it('the tree has a node per job, found by key, and one changes alone', () => {
    const tree = new BatchTree();
    tree.setBatch(view(JOBS));
    const nodes = tree.children(batchNodeId('/calcs/batchfile.csv'));
    assert.deepEqual(nodes.map((node) => node.label), ['opt · mol1/opt', 'opt · mol2/opt', 'crest']);
    const second = { ...JOBS[1]!, status: 'running' as const, jobId: '12' };
    const diff = tree.updateJobs('/calcs/batchfile.csv', [second]);
    assert.deepEqual(diff.changed, [jobNodeId('/calcs/batchfile.csv', keyOf(second)), batchNodeId('/calcs/batchfile.csv')]);
    assert.equal(tree.job('/calcs/batchfile.csv', keyOf(JOBS[0]!))?.status, 'not_started');
    assert.equal(tree.job('/calcs/batchfile.csv', keyOf(second))?.status, 'running');
  });

  it('a failure notice names the job with its folder and opens it by key', () => {
    const failed = { key: keyOf(JOBS[1]!), basename: 'opt', label: 'opt · mol2/opt', from: 'running' as const, to: 'failed' as const, cause: 'exit code 3' };
    const [notice] = noticesFor({ batchId: 'b', label: 'batchfile.csv', transitions: [failed], ended: false, summary: summarise(['failed', 'running']) }, { batchEnded: 'never', jobFailed: 'always' });
    assert.equal(notice?.message, 'Job opt · mol2/opt of batchfile.csv failed (exit code 3).');
    assert.equal(notice?.jobKey, keyOf(JOBS[1]!));
  });

  it('the dashboard session reads the detail of the job the page names by key, not its namesake', async () => {
    const posted: HostToPageMessage[] = [];
    const read: string[] = [];
    const session = new DashboardSession({
      batchId: '/calcs/batchfile.csv',
      ports: {
        post: (m) => void posted.push(m),
        batchView: () => view(JOBS),
        readRecords: async () => [],
        readLinks: async () => [],
        readDetail: async (job) => {
          read.push(job.directory);
          return { key: keyOf(job), history: [], runInfo: null, runInfoError: null, outputTail: null, files: { output: false, input: false, folder: true }, at: '2026-01-01T00:00:00.000Z' } satisfies DashboardJobDetail;
        },
        reloadPage: () => undefined,
        setTitle: () => undefined,
        runJobAction: async () => undefined,
        openBatchFile: async () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    session.receive({ method: 'batchman/dashboard/ready', params: { protocolVersion: DASHBOARD_PROTOCOL_VERSION } });
    await session.settled();
    const snapshot = posted.find((m) => m.method === 'batchman/dashboard/snapshot');
    assert.ok(snapshot && snapshot.method === 'batchman/dashboard/snapshot');
    assert.deepEqual(snapshot.params.jobs.map((job) => [job.key, job.label]), JOBS.map((job, i) => [keyOf(job), ['opt · mol1/opt', 'opt · mol2/opt', 'crest'][i]]));
    session.receive(message(SelectJobMessage, { key: keyOf(JOBS[1]!) }));
    await session.settled();
    assert.deepEqual(read, ['/calcs/mol2/opt']);
    session.receive(message(SelectJobMessage, { key: 'opt' }));
    await session.settled();
    assert.deepEqual(read, ['/calcs/mol2/opt'], 'a basename alone names no job');
    session.dispose();
  });
});
