// The language features as pure functions over a parsed batch: completion, hover, navigation, formatting, fixes.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Position } from '../../core/batchfile/index.js';
import {
  buildBatchModel,
  codeActions,
  complete,
  createNodeDiskView,
  definition,
  documentLinks,
  documentSymbols,
  formatDocument,
  hover,
  parseBatchfile,
  references,
  validateBatchfile,
  valueOf,
} from '../../core/batchfile/index.js';
import { tempDir } from '../support/tempDir.js';
import { applyEdits } from '../support/textEdits.js';

const BATCH = `root_directory=/calcs
job_basename|job_directory|program|pipe
opt|mol1/opt|xtb|
freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}
sp|mol1/sp|orca|coords{../opt,};orbitals{../guess,}
guess|mol1/guess|orca|
`;

const model = (text: string, path?: string) => buildBatchModel(parseBatchfile(text), path);
/** The position of the `occurrence`-th `marker` in `text`, plus `shift` characters. */
function at(text: string, marker: string, shift = 0, occurrence = 0): Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) index = text.indexOf(marker, index + 1);
  assert.ok(index >= 0, `marker ${marker} not found`);
  const before = text.slice(0, index + shift);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

describe('completion', () => {
  it('offers the missing columns in the header', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|\n';
    const labels = complete(model(text), { line: 1, character: text.split('\n')[1]!.length }, { pipeStyle: 'angle' }).map((i) => i.label);
    assert.deepEqual(labels, ['pipe', 'cores', 'memory', 'walltime', 'partition']);
  });

  it('offers programs in the program column, replacing the cell', () => {
    const items = complete(model(BATCH), at(BATCH, 'xtb|coords', 1), { pipeStyle: 'angle' });
    assert.deepEqual(items.map((i) => i.label), ['gaussian', 'orca', 'crest', 'xtb', 'pyaroma', 'shell']);
    assert.deepEqual(items[0]!.textEdit!.range, { start: at(BATCH, 'xtb|coords'), end: at(BATCH, 'xtb|coords', 3) });
  });

  it('writes pipe snippets in the style the file already uses, else the setting', () => {
    const withBraces = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|xtb|coords{../b,}\nb|b|xtb|\n';
    const braces = complete(model(withBraces), { line: 3, character: 8 }, { pipeStyle: 'angle' });
    assert.deepEqual(braces.map((i) => i.textEdit!.newText), ['coords{${1:../},${2}}', 'orbitals{${1:../},${2}}']);
    const bare = 'root_directory=/x\njob_basename|job_directory|program|pipe\nb|b|xtb|\n';
    assert.deepEqual(complete(model(bare), { line: 2, character: 8 }, { pipeStyle: 'angle' }).map((i) => i.textEdit!.newText), ['coords<${1:../},${2}>', 'orbitals<${1:../},${2}>']);
    assert.deepEqual(complete(model(bare), { line: 2, character: 8 }, { pipeStyle: 'brace' }).map((i) => i.textEdit!.newText), ['coords{${1:../},${2}}', 'orbitals{${1:../},${2}}']);
  });

  it('does not offer a pipe the job already has', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|orca|coords{../b,};\nb|b|xtb|\n';
    const items = complete(model(text), { line: 2, character: text.split('\n')[2]!.length }, { pipeStyle: 'angle' });
    assert.deepEqual(items.map((i) => i.label), ['orbitals']);
  });

  it('suggests other jobs\' folders relative to this row, nearest first', () => {
    const items = complete(model(BATCH), at(BATCH, '../opt,xtbopt', 2), { pipeStyle: 'angle' });
    const labels = items.sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
    assert.deepEqual(labels, ['../guess', '../opt', '../sp']);
    assert.equal(items.find((i) => i.label === '../opt')!.detail, 'opt · xtb');
  });

  it('suggests FILEs: the upstream program\'s known output and the folder\'s .xyz files on disk', (t) => {
    const root = tempDir(t, 'batchman-complete-');
    mkdirSync(join(root, 'mol1/opt'), { recursive: true });
    writeFileSync(join(root, 'mol1/opt/conformer.xyz'), '1\n\nH 0 0 0\n');
    writeFileSync(join(root, 'mol1/opt/opt.out'), '');
    const text = BATCH.replace('/calcs', root);
    const items = complete(model(text), at(text, 'xtbopt.xyz', 1), { pipeStyle: 'angle', disk: createNodeDiskView() });
    assert.deepEqual(items.map((i) => i.label).sort(), ['conformer.xyz', 'xtbopt.xyz']);
  });
});

describe('hover, definition, references, symbols, links', () => {
  it('describes a program', () => {
    const result = hover(model(BATCH), at(BATCH, 'orca|coords', 1));
    assert.match(result!.contents.value, /\*\*ORCA\*\*/);
  });

  it('resolves a pipe to its upstream job and absolute folder', () => {
    const result = hover(model(BATCH), at(BATCH, '../opt,xtbopt', 3));
    assert.match(result!.contents.value, /Upstream job \*\*opt\*\* \(xtb, line 3\)/);
    assert.match(result!.contents.value, /Folder: `\/calcs\/mol1\/opt`/);
    const missing = hover(model(BATCH), at(BATCH, '../guess', 3));
    assert.match(missing!.contents.value, /Upstream job \*\*guess\*\*/);
  });

  it('goes from a pipe to the upstream row, and from a row to the pipes that name it', () => {
    const m = model(BATCH);
    assert.deepEqual(definition(m, at(BATCH, '../opt,xtbopt', 2)), { start: { line: 2, character: 0 }, end: { line: 2, character: 3 } });
    const refs = references(m, { line: 2, character: 1 }, false);
    assert.deepEqual(refs.map((r) => r.start.line), [3, 4]);
    assert.equal(references(m, { line: 2, character: 1 }, true).length, 3);
  });

  it('lists one symbol per job with its program, and links job folders', () => {
    const m = model(BATCH);
    assert.deepEqual(documentSymbols(m).map((s) => `${s.name}:${s.detail}`), ['opt:xtb', 'freq:xtb', 'sp:orca', 'guess:orca']);
    assert.deepEqual(documentLinks(m).map((l) => l.targetPath), ['/calcs/mol1/opt', '/calcs/mol1/freq', '/calcs/mol1/sp', '/calcs/mol1/guess']);
  });
});

describe('formatting', () => {
  it('aligns columns, keeps data, comments and the root line, and is idempotent', () => {
    const text = 'root_directory=/x\n# keep me\njob_basename|job_directory|program|pipe\nlong_name|a|xtb|\nb|folder/b|orca|coords{../../a,}\n';
    const formatted = applyEdits(text, formatDocument(parseBatchfile(text)));
    assert.equal(
      formatted,
      'root_directory=/x\n# keep me\njob_basename | job_directory | program | pipe\nlong_name    | a             | xtb     |\nb            | folder/b      | orca    | coords{../../a,}\n',
    );
    assert.deepEqual(formatDocument(parseBatchfile(formatted)), []);
    const before = parseBatchfile(text);
    const after = parseBatchfile(formatted);
    for (const column of ['job_basename', 'job_directory', 'program', 'pipe'] as const) {
      assert.deepEqual(after.rows.map((r) => valueOf(after, r, column)), before.rows.map((r) => valueOf(before, r, column)));
    }
  });

  it('leaves rows with the wrong number of fields alone', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|xtb\n';
    const edits = formatDocument(parseBatchfile(text));
    assert.ok(edits.every((edit) => edit.range.start.line !== 2));
  });
});

describe('code actions', () => {
  const fix = (text: string, code: string, title: RegExp): string => {
    const { model: m, diagnostics } = validateBatchfile(text);
    const diagnostic = diagnostics.find((d) => d.code === code);
    assert.ok(diagnostic, `expected a ${code} diagnostic`);
    const action = codeActions(m, diagnostic.range, diagnostics).find((a) => title.test(a.title));
    assert.ok(action, `expected an action matching ${title}`);
    return applyEdits(text, action.edits);
  };

  it('fixes a misspelt program', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|gausian|\n';
    const fixed = fix(text, 'program-unknown', /Change to `gaussian`/);
    assert.equal(fixed.split('\n')[2], 'a|a|gaussian|');
    assert.ok(!validateBatchfile(fixed).diagnostics.some((d) => d.code === 'program-unknown'));
  });

  it('removes a duplicate pipe and keeps the rest well-formed', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|xtb|\nb|b|orca|coords{../a,};coords{../a,x.xyz};orbitals{../a,}\n';
    const fixed = fix(text, 'pipe-duplicate-name', /Remove the duplicate/);
    assert.equal(fixed.split('\n')[3], 'b|b|orca|coords{../a,};orbitals{../a,}');
    const last = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|xtb|\nb|b|xtb|coords{../a,};coords{../a,x.xyz}\n';
    assert.equal(fix(last, 'pipe-duplicate-name', /Remove the duplicate/).split('\n')[3], 'b|b|xtb|coords{../a,}');
  });

  it('switches bracket styles for one pipe and for the whole file', () => {
    const text = 'root_directory=/x\njob_basename|job_directory|program|pipe\na|a|xtb|\nb|b|xtb|coords{../a,}\nc|c|xtb|coords{../a,}\nd|d|xtb|coords<../a,>\n';
    assert.equal(fix(text, 'pipe-angle-brackets', /Write this pipe/).split('\n')[5], 'd|d|xtb|coords{../a,}');
    const { model: m } = validateBatchfile(text);
    const rewrite = codeActions(m, { start: { line: 3, character: 12 }, end: { line: 3, character: 12 } }, []).find((a) => a.kind === 'refactor.rewrite');
    assert.equal(applyEdits(text, rewrite!.edits).split('\n')[3], 'b|b|xtb|coords<../a,>');
  });
});
