// Pipe transfer into real job folders: what each program gets, idempotence, and nothing half-written on failure.
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBatchModel } from '../../core/batchfile/model.js';
import type { BatchModel, ResolvedJob } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import { applyPipes, basenameProblem, orbitalsFileName } from '../../core/programs/pipeTransfer.js';

const inputs = new URL('../fixtures/inputs/', import.meta.url).pathname;
const fixture = (name: string): string => readFileSync(join(inputs, name), 'utf8');

/** Every file of a folder with its content, to prove a failed transfer changed nothing. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) files[name] = (await readFile(join(dir, name))).toString('base64');
  return files;
}

describe('applyPipes', () => {
  let root: string;
  let model: BatchModel;
  const gbw = randomBytes(300_000); // binary orbitals, not valid UTF-8
  const job = (basename: string): ResolvedJob => model.jobs.find((candidate) => candidate.basename === basename)!;
  const folder = (basename: string): string => job(basename).path;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-pipes-'));
    const batchfile = [
      `root_directory=${root}`,
      'job_basename|job_directory|program|pipe',
      'opt|mol/opt|xtb|',
      'freq|mol/freq|xtb|coords{../opt,xtbopt.xyz}',
      'g|mol/g|gaussian|coords{../opt,xtbopt.xyz}',
      'sp|mol/sp|ORCA|coords{../opt,opt.xyz};orbitals{../guess,guess.gbw}',
      'guess|mol/guess|orca|',
      'own|mol/own|orca|coords{../opt,opt.xyz};orbitals{../guess,own.gbw}',
      'broken|mol/broken|orca|coords{../opt,opt.xyz};orbitals{../guess,absent.gbw}',
      'notxyz|mol/notxyz|gaussian|coords{../opt,opt.out}',
      'orbx|mol/orbx|xtb|orbitals{../guess,guess.gbw}',
      'an|mol/an|pyaroma|coords{../opt,xtbopt.xyz}',
      'sh|mol/sh|shell|coords<../opt,>',
      'cr|mol/cr|crest|coords{../ens,crest_conformers.xyz}',
      'none|mol/none|xtb|coords{./,x.xyz}',
      'noinput|mol/noinput|gaussian|coords{../opt,xtbopt.xyz}',
    ].join('\n');
    await writeFile(join(root, 'batchfile.csv'), batchfile);
    model = buildBatchModel(parseBatchfile(batchfile), join(root, 'batchfile.csv'));
    for (const each of model.jobs) await mkdir(each.path, { recursive: true });
    await mkdir(join(root, 'mol/ens'), { recursive: true });

    await writeFile(join(folder('opt'), 'xtbopt.xyz'), fixture('xyz/methanol-xtbopt.xyz'));
    await writeFile(join(folder('opt'), 'opt.xyz'), fixture('xyz/methanol-xtbopt.xyz'));
    await writeFile(join(folder('opt'), 'opt.out'), fixture('xyz/not-xyz.xyz'));
    await writeFile(join(folder('guess'), 'guess.gbw'), gbw);
    await writeFile(join(folder('guess'), 'own.gbw'), gbw);
    await writeFile(join(root, 'mol/ens/crest_conformers.xyz'), fixture('xyz/crest-conformers.xyz'));
    await copyFile(join(inputs, 'gaussian/methanol-optfreq-link1.gjf'), join(folder('g'), 'g.gjf'));
    await copyFile(join(inputs, 'gaussian/methanol-optfreq-link1.gjf'), join(folder('notxyz'), 'notxyz.gjf'));
    for (const name of ['sp', 'own', 'broken']) await copyFile(join(inputs, 'orca/methanol-opt-pal.inp'), join(folder(name), `${name}.inp`));
    await writeFile(join(folder('freq'), 'freq.xyz'), fixture('xyz/water.xyz')); // the template geometry, replaced
    await writeFile(join(folder('sh'), 'sh.sh'), 'echo hi\n');
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('xTB: the piped geometry becomes {basename}.xyz verbatim; xtbopt.xyz itself is not copied in', async () => {
    const result = await applyPipes(model, job('freq'));
    assert.deepEqual(result, { ok: true, transferred: ['freq.xyz'], rewritten: [] });
    assert.equal(await readFile(join(folder('freq'), 'freq.xyz'), 'utf8'), fixture('xyz/methanol-xtbopt.xyz'));
    assert.deepEqual(await readdir(folder('freq')), ['freq.xyz'], 'no xtbopt.xyz, no temporary file');
  });

  it('Gaussian: the file is copied in and the .gjf geometry block replaced, route/title/ModRedundant/Link1 kept', async () => {
    const result = await applyPipes(model, job('g'));
    assert.deepEqual(result, { ok: true, transferred: ['xtbopt.xyz'], rewritten: ['g.gjf'] });
    assert.equal(await readFile(join(folder('g'), 'g.gjf'), 'utf8'), fixture('gaussian/methanol-optfreq-link1.expected.gjf'));
    assert.equal(await readFile(join(folder('g'), 'xtbopt.xyz'), 'utf8'), fixture('xyz/methanol-xtbopt.xyz'));
  });

  it('ORCA: coords through * xyzfile and orbitals through MORead/%moinp, the .gbw copied byte for byte', async () => {
    const result = await applyPipes(model, job('sp'));
    assert.deepEqual(result, { ok: true, transferred: ['guess.gbw', 'opt.xyz'], rewritten: ['sp.inp'] });
    assert.equal(await readFile(join(folder('sp'), 'sp.inp'), 'utf8'), fixture('orca/methanol-opt-pal.both.expected.inp'));
    assert.ok((await readFile(join(folder('sp'), 'guess.gbw'))).equals(gbw));
    assert.equal(await readFile(join(folder('sp'), 'opt.xyz'), 'utf8'), fixture('xyz/methanol-xtbopt.xyz'));
  });

  it('is idempotent: a second run (a resumed runner) leaves every file as the first run wrote it', async () => {
    for (const name of ['freq', 'g', 'sp']) {
      const first = await snapshot(folder(name));
      const again = await applyPipes(model, job(name));
      assert.equal(again.ok, true);
      assert.deepEqual(await snapshot(folder(name)), first, name);
    }
  });

  it('ORCA: a .gbw named like the job\'s own is copied under another name, since ORCA writes {basename}.gbw itself', async () => {
    assert.equal(orbitalsFileName('own', 'sub/own.gbw'), 'own_moread.gbw');
    assert.equal(orbitalsFileName('own', 'guess.gbw'), 'guess.gbw');
    const result = await applyPipes(model, job('own'));
    assert.deepEqual(result, { ok: true, transferred: ['own_moread.gbw', 'opt.xyz'], rewritten: ['own.inp'] });
    const inp = await readFile(join(folder('own'), 'own.inp'), 'utf8');
    assert.match(inp, /^%moinp "own_moread\.gbw"$/m);
    assert.ok(!(await readdir(folder('own'))).includes('own.gbw'));
  });

  it('a missing piped file fails with its path and writes nothing, not even the pipe that was there', async () => {
    const before = await snapshot(folder('broken'));
    const result = await applyPipes(model, job('broken'));
    assert.deepEqual(result, { ok: false, cause: `missing piped file ${join(folder('guess'), 'absent.gbw')}` });
    assert.deepEqual(await snapshot(folder('broken')), before);
  });

  it('a piped file that is not XYZ fails with the line, the input untouched', async () => {
    const before = await snapshot(folder('notxyz'));
    const result = await applyPipes(model, job('notxyz'));
    assert.deepEqual(result, {
      ok: false,
      cause: `piped file ${join(folder('opt'), 'opt.out')}, line 1: expected the number of atoms, found "Entering Gaussian System, Link 0=g16"`,
    });
    assert.deepEqual(await snapshot(folder('notxyz')), before);
  });

  it('refuses orbitals for a program that is not ORCA, and an input that is missing', async () => {
    assert.deepEqual(await applyPipes(model, job('orbx')), { ok: false, cause: 'an orbitals pipe needs an ORCA job; orbx is xtb' });
    assert.deepEqual(await applyPipes(model, job('noinput')), { ok: false, cause: `missing input ${join(folder('noinput'), 'noinput.gjf')}` });
    assert.deepEqual(await readdir(folder('noinput')), []);
  });

  it('pyAroma and shell jobs just get the file, under FILE or the default name basename(DIR).xyz', async () => {
    assert.deepEqual(await applyPipes(model, job('an')), { ok: true, transferred: ['xtbopt.xyz'], rewritten: [] });
    assert.deepEqual(await applyPipes(model, job('sh')), { ok: true, transferred: ['opt.xyz'], rewritten: [] });
    assert.equal(await readFile(join(folder('sh'), 'opt.xyz'), 'utf8'), fixture('xyz/methanol-xtbopt.xyz'));
    assert.equal(await readFile(join(folder('sh'), 'sh.sh'), 'utf8'), 'echo hi\n', 'the script is not touched');
  });

  it('CREST: the first (lowest) conformer of an ensemble becomes the input', async () => {
    assert.deepEqual(await applyPipes(model, job('cr')), { ok: true, transferred: ['cr.xyz'], rewritten: [] });
    assert.equal(await readFile(join(folder('cr'), 'cr.xyz'), 'utf8'), fixture('xyz/crest-conformers.xyz').split('\n').slice(0, 5).join('\n') + '\n');
  });

  it('a ./ pipe transfers nothing', async () => {
    assert.deepEqual(await applyPipes(model, job('none')), { ok: true, transferred: [], rewritten: [] });
  });

  it('refuses basenames that would name a file outside the folder', () => {
    assert.equal(basenameProblem('a b'), undefined);
    assert.equal(basenameProblem("$(touch pwned);x'y"), undefined);
    assert.match(basenameProblem('../../etc/x')!, /cannot name a file/);
    assert.equal(basenameProblem(''), 'the job has no basename');
  });
});
