// The runner's figures: submitting 1,000 ready jobs to the real cluster through its own submission path
// against the floor of 1,000 bare sbatch calls measured in the same run; then its CPU and memory per
// tick on a 10,000-job batch (runnerTick.ts).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildBatchModel, parseBatchfile } from '../core/batchfile/index.js';
import { readLedgerIfExists } from '../core/ledger/ledger.js';
import { readBatchSettings } from '../core/runner/batchSettings.js';
import { createJobHooks } from '../core/runner/jobHooks.js';
import { runBatch } from '../core/runner/runner.js';
import { slurmAvailable } from '../core/slurm/detect.js';
import { SlurmScheduler } from '../core/slurm/slurmScheduler.js';
import { runRunnerTickBench } from './runnerTick.js';

export async function runRunnerBench(): Promise<void> {
  await runSubmitBench();
  console.log('');
  await runRunnerTickBench();
}

/**
 * 1,000 shell jobs whose own scripts say `#SBATCH --hold`, so they stay PENDING and cost the node
 * nothing: the runner's path (pipes, submit script, crash-safe intent, sbatch, run_info, ledger) is
 * untouched, and the bare calls submit the very same scripts with the same options.
 */
export async function runSubmitBench(jobs = 1000): Promise<void> {
  if (!slurmAvailable()) {
    console.log('runner submit bench: skipped (no SLURM on PATH; start the test cluster with test/support/slurm/start-local-slurm.sh)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'batchman-submit-bench-'));
  const submitted: string[] = [];
  try {
    const names = Array.from({ length: jobs }, (_, i) => `job${i}`);
    for (const name of names) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, `${name}.sh`), '#!/bin/bash\n#SBATCH --hold\ntrue\n', { mode: 0o755 });
    }
    const bare = async (): Promise<number> => {
      const started = performance.now();
      for (const name of names) {
        const { stdout } = await execa('sbatch', ['--parsable', `--chdir=${join(dir, name)}`, `--job-name=${name}`, join(dir, name, `${name}.sh`)], { timeout: 30_000 });
        submitted.push(stdout.trim().split(';')[0]!);
      }
      const ms = performance.now() - started;
      await cancel(submitted);
      return ms;
    };

    // The floor before and after the runner: the controller's job table grows during the run.
    const floorBefore = await bare();
    const runner = await runnerSubmission(dir, names);
    submitted.push(...runner.ids);
    const floorAfter = await bare();
    const floor = (floorBefore + floorAfter) / 2;
    console.log(`${jobs} bare sbatch calls (the floor): ${(floorBefore / 1000).toFixed(2)} s before the runner, ${(floorAfter / 1000).toFixed(2)} s after (${(floor / jobs).toFixed(1)} ms a job)`);
    console.log(
      `the runner submitting ${jobs} ready jobs (-j ${jobs}): ${(runner.submitMs / 1000).toFixed(2)} s to the first ledger write with every job submitted ` +
        `(${(runner.submitMs / jobs).toFixed(1)} ms a job; truth from disk and first poll ${(runner.startMs / 1000).toFixed(2)} s of it)`,
    );
    console.log(`ratio: the runner takes ${(runner.submitMs / floor).toFixed(2)}× the floor (goal ≤ 1.2×) — load average ${loadavg()[0]!.toFixed(2)}`);
  } finally {
    await cancel(submitted);
    await rm(dir, { recursive: true, force: true });
  }
}

async function cancel(ids: string[]): Promise<void> {
  // scancel takes many ids at once; in slices so the argument list stays small
  for (let i = 0; i < ids.length; i += 500) await execa('scancel', ids.slice(i, i + 500), { reject: false, timeout: 60_000 });
  ids.length = 0;
}

/** runBatch with the real hooks and SlurmScheduler; measured until the first pass wrote every job as submitted. */
async function runnerSubmission(dir: string, names: readonly string[]): Promise<{ submitMs: number; startMs: number; ids: string[] }> {
  const text = `root_directory=${dir}\njob_basename|job_directory|program|pipe\n${names.map((name) => `${name}|${name}|shell|`).join('\n')}\n`;
  const batchfile = join(dir, 'batchfile.csv');
  await writeFile(batchfile, text);
  const model = buildBatchModel(parseBatchfile(text), batchfile);
  const ledgerPath = join(dir, '__ledger__.csv');
  let firstHook: number | undefined;
  let allSubmitted: number | undefined;
  let stop = false;
  const started = performance.now();
  await runBatch({
    batchId: 'submit-bench',
    model,
    ledgerPath,
    scheduler: new SlurmScheduler(),
    maxActive: names.length,
    hooks: {
      ...createJobHooks({ model, rootPath: dir, settings: await readBatchSettings(batchfile), restartFailed: false }),
      // Called at the start of every pass: the first call is when the truth is read and submitting begins.
      takeCancelRequest: async () => {
        firstHook ??= performance.now();
        return stop ? { all: true, jobs: new Set<string>() } : undefined;
      },
    },
    onUpdate: (update) => {
      if (allSubmitted === undefined && update.rows.every((row) => row.jobId >= 0)) {
        allSubmitted = performance.now();
        // Measured: the runner itself cancels them all in one scancel and ends once it sees them cancelled.
        stop = true;
      }
    },
    heartbeatMs: 1_000,
  });
  const ledger = await readLedgerIfExists(ledgerPath);
  const ids = (ledger?.rows ?? []).filter((row) => row.jobId >= 0).map((row) => String(row.jobId));
  if (allSubmitted === undefined || ids.length !== names.length) throw new Error(`the runner submitted ${ids.length} of ${names.length} jobs`);
  return { submitMs: allSubmitted - started, startMs: (firstHook ?? started) - started, ids };
}
