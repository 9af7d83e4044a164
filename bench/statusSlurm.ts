// `batchman status` on a 1,000-job batch against the real cluster, beside the per-job way
// (one `squeue --job ID` per job, what CCBatchMan does), measured in the same run.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseBatchfile, buildBatchModel } from '../core/batchfile/index.js';
import { SlurmScheduler } from '../core/slurm/slurmScheduler.js';
import type { CommandRunner } from '../core/slurm/commandRunner.js';
import { execaRunner } from '../core/slurm/commandRunner.js';
import { slurmAvailable } from '../core/slurm/detect.js';
import { readBatchTruth } from '../core/truth/truth.js';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runStatusSlurmBench(jobs = 1000): Promise<void> {
  if (!slurmAvailable()) {
    console.log('status bench: skipped (no SLURM on PATH; start the test cluster with test/support/slurm/start-local-slurm.sh)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'batchman-status-bench-'));
  const ids: string[] = [];
  try {
    const rows: string[] = [];
    for (let i = 0; i < jobs; i++) {
      const name = `job${i}`;
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, `${name}.sh`), '#!/bin/bash\ntrue\n', { mode: 0o755 });
      rows.push(`${name}|${name}|shell|`);
    }
    const batchfile = join(dir, 'batchfile.csv');
    await writeFile(batchfile, `root_directory=${dir}\njob_basename|job_directory|program|pipe\n${rows.join('\n')}\n`);
    // Held jobs stay PENDING: the queue holds 1,000 live jobs while both ways read it.
    const started = performance.now();
    for (let i = 0; i < jobs; i++) {
      const { stdout } = await execa('sbatch', ['--parsable', '--hold', `--chdir=${join(dir, `job${i}`)}`, '--job-name=bench', join(dir, `job${i}`, `job${i}.sh`)]);
      ids.push(stdout.trim().split(';')[0]!);
    }
    console.log(`status bench: submitted ${jobs} held jobs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const ledger = ['job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename'];
    ids.forEach((id, i) => ledger.push(`${id}|job${i}|${dir}/job${i}|pending|shell||||`));
    await writeFile(join(dir, '__ledger__.csv'), `${ledger.join('\n')}\n`);

    const calls = { squeue: 0, sacct: 0 };
    const counting: CommandRunner = (file, args, options) => {
      if (file === 'squeue') calls.squeue++;
      if (file === 'sacct') calls.sacct++;
      return execaRunner(file, args, options);
    };
    const model = buildBatchModel(parseBatchfile(`root_directory=${dir}\njob_basename|job_directory|program|pipe\n${rows.join('\n')}\n`), batchfile);
    const batched = performance.now();
    const truth = await readBatchTruth({ model, ledgerPath: join(dir, '__ledger__.csv'), scheduler: new SlurmScheduler({ runner: counting }) });
    const batchedMs = performance.now() - batched;

    const perJob = performance.now();
    for (const id of ids) await execa('squeue', ['-h', '--job', id, '-o', '%i|%T']);
    const perJobMs = performance.now() - perJob;

    // As a user waits for it: the built CLI, node's start included (median of three).
    const cliMs = existsSync(cli) ? await timeCli(['status', batchfile, '--json']) : undefined;

    console.log(`status, ${jobs} jobs (${truth.summary.pending} pending): ${batchedMs.toFixed(0)} ms with ${calls.squeue} squeue + ${calls.sacct} sacct call(s)`);
    console.log(`per-job way, ${jobs} × squeue --job ID: ${perJobMs.toFixed(0)} ms with ${jobs} squeue calls`);
    console.log(`ratio: the per-job way takes ${(perJobMs / batchedMs).toFixed(1)}× as long (goal ≥ 50×) and makes ${jobs / Math.max(1, calls.squeue)}× as many squeue calls — load average ${loadavg()[0]!.toFixed(2)}`);
    if (cliMs !== undefined) console.log(`batchman status through the built CLI (node's start included): median ${cliMs.toFixed(0)} ms of 3, ${(perJobMs / cliMs).toFixed(1)}× faster than the per-job way`);
  } finally {
    if (ids.length > 0) await execa('scancel', ids, { reject: false });
    await rm(dir, { recursive: true, force: true });
  }
}

/** The median wall time of three runs of the built CLI, in ms. */
async function timeCli(args: readonly string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await execa(process.execPath, [cli, ...args], { reject: false });
    times.push(performance.now() - started);
  }
  return median(times);
}
