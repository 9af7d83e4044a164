// sbatch misbehaving in front of the real cluster, as `batchman run` meets it: a hung sbatch that did or did not
// create the job, a garbled answer after a real submission, a controller away for the first calls, a partition that
// does not exist. Every job runs exactly once (each appends to a marker file), and no stack trace reaches the user.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { prepareCluster, removeTempDirs, sharedDir, which } from '../support/slurm/cluster.js';
import { batchDir, batchman, cancelLeftovers, ledgerRows, readJson, shellJob } from './runnerHarness.js';
import type { CliRun } from './runnerHarness.js';

const cluster = await prepareCluster();
after(removeTempDirs);

/** What one sbatch call does, by its position: the calls after the list pass through. */
type CallFault = 'hang' | 'submit-then-hang' | 'submit-then-garble' | 'no-controller';

/**
 * An sbatch wrapper that misbehaves on its first calls, as listed, then execs the real sbatch. `no-controller` runs
 * the real sbatch against a copy of slurm.conf whose controller port nothing listens on: SLURM's own message.
 */
async function sbatchWrapper(faults: readonly CallFault[]): Promise<{ path: string; calls: () => Promise<number> }> {
  const real = which('sbatch');
  if (!real) throw new Error('sbatch not found');
  const dir = await sharedDir();
  const conf = await readFile(process.env.SLURM_CONF ?? '/etc/slurm/slurm.conf', 'utf8');
  const deadConf = join(dir, 'no-controller.conf');
  await writeFile(deadConf, conf.replace(/^SlurmctldPort=.*$/gm, '').replace(/^(SlurmctldHost=.*)$/m, '$1\nSlurmctldPort=9') + '\nMessageTimeout=1\n');
  const count = join(dir, 'calls');
  await writeFile(count, '0\n');
  const action: Record<CallFault, string> = {
    hang: 'exec sleep 300',
    'submit-then-hang': `'${real}' "$@" >/dev/null 2>&1; exec sleep 300`,
    'submit-then-garble': `'${real}' "$@" >/dev/null 2>&1; echo 'sbatch: the answer got mangled on its way'; exit 0`,
    'no-controller': `SLURM_CONF='${deadConf}' exec '${real}' "$@"`,
  };
  const path = join(dir, 'sbatch');
  await writeFile(
    path,
    [
      '#!/bin/sh',
      `n=$(( $(cat '${count}') + 1 )); echo "$n" > '${count}'`,
      'case "$n" in',
      ...faults.map((fault, index) => `  ${index + 1}) ${action[fault]} ;;`),
      'esac',
      `exec '${real}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { path, calls: async () => Number((await readFile(count, 'utf8')).trim()) };
}

interface FaultRun {
  readonly root: string;
  readonly run: CliRun;
  readonly sbatchCalls: number;
  /** How many times each job ran, from the marker file its script appends to. */
  readonly runs: Map<string, number>;
}

/** A batch of independent shell jobs, run with `batchman run` behind the wrapper; `partition` per job when given. */
async function runWithFaults(jobs: readonly string[], faults: readonly CallFault[], partitions: Readonly<Record<string, string>> = {}): Promise<FaultRun> {
  const root = await batchDir();
  const marker = join(root, 'marker');
  const header = 'job_basename|job_directory|program|pipe|partition';
  await writeFile(join(root, 'batchfile.csv'), ['root_directory=.', header, ...jobs.map((job) => `${job}|${job}|shell||${partitions[job] ?? ''}`), ''].join('\n'));
  for (const job of jobs) await shellJob(root, job, `echo ${job} >> '${marker}'\nsleep 1`);
  const wrapper = await sbatchWrapper(faults);
  try {
    const run = await batchman(['run', join(root, 'batchfile.csv'), '--executor', 'slurm'], {
      env: { ...process.env, BATCHMAN_SBATCH: wrapper.path, BATCHMAN_SBATCH_TIMEOUT: '3' },
      timeoutMs: 170_000,
    });
    const lines = (await readFile(marker, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
    const runs = new Map(jobs.map((job) => [job, lines.filter((line) => line === job).length]));
    return { root, run, sbatchCalls: await wrapper.calls(), runs };
  } finally {
    await cancelLeftovers(root);
  }
}

const JOBS = ['a', 'b', 'c'];
const allFaultRuns: FaultRun[] = [];

function assertEachRanOnce(result: FaultRun): void {
  assert.deepEqual(Object.fromEntries(result.runs), Object.fromEntries(JOBS.map((job) => [job, 1])), `each job ran exactly once\n${result.run.stderr}`);
}

async function assertAllSucceeded(result: FaultRun): Promise<void> {
  assert.equal(result.run.exitCode, 0, result.run.stderr);
  const rows = await ledgerRows(result.root);
  assert.deepEqual(JOBS.map((job) => rows.get(job)?.status), JOBS.map(() => 'succeeded'));
}

describe('sbatch faults on the real cluster, through batchman run', { skip: cluster.skip }, () => {
  const results = new Map<string, FaultRun>();

  before(async () => {
    // Independent batches, so they run side by side: each waits mostly on timeouts and the in-doubt grace.
    const scenarios: [string, CallFault[], Record<string, string>?][] = [
      ['hang, not created', ['hang']],
      ['hang, created', ['submit-then-hang']],
      ['garbled, created', ['submit-then-garble']],
      ['no controller', ['no-controller', 'no-controller', 'no-controller']],
      ['no such partition', [], { b: 'nosuch' }],
    ];
    const runs = await Promise.all(scenarios.map(([, faults, partitions]) => runWithFaults(JOBS, faults, partitions)));
    scenarios.forEach(([name], index) => results.set(name, runs[index]!));
    allFaultRuns.push(...runs);
  });

  test('a hung sbatch that created nothing: after the grace the queue has no such job, it is submitted again, once', async () => {
    const result = results.get('hang, not created')!;
    await assertAllSucceeded(result);
    assertEachRanOnce(result);
    assert.equal(result.sbatchCalls, JOBS.length + 1, 'one more sbatch call than jobs: the hung one');
    assert.match(result.run.stderr, /runner: a: sbatch's answer was lost \(sbatch timed out after 3000 ms\)/);
    assert.match(result.run.stderr, /runner: a: the submission in doubt created no job; submitting it again/);
  });

  test('a hung sbatch whose job was created: the job is found in the queue by its folder and adopted, not doubled', async () => {
    const result = results.get('hang, created')!;
    await assertAllSucceeded(result);
    assertEachRanOnce(result);
    assert.equal(result.sbatchCalls, JOBS.length, 'no second sbatch for the adopted job');
    assert.match(result.run.stderr, /runner: a: the submission in doubt had created job \d+; adopted/);
    const info = await readJson(join(result.root, 'a', 'run_info.json'));
    assert.equal(info['job_id'], (await ledgerRows(result.root)).get('a')?.jobId, 'run_info.json names the adopted id');
    assert.equal(info['submitting_since'], undefined, 'the intent is cleared once the job is found');
  });

  test('a garbled answer after a real submission: adopted, not doubled', async () => {
    const result = results.get('garbled, created')!;
    await assertAllSucceeded(result);
    assertEachRanOnce(result);
    assert.equal(result.sbatchCalls, JOBS.length);
    assert.match(result.run.stderr, /sbatch --parsable printed no job id/);
    assert.match(result.run.stderr, /runner: a: the submission in doubt had created job \d+; adopted/);
  });

  test('the controller unreachable for the first 3 calls: the jobs wait (said once), then all succeed', async () => {
    const result = results.get('no controller')!;
    await assertAllSucceeded(result);
    assertEachRanOnce(result);
    assert.equal(result.sbatchCalls, JOBS.length + 3);
    const waits = result.run.stderr.match(/runner: sbatch: .*Unable to contact slurm controller \(connect failure\); waiting \(controller unreachable\)/g) ?? [];
    assert.equal(waits.length, 1, `the wait is said once, not per retry:\n${result.run.stderr}`);
    assert.match(result.run.stdout, /waiting — controller unreachable/);
    assert.match(result.run.stderr, /runner: the cluster takes jobs again/);
    const rows = await ledgerRows(result.root);
    assert.ok(JOBS.every((job) => rows.get(job)?.cause === undefined), 'no job carries the refusal as a failure');
  });

  test('a partition that does not exist: that job fails with SLURM\'s message, the others run', async () => {
    const result = results.get('no such partition')!;
    assert.equal(result.run.exitCode, 1, result.run.stderr);
    const rows = await ledgerRows(result.root);
    assert.equal(rows.get('b')?.status, 'failed');
    assert.match(rows.get('b')?.cause ?? '', /^submission refused: .*Invalid partition name specified/);
    assert.equal(rows.get('a')?.status, 'succeeded');
    assert.equal(rows.get('c')?.status, 'succeeded');
    assert.deepEqual(Object.fromEntries(result.runs), { a: 1, b: 0, c: 1 });
  });

  test('no stack trace and no internal error reach the user in any of these runs', () => {
    assert.equal(allFaultRuns.length, 5);
    for (const { run } of allFaultRuns) {
      const output = `${run.stderr}\n${run.stdout}`;
      assert.doesNotMatch(output, /^\s+at .*\(?[^\s()]+:\d+:\d+\)?$/m, `a stack trace:\n${output}`);
      assert.doesNotMatch(output, /internal error:/, output);
    }
  });
});
