// A batch laid out as CCBatchMan's generators lay it out (one folder per molecule, the same step names in each, braces
// pipes) runs to the end on the real cluster: a "Gaussian" optimisation per molecule (its run prints a real Gaussian 16
// log, cclib's regression data), the final geometry written as CCBatchMan writes it, and the job below reading it.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureBuilt } from '../support/build.js';
import { prepareCluster, removeTempDirs } from '../support/slurm/cluster.js';
import { batchDir, batchman, cancelLeftovers, sacctJobs } from './runnerHarness.js';
import type { CliRun } from './runnerHarness.js';

const cluster = await prepareCluster();
const MOLECULES = ['mol1', 'mol2'];
const CCLIB = new URL('../fixtures/outputs/cclib/gaussian/', import.meta.url).pathname;

interface StatusJob {
  basename: string;
  directory: string;
  status: string;
  jobId: string | null;
  slurmState: string | null;
}

describe("a batch in CCBatchMan's layout on SLURM", { skip: cluster.skip }, () => {
  let root = '';
  let run: CliRun;
  let jobs: StatusJob[] = [];

  before(async () => {
    await ensureBuilt();
    root = await batchDir();
    const rows = MOLECULES.flatMap((mol) => [`opt|${mol}/opt|gaussian|`, `check|${mol}/check|shell|coords{../opt,}`]);
    // CCBatchMan's column order (directory first) and its program spelling.
    await writeFile(
      join(root, 'batchfile.csv'),
      ['root_directory=.', 'job_directory|job_basename|program|pipe', ...rows.map((row) => row.split('|')).map(([name, dir, program, pipe]) => `${dir}|${name}|${program === 'gaussian' ? 'Gaussian' : program}|${pipe}`), ''].join('\n'),
    );
    await writeFile(join(root, 'batchman.json'), JSON.stringify({ programs: { gaussian: { command: `cat '${join(CCLIB, 'g16-dvb_gopt.log')}' > {output}` } } }));
    for (const mol of MOLECULES) {
      await mkdir(join(root, mol, 'opt'), { recursive: true });
      await copyFile(join(CCLIB, 'g16-dvb_gopt.gjf'), join(root, mol, 'opt/opt.gjf'));
      await mkdir(join(root, mol, 'check'), { recursive: true });
      await writeFile(join(root, mol, 'check/check.sh'), `#!/usr/bin/env bash\nset -e\ntest "$(head -1 opt.xyz)" = 20\necho "${mol} read its geometry"\n`, { mode: 0o755 });
    }
    run = await batchman(['run', join(root, 'batchfile.csv'), '--executor', 'slurm', '-j', '4'], { timeoutMs: 240_000 });
    const status = await batchman(['status', join(root, 'batchfile.csv'), '--json']);
    jobs = (JSON.parse(status.stdout) as { jobs: StatusJob[] }).jobs;
  });

  after(async () => {
    if (root) await cancelLeftovers(root);
    await removeTempDirs();
  });

  test('validates clean and runs to the end: every job succeeded, each its own SLURM job', async () => {
    const validate = await batchman(['validate', join(root, 'batchfile.csv'), '--json']);
    assert.deepEqual((JSON.parse(validate.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code), [], 'no finding on the batch');
    assert.equal(run.exitCode, 0, `${run.stdout}\n${run.stderr}`);
    assert.equal(jobs.length, 4, JSON.stringify(jobs));
    assert.deepEqual(
      jobs.map((job) => [job.directory.slice(root.length + 1), job.basename, job.status]).sort(),
      [['mol1/check', 'check', 'succeeded'], ['mol1/opt', 'opt', 'succeeded'], ['mol2/check', 'check', 'succeeded'], ['mol2/opt', 'opt', 'succeeded']],
    );
    const ids = jobs.map((job) => job.jobId);
    assert.equal(new Set(ids).size, 4, `four distinct SLURM ids: ${ids.join(', ')}`);
    if (cluster.accounting) {
      const accounted = await sacctJobs(ids.filter((id): id is string => id !== null));
      for (const id of ids) assert.equal(accounted.get(id!)?.['State'], 'COMPLETED', `SLURM's record of job ${id}`);
    }
  });

  test("each optimisation leaves its final geometry as CCBatchMan writes it, and its own check job read it", async () => {
    for (const mol of MOLECULES) {
      const xyz = await readFile(join(root, mol, 'opt/opt.xyz'), 'utf8');
      assert.deepEqual(xyz.split('\n').slice(0, 3), ['20', 'Final coordinates from opt optimization', 'C  0.269445  1.410118  0.000000']);
      assert.equal(await readFile(join(root, mol, 'check/opt.xyz'), 'utf8'), xyz, `${mol}/check got ${mol}/opt's geometry`);
      const check = jobs.find((job) => job.directory.endsWith(`${mol}/check`))!;
      const out = await readFile(join(root, mol, 'check', `slurm-${check.jobId}.out`), 'utf8');
      assert.match(out, new RegExp(`${mol} read its geometry`));
    }
  });
});
