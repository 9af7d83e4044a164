// `batchman new` → `run --executor slurm` with real xTB on the real cluster: the example's molecules (one a radical)
// become a batch whose every job SLURM runs to COMPLETED, each freq job starting from its own molecule's xtbopt.xyz
// and the radical's jobs told one unpaired electron.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { readLedgerIfExists } from '../../core/ledger/ledger.js';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import { ensureBuilt } from '../support/build.js';
import { prepareCluster, removeTempDirs, which } from '../support/slurm/cluster.js';
import { batchDir, batchman, cancelLeftovers, sacctJobs } from './runnerHarness.js';

const cluster = await prepareCluster();
const MOLECULES = ['methane', 'methyl', 'water'];
const noXtb = !which('xtb') && process.env['CI'] !== 'true' ? 'xtb is not on PATH (CI installs it)' : false;

describe('batchman new → run on SLURM, real xTB', { skip: cluster.skip || noXtb }, () => {
  let root = '';
  after(async () => {
    if (root) await cancelLeftovers(root);
    await removeTempDirs();
  });

  test('xtb-opt-freq on three molecules, one a radical: every job COMPLETED and succeeded, each freq from its own geometry', async () => {
    await ensureBuilt();
    root = await batchDir('new-from-structures');
    const batchfile = join(root, 'batchfile.csv');
    const made = await batchman(['new', '--pipeline', 'xtb-opt-freq', '--structures', join(root, 'structures'), '-o', batchfile]);
    assert.equal(made.exitCode, 0, made.stderr);

    const run = await batchman(['run', batchfile, '--executor', 'slurm', '-j', '3'], { timeoutMs: 240_000 });
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    const rows = (await readLedgerIfExists(join(root, '__ledger__.csv')))?.rows ?? [];
    assert.deepEqual(
      Object.fromEntries(rows.map((row) => [`${relative(root, row.directory)}/${row.basename}`, row.status])),
      Object.fromEntries(MOLECULES.flatMap((m) => [[`${m}/opt/opt`, 'succeeded'], [`${m}/freq/freq`, 'succeeded']])),
    );
    if (cluster.accounting) {
      const ids = rows.map((row) => row.jobId);
      const accounted = await sacctJobs(ids);
      for (const id of ids) assert.equal(accounted.get(String(id))?.['State'], 'COMPLETED', `SLURM's record of job ${id}`);
    }
    for (const molecule of MOLECULES) {
      const best = parseXyz(await readFile(join(root, molecule, 'opt', 'xtbopt.xyz'), 'utf8')).atoms;
      const input = parseXyz(await readFile(join(root, molecule, 'freq', 'freq.xyz'), 'utf8')).atoms;
      assert.deepEqual(input, best, `${molecule}/freq/freq.xyz is ${molecule}'s own xtbopt.xyz`);
    }
    for (const step of ['opt', 'freq']) {
      const output = await readFile(join(root, 'methyl', step, `${step}.out`), 'utf8');
      assert.match(output, /program call\s+:.*--uhf 1\b/, `methyl ${step}: xtb was told one unpaired electron`);
      assert.match(output, /# electrons\s+7\b/, `methyl ${step}: 7 electrons`);
    }
  });
});
