// Hostile job names and folders (`a b`, `x'y`, `$(touch pwned)`, `;rm -rf x`) on the local executor:
// the batch runs, nothing outside the job folders is created or removed, the names stay intact.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findOnPath } from '../../core/slurm/detect.js';
import { REPO_ROOT } from '../support/build.js';
import { batchman, cleanupSandboxes, ledgerRows, runBatchman, sandbox, tree } from '../support/runner.js';

after(cleanupSandboxes);

const withXtb = findOnPath('xtb') !== undefined || process.env['CI'] === 'true';
const WATER = '3\nwater\nO 0.000000 0.000000 0.117300\nH 0.000000 0.757200 -0.469200\nH 0.000000 -0.757200 -0.469200\n';

interface HostileJob {
  basename: string;
  directory: string;
  program: 'shell' | 'xtb';
  pipe: string;
  /** The .xyz file the job writes (shell jobs), for the pipes below it. */
  writes?: string;
}

const JOBS: HostileJob[] = [
  { basename: 'a b', directory: 'a b', program: 'shell', pipe: '', writes: 'a b.xyz' },
  { basename: "x'y", directory: "x'y", program: 'shell', pipe: 'coords{../a b,a b.xyz}' },
  { basename: '$(touch pwned)', directory: '$(touch pwned)', program: 'shell', pipe: '', writes: '$(touch pwned).xyz' },
  { basename: ';rm -rf x', directory: ';rm -rf x', program: 'shell', pipe: 'coords{../$(touch pwned),$(touch pwned).xyz}' },
  ...(withXtb ? [{ basename: "$(touch pwned)_x'y", directory: "x'y/$(touch pwned) `touch pwned`", program: 'xtb' as const, pipe: 'coords{../../a b,a b.xyz}' }] : []),
];

/** A shell job of ours: it records the name it was given and, if asked, writes a geometry for downstream. */
function script(job: HostileJob): string {
  const lines = ['#!/usr/bin/env bash', 'set -eu', 'printf "%s\\n" "$SLURM_JOB_NAME" > name.txt', 'pwd > pwd.txt'];
  if (job.writes) lines.push(`cat > ${JSON.stringify(job.writes).replace(/\$/g, '\\$')} <<'XYZ'`, WATER.trimEnd(), 'XYZ');
  return `${lines.join('\n')}\n`;
}

test(`hostile names run and touch nothing outside their folders${withXtb ? ' (with an xtb job)' : ' (xtb absent: shell jobs only)'}`, async () => {
  const box = await sandbox();
  const rows = JOBS.map((job) => `${job.basename}|${job.directory}|${job.program}|${job.pipe}`);
  await writeFile(box.batchfile, ['root_directory=.', 'job_basename|job_directory|program|pipe', ...rows, ''].join('\n'));
  for (const job of JOBS) {
    const folder = join(box.dir, job.directory);
    await mkdir(folder, { recursive: true });
    if (job.program === 'shell') await writeFile(join(folder, `${job.basename}.sh`), script(job));
  }
  // what `;rm -rf x` would remove, were it ever run by a shell: here, in the root and in the cwd
  for (const place of [box.dir, box.root]) {
    await mkdir(join(place, 'x'), { recursive: true });
    await writeFile(join(place, 'x', 'keep'), 'keep\n');
  }
  const before = await tree(box.root);

  const result = await runBatchman(box, [], { timeoutMs: 90_000 });
  assert.equal(result.exitCode, 0, `${result.stderr}\n${result.stdout}`);

  // names intact in the ledger and in status --json
  const ledger = await ledgerRows(box);
  assert.deepEqual([...ledger.keys()], JOBS.map((job) => job.basename));
  for (const job of JOBS) {
    const row = ledger.get(job.basename)!;
    assert.equal(row.status, 'succeeded', `${job.basename}: ${row.cause ?? ''}`);
    assert.equal(row.directory, join(box.dir, job.directory));
  }
  const status = JSON.parse((await batchman(box, ['status', box.batchfile, '--json'])).stdout) as { jobs: { basename: string; directory: string; status: string }[] };
  assert.deepEqual(
    status.jobs.map((job) => [job.basename, job.directory, job.status]),
    JOBS.map((job) => [job.basename, join(box.dir, job.directory), 'succeeded']),
  );

  // each job ran in its own folder under its own name, and the pipes delivered
  for (const job of JOBS.filter((j) => j.program === 'shell')) {
    const folder = join(box.dir, job.directory);
    assert.equal(await readFile(join(folder, 'name.txt'), 'utf8'), `${job.basename}\n`);
    assert.equal(await readFile(join(folder, 'pwd.txt'), 'utf8'), `${folder}\n`);
  }
  assert.equal(await readFile(join(box.dir, "x'y", 'a b.xyz'), 'utf8'), WATER);
  assert.equal(await readFile(join(box.dir, ';rm -rf x', '$(touch pwned).xyz'), 'utf8'), WATER);
  if (withXtb) {
    const xtbJob = JOBS.at(-1)!;
    const folder = join(box.dir, xtbJob.directory);
    assert.match(await readFile(join(folder, `${xtbJob.basename}.out`), 'utf8'), /\* finished run on/);
    assert.match(await readFile(join(folder, `${xtbJob.basename}.sh`), 'utf8'), /^# batchman:generated/m);
  }

  // nothing removed; nothing created outside the job folders but Batchman's own files
  const after = await tree(box.root);
  const afterSet = new Set(after);
  assert.deepEqual(before.filter((path) => !afterSet.has(path)), [], 'nothing removed');
  const jobFolders = JOBS.map((job) => join('batch', job.directory));
  const allowed = (path: string) =>
    path === 'state' ||
    path.startsWith('state/') ||
    path === 'batch/.batchman' ||
    path.startsWith('batch/.batchman/') ||
    path === 'batch/__ledger__.csv' ||
    jobFolders.some((folder) => path.startsWith(`${folder}/`));
  const beforeSet = new Set(before);
  assert.deepEqual(after.filter((path) => !beforeSet.has(path) && !allowed(path)), [], 'nothing created outside the job folders');
  // and no `pwned` file anywhere: not in the root, the job folders, the cwd or the repository
  assert.deepEqual(after.filter((path) => /(^|\/)pwned$/.test(path)), []);
  for (const place of [box.root, box.dir, process.cwd(), REPO_ROOT]) assert.equal(existsSync(join(place, 'pwned')), false, `no pwned in ${place}`);
});
