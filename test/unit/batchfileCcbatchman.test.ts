// Batches in CCBatchMan's shapes: one folder per molecule with the same step names in each, either header order,
// its program spellings, pipes to another batch's folders, real batchfiles from its history; braces for its pipes;
// a job's own script naming its input.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BatchModel, Diagnostic, DiskView, Position } from '../../core/batchfile/index.js';
import {
  Severity,
  buildBatchModel,
  codeActions,
  complete,
  createNodeDiskView,
  definition,
  documentSymbols,
  hover,
  parseBatchfile,
  references,
  validateBatchfile,
} from '../../core/batchfile/index.js';
import { scriptInput } from '../../core/batchfile/scriptInput.js';
import { applyEdits } from '../support/textEdits.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/batchfiles/', import.meta.url));
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const codes = (diagnostics: readonly Diagnostic[]): string[] => diagnostics.map((d) => d.code);
const errors = (diagnostics: readonly Diagnostic[]): Diagnostic[] => diagnostics.filter((d) => d.severity === Severity.Error);
const DISK_CODES = ['root-not-found', 'job-folder-missing', 'input-missing', 'pipe-upstream-outside-batch'];

/** CCBatchMan's generator: a folder per molecule, the same step names in each, its header order and spellings. */
const MOLECULES = `root_directory=/calcs
job_directory|job_basename|program|pipe
mol1/crest|crest|CREST|
mol1/opt|opt|XTB|coords{../crest,crest_best.xyz}
mol1/sp|sp|ORCA|coords{../opt,xtbopt.xyz}
mol2/crest|crest|CREST|
mol2/opt|opt|XTB|coords{../crest,crest_best.xyz}
mol2/sp|sp|ORCA|coords{../opt,xtbopt.xyz}
`;

function position(text: string, marker: string, occurrence = 0, shift = 0): Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(marker, index + 1);
  assert.ok(index >= 0, `marker ${marker} not found`);
  const before = text.slice(0, index + shift);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

const modelOf = (text: string): BatchModel => buildBatchModel(parseBatchfile(text));

describe('a job is its folder + basename', () => {
  it('the same step names in every molecule folder are valid, and each pipe links within its own molecule', () => {
    const { model, diagnostics } = validateBatchfile(MOLECULES);
    assert.deepEqual(diagnostics, []);
    const byFolder = new Map(model.jobs.map((job) => [job.directory, job]));
    assert.equal(byFolder.get('mol2/opt')!.pipes[0]!.upstream, byFolder.get('mol2/crest')!.index);
    assert.equal(byFolder.get('mol1/sp')!.pipes[0]!.upstream, byFolder.get('mol1/opt')!.index);
    assert.deepEqual(model.downstream[byFolder.get('mol1/opt')!.index], [byFolder.get('mol1/sp')!.index]);
  });

  it('reads the header in either order and CCBatchMan\'s program spellings', () => {
    const swapped = MOLECULES.replace('job_directory|job_basename|', 'job_basename|job_directory|').replace(/^(mol\d\/\w+)\|(\w+)\|/gm, '$2|$1|');
    assert.notEqual(swapped, MOLECULES);
    const a = modelOf(MOLECULES);
    const b = modelOf(swapped);
    assert.deepEqual(b.jobs.map((job) => [job.basename, job.path, job.program?.id]), a.jobs.map((job) => [job.basename, job.path, job.program?.id]));
    assert.deepEqual(a.jobs.map((job) => job.program?.id), ['crest', 'xtb', 'orca', 'crest', 'xtb', 'orca']);
    const spellings = 'root_directory=/calcs\njob_basename|job_directory|program|pipe\na|a|pyAroma|\nb|b|Gaussian|\nc|c|Orca|\nd|d|SHELL|\n';
    assert.deepEqual(validateBatchfile(spellings).diagnostics, []);
  });

  it('refuses the same folder + basename twice, and two names sharing one folder (one run_info.json per folder)', () => {
    const twice = `${MOLECULES}mol2/opt|opt|xtb|\nmol2/crest|other|xtb|\n`;
    const found = validateBatchfile(twice).diagnostics;
    assert.deepEqual(found.map((d) => `${d.range.start.line} ${d.code}`), ['8 directory-duplicate', '9 directory-duplicate']);
    assert.match(found[0]!.message, /`opt` in `mol2\/opt` is already the job on line 7/);
    assert.match(found[1]!.message, /already used by `crest` on line 6; each job needs its own folder/);
    // The folder is compared resolved: `mol2/./opt` is `mol2/opt`.
    assert.deepEqual(codes(validateBatchfile(`${MOLECULES}mol2/./opt|opt|xtb|\n`).diagnostics), ['directory-duplicate']);
  });

  it('hover, definition and references tell the molecules\' jobs apart', () => {
    const model = modelOf(MOLECULES);
    const pipeHover = hover(model, position(MOLECULES, '../crest', 1, 1))!.contents.value;
    assert.match(pipeHover, /Upstream job \*\*crest\*\* in `mol2\/crest` \(CREST, line 6\)/);
    const rowHover = hover(model, position(MOLECULES, '|opt|', 0, 1))!.contents.value;
    // Folders are escaped for markdown (every user value is): `mol1\/crest` shows as mol1/crest.
    assert.match(rowHover, /Takes from: crest in mol1\\\/crest \(coords\)/);
    assert.match(rowHover, /Feeds: sp in mol1\\\/sp/);
    assert.deepEqual(definition(model, position(MOLECULES, '../opt', 1, 1)), { start: { line: 6, character: 9 }, end: { line: 6, character: 12 } });
    const refs = references(model, position(MOLECULES, '|opt|', 0, 1), false);
    assert.deepEqual(refs.map((range) => range.start.line), [4], 'only mol1/sp pipes from mol1/opt');
    assert.deepEqual(documentSymbols(model).map((symbol) => `${symbol.name}:${symbol.detail}`), [
      'crest:CREST · mol1/crest',
      'opt:XTB · mol1/opt',
      'sp:ORCA · mol1/sp',
      'crest:CREST · mol2/crest',
      'opt:XTB · mol2/opt',
      'sp:ORCA · mol2/sp',
    ]);
  });
});

describe('real CCBatchMan batchfiles', () => {
  for (const name of ['ccbatchman-real-quick.batchfile', 'ccbatchman-real-crude.batchfile', 'ccbatchman-layout.batchfile']) {
    it(`${name}: no errors, every job distinct, pipes within each molecule`, () => {
      const path = join(FIXTURES, name);
      const { model, diagnostics } = validateBatchfile(fixture(name), { batchfilePath: path, disk: createNodeDiskView() });
      assert.deepEqual(errors(diagnostics), []);
      // Away from their machine the only findings are true ones: the root is not here, nor another batch's folders.
      assert.deepEqual([...new Set(codes(diagnostics))].sort(), name.includes('quick') ? ['root-not-found'] : ['pipe-upstream-missing', 'root-not-found']);
      const keys = new Set(model.jobs.map((job) => `${job.path}\0${job.basename}`));
      assert.equal(keys.size, model.jobs.length);
      assert.ok(new Set(model.jobs.map((job) => job.basename)).size < model.jobs.length, 'step names repeat across molecules');
      // The made-up layout also pipes orbitals across molecules on purpose; the real batches never do.
      for (const job of name.includes('real') ? model.jobs : []) {
        for (const pipe of job.pipes) {
          if (pipe.upstream === undefined) continue;
          const upstream = model.jobs[pipe.upstream]!;
          assert.equal(upstream.path.split('/').slice(0, -1).join('/'), job.path.split('/').slice(0, -1).join('/'), `${job.path} ← ${upstream.path}`);
        }
      }
    });
  }

  it('the 306 jobs of the real quick batch link 272 pipes to jobs of the batch', () => {
    const { model } = validateBatchfile(fixture('ccbatchman-real-quick.batchfile'));
    assert.equal(model.jobs.length, 306);
    assert.equal(model.jobs.flatMap((job) => job.pipes).filter((pipe) => pipe.upstream !== undefined).length, 272);
  });
});

describe('pipe style: braces, which CCBatchMan reads', () => {
  it('marks each angle-bracket pipe for information, and one quick fix writes the whole file with braces', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|orca|\nb|b|orca|coords<../a,>;orbitals<../a,a.gbw>\nc|c|xtb|coords{../a,}\n';
    const { model, diagnostics } = validateBatchfile(text);
    const angled = diagnostics.filter((d) => d.code === 'pipe-angle-brackets');
    assert.equal(angled.length, 2);
    assert.ok(angled.every((d) => d.severity === Severity.Information && /CCBatchMan cannot read/.test(d.message) && /silently drops/.test(d.message)));
    assert.deepEqual(codes(diagnostics), ['pipe-angle-brackets', 'pipe-angle-brackets'], 'no second diagnostic saying the same');
    const actions = codeActions(model, angled[0]!.range, diagnostics);
    const whole = actions.filter((action) => action.title === 'Write every pipe as NAME{DIR,FILE}');
    assert.equal(whole.length, 1);
    assert.equal(whole[0]!.isPreferred, true);
    const fixed = applyEdits(text, whole[0]!.edits);
    assert.equal(fixed.split('\n')[3], 'b|b|orca|coords{../a,};orbitals{../a,a.gbw}');
    assert.deepEqual(validateBatchfile(fixed).diagnostics, []);
    // A selection over both pipes still offers the whole-file fix once.
    const both = codeActions(model, { start: { line: 3, character: 0 }, end: { line: 3, character: 50 } }, diagnostics);
    assert.equal(both.filter((action) => action.title.startsWith('Write every pipe')).length, 1);
  });

  it('completion writes braces unless every pipe of the file already uses angle brackets', () => {
    const snippets = (text: string, line: number, pipeStyle: 'angle' | 'brace') =>
      complete(modelOf(text), { line, character: text.split('\n')[line]!.length }, { pipeStyle }).map((item) => item.textEdit!.newText)[0];
    const head = 'root_directory=/x\njob_basename|job_directory|program|pipe\n';
    assert.equal(snippets(`${head}a|a|xtb|coords<../b,>\nb|b|xtb|\n`, 3, 'brace'), 'coords<${1:../},${2}>');
    assert.equal(snippets(`${head}a|a|xtb|coords<../b,>\nc|c|xtb|coords<../b,>\nd|d|xtb|coords{../b,}\nb|b|xtb|\n`, 5, 'angle'), 'coords{${1:../},${2}}', 'mixed: braces');
    assert.equal(snippets(`${head}b|b|xtb|\n`, 2, 'brace'), 'coords{${1:../},${2}}');
    assert.equal(snippets(`${head}b|b|xtb|\n`, 2, 'angle'), 'coords<${1:../},${2}>', 'no pipes yet: the setting');
  });
});

describe('without the disk (validate --no-disk, checkDisk off)', () => {
  it('reports no disk finding, and a pipe outside the batch for information only', () => {
    const text = 'root_directory=/nonexistent/moved\njob_basename|job_directory|program|pipe\nopt|mol/opt|xtb|coords{../../other_batch/mol/crest,crest_best.xyz}\n';
    const diagnostics = validateBatchfile(text, { batchfilePath: '/nonexistent/moved/batchfile.csv' }).diagnostics;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['pipe-upstream-missing', Severity.Information]]);
    assert.ok(!diagnostics.some((d) => DISK_CODES.includes(d.code)));
  });
});

describe('the input a job\'s own script names', () => {
  it('reads the program line as CCBatchMan and users write it', () => {
    assert.deepEqual(scriptInput('#!/bin/bash\n#SBATCH -J crest\nconda activate crest_3\n/opt/crest/crest h2o2.xyz > run.out --gfn2 --T 12\n', 'crest'), { file: 'h2o2.xyz', checkable: true });
    assert.deepEqual(scriptInput('module load xtb/6.6.1\nxtb --gfn 2 --alpb water mol.xyz --opt > opt.out 2>&1\n', 'xtb'), { file: 'mol.xyz', checkable: true });
    assert.deepEqual(scriptInput('srun xtb "my mol.xyz" --opt\n', 'xtb'), { file: 'my mol.xyz', checkable: true });
    assert.deepEqual(scriptInput('g16 < job.gjf > job.log\n', 'gaussian'), { file: 'job.gjf', checkable: true });
    assert.deepEqual(scriptInput('g16 <job.gjf >job.log\n', 'gaussian'), { file: 'job.gjf', checkable: true });
    assert.deepEqual(scriptInput('/opt/orca/orca sp.inp > sp.out\n', 'orca'), { file: 'sp.inp', checkable: true });
    assert.deepEqual(scriptInput('python3 ~/code/pyAroma/src/preprocessingDriver.py opt.xyz -o nics.xyz -p Gaussian -v > nics.out\n', 'pyaroma'), { file: '~/code/pyAroma/src/preprocessingDriver.py', checkable: false });
    assert.deepEqual(scriptInput('crest "$INPUT" --gfn2\n', 'crest'), { file: '$INPUT', checkable: false });
    assert.equal(scriptInput('echo "xtb mol.xyz" # xtb mol.xyz\nxtb > out.txt\n', 'xtb'), undefined);
    assert.equal(scriptInput('bash run.sh\n', 'shell'), undefined);
  });

  describe('on disk', () => {
    const root = mkdtempSync(join(tmpdir(), 'batchman-script-input-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    const job = (folder: string, files: Record<string, string>): void => {
      mkdirSync(join(root, folder), { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(root, folder, name), text);
    };
    job('h2o2/crest', { 'crest.sh': 'crest h2o2.xyz > crest.out --gfn2\n', 'h2o2.xyz': '1\n\nO 0 0 0\n' });
    job('h2o2/xtb', { 'xtb.sh': 'xtb mol.xyz --opt > xtb.out\n' });
    job('h2o2/var', { 'var.sh': 'xtb "$1" --opt\n' });
    job('h2o2/plain', {});
    const text = `root_directory=${root}\njob_directory|job_basename|program|pipe\nh2o2/crest|crest|CREST|\nh2o2/xtb|xtb|XTB|\nh2o2/var|var|xtb|\nh2o2/plain|plain|crest|\n`;

    it('checks the file the script names instead of {basename}.xyz, and trusts names only the shell resolves', () => {
      const diagnostics = validateBatchfile(text, { batchfilePath: join(root, 'batchfile.csv'), disk: createNodeDiskView() }).diagnostics;
      assert.deepEqual(diagnostics.map((d) => `${d.range.start.line} ${d.code}`), ['3 input-missing', '5 input-missing']);
      assert.match(diagnostics[0]!.message, /no `mol\.xyz` \(the input its `xtb\.sh` gives xTB\)/);
      assert.match(diagnostics[1]!.message, /no `plain\.xyz` \(the CREST input\)/);
    });

    it('reads a script only when the usual input is missing, and not at all from a disk that cannot read files', () => {
      const inner = createNodeDiskView();
      const read: string[] = [];
      const counting: DiskView = { kind: (path) => inner.kind(path), list: (path) => inner.list(path), readHead: (path, bytes) => (read.push(path), inner.readHead!(path, bytes)) };
      writeFileSync(join(root, 'h2o2/xtb/xtb.xyz'), '1\n\nO 0 0 0\n');
      try {
        validateBatchfile(text, { batchfilePath: join(root, 'batchfile.csv'), disk: counting });
        assert.deepEqual(read.map((path) => path.slice(root.length)).sort(), ['/h2o2/crest/crest.sh', '/h2o2/var/var.sh']);
      } finally {
        rmSync(join(root, 'h2o2/xtb/xtb.xyz'));
      }
      const fresh = createNodeDiskView();
      const statOnly: DiskView = { kind: (path) => fresh.kind(path), list: (path) => fresh.list(path) };
      const diagnostics = validateBatchfile(text, { batchfilePath: join(root, 'batchfile.csv'), disk: statOnly }).diagnostics;
      assert.deepEqual(diagnostics.map((d) => `${d.range.start.line} ${d.code}`), ['2 input-missing', '3 input-missing', '4 input-missing', '5 input-missing']);
    });
  });
});
