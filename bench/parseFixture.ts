// Generates a large, realistic batch for the benchmarks: chains of molecules, each a tree of jobs piping coords and orbitals.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

interface JobTemplate {
  readonly name: string;
  readonly program: string;
  readonly pipe: string;
  /** The input file the job folder holds (a coords-fed xTB/CREST job needs none). */
  readonly input?: string;
}

/** One molecule: conformers → optimisation → a tree of follow-up jobs. */
const MOLECULE: readonly JobTemplate[] = [
  { name: 'conf', program: 'crest', pipe: '', input: '.xyz' },
  { name: 'opt', program: 'xtb', pipe: 'coords{../conf,crest_best.xyz}' },
  { name: 'freq', program: 'xtb', pipe: 'coords{../opt,xtbopt.xyz}' },
  { name: 'guess', program: 'orca', pipe: 'coords{../opt,xtbopt.xyz}', input: '.inp' },
  { name: 'sp', program: 'orca', pipe: 'coords{../opt,xtbopt.xyz};orbitals{../guess,}', input: '.inp' },
  { name: 'tddft', program: 'orca', pipe: 'coords{../opt,};orbitals{../sp,}', input: '.inp' },
  { name: 'nmr', program: 'gaussian', pipe: 'coords{../sp,}', input: '.gjf' },
  { name: 'aroma', program: 'pyaroma', pipe: 'coords{../sp,}', input: '.py' },
  { name: 'charges', program: 'shell', pipe: 'coords{../opt,xtbopt.xyz}', input: '.sh' },
  { name: 'report', program: 'shell', pipe: 'coords{../charges,}', input: '.sh' },
];

export interface GeneratedBatch {
  readonly text: string;
  readonly rows: number;
  /** 0-based line and character of a pipe DIR in the middle of the file (for completion). */
  readonly pipeDirPosition: { line: number; character: number };
  /** 0-based line of a job row in the middle of the file (for keystrokes). */
  readonly middleRowLine: number;
  readonly jobs: readonly { directory: string; input?: string }[];
}

/**
 * `rows` jobs (a multiple of 10): molecules of 10 jobs; the conformer search of every molecule but the first
 * of each group of ten starts from the previous molecule's optimised geometry, so dependencies form long chains.
 */
export function generateBatch(rows = 10_000, root = '.'): GeneratedBatch {
  const molecules = Math.ceil(rows / MOLECULE.length);
  const lines = [`root_directory=${root}`, '# generated for the benchmarks', 'job_basename|job_directory|program|pipe|cores|memory|walltime'];
  const jobs: { directory: string; input?: string }[] = [];
  let pipeDirPosition = { line: 0, character: 0 };
  let middleRowLine = 0;
  for (let m = 0; m < molecules && jobs.length < rows; m++) {
    const molecule = `m${String(m).padStart(5, '0')}`;
    for (const job of MOLECULE) {
      if (jobs.length >= rows) break;
      const basename = `${molecule}_${job.name}`;
      const directory = `${molecule}/${job.name}`;
      const pipe = job.name === 'conf' && m % 10 !== 0 ? `coords{../../m${String(m - 1).padStart(5, '0')}/opt,xtbopt.xyz}` : job.pipe;
      const row = `${basename}|${directory}|${job.program}|${pipe}|${job.program === 'orca' ? 8 : 4}|${job.program === 'orca' ? '8GB' : '2GB'}|04:00:00`;
      if (jobs.length === Math.floor(rows / 2)) middleRowLine = lines.length;
      if (job.name === 'sp' && pipeDirPosition.line === 0 && jobs.length >= rows / 2) {
        const dirStart = row.indexOf('coords{') + 'coords{'.length;
        pipeDirPosition = { line: lines.length, character: dirStart + 3 };
      }
      lines.push(row);
      jobs.push({ directory, ...(job.input ? { input: `${basename}${job.input}` } : {}) });
    }
  }
  return { text: `${lines.join('\n')}\n`, rows: jobs.length, pipeDirPosition, middleRowLine, jobs };
}

export interface BatchOnDisk {
  readonly dir: string;
  readonly batchfilePath: string;
  remove(): Promise<void>;
}

/** Writes the batchfile and every job folder with its input file (and a few upstream geometries) into a temp folder. */
export async function writeBatchToDisk(batch: GeneratedBatch): Promise<BatchOnDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-bench-'));
  const batchfilePath = join(dir, 'batchfile.csv');
  await writeFile(batchfilePath, batch.text);
  // Folders in parallel batches: 10,000 sequential mkdirs are needlessly slow.
  const chunk = 200;
  for (let i = 0; i < batch.jobs.length; i += chunk) {
    await Promise.all(
      batch.jobs.slice(i, i + chunk).map(async (job) => {
        const folder = join(dir, job.directory);
        await mkdir(folder, { recursive: true });
        if (job.input) await writeFile(join(folder, job.input), '\n');
        if (job.directory.endsWith('/opt')) await writeFile(join(folder, 'xtbopt.xyz'), '3\n\nO 0 0 0\nH 0 0 1\nH 0 1 0\n');
      }),
    );
  }
  return { dir, batchfilePath, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `name: value unit (goal …)`, the line every benchmark prints; `note` adds context (e.g. the CPU time). */
export function report(name: string, value: number, unit: string, goal?: number, note?: string): void {
  const verdict = goal === undefined ? '' : ` (goal ≤ ${goal} ${unit}${value <= goal ? ', met' : ', MISSED'})`;
  console.log(`${name}: ${shown(value)} ${unit}${verdict}${note ? ` [${note}]` : ''}`);
}

function shown(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export interface Timing {
  /** Median wall-clock milliseconds. */
  readonly ms: number;
  /** Median CPU milliseconds of this process (all its threads): less sensitive to other jobs on the machine. */
  readonly cpuMs: number;
}

/** Runs `work` `runs` times and returns the median wall and CPU time of one run. */
export function time(runs: number, work: (run: number) => void): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    work(run);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpuMs: median(cpu) };
}

/** Prints a timing with its CPU time beside it. */
export function reportTiming(name: string, timing: Timing, goal?: number): void {
  report(name, timing.ms, 'ms', goal, `cpu ${shown(timing.cpuMs)} ms`);
}

/** The machine's load, printed before and after measuring: other jobs on the cores inflate every figure. */
export function reportLoad(when: string): void {
  console.log(`load average ${when}: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
}

/** The 0-based offset of the first character of `line` in `text` (lines end with `\n`). */
export function lineOffset(text: string, line: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

/** The character right after the `count`-th `|` of `rowText` (the start of cell `count`). */
export function cellStart(rowText: string, count: number): number {
  let at = -1;
  for (let bar = 0; bar < count; bar++) at = rowText.indexOf('|', at + 1);
  return at + 1;
}
