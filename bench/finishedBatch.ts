// A finished 10,000-job batch on disk (xTB outputs, opt → freq pipes, the local executor): `batchman status` and
// `batchman run` with nothing left to do, timed through the built CLI as a user runs them.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const xtbOutput = new URL('../test/fixtures/outputs/xtb/opt-ok/mol.out', import.meta.url).pathname;

const GEOMETRY = '3\n\nO 0.0 0.0 0.105\nH 0.0 0.772 -0.463\nH 0.0 -0.772 -0.463\n';
// What xTB leaves beside its output; they make each folder's listing as long as a real one.
const XTB_LEFTOVERS = ['charges', 'wbo', 'xtbrestart', 'xtbtopo.mol'] as const;

interface FinishedBatch {
  readonly dir: string;
  readonly batchfile: string;
  readonly jobs: number;
}

/** Writes `molecules` × (opt, freq) finished jobs as a run with the local executor leaves them. */
export async function makeFinishedBatch(dir: string, molecules: number): Promise<FinishedBatch> {
  const output = await readFile(xtbOutput);
  const lines = ['root_directory=.', 'job_basename|job_directory|program|pipe|cores'];
  const ledger = [
    'job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename|submitted_at|started_at|ended_at|exit_code|cause|restarts|slurm_state',
  ];
  let nextId = 1000;
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
  const writeJob = async (molecule: number, step: 'opt' | 'freq'): Promise<void> => {
    const basename = `mol${molecule}_${step}`;
    const folder = join(dir, `mol${molecule}`, step);
    const id = nextId++;
    const [submitted, started, ended] = [at(id), at(id + 1), at(id + 60)];
    await mkdir(folder, { recursive: true });
    const writes: Promise<void>[] = [
      writeFile(join(folder, `${basename}.xyz`), GEOMETRY),
      writeFile(join(folder, `${basename}.out`), output),
      writeFile(join(folder, `${basename}.sh`), `#!/bin/bash\ncd -- '${folder}' || exit 1\nxtb '${basename}.xyz' --opt > '${basename}.out' 2>&1\n`, { mode: 0o755 }),
      writeFile(join(folder, `slurm-${id}.out`), ''),
      writeFile(
        join(folder, 'run_info.json'),
        `${JSON.stringify(
          { directory: folder, job_name: basename, status: 'succeeded', job_id: id, restart: false, program: 'xtb', submitted_at: submitted, started_at: started, ended_at: ended, exit_code: 0, restarts: 0, slurm_state: 'COMPLETED' },
          null,
          2,
        )}\n`,
      ),
      ...XTB_LEFTOVERS.map((name) => writeFile(join(folder, name), 'x\n')),
      ...(step === 'opt' ? [writeFile(join(folder, 'xtbopt.xyz'), GEOMETRY), writeFile(join(folder, '.xtboptok'), '')] : []),
    ];
    await Promise.all(writes);
    lines.push(`${basename}|mol${molecule}/${step}|xtb|${step === 'freq' ? 'coords{../opt,xtbopt.xyz}' : ''}|1`);
    const pipe = step === 'freq' ? '../opt|xtbopt.xyz' : '|';
    ledger.push(`${id}|${basename}|${folder}|succeeded|xtb|${pipe}|||${submitted}|${started}|${ended}|0|||COMPLETED`);
  };
  // Folders written a few hundred at a time: enough to keep the disk busy, few enough open files.
  for (let start = 0; start < molecules; start += 200) {
    const batch: Promise<void>[] = [];
    for (let molecule = start; molecule < Math.min(molecules, start + 200); molecule++) batch.push(writeJob(molecule, 'opt').then(() => writeJob(molecule, 'freq')));
    await Promise.all(batch);
  }
  const batchfile = join(dir, 'batchfile.csv');
  await writeFile(batchfile, `${lines.join('\n')}\n`);
  await writeFile(join(dir, '__ledger__.csv'), `${ledger.join('\n')}\n`);
  return { dir, batchfile, jobs: molecules * 2 };
}

/** Wall time of one CLI command (node's start included, as a user waits for it), in ms. */
async function timeCommand(args: readonly string[], cwd: string): Promise<number> {
  const start = performance.now();
  await run(process.execPath, [cli, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch((error: { code?: number }) => {
    // `status` exits 1 when a job failed; here every job succeeded, so any failure is the bench's own.
    throw new Error(`batchman ${args.join(' ')} failed (exit ${String(error.code)})`);
  });
  return performance.now() - start;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const load = () => loadavg()[0]!.toFixed(2);

export async function runFinishedBatchBench(molecules = 5_000, repeats = 5): Promise<void> {
  await stat(cli).catch(() => {
    throw new Error('dist/cli.js is missing: npm run build first');
  });
  const dir = await mkdtemp(join(tmpdir(), 'batchman-finished-bench-'));
  try {
    const made = performance.now();
    const batch = await makeFinishedBatch(dir, molecules);
    console.log(`finished batch: ${batch.jobs} xTB jobs (opt → freq) written in ${((performance.now() - made) / 1000).toFixed(1)} s`);
    // The first status reads every folder and keeps what it read of settled jobs (files written in the last seconds
    // are kept by the next one).
    const first = await timeCommand(['status', batch.batchfile], dir);
    console.log(`batchman status, first after the batch was written (every folder read): ${first.toFixed(0)} ms — load average ${load()}`);
    await timeCommand(['status', batch.batchfile], dir);
    const figures: [name: string, args: readonly string[], goalMs: number][] = [
      ['batchman status', ['status', batch.batchfile], 1_000],
      ['batchman run (nothing to do)', ['run', batch.batchfile, '--executor', 'local'], 1_500],
    ];
    for (const [name, args, goalMs] of figures) {
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) times.push(await timeCommand(args, dir));
      console.log(
        `${name} on a finished ${batch.jobs}-job batch: median ${median(times).toFixed(0)} ms of ${repeats} (${times.map((ms) => ms.toFixed(0)).join(', ')}), goal ≤ ${goalMs} ms — load average ${load()}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// `node --import tsx bench/finishedBatch.ts [MOLECULES]` runs this bench alone.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\/bench\//, '/bench/'))) {
  await runFinishedBatchBench(Number(process.argv[2] ?? 5_000));
}
