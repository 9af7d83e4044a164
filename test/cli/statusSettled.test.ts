// `batchman status` keeps what it read of finished jobs (`.batchman/settled-*.json`) and trusts it only while the
// files keep their size and mtime: an output changed after the evidence was kept is read again and reported.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const XTB = join(REPO_ROOT, 'test/fixtures/outputs/xtb');
const HOUR_AGO = new Date(Date.now() - 3_600_000);

let scratch: string;
before(async () => {
  await ensureBuilt();
  scratch = await mkdtemp(join(tmpdir(), 'batchman-cli-status-settled-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

interface StatusJson {
  jobs: { basename: string; status: string; cause: string | null }[];
}

async function status(batchfile: string): Promise<Map<string, string>> {
  const run = await execa(process.execPath, [BIN, 'status', batchfile, '--json'], { reject: false });
  const parsed = JSON.parse(run.stdout) as StatusJson;
  return new Map(parsed.jobs.map((job) => [job.basename, job.status]));
}

it('an output changed after its evidence was kept is read again: status reports what it says now', async () => {
  const names = ['m1', 'm2', 'm3'];
  const ledger = ['job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename'];
  for (const [i, name] of names.entries()) {
    const folder = join(scratch, name);
    await mkdir(folder);
    await copyFile(join(XTB, 'opt-ok/mol.out'), join(folder, `${name}.out`));
    await writeFile(join(folder, `slurm-${100 + i}.out`), '');
    ledger.push(`${100 + i}|${name}|${folder}|succeeded|xtb||||`);
    // Older than the few seconds in which a stamp may not show a change: these are kept.
    await utimes(join(folder, `${name}.out`), HOUR_AGO, HOUR_AGO);
  }
  const batchfile = join(scratch, 'batchfile.csv');
  await writeFile(batchfile, ['root_directory=.', 'job_basename|job_directory|program|pipe', ...names.map((name) => `${name}|${name}|xtb|`), ''].join('\n'));
  await writeFile(join(scratch, '__ledger__.csv'), `${ledger.join('\n')}\n`);

  const first = await status(batchfile);
  assert.deepEqual([...first.values()], ['succeeded', 'succeeded', 'succeeded']);
  const kept = await readdir(join(scratch, '.batchman'));
  assert.ok(kept.some((name) => /^settled-[0-9a-f]+\.json$/.test(name)), `evidence kept: ${kept.join(', ')}`);
  assert.deepEqual([...(await status(batchfile)).values()], ['succeeded', 'succeeded', 'succeeded'], 'read from what was kept');

  // m2's output replaced by a failed run's (another size, another mtime, still not fresh).
  await copyFile(join(XTB, 'opt-fail/mol.out'), join(scratch, 'm2', 'm2.out'));
  const halfHourAgo = new Date(Date.now() - 1_800_000);
  await utimes(join(scratch, 'm2', 'm2.out'), halfHourAgo, halfHourAgo);
  const after = await status(batchfile);
  assert.equal(after.get('m2'), 'failed', 'the changed output is read again');
  assert.equal(after.get('m1'), 'succeeded');
  assert.equal(after.get('m3'), 'succeeded');
});
