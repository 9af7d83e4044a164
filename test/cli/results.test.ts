// `batchman results` as users run it over job folders someone else ran (real Gaussian, ORCA and xTB outputs, no
// ledger): the --json shape, the CSV, the table, {basename}.json written for ended jobs, bad usage.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { parse } from 'csv-parse/sync';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const CCLIB = join(REPO_ROOT, 'test/fixtures/outputs/cclib');
const RESULT_KEYS = ['normalTermination', 'scfEnergy', 'finalEnergy', 'zpe', 'enthalpy', 'gibbs', 'temperature', 'frequencies', 'imaginaryFrequencies', 'optimization', 'geometry', 'charge', 'multiplicity', 'method', 'wallSeconds', 'conformers', 'problems'];

interface ResultsJson {
  file: string;
  jobs: { basename: string; directory: string; program: string; status: string; relativeEnergyKcal: number | null; results: Record<string, unknown> | null }[];
}

let scratch: string;
let batchfile: string;
let nodeOnlyPath: string;
const run = (...args: string[]) => execa(BIN, args, { reject: false, cwd: scratch, timeout: 60_000, env: { PATH: nodeOnlyPath }, extendEnv: false });

before(async () => {
  await ensureBuilt();
  scratch = await mkdtemp(join(tmpdir(), 'batchman-cli-results-'));
  nodeOnlyPath = join(scratch, 'path');
  await mkdir(nodeOnlyPath);
  await symlink(process.execPath, join(nodeOnlyPath, 'node'));
  const jobs: [string, string, string, string][] = [
    ['conf1', 'gaussian', 'gaussian/g16-dvb_gopt.log', '.log'],
    ['conf2', 'gaussian', 'gaussian/g09-dvb_gopt.log', '.log'],
    ['freq', 'orca', 'orca/o6-dvb_ir.out', '.out'],
    ['hess', 'xtb', 'xtb/dvb_ir/dvb_ir.out', '.out'],
  ];
  const rows = ['root_directory=.', 'job_basename|job_directory|program|pipe'];
  for (const [name, program, source, extension] of jobs) {
    await mkdir(join(scratch, name));
    await copyFile(join(CCLIB, source), join(scratch, name, `${name}${extension}`));
    rows.push(`${name}|${name}|${program}|`);
  }
  rows.push('never|never|xtb|');
  batchfile = join(scratch, 'batchfile.csv');
  await writeFile(batchfile, `${rows.join('\n')}\n`);
});
after(() => rm(scratch, { recursive: true, force: true }));

describe('batchman results', () => {
  it('--json: one entry per job with its status and results (null where the folder holds no output)', async () => {
    const result = await run('results', batchfile, '--json');
    assert.equal(result.exitCode, 0, result.stderr);
    const json = JSON.parse(result.stdout) as ResultsJson;
    assert.equal(json.file, batchfile);
    assert.deepEqual(json.jobs.map((job) => [job.basename, job.program, job.status]), [
      ['conf1', 'gaussian', 'succeeded'],
      ['conf2', 'gaussian', 'succeeded'],
      ['freq', 'orca', 'succeeded'],
      ['hess', 'xtb', 'succeeded'],
      ['never', 'xtb', 'not_started'],
    ]);
    for (const job of json.jobs.slice(0, 4)) {
      assert.deepEqual(Object.keys(job.results!), RESULT_KEYS);
      assert.equal(job.directory, join(scratch, job.basename));
    }
    assert.equal(json.jobs[4]!.results, null);
    assert.equal(json.jobs[2]!.results!.gibbs, -381.91114546);
    // Two Gaussian runs of one method and formula: the higher one relative to the lower (Gaussian 09 vs 16 here).
    const [conf1, conf2] = json.jobs;
    const lower = Math.min(conf1!.results!.finalEnergy as number, conf2!.results!.finalEnergy as number);
    assert.ok(Math.abs(conf1!.relativeEnergyKcal! - ((conf1!.results!.finalEnergy as number) - lower) * 627.5094740631) < 1e-9);
    assert.ok([conf1!.relativeEnergyKcal, conf2!.relativeEnergyKcal].includes(0));
    assert.equal(json.jobs[3]!.relativeEnergyKcal, null, 'an xTB hessian prints no geometry to compare formulas by');
  });

  it('writes {basename}.json for ended jobs, and reads it back on the next call', async () => {
    const json = JSON.parse(await readFile(join(scratch, 'freq', 'freq.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(json.G_au, -381.91114546);
    assert.equal(json.normal_exit, true);
    const before = (await stat(join(scratch, 'freq', 'freq.json'))).mtimeMs;
    const again = await run('results', batchfile, '--json');
    assert.equal(again.exitCode, 0);
    assert.equal((await stat(join(scratch, 'freq', 'freq.json'))).mtimeMs, before, 'an unchanged output is not read again');
  });

  it('--csv: a header row whose first column is basename, one row per job', async () => {
    const result = await run('results', batchfile, '--csv');
    assert.equal(result.exitCode, 0, result.stderr);
    const records = parse(result.stdout, { columns: true }) as Record<string, string>[];
    assert.equal(result.stdout.split('\n')[0]!.split(',')[0], 'basename');
    assert.equal(records.length, 5);
    assert.equal(records[2]!.gibbs_hartree, '-381.91114546');
    assert.equal(records[0]!.optimization_steps, '5');
    assert.equal(records[4]!.final_energy_hartree, '');
  });

  it('the table: a row per job, - where unknown', async () => {
    const result = await run('results', batchfile);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2 + 5);
    assert.match(lines[1]!, /^JOB\s+STATUS\s+E \(Eh\)\s+ΔE \(kcal\/mol\)\s+G \(Eh\)\s+IMAG\s+STEPS\s+WALL/);
    assert.match(lines[4]!, /^freq\s+succeeded\s+-382\.055107\s+0\.00\s+-381\.911145\s+0\s+-\s+50s/);
    assert.match(lines[6]!, /^never\s+not_started.*no output$/);
  });

  it('refuses --json with --csv, and a missing FILE', async () => {
    assert.equal((await run('results', batchfile, '--json', '--csv')).exitCode, 2);
    assert.equal((await run('results')).exitCode, 2);
  });
});
