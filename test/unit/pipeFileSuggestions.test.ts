// Completion and hover on a pipe's FILE know what each upstream program leaves behind: {basename}.xyz after a
// Gaussian or ORCA optimisation, xtbopt.xyz, crest_best.xyz and crest_conformers.xyz, ORCA's {basename}.gbw.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Position } from '../../core/batchfile/index.js';
import { buildBatchModel, complete, createNodeDiskView, hover, parseBatchfile } from '../../core/batchfile/index.js';
import { tempDir } from '../support/tempDir.js';

const model = (text: string) => buildBatchModel(parseBatchfile(text), '/calcs/batchfile.csv');

/** The position just after `marker` in `text`. */
function after(text: string, marker: string): Position {
  const index = text.indexOf(marker);
  assert.ok(index >= 0, `marker ${marker} not found`);
  const before = text.slice(0, index + marker.length);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** A batch with one upstream job of `program` named `up` and a downstream ORCA job piping from it. */
function batch(program: string, pipe: string): string {
  return `root_directory=/calcs\njob_basename|job_directory|program|pipe\nup|mol1/up|${program}|\ndown|mol1/down|orca|${pipe}\n`;
}

function fileLabels(program: string, kind: 'coords' | 'orbitals'): string[] {
  const text = batch(program, `${kind}{../up,}`);
  return complete(model(text), after(text, '../up,'), { pipeStyle: 'brace' }).map((item) => item.label).sort();
}

describe('FILE completion from what the upstream program leaves behind', () => {
  it('offers each program\'s files for a coords pipe', () => {
    assert.deepEqual(fileLabels('gaussian', 'coords'), ['up.xyz']);
    assert.deepEqual(fileLabels('Gaussian', 'coords'), ['up.xyz'], 'program names in any case');
    assert.deepEqual(fileLabels('orca', 'coords'), ['up.xyz']);
    assert.deepEqual(fileLabels('xtb', 'coords'), ['xtbopt.xyz']);
    assert.deepEqual(fileLabels('CREST', 'coords'), ['crest_best.xyz', 'crest_conformers.xyz']);
    assert.deepEqual(fileLabels('pyaroma', 'coords'), []);
    assert.deepEqual(fileLabels('shell', 'coords'), []);
  });

  it('offers ORCA\'s .gbw for an orbitals pipe, and nothing from programs that write none', () => {
    assert.deepEqual(fileLabels('orca', 'orbitals'), ['up.gbw']);
    assert.deepEqual(fileLabels('xtb', 'orbitals'), []);
    assert.deepEqual(fileLabels('gaussian', 'orbitals'), []);
  });

  it('says who writes the file and what it is', () => {
    const text = batch('gaussian', 'coords{../up,}');
    const [item] = complete(model(text), after(text, '../up,'), { pipeStyle: 'brace' });
    assert.equal(item!.detail, 'written by up (gaussian)');
    assert.match(item!.documentation!.value, /final geometry of an optimisation \(written by Batchman from the last orientation of the log\)/);
    assert.deepEqual(item!.textEdit!.newText, 'up.xyz');
  });

  it('adds the .xyz files already in the upstream folder, keeping what a known one is', (t) => {
    const root = tempDir(t, 'batchman-leftbehind-');
    mkdirSync(join(root, 'mol1/up'), { recursive: true });
    writeFileSync(join(root, 'mol1/up/xtbopt.xyz'), '1\n\nH 0 0 0\n');
    writeFileSync(join(root, 'mol1/up/start.xyz'), '1\n\nH 0 0 0\n');
    const text = batch('xtb', 'coords{../up,}').replace('/calcs', root);
    const items = complete(buildBatchModel(parseBatchfile(text), join(root, 'batchfile.csv')), after(text, '../up,'), { pipeStyle: 'brace', disk: createNodeDiskView() });
    assert.deepEqual(items.map((item) => item.label).sort(), ['start.xyz', 'xtbopt.xyz']);
    const known = items.find((item) => item.label === 'xtbopt.xyz')!;
    assert.equal(known.detail, 'in the upstream folder');
    assert.match(known.documentation!.value, /final geometry of an optimisation \(xTB writes it\)/);
  });
});

describe('hover on a pipe\'s FILE', () => {
  it('says what a file the upstream program leaves is', () => {
    const text = batch('gaussian', 'coords{../up,up.xyz}');
    const value = hover(model(text), after(text, '../up,u'))!.contents.value;
    assert.match(value, /`up\.xyz`: the final geometry of an optimisation \(written by Batchman from the last orientation of the log\)\./);
    const gbw = batch('orca', 'orbitals{../up,up.gbw}');
    assert.match(hover(model(gbw), after(gbw, '../up,u'))!.contents.value, /`up\.gbw`: the orbitals of the run/);
  });

  it('lists what the upstream program leaves when FILE names something else', () => {
    const text = batch('crest', 'coords{../up,other.xyz}');
    const value = hover(model(text), after(text, '../up,o'))!.contents.value;
    assert.match(value, /CREST leaves `crest_best\.xyz`: the lowest conformer \(CREST writes it\); `crest_conformers\.xyz`: every conformer/);
  });
});
