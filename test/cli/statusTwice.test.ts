// `batchman status` run twice in a row on a CCBatchMan batch whose molecules reuse step names, without a cluster:
// both reads agree — a job scancel stopped (its slurm-*.out says CANCELLED AT) is `cancelled` each time, a job that
// vanished long ago (in no queue, no accounting, no end marker) is `failed` with cause `vanished` each time, and each
// `opt` keeps its own row.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const FIXTURES = join(REPO_ROOT, 'test/fixtures');
const LONG_AGO = new Date(Date.now() - 3 * 3_600_000);

let scratch: string;
let nodeOnlyPath: string;

before(async () => {
  await ensureBuilt();
  scratch = await mkdtemp(join(tmpdir(), 'batchman-cli-status-twice-'));
  nodeOnlyPath = join(scratch, 'path');
  await mkdir(nodeOnlyPath);
  await symlink(process.execPath, join(nodeOnlyPath, 'node'));
});
after(() => rm(scratch, { recursive: true, force: true }));

it('two status reads in a row agree on a cancelled job and a vanished one, each opt its own', async () => {
  const dir = join(scratch, 'batch');
  const batchfile = join(dir, 'batchfile.csv');
  await mkdir(dir);
  await writeFile(batchfile, ['root_directory=.', 'job_basename|job_directory|program|pipe', 'opt|mol1/opt|xtb|', 'opt|mol2/opt|xtb|', ''].join('\n'));
  for (const folder of ['mol1/opt', 'mol2/opt']) await mkdir(join(dir, folder), { recursive: true });
  // mol1/opt: scancel'd while it ran
  await copyFile(join(FIXTURES, 'outputs/xtb/running/mol.out'), join(dir, 'mol1/opt/opt.out'));
  await copyFile(join(FIXTURES, 'outputs/slurm/cancelled/slurm-4253.out'), join(dir, 'mol1/opt/slurm-4253.out'));
  // mol2/opt: ran for a while hours ago, then nothing; nobody knows it any more
  await copyFile(join(FIXTURES, 'outputs/xtb/running/mol.out'), join(dir, 'mol2/opt/opt.out'));
  await utimes(join(dir, 'mol2/opt/opt.out'), LONG_AGO, LONG_AGO);
  await writeFile(
    join(dir, '__ledger__.csv'),
    [
      'job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename',
      '4253.0|opt|./mol1/opt|running|xtb|NaN|NaN|NaN|NaN',
      `4254.0|opt|./mol2/opt|running|xtb|NaN|NaN|NaN|NaN`,
      '',
    ].join('\n'),
  );

  const read = async () => {
    const result = await execa(BIN, ['status', batchfile, '--json'], { reject: false, cwd: dir, timeout: 30_000, env: { PATH: nodeOnlyPath, BATCHMAN_LOCAL_STATE: join(scratch, 'state') }, extendEnv: false });
    const json = JSON.parse(result.stdout) as { jobs: { basename: string; directory: string; status: string; cause: string | null }[] };
    return { exitCode: result.exitCode, jobs: json.jobs.map((job) => `${job.directory.slice(dir.length + 1)}:${job.status}:${job.cause}`) };
  };
  const expected = ['mol1/opt:cancelled:CANCELLED', 'mol2/opt:failed:vanished'];
  const first = await read();
  assert.deepEqual(first.jobs, expected);
  assert.equal(first.exitCode, 1, 'a failed job: exit 1');
  const second = await read();
  assert.deepEqual(second.jobs, expected, 'the second read says what the first said');
});
