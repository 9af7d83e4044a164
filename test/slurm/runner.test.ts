// `batchman run --executor slurm` on the real cluster: the xTB pipeline with its sbatch options, the
// throttle as squeue shows it, a failure and its broken downstream, and cancelling a running batch.
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { GENERATED_MARKER } from '../../core/runner/submitScript.js';
import { listBatchRecords } from '../../core/runner/records.js';
import { ensureBuilt } from '../support/build.js';
import { prepareCluster, removeTempDirs, waitFor } from '../support/slurm/cluster.js';
import {
  batchDir,
  batchman,
  cancelLeftovers,
  ledgerRows,
  liveJobsUnder,
  sacctJobs,
  scontrolJob,
  shellJob,
  startRunner,
} from './runnerHarness.js';
import type { CliRun } from './runnerHarness.js';

const cluster = await prepareCluster();
const roots: string[] = [];
after(async () => {
  for (const root of roots) await cancelLeftovers(root);
  await removeTempDirs();
});

async function newBatch(example?: string): Promise<string> {
  const root = await batchDir(example);
  roots.push(root);
  return root;
}

function row(rows: Map<string, LedgerRow>, name: string): LedgerRow {
  const found = rows.get(name);
  assert.ok(found, `the ledger has a row for ${name}`);
  return found;
}

describe('the xTB pipeline on SLURM', { skip: cluster.skip }, () => {
  // The example as shipped, plus the optional SLURM columns, so the sbatch options can be checked.
  const OPTIONS: Record<string, [cores: string, walltime: string, memory: string]> = {
    water_opt: ['2', '00:10:00', '500M'],
    water_freq: ['1', '00:05:00', ''],
    ammonia_opt: ['1', '', '300M'],
  };
  let root: string;
  let run: CliRun;
  let rows: Map<string, LedgerRow>;

  before(async () => {
    await ensureBuilt();
    root = await newBatch('xtb-water');
    const file = join(root, 'batchfile.csv');
    const lines = (await readFile(file, 'utf8')).split('\n').map((line) => {
      if (line.startsWith('job_basename|')) return `${line}|walltime|memory`;
      const name = line.split('|')[0]!;
      if (line.startsWith('#') || !line.includes('|')) return line;
      const [, walltime = '', memory = ''] = OPTIONS[name] ?? [];
      const cells = line.split('|');
      if (OPTIONS[name]) cells[4] = OPTIONS[name][0];
      return [...cells, walltime, memory].join('|');
    });
    await writeFile(file, lines.join('\n'));
    run = await batchman(['run', file, '--executor', 'slurm', '-j', '6']);
    rows = await ledgerRows(root);
  });

  test('every job succeeds and the run exits 0', () => {
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(rows.size, 6);
    for (const [name, r] of rows) {
      assert.equal(r.status, 'succeeded', `${name}: ${r.status} ${r.cause ?? ''}`);
      assert.ok(r.jobId > 0, `${name} has a SLURM job id`);
      assert.equal(r.slurmState, 'COMPLETED');
    }
  });

  test('xTB really ran, and each frequency job read its optimisation\'s final geometry', async () => {
    for (const molecule of ['water', 'ammonia', 'methane']) {
      const freqOut = await readFile(join(root, molecule, 'freq', `${molecule}_freq.out`), 'utf8');
      assert.match(freqOut, /\* finished run on/);
      assert.match(freqOut, /vibrational frequencies/);
      const optimised = await readFile(join(root, molecule, 'opt', 'xtbopt.xyz'), 'utf8');
      const input = await readFile(join(root, molecule, 'freq', `${molecule}_freq.xyz`), 'utf8');
      assert.deepEqual(input.trim().split('\n').slice(2), optimised.trim().split('\n').slice(2), `${molecule}: freq input is the optimised geometry`);
    }
    // opt ran before freq: freq was submitted only once opt had ended
    for (const molecule of ['water', 'ammonia', 'methane']) {
      const opt = row(rows, `${molecule}_opt`);
      const freq = row(rows, `${molecule}_freq`);
      assert.ok(Date.parse(freq.submittedAt!) >= Date.parse(opt.endedAt!), `${molecule}_freq submitted after ${molecule}_opt ended`);
    }
  });

  test('generated submit scripts, and SLURM got the cores, time and memory the batchfile asked for', async () => {
    const script = await readFile(join(root, 'water', 'opt', 'water_opt.sh'), 'utf8');
    assert.ok(script.includes(GENERATED_MARKER), 'the script was generated');
    assert.match(script, /^export OMP_NUM_THREADS='2'$/m);
    assert.match(script, /^xtb 'water_opt\.xyz' --opt > 'water_opt\.out' 2>&1$/m);
    assert.match(await readFile(join(root, 'water', 'freq', 'water_freq.sh'), 'utf8'), /--hess/, 'batchman.json\'s freq command');

    const expect: Record<string, { cpus: string; time: string; mem?: string }> = {
      water_opt: { cpus: '2', time: '00:10:00', mem: '500M' },
      water_freq: { cpus: '1', time: '00:05:00' },
      ammonia_opt: { cpus: '1', time: 'UNLIMITED', mem: '300M' },
      methane_opt: { cpus: '1', time: 'UNLIMITED' },
    };
    for (const [name, want] of Object.entries(expect)) {
      const job = await scontrolJob(row(rows, name).jobId);
      assert.equal(job.get('JobName'), name);
      assert.equal(job.get('CPUs/Task'), want.cpus, `${name} CPUs/Task`);
      assert.equal(job.get('TimeLimit'), want.time, `${name} TimeLimit`);
      if (want.mem) assert.equal(job.get('MinMemoryNode'), want.mem, `${name} --mem`);
      const folder = join(root, ...name.split('_'));
      assert.equal(job.get('WorkDir'), folder);
      assert.equal(job.get('StdOut'), join(folder, `slurm-${row(rows, name).jobId}.out`));
    }
    if (cluster.accounting) {
      const acct = await sacctJobs([row(rows, 'water_opt').jobId]);
      const water = acct.get(String(row(rows, 'water_opt').jobId));
      assert.equal(water?.['AllocCPUS'], '2');
      assert.equal(water?.['Timelimit'], '00:10:00');
      assert.equal(water?.['State'], 'COMPLETED');
    }
  });
});

describe('the throttle on SLURM: -j 3', { skip: cluster.skip }, () => {
  const JOBS = 12;
  let root: string;
  let exitCode: number | undefined;
  let maxLive = 0;
  let samples = 0;
  const seen = new Set<string>();

  before(async () => {
    await ensureBuilt();
    root = await newBatch();
    const names = Array.from({ length: JOBS }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
    for (const name of names) await shellJob(root, name, 'sleep 2\necho done');
    await writeFile(join(root, 'batchfile.csv'), `root_directory=.\njob_basename|job_directory|program|pipe\n${names.map((n) => `${n}|${n}|shell|`).join('\n')}\n`);
    const runner = startRunner(join(root, 'batchfile.csv'), ['-j', '3']);
    let done = false;
    void runner.finally(() => (done = true));
    // The test's own squeue, independent of the runner's view: every job of the batch not yet ended.
    while (!done) {
      const live = await liveJobsUnder(root);
      samples++;
      maxLive = Math.max(maxLive, live.length);
      for (const job of live) seen.add(job.id);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    exitCode = (await runner).exitCode;
  });

  test('never more than 3 of the batch\'s jobs pending or running at once, and the 3 slots were used', () => {
    assert.ok(samples >= 20, `squeue sampled ${samples} times`);
    assert.ok(maxLive <= 3, `at most 3 live jobs; saw ${maxLive}`);
    assert.equal(maxLive, 3, 'the throttle let 3 jobs be active');
    assert.ok(seen.size >= 6, `the sampler saw ${seen.size} distinct jobs`);
  });

  test('all 12 succeed', async () => {
    assert.equal(exitCode, 0);
    const rows = await ledgerRows(root);
    assert.equal(rows.size, JOBS);
    for (const [name, r] of rows) assert.equal(r.status, 'succeeded', name);
    assert.equal(new Set([...rows.values()].map((r) => r.jobId)).size, JOBS, 'one SLURM job each');
  });
});

describe('a failing job and its broken downstream on SLURM (the shell pipeline)', { skip: cluster.skip }, () => {
  let root: string;
  let run: CliRun;
  let rows: Map<string, LedgerRow>;

  before(async () => {
    await ensureBuilt();
    root = await newBatch('shell-pipeline');
    run = await batchman(['run', join(root, 'batchfile.csv'), '--executor', 'slurm', '-j', '3']);
    rows = await ledgerRows(root);
  });

  test('exit 1; succeeded, failed with its exit code, broken_dependency never submitted', () => {
    assert.equal(run.exitCode, 1, run.stderr);
    for (const name of ['build', 'relax', 'freq', 'charges']) assert.equal(row(rows, name).status, 'succeeded', name);
    const broken = row(rows, 'broken');
    assert.equal(broken.status, 'failed');
    assert.equal(broken.cause, 'exit code 3');
    assert.equal(broken.exitCode, 3);
    assert.equal(broken.slurmState, 'FAILED');
    const report = row(rows, 'report');
    assert.equal(report.status, 'broken_dependency');
    assert.equal(report.jobId, -1, 'report was never submitted');
    assert.match(report.cause ?? '', /broken/);
    assert.match(run.stderr, /4\/6 succeeded, 1 failed, 1 broken dependency/);
  });

  test('fail_output/ holds the failed job\'s output; nothing ran for the broken one', async () => {
    const brokenId = row(rows, 'broken').jobId;
    const copied = await readFile(join(root, 'fail_output', '__water__broken', `slurm-${brokenId}.out`), 'utf8');
    assert.match(copied, /this job fails on purpose/);
    assert.deepEqual(await readdir(join(root, 'fail_output')), ['__water__broken'], 'CCBatchMan\'s layout: the job folder, / as __');
    assert.ok(!(await readdir(join(root, 'water', 'report'))).some((f) => f.startsWith('slurm-')), 'no slurm-*.out for report');
    if (cluster.accounting) {
      const acct = await sacctJobs([brokenId]);
      assert.equal(acct.get(String(brokenId))?.['State'], 'FAILED');
      assert.equal(acct.get(String(brokenId))?.['ExitCode'], '3:0');
    }
  });

  test('the batch record is closed as completed with the counts', async () => {
    const records = await listBatchRecords(root, join(root, 'batchfile.csv'));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'completed');
    assert.equal(records[0]!.computed_options['executor'], 'slurm');
    assert.deepEqual(
      { succeeded: records[0]!.counts?.succeeded, failed: records[0]!.counts?.failed, broken: records[0]!.counts?.broken_dependency },
      { succeeded: 4, failed: 1, broken: 1 },
    );
  });
});

describe('batchman cancel of a running SLURM batch', { skip: cluster.skip }, () => {
  let root: string;
  let exitCode: number | undefined;
  let cancel: CliRun;
  let ids: number[] = [];

  before(async () => {
    await ensureBuilt();
    root = await newBatch();
    for (const name of ['long1', 'long2', 'long3']) await shellJob(root, name, `echo 1 > ${name}.xyz\nexec sleep 300`);
    await shellJob(root, 'after', 'cat long1.xyz');
    await writeFile(
      join(root, 'batchfile.csv'),
      'root_directory=.\njob_basename|job_directory|program|pipe\nlong1|long1|shell|\nlong2|long2|shell|\nlong3|long3|shell|\nafter|after|shell|coords{../long1,long1.xyz}\n',
    );
    const file = join(root, 'batchfile.csv');
    const runner = startRunner(file, ['-j', '3']);
    ids = await waitFor(
      'the three long jobs submitted and one of them running',
      async () => {
        const rows = await ledgerRows(root);
        const submitted = ['long1', 'long2', 'long3'].map((n) => rows.get(n)?.jobId ?? -1);
        if (submitted.some((id) => id < 0)) return undefined;
        const live = await liveJobsUnder(root);
        return live.some((job) => job.state === 'RUNNING') ? submitted : undefined;
      },
      { timeoutMs: 60_000 },
    );
    cancel = await batchman(['cancel', file]);
    exitCode = (await runner).exitCode;
  });

  test('cancel succeeds and the runner ends with exit 1', () => {
    assert.equal(cancel.exitCode, 0, cancel.stderr);
    assert.match(cancel.stdout, /cancelled every job/);
    assert.equal(exitCode, 1);
  });

  test('the jobs are CANCELLED in SLURM and nothing of the batch is left in the queue', async () => {
    assert.deepEqual(await liveJobsUnder(root), []);
    for (const id of ids) {
      const state = await waitFor(`job ${id} CANCELLED`, async () => {
        const job = await scontrolJob(id);
        return job.get('JobState') === 'CANCELLED' ? 'CANCELLED' : undefined;
      }, { timeoutMs: 20_000 });
      assert.equal(state, 'CANCELLED');
    }
    if (cluster.accounting) {
      const acct = await sacctJobs(ids);
      for (const id of ids) assert.match(acct.get(String(id))?.['State'] ?? '', /^CANCELLED/, `sacct of ${id}`);
    }
  });

  test('the ledger says cancelled (the not-started downstream too, not broken_dependency); the record says canceled', async () => {
    const rows = await ledgerRows(root);
    for (const name of ['long1', 'long2', 'long3', 'after']) assert.equal(row(rows, name).status, 'cancelled', name);
    assert.equal(row(rows, 'after').jobId, -1);
    const records = await listBatchRecords(root, join(root, 'batchfile.csv'));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'canceled');
    assert.ok(records[0]!.end_time, 'the record is closed');
    assert.ok(!(await readdir(join(root, 'after'))).some((f) => f.startsWith('slurm-')), 'after never ran');
  });
});
