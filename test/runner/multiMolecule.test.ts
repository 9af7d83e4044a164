// A batch in CCBatchMan's layout, with real processes on the local executor: one folder per molecule, the same step
// names in each (mol1/opt and mol2/opt are both `opt`). It runs to the end with every job its own in the ledger,
// `status --json`, the tree and the dashboard, each freq reading its own molecule's geometry; `--job opt` is refused as
// ambiguous, naming the candidates, and `--job mol2/opt` restarts that job alone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { DashboardFeed, dashboardLinks } from '../../core/dashboard/feed.js';
import { keyOf, keyOfModelJob } from '../../core/ledger/jobKey.js';
import { readLedger } from '../../core/ledger/ledger.js';
import { readBatchTruth } from '../../core/truth/truth.js';
import { BatchTree, batchNodeId } from '../../core/view/batchTree.js';
import { jobViewFromTruth } from '../../core/view/jobView.js';
import { batchman, cleanupSandboxes, runBatchman, sandbox, writeShellBatch } from '../support/runner.js';
import type { Sandbox } from '../support/runner.js';

after(cleanupSandboxes);

// opt writes its molecule's geometry (named after its folder's parent, as a generator would); freq reads what the
// coords pipe copied in, so a mix-up of the two `opt` jobs shows in freq's output.
const OPT = '#!/usr/bin/env bash\nmol=$(basename "$(dirname "$PWD")")\nprintf "1\\n%s\\nH 0 0 0\\n" "$mol" > opt.xyz\necho "opt of $mol"\n';
const FREQ = '#!/usr/bin/env bash\nsed -n 2p opt.xyz\n';
const FAILING = '#!/usr/bin/env bash\necho "no convergence"\nexit 3\n';

async function writeMolecules(box: Sandbox, mol2Opt = OPT): Promise<void> {
  await writeShellBatch(box, [
    { basename: 'opt', directory: 'mol1/opt', script: OPT },
    { basename: 'freq', directory: 'mol1/freq', pipe: 'coords{../opt,opt.xyz}', script: FREQ },
    { basename: 'opt', directory: 'mol2/opt', script: mol2Opt },
    { basename: 'freq', directory: 'mol2/freq', pipe: 'coords{../opt,opt.xyz}', script: FREQ },
  ]);
}

/** The ledger's rows as `folder:basename:status`, folders relative to the sandbox. */
async function ledgerLines(box: Sandbox): Promise<string[]> {
  const ledger = await readLedger(box.ledger);
  return ledger.rows.map((row) => `${row.directory.slice(box.dir.length + 1)}:${row.basename}:${row.status}`);
}

async function slurmOutput(folder: string, jobId: number): Promise<string> {
  return readFile(join(folder, `slurm-${jobId}.out`), 'utf8');
}

test('a multi-molecule batch runs to the end with every job distinct, in the ledger, status, the tree and the dashboard', async () => {
  const box = await sandbox();
  await writeMolecules(box);
  const validate = await batchman(box, ['validate', box.batchfile]);
  assert.equal(validate.exitCode, 0, `the same basename in two folders is valid: ${validate.stdout}${validate.stderr}`);

  const run = await runBatchman(box, ['-j', '4'], { timeoutMs: 90_000 });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.deepEqual(await ledgerLines(box), ['mol1/opt:opt:succeeded', 'mol1/freq:freq:succeeded', 'mol2/opt:opt:succeeded', 'mol2/freq:freq:succeeded']);
  const ledger = await readLedger(box.ledger);
  assert.equal(new Set(ledger.rows.map((row) => row.jobId)).size, 4, 'four submissions, one per job');
  for (const molecule of ['mol1', 'mol2']) {
    const freq = ledger.rows.find((row) => row.directory === join(box.dir, molecule, 'freq'))!;
    assert.equal((await slurmOutput(freq.directory, freq.jobId)).trim(), molecule, `${molecule}/freq read its own molecule's geometry`);
  }

  const status = await batchman(box, ['status', box.batchfile, '--json']);
  assert.equal(status.exitCode, 0, status.stderr);
  const json = JSON.parse(status.stdout) as { summary: { total: number; succeeded: number }; jobs: { basename: string; directory: string; status: string }[] };
  assert.deepEqual([json.summary.total, json.summary.succeeded], [4, 4]);
  assert.deepEqual(
    json.jobs.map((job) => `${job.directory.slice(box.dir.length + 1)}:${job.basename}:${job.status}`),
    ['mol1/opt:opt:succeeded', 'mol1/freq:freq:succeeded', 'mol2/opt:opt:succeeded', 'mol2/freq:freq:succeeded'],
  );

  // The tree and the dashboard, from the same truth the extension reads.
  const model = buildBatchModel(parseBatchfile(await readFile(box.batchfile, 'utf8')), box.batchfile);
  const truth = await readBatchTruth({ model, ledgerPath: box.ledger, write: false });
  const views = truth.jobs.map((job, index) => jobViewFromTruth(job, truth.ledger.rows[index]));
  const view = { id: box.batchfile, label: 'batchfile.csv', batchfilePath: box.batchfile, rootPath: box.dir, ledgerPath: box.ledger, record: null, live: 'idle' as const, stale: null, error: null, jobs: views };
  const tree = new BatchTree();
  tree.setBatch(view);
  const nodes = tree.children(batchNodeId(box.batchfile));
  assert.equal(new Set(nodes.map((node) => node.id)).size, 4, 'four job nodes, four ids');
  assert.deepEqual(nodes.map((node) => node.label), ['opt · mol1/opt', 'freq · mol1/freq', 'opt · mol2/opt', 'freq · mol2/freq']);
  for (const job of views) assert.equal(tree.job(box.batchfile, keyOf(job))?.directory, job.directory);

  const feed = new DashboardFeed({ view, links: dashboardLinks(model), records: [] });
  const snapshot = feed.snapshot().params;
  assert.equal(new Set(snapshot.jobs.map((job) => job.key)).size, 4, 'four rows, four keys');
  assert.deepEqual(snapshot.jobs.map((job) => job.label), ['opt · mol1/opt', 'freq · mol1/freq', 'opt · mol2/opt', 'freq · mol2/freq']);
  const keys = model.jobs.map(keyOfModelJob);
  assert.deepEqual(snapshot.links, [
    { from: keys[0], to: keys[1], kind: 'coords' },
    { from: keys[2], to: keys[3], kind: 'coords' },
  ]);
});

test('--job opt is ambiguous; --job mol2/opt restarts that job alone, and its freq runs after it', async () => {
  const box = await sandbox();
  await writeMolecules(box, FAILING);
  const first = await runBatchman(box, ['-j', '4'], { timeoutMs: 90_000 });
  assert.equal(first.exitCode, 1, first.stderr);
  assert.deepEqual(await ledgerLines(box), ['mol1/opt:opt:succeeded', 'mol1/freq:freq:succeeded', 'mol2/opt:opt:failed', 'mol2/freq:freq:broken_dependency']);
  assert.ok(existsSync(join(box.dir, 'fail_output', '__mol2__opt')) || existsSync(join(box.dir, 'fail_output', 'mol2__opt')), 'the failure kept under its own folder name');

  const ambiguous = await runBatchman(box, ['-r', '--job', 'opt'], { timeoutMs: 30_000 });
  assert.equal(ambiguous.exitCode, 2, 'an ambiguous name is a usage error');
  assert.match(ambiguous.stderr, /`opt` is 2 jobs/);
  assert.match(ambiguous.stderr, /mol1\/opt\/opt, mol2\/opt\/opt/);
  const cancel = await batchman(box, ['cancel', box.batchfile, '--job', 'freq']);
  assert.equal(cancel.exitCode, 2, 'cancel refuses it too');

  await writeFile(join(box.dir, 'mol2', 'opt', 'opt.sh'), OPT);
  const restart = await runBatchman(box, ['-r', '--job', 'mol2/opt'], { timeoutMs: 90_000 });
  assert.equal(restart.exitCode, 0, restart.stderr);
  const ledger = await readLedger(box.ledger);
  assert.deepEqual(await ledgerLines(box), ['mol1/opt:opt:succeeded', 'mol1/freq:freq:succeeded', 'mol2/opt:opt:succeeded', 'mol2/freq:freq:succeeded']);
  const restarts = ledger.rows.map((row) => row.restarts ?? 0);
  assert.deepEqual(restarts, [0, 0, 1, 0], 'only mol2/opt ran again');
  assert.ok(existsSync(join(box.dir, 'mol2', 'opt_history_1')), 'its failed attempt is kept');
  assert.ok(!existsSync(join(box.dir, 'mol1', 'opt_history_1')), 'mol1/opt, also called opt, is left alone');
  const freq = ledger.rows[3]!;
  assert.equal((await slurmOutput(freq.directory, freq.jobId)).trim(), 'mol2');
});
