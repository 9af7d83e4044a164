// A real QOS submit limit on the test cluster (LIMIT_USER's default QOS, MaxSubmitJobsPerUser = SUBMIT_LIMIT):
// SLURM's own refusal and what Batchman makes of it, `-j auto` reading the limit, and a batch three times the
// limit that finishes with every job run exactly once.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { listBatchRecords } from '../../core/runner/records.js';
import { classifySbatchRefusal } from '../../core/slurm/sbatchAnswers.js';
import { ensureBuilt } from '../support/build.js';
import { LIMIT_USER, SUBMIT_LIMIT, prepareCluster, removeTempDirs, sharedDir, tempDirFor } from '../support/slurm/cluster.js';
import { batchmanFor, runAs, userPath } from '../support/slurm/users.js';
import { cancelLeftovers, ledgerRows } from './runnerHarness.js';

const cluster = await prepareCluster();
const skip = cluster.skip || (!cluster.limitUser && `the submit limit for ${LIMIT_USER} is not set up (needs root and accounting)`);
const roots: string[] = [];
after(async () => {
  for (const root of roots) await cancelLeftovers(root);
  await removeTempDirs();
});

/** A folder of LIMIT_USER's with one shell job per name; each job appends its name to `markers.txt` at the root. */
async function limitedBatch(names: readonly string[], body = 'sleep 2'): Promise<{ root: string; batchfile: string; markers: string }> {
  const root = await tempDirFor(LIMIT_USER, 'batchman-limit-');
  roots.push(root);
  for (const name of names) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, `${name}.sh`), `#!/bin/bash\necho "${name} $SLURM_JOB_ID" >> ../markers.txt\n${body}\n`, { mode: 0o755 });
  }
  const batchfile = join(root, 'batchfile.csv');
  await writeFile(batchfile, `root_directory=.\njob_basename|job_directory|program|pipe\n${names.map((n) => `${n}|${n}|shell|`).join('\n')}\n`);
  const markers = join(root, 'markers.txt');
  await writeFile(markers, '');
  await execa('chown', ['-R', `${LIMIT_USER}:`, root], { timeout: 15_000 });
  return { root, batchfile, markers };
}

/** Submits a job of LIMIT_USER's outside any batch, as the user would by hand. */
async function sbatchAsLimited(dir: string, seconds: number) {
  return runAs(LIMIT_USER, 'sbatch', ['--parsable', `--chdir=${dir}`, '--job-name=outside', '--output=/dev/null', `--wrap=sleep ${seconds}`]);
}

/** Lines of a runner's stderr that look like a stack trace or an internal error: users never see one. */
function traces(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^\s+at\s|internal error|SchedulerError/.test(line));
}

describe(`a QOS submit limit of ${SUBMIT_LIMIT} on the real cluster (as ${LIMIT_USER})`, { skip }, () => {
  let batchman: { file: string; args: string[] };
  let wrapDir: string;

  before(async () => {
    await ensureBuilt();
    batchman = await batchmanFor(LIMIT_USER);
    wrapDir = await sharedDir();
  });

  test(`SLURM refuses job ${SUBMIT_LIMIT + 1} with its own words, and Batchman reads them as "for now: submit limit"`, async () => {
    const dir = await tempDirFor(LIMIT_USER, 'batchman-limit-raw-');
    const ids: string[] = [];
    try {
      for (let i = 0; i < SUBMIT_LIMIT; i++) {
        const accepted = await sbatchAsLimited(dir, 60);
        assert.equal(accepted.exitCode, 0, `job ${i + 1} accepted: ${accepted.stderr}`);
        ids.push(accepted.stdout.trim());
      }
      const refused = await sbatchAsLimited(dir, 60);
      assert.equal(refused.exitCode, 1);
      assert.equal(refused.stdout, '');
      // SLURM 22.05 names the limit on a line of its own before the reason sentence.
      assert.equal(
        refused.stderr,
        "sbatch: error: QOSMaxSubmitJobPerUserLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
      );
      assert.deepEqual(classifySbatchRefusal(refused.stderr), {
        kind: 'for-now',
        reason: 'submit limit',
        message: "QOSMaxSubmitJobPerUserLimit; Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
      });
    } finally {
      await execa('scancel', ids, { reject: false, timeout: 15_000 });
    }
  });

  test('`run -j auto` records the room the limit leaves beside a job already queued', async () => {
    const outsideDir = await tempDirFor(LIMIT_USER, 'batchman-limit-outside-');
    const outside = await sbatchAsLimited(outsideDir, 120);
    assert.equal(outside.exitCode, 0, outside.stderr);
    try {
      const batch = await limitedBatch(['a1', 'a2']);
      const run = await runAs(LIMIT_USER, batchman.file, [...batchman.args, 'run', batch.batchfile, '--executor', 'slurm', '-j', 'auto'], { PATH: userPath(wrapDir) }, 120_000);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`up to ${SUBMIT_LIMIT - 1} jobs at a time`));
      assert.match(run.stderr, new RegExp(`-j auto = ${SUBMIT_LIMIT - 1}: QOS limited MaxSubmitJobsPerUser = ${SUBMIT_LIMIT}, 1 job\\(s\\) already queued`));
      const [record] = await listBatchRecords(batch.root, batch.batchfile);
      assert.ok(record, 'the launch left a record');
      assert.equal(record.command_options['jobs'], 'auto');
      assert.equal(record.computed_options['jobs'], SUBMIT_LIMIT - 1);
      assert.deepEqual(record.computed_options['jobsLimit'], { source: 'QOS limited MaxSubmitJobsPerUser', limit: SUBMIT_LIMIT, queuedElsewhere: 1 });
    } finally {
      await execa('scancel', [outside.stdout.trim()], { reject: false, timeout: 15_000 });
    }
  });

  test(`a batch of ${3 * SUBMIT_LIMIT} independent jobs under the limit: every job succeeds, each ran exactly once`, async () => {
    const names = Array.from({ length: 3 * SUBMIT_LIMIT }, (_, i) => `m${i + 1}`);
    const batch = await limitedBatch(names);
    // -j above the limit, so SLURM itself refuses the submissions past it and the runner must wait them out.
    const run = await runAs(LIMIT_USER, batchman.file, [...batchman.args, 'run', batch.batchfile, '--executor', 'slurm', '-j', String(names.length)], { PATH: userPath(wrapDir) }, 300_000);
    const rows = await ledgerRows(batch.root);
    const statuses = names.map((name) => `${name}: ${rows.get(name)?.status} ${rows.get(name)?.cause ?? ''}`.trim());
    assert.equal(run.exitCode, 0, `${statuses.join('\n')}\n${run.stderr}`);
    for (const name of names) assert.equal(rows.get(name)?.status, 'succeeded', statuses.join('\n'));
    const marks = (await readFile(batch.markers, 'utf8')).split('\n').filter((line) => line !== '');
    for (const name of names) {
      assert.equal(marks.filter((line) => line.startsWith(`${name} `)).length, 1, `${name} ran once:\n${marks.join('\n')}`);
    }
    assert.equal(marks.length, names.length);
    assert.equal(new Set(names.map((name) => rows.get(name)?.jobId)).size, names.length, 'one SLURM job each');
    assert.deepEqual(traces(run.stderr), [], 'no stack trace or internal error on stderr');
  });
});
