// "Batchman: Launch Batch" in a real VS Code against the real SLURM cluster: a small batch of shell jobs (one piping
// from another) is submitted with sbatch by the detached runner and the Batches tree shows every job succeeded with
// its SLURM job id. Skipped with a message when there is no cluster, unless CI=true. Screenshots go to test-results/.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { prepareCluster } from '../support/slurm/cluster.js';
import { startTestWorkbench } from '../support/vscode/prepare.js';
import { codeServerVersion } from '../support/vscode/install.js';
import type { Workbench } from '../support/vscode/workbench.js';
import { BIN, STATUS_ITEM_ID, answerLaunchSteps, clearScreenshots, seconds, stepRunner, stopBatchWork, workbenchSkip } from './batchSession.js';

const SHOT_PREFIX = 'e2e-slurm-';

const BATCHFILE = ['root_directory=.', 'job_basename|job_directory|program|pipe', 'make|jobs/make|shell|', 'use|jobs/use|shell|coords{../make,make.xyz}', 'solo|jobs/solo|shell|', ''].join('\n');
const SCRIPTS: Record<string, string> = {
  make: '#!/usr/bin/env bash\nset -euo pipefail\nprintf "1\\nhydrogen\\nH 0.0 0.0 0.0\\n" > make.xyz\necho "made on $(hostname)"\n',
  use: '#!/usr/bin/env bash\nset -euo pipefail\ntest -s make.xyz\necho "used $(head -n 1 make.xyz) atom"\n',
  solo: '#!/usr/bin/env bash\necho "solo in SLURM job $SLURM_JOB_ID"\n',
};

const workbenchSkipped = workbenchSkip();
const cluster = workbenchSkipped ? undefined : await prepareCluster();
const skip = workbenchSkipped || cluster?.skip || false;

function createWorkspace(): { root: string; folder: string; batchfile: string } {
  const root = mkdtempSync(join(tmpdir(), 'batchman-e2e-slurm-'));
  const folder = join(root, 'slurm-batch');
  mkdirSync(folder);
  const batchfile = join(folder, 'batchfile.csv');
  writeFileSync(batchfile, BATCHFILE);
  for (const [name, script] of Object.entries(SCRIPTS)) {
    mkdirSync(join(folder, 'jobs', name), { recursive: true });
    writeFileSync(join(folder, 'jobs', name, `${name}.sh`), script, { mode: 0o755 });
  }
  return { root, folder, batchfile };
}

describe('launching a batch on the real SLURM cluster from VS Code', { skip, timeout: 20 * 60_000 }, () => {
  const t0 = Date.now();
  const timings: Record<string, string> = {};
  let workbench: Workbench | undefined;
  let workspace: ReturnType<typeof createWorkspace> | undefined;
  const step = stepRunner(SHOT_PREFIX, () => workbench);

  before(async () => {
    clearScreenshots(SHOT_PREFIX);
    workspace = createWorkspace();
    // Nothing should run locally; should the executor pick go wrong, local jobs still stay out of the user's state.
    process.env.BATCHMAN_LOCAL_STATE = join(workspace.root, 'local-state');
    workbench = await startTestWorkbench('slurm', timings, { folder: workspace.folder });
  });

  after(async () => {
    await workbench?.stop();
    if (workspace) {
      const notes = await stopBatchWork([{ root: workspace.folder, batchfile: workspace.batchfile }], process.env.BATCHMAN_LOCAL_STATE);
      if (notes.length > 0) console.log(`cleanup: ${notes.join('; ')}`);
      rmSync(workspace.root, { recursive: true, force: true });
    }
    timings.total = seconds(Date.now() - t0);
    console.log(`e2e slurm timings (code-server ${codeServerVersion()}): ${JSON.stringify(timings)}`);
  });

  it('runs a small batch with sbatch: the tree shows every job succeeded with its SLURM job id', async () => {
    const ids: Record<string, string> = {};
    await step('1-launched', async (wb) => {
      // The status bar item comes with the batch, after the commands are registered.
      await wb.statusBarItem(STATUS_ITEM_ID, '0/3');
      await wb.runCommand('Batchman: Show Batches');
      await wb.waitForTreeRow(/^make not started$/);
      const launchedAt = Date.now();
      await wb.runCommand('Batchman: Launch Batch');
      // One batchfile in the workspace: no file to pick, the executor first.
      const titles = await answerLaunchSteps(wb, { executor: 'slurm' });
      assert.match(titles[0]!, /^Launch batchfile\.csv \(1\/6\): executor$/);
      // Other users' jobs may hold the cluster's two cores for a while.
      for (const name of Object.keys(SCRIPTS)) {
        const row = await wb.waitForTreeRow(new RegExp(`^${name} \\d+ · succeeded\\b`), 150_000);
        ids[name] = /^\w+ (\d+)/.exec(row)![1]!;
      }
      timings.batchRun = seconds(Date.now() - launchedAt);
    });
    await step('2-succeeded', async (wb) => {
      await wb.waitForTreeRow(/^batchfile\.csv 3\/3 succeeded$/);
      assert.match(await wb.statusBarItem(STATUS_ITEM_ID, '3/3'), /^batchfile\.csv 3\/3 succeeded$/);
      assert.equal(await wb.waitForNotification(/Batch batchfile\.csv ended/), 'Batch batchfile.csv ended: 3/3 succeeded.');
      // The ids in the tree are SLURM's own, and SLURM says those jobs completed.
      const queue = await execa('squeue', ['-h', '-t', 'all', '-o', '%i|%T', '-j', Object.values(ids).join(',')], { timeout: 30_000 });
      const states = Object.fromEntries(queue.stdout.trim().split('\n').map((line) => line.split('|') as [string, string]));
      assert.deepEqual(Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, states[id]])), { make: 'COMPLETED', use: 'COMPLETED', solo: 'COMPLETED' }, queue.stdout);
      const status = await execa(BIN, ['status', workspace!.batchfile, '--json'], { timeout: 60_000 });
      const truth = JSON.parse(status.stdout) as { batch: { computed_options?: { executor?: string } } | null; jobs: { basename: string; jobId: string | null }[] };
      assert.equal(truth.batch?.computed_options?.executor, 'slurm');
      assert.deepEqual(Object.fromEntries(truth.jobs.map((job) => [job.basename, job.jobId])), ids);
    });
  });
});
