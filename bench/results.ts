// Results: parsing a 200 MB Gaussian log (a real optimisation's steps repeated) in a fresh process, time and extra
// memory; `batchman results --json` over 1,000 finished jobs, cold (every output parsed, {basename}.json written) and cached.
import { copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const REPO_ROOT = new URL('..', import.meta.url).pathname;
const CCLIB = join(REPO_ROOT, 'test/fixtures/outputs/cclib');
const BIN = join(REPO_ROOT, 'bin/batchman');
const LOG_BYTES = 200 * 2 ** 20;
const JOBS = 1_000;

/** g16-dvb_gopt.log with its second optimisation step repeated until the file is 200 MB, its end kept. */
export async function writeLargeLog(path: string): Promise<number> {
  const lines = (await readFile(join(CCLIB, 'gaussian/g16-dvb_gopt.log'), 'latin1')).split('\n');
  const starts = lines.flatMap((line, index) => (line.includes('Input orientation:') ? [index] : []));
  const head = lines.slice(0, starts[1]).join('\n');
  const step = lines.slice(starts[1], starts[2]).join('\n');
  const tail = lines.slice(starts[2]).join('\n');
  const handle = await open(path, 'w');
  let written = 0;
  let steps = 0;
  try {
    await handle.write(`${head}\n`);
    const block = `${step}\n`.repeat(64);
    while (written < LOG_BYTES) {
      await handle.write(block);
      written += Buffer.byteLength(block);
      steps += 64;
    }
    await handle.write(tail);
  } finally {
    await handle.close();
  }
  return steps;
}

async function benchLargeLog(dir: string): Promise<void> {
  const path = join(dir, 'large.log');
  const repeated = await writeLargeLog(path);
  const child = join(REPO_ROOT, 'bench/resultsParseChild.ts');
  for (let run = 1; run <= 2; run++) {
    const { stdout } = await execa(process.execPath, ['--import', 'tsx', child, path], { cwd: REPO_ROOT, timeout: 120_000 });
    const figures = JSON.parse(stdout) as { seconds: number; extraRssMb: number; extraHeapMb: number; steps: number; atoms: number };
    console.log(
      `200 MB Gaussian log (${repeated} repeated steps), run ${run}: ${figures.seconds.toFixed(2)} s (budget 2 s), ` +
        `extra RSS ${figures.extraRssMb.toFixed(1)} MB, extra heap ${figures.extraHeapMb.toFixed(1)} MB (budget 60 MB); ` +
        `read ${figures.steps} steps, ${figures.atoms} atoms`,
    );
  }
  await rm(path, { force: true });
}

async function benchResultsCommand(dir: string): Promise<void> {
  const root = join(dir, 'batch');
  const sources: readonly [string, string, string][] = [
    ['gaussian', 'gaussian/g16-dvb_gopt.log', '.log'],
    ['orca', 'orca/o6-dvb_ir.out', '.out'],
    ['xtb', 'xtb/dvb_ir/dvb_ir.out', '.out'],
  ];
  const rows = ['root_directory=.', 'job_basename|job_directory|program|pipe'];
  for (let index = 0; index < JOBS; index++) {
    const [program, source, extension] = sources[index % sources.length]!;
    const name = `job${index}`;
    await mkdir(join(root, name), { recursive: true });
    await copyFile(join(CCLIB, source), join(root, name, `${name}${extension}`));
    rows.push(`${name}|${name}|${program}|`);
  }
  const batchfile = join(root, 'batchfile.csv');
  await writeFile(batchfile, `${rows.join('\n')}\n`);
  const timed = async (label: string) => {
    const started = performance.now();
    const result = await execa(BIN, ['results', batchfile, '--json'], { cwd: root, timeout: 300_000, reject: false });
    const seconds = (performance.now() - started) / 1000;
    const jobs = (JSON.parse(result.stdout) as { jobs: { results: unknown }[] }).jobs;
    console.log(`batchman results --json, ${JOBS} finished jobs, ${label}: ${seconds.toFixed(2)} s (whole process; ${jobs.filter((job) => job.results).length} with results)`);
  };
  await timed('cold, no ledger (every output parsed, {basename}.json written, statuses from disk)');
  await timed('cached, no ledger (statuses from disk as status reads them)');
  // Jobs Batchman ran have a ledger with their final statuses: `status` writes it here.
  await execa(BIN, ['status', batchfile], { cwd: root, timeout: 300_000, reject: false });
  await timed('cached, with the ledger (budget 1 s)');
  await timed('cached again, with the ledger');
}

export async function runResultsBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-bench-results-'));
  try {
    await benchLargeLog(dir);
    await benchResultsCommand(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
