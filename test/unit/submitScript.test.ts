// Submit scripts: generated from templates with SLURM options as sbatch arguments, user scripts kept, hostile names run safely.
import { strict as assert } from 'node:assert';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { buildBatchModel } from '../../core/batchfile/model.js';
import type { BatchModel, ResolvedJob } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import { defaultBatchSettings, parseBatchSettings } from '../../core/runner/batchSettings.js';
import {
  GENERATED_MARKER,
  SubmitScriptError,
  isGeneratedScript,
  prepareSubmitScript,
  scriptSetsOption,
  slurmJobName,
  substitutePlaceholders,
} from '../../core/runner/submitScript.js';
import { shellQuote } from '../../core/shellQuote.js';

async function model(root: string, rows: string[], header = 'job_basename|job_directory|program|pipe'): Promise<BatchModel> {
  const text = [`root_directory=${root}`, header, ...rows].join('\n');
  const built = buildBatchModel(parseBatchfile(text), join(root, 'batchfile.csv'));
  for (const job of built.jobs) await mkdir(job.path, { recursive: true });
  return built;
}

/** Every path under `dir`, relative, sorted (directories end in `/`). */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((entry) => relative(dir, join(entry.parentPath, entry.name)) + (entry.isDirectory() ? '/' : '')).sort();
}

describe('shellQuote', () => {
  it('gives bash one word that expands to exactly the value', async () => {
    const values = ['a b', "x'y", '$(touch pwned)', ';rm -rf x', 'l1\nl2', '`id`', '"$HOME"', '\\', "''", '', '*', '-n'];
    const script = values.map((value) => `printf '%s\\0' ${shellQuote(value)}`).join('\n');
    const { stdout } = await execa('bash', ['-c', script], { timeout: 10_000, stripFinalNewline: false });
    assert.deepEqual(stdout.split('\0').slice(0, -1), values);
    assert.throws(() => shellQuote('a\0b'), RangeError);
  });

  it('replaces only known {placeholders}, never ${variables}', () => {
    const values = { basename: 'a b', input: 'a b.xyz', output: 'a b.out', cores: '4', memory: '', walltime: '', jobDir: '/x' };
    assert.equal(substitutePlaceholders('xtb {input} -P {cores} > {output} ${input} {other}', values), "xtb 'a b.xyz' -P '4' > 'a b.out' ${input} {other}");
  });
});

describe('prepareSubmitScript', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-submit-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('generates an xTB script and sbatch arguments from the defaults', async () => {
    const m = await model(join(root, 'defaults'), ['opt|mol/opt|xtb|']);
    const job = m.jobs[0]!;
    const prepared = await prepareSubmitScript(m, job, defaultBatchSettings(), 0);
    assert.equal(prepared.scriptPath, join(job.path, 'opt.sh'));
    assert.equal(prepared.generated, true);
    assert.deepEqual(prepared.sbatchArgs, [`--chdir=${job.path}`, '--job-name=opt', '--output=slurm-%j.out', '--cpus-per-task=1']);
    const script = await readFile(prepared.scriptPath, 'utf8');
    assert.equal(
      script,
      [
        '#!/bin/bash',
        `${GENERATED_MARKER} by Batchman for job opt (xtb).`,
        '# Batchman rewrites this file before each submission; delete the line above to make it yours.',
        '# SLURM options are passed on the sbatch command line.',
        'set -o pipefail',
        `cd -- '${job.path}' || exit 1`,
        "export OMP_NUM_THREADS='1'",
        "export MKL_NUM_THREADS='1'",
        "xtb 'opt.xyz' --opt > 'opt.out' 2>&1",
        '',
      ].join('\n'),
    );
    const mtime = (await stat(prepared.scriptPath)).mtimeMs;
    await prepareSubmitScript(m, job, defaultBatchSettings(), 0);
    assert.equal((await stat(prepared.scriptPath)).mtimeMs, mtime, 'an unchanged script is not rewritten');
  });

  it('takes SLURM options from the row, then batchman.json (job > program > global), then defaults; a restart plan wins', async () => {
    const m = await model(
      join(root, 'layers'),
      ['sp|mol/sp|orca||8|16GB||', 'opt|mol/opt|gaussian|||| 2-00:00:00|long', 'freq1|mol/freq1|xtb|||||'],
      'job_basename|job_directory|program|pipe|cores|memory|walltime|partition',
    );
    const settings = parseBatchSettings(
      JSON.stringify({
        slurm: { partition: 'short', memory: '2G', walltime: '01:00:00', extraArgs: ['--account=chem'] },
        programs: {
          orca: { command: '/opt/orca-6.0.1/orca {input} > {output}', modules: ['orca/6.0.1', 'openmpi/4.1'], slurm: { memory: 4096, extraArgs: ['--qos=mpi'] } },
          gaussian: { setup: ['export GAUSS_SCRDIR="$TMPDIR"'], env: { OMP_PROC_BIND: 'true' } },
        },
        jobs: [
          { match: 'freq*', program: 'xtb', command: 'xtb {input} --hess > {output} 2>&1', slurm: { cores: 2 } },
          { match: 'freq?', slurm: { walltime: '00:10:00' } },
        ],
      }),
    );
    const [sp, opt, freq] = m.jobs as [ResolvedJob, ResolvedJob, ResolvedJob];

    const orca = await prepareSubmitScript(m, sp, settings, { restarts: 1, memory: '32GB' });
    assert.deepEqual(orca.sbatchArgs, [
      `--chdir=${sp.path}`,
      '--job-name=sp',
      '--output=slurm-%j.out',
      '--ntasks=8',
      '--mem=32G',
      '--time=01:00:00',
      '--partition=short',
      '--account=chem',
      '--qos=mpi',
    ]);
    const orcaScript = await readFile(orca.scriptPath, 'utf8');
    assert.match(orcaScript, /^#!\/bin\/bash -l\n/);
    assert.match(orcaScript, /, restart 1\.\n/);
    assert.ok(orcaScript.includes("module load 'orca/6.0.1' || exit 1\nmodule load 'openmpi/4.1' || exit 1\n/opt/orca-6.0.1/orca 'sp.inp' > 'sp.out'\n"));

    const gaussian = await prepareSubmitScript(m, opt, settings);
    assert.deepEqual(gaussian.sbatchArgs.slice(3), ['--cpus-per-task=1', '--mem=2G', '--time=2-00:00:00', '--partition=long', '--account=chem']);
    assert.ok((await readFile(gaussian.scriptPath, 'utf8')).endsWith("export OMP_PROC_BIND='true'\nexport GAUSS_SCRDIR=\"$TMPDIR\"\ng16 < 'opt.gjf' > 'opt.log'\n"));

    const xtb = await prepareSubmitScript(m, freq, settings);
    assert.deepEqual(xtb.sbatchArgs.slice(3), ['--cpus-per-task=2', '--mem=2G', '--time=00:10:00', '--partition=short', '--account=chem']);
    const xtbScript = await readFile(xtb.scriptPath, 'utf8');
    assert.ok(xtbScript.endsWith("export OMP_NUM_THREADS='2'\nexport MKL_NUM_THREADS='2'\nxtb 'freq1.xyz' --hess > 'freq1.out' 2>&1\n"));
  });

  it("never overwrites a user's own script and passes only the row's explicit options and the restart plan", async () => {
    const m = await model(join(root, 'own'), ['mine|mine|xtb||4|', 'named|named|gaussian|||'], 'job_basename|job_directory|program|pipe|cores|walltime');
    const [mine, named] = m.jobs as [ResolvedJob, ResolvedJob];
    const own = '#!/bin/bash\n#SBATCH --time=00:05:00\nxtb mine.xyz --ohess > mine.out\n';
    await writeFile(join(mine.path, 'mine.sh'), own);
    const settings = parseBatchSettings('{"slurm": {"partition": "short", "memory": "2G"}}');
    const prepared = await prepareSubmitScript(m, mine, settings, { restarts: 1, walltime: '00:10:00' });
    assert.deepEqual(prepared, {
      scriptPath: join(mine.path, 'mine.sh'),
      generated: false,
      sbatchArgs: [`--chdir=${mine.path}`, '--job-name=mine', '--cpus-per-task=4', '--time=00:10:00'],
    });
    assert.equal(await readFile(prepared.scriptPath, 'utf8'), own);

    await writeFile(join(named.path, 'named.sh'), '#!/bin/bash\n#SBATCH -J custom\n#SBATCH --mem=1G\ng16 < named.gjf > named.log\n');
    assert.deepEqual((await prepareSubmitScript(m, named, settings)).sbatchArgs, [`--chdir=${named.path}`]);
  });

  it('the default ORCA command starts orca by its full path, and says so when orca is not on PATH', async () => {
    const m = await model(join(root, 'orca'), ['o|o|orca|']);
    const job = m.jobs[0]!;
    const bin = join(root, 'orca-bin');
    await mkdir(bin);
    await writeFile(join(bin, 'orca'), '#!/bin/bash\necho "$0 $*"\necho "ORCA TERMINATED NORMALLY"\n');
    await chmod(join(bin, 'orca'), 0o755);
    const prepared = await prepareSubmitScript(m, job, defaultBatchSettings());
    const env = (path: string): Record<string, string> => ({ PATH: path });
    const found = await execa('/bin/bash', [prepared.scriptPath], { cwd: root, timeout: 10_000, reject: false, env: env(bin), extendEnv: false });
    assert.equal(found.exitCode, 0, found.stderr);
    assert.equal((await readFile(join(job.path, 'o.out'), 'utf8')).split('\n')[0], `${join(bin, 'orca')} o.inp`);
    // A PATH without orca (Debian's /usr/bin/orca is a screen reader, so not even /usr/bin); the script needs only builtins.
    await mkdir(join(root, 'empty-bin'));
    const missing = await execa('/bin/bash', [prepared.scriptPath], { cwd: root, timeout: 10_000, reject: false, env: env(join(root, 'empty-bin')), extendEnv: false });
    assert.equal(missing.exitCode, 127);
    assert.equal(missing.stderr, 'orca is not on PATH');
  });

  it('regenerates a script it generated before (the marker), e.g. after batchman.json changed', async () => {
    const m = await model(join(root, 'regen'), ['p|p|pyaroma|']);
    const job = m.jobs[0]!;
    await prepareSubmitScript(m, job, defaultBatchSettings());
    const changed = parseBatchSettings('{"programs": {"pyaroma": {"command": "python3.11 {input} --verbose > {output}"}}}');
    const prepared = await prepareSubmitScript(m, job, changed);
    assert.equal(prepared.generated, true);
    assert.ok((await readFile(prepared.scriptPath, 'utf8')).endsWith("python3.11 'p.py' --verbose > 'p.out'\n"));
  });

  it('a shell job is its own script: used as is, and missing it is an error', async () => {
    const m = await model(join(root, 'shell'), ['s|s|shell|', 't|t|shell|']);
    const [s, t] = m.jobs as [ResolvedJob, ResolvedJob];
    await writeFile(join(s.path, 's.sh'), 'echo hi > s.out\n');
    const prepared = await prepareSubmitScript(m, s, defaultBatchSettings());
    assert.equal(prepared.generated, false);
    assert.deepEqual(prepared.sbatchArgs, [`--chdir=${s.path}`, '--job-name=s']);
    await assert.rejects(prepareSubmitScript(m, t, defaultBatchSettings()), { name: 'SubmitScriptError', message: `job t: missing script ${join(t.path, 't.sh')} (a shell job runs its own {basename}.sh)` });
  });

  it('refuses bad row values with the job and the value', async () => {
    const m = await model(join(root, 'bad'), ['a|a|xtb||lots', 'b|b|xtb||', 'c|c|crest||'], 'job_basename|job_directory|program|pipe|memory');
    await assert.rejects(prepareSubmitScript(m, m.jobs[0]!, defaultBatchSettings()), { message: 'job a: memory "lots" is not memory like 4GB, 4000M or 4000 (MB)' });
    await assert.rejects(prepareSubmitScript(m, m.jobs[1]!, defaultBatchSettings(), { restarts: 1, walltime: 'soon' }), SubmitScriptError);
    const slash = { ...m.jobs[2]!, basename: '../escape' };
    await assert.rejects(prepareSubmitScript(m, slash, defaultBatchSettings()), { message: /cannot name a file/ });
  });

  it('helpers: marker detection, #SBATCH option detection, job names squeue can parse', () => {
    assert.equal(isGeneratedScript(`#!/bin/bash\n${GENERATED_MARKER} by Batchman\n`), true);
    assert.equal(isGeneratedScript('#!/bin/bash\necho # batchman:generated\n'), false);
    assert.equal(scriptSetsOption('#!/bin/bash\n#SBATCH -Jx\n', ['--job-name', '-J']), true);
    assert.equal(scriptSetsOption('#!/bin/bash\n#SBATCH --job-name x\n', ['--job-name', '-J']), true);
    assert.equal(scriptSetsOption('#!/bin/bash\necho\n#SBATCH -J late\n', ['--job-name', '-J']), false, 'sbatch ignores directives after the first command');
    assert.equal(slurmJobName('a|b\nc'), 'a_b_c');
  });
});

describe('hostile basenames and folders, run for real with bash', () => {
  const hostile = ['a b', "x'y", '$(touch pwned)', ';rm -rf x', '`touch pwned2`', 'l1\nl2'];
  let root: string;
  let elsewhere: string;
  let fakeBin: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-hostile-'));
    elsewhere = await mkdtemp(join(tmpdir(), 'batchman-cwd-'));
    fakeBin = join(root, 'bin');
    await mkdir(fakeBin);
    // A fake xtb: records its arguments and working folder, prints xTB's end marker.
    await writeFile(join(fakeBin, 'xtb'), '#!/bin/bash\nprintf \'%s\\0\' "$@" > args.bin\npwd > pwd.txt\necho "   * finished run on 2024/03/04 at 10:00:00.000"\n');
    await chmod(join(fakeBin, 'xtb'), 0o755);
    await writeFile(join(root, 'x'), 'a file the ;rm -rf x name must not remove\n');
    await mkdir(join(root, 'calcs'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('generated scripts quote every name: each runs in its own folder and nothing else is touched', async () => {
    // The batchfile cannot hold a newline, so that job is built by hand from a parsed one.
    const rows = hostile.filter((name) => !name.includes('\n')).map((name, index) => `${name}|calcs/${name}/d${index}|xtb|`);
    const m = await model(root, rows);
    const jobs: ResolvedJob[] = [...m.jobs];
    const newline = { ...m.jobs[0]!, basename: 'l1\nl2', path: join(root, 'calcs', 'l1\nl2') };
    await mkdir(newline.path);
    jobs.push(newline);
    assert.equal(jobs.length, hostile.length);

    for (const job of jobs) await writeFile(join(job.path, `${job.basename}.xyz`), '1\nH atom\nH 0 0 0\n');
    const before = await tree(root);
    for (const job of jobs) {
      const prepared = await prepareSubmitScript(m, job, defaultBatchSettings());
      assert.equal(prepared.sbatchArgs[1], `--job-name=${job.basename.replace('\n', '_')}`);
      // Run from an unrelated folder: the script must find its own.
      const result = await execa('bash', [prepared.scriptPath], {
        cwd: elsewhere,
        timeout: 20_000,
        reject: false,
        env: { PATH: `${fakeBin}:${process.env['PATH'] ?? ''}` },
      });
      assert.equal(result.exitCode, 0, `${JSON.stringify(job.basename)}: ${result.stderr}`);
      const args = (await readFile(join(job.path, 'args.bin'), 'utf8')).split('\0').slice(0, -1);
      assert.deepEqual(args, [`${job.basename}.xyz`, '--opt'], JSON.stringify(job.basename));
      assert.equal((await readFile(join(job.path, 'pwd.txt'), 'utf8')).replace(/\n$/, ''), job.path);
      assert.match(await readFile(join(job.path, `${job.basename}.out`), 'utf8'), /\* finished run on/);
    }
    const added = (await tree(root)).filter((path) => !before.includes(path));
    const expected = jobs.flatMap((job) => ['args.bin', 'pwd.txt', `${job.basename}.out`, `${job.basename}.sh`].map((name) => relative(root, join(job.path, name))));
    assert.deepEqual(added.sort(), expected.sort(), 'only the four expected files appeared, each in its job folder');
    assert.deepEqual(await readdir(elsewhere), [], 'nothing written where bash was started');
    assert.ok(!(await tree(root)).some((path) => /(^|\/)pwned2?$/.test(path)), 'no pwned file');
    assert.equal(await readFile(join(root, 'x'), 'utf8'), 'a file the ;rm -rf x name must not remove\n');
  });
});
