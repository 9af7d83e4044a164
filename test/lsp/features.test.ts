// The real language server over stdio: completion, hover, navigation, symbols, formatting, code actions and links.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Command, CompletionItem, DocumentSymbol, Location, MarkupContent, Position } from 'vscode-languageserver-protocol/node';
import { parseBatchfile } from '../../core/batchfile/index.js';
import { LspTestClient, applyEdits, editsAsChanges, ensureBuilt, positionOf, rangeOf, shortRange } from '../support/lspClient.js';
import { BROKEN_BATCHFILE, createFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

let fixture: Fixture;
let client: LspTestClient;

before(async () => {
  await ensureBuilt();
  fixture = await createFixture();
  client = await LspTestClient.start({ configuration: true, settings: { diagnostics: { debounceMs: 0 } } });
  await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
});

after(async () => {
  try {
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    await fixture.remove();
  }
});

const at = (needle: string, offset = 0, occurrence = 0): Position => positionOf(BROKEN_BATCHFILE, needle, offset, occurrence);
const labels = (items: readonly CompletionItem[]): string[] => items.map((item) => item.label);
const markdownOf = (contents: unknown): string => (contents as MarkupContent).value;
const isAction = (action: Command | CodeAction): action is CodeAction => 'edit' in action || 'kind' in action;

describe('completion', () => {
  it('offers the columns not yet in the header (and the one under the cursor)', async () => {
    const items = await client.completion(fixture.uri, at('|pipe', 5));
    assert.deepEqual(
      [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((item) => item.label),
      ['pipe', 'cores', 'memory', 'walltime', 'partition'],
    );
  });

  it('offers every program, replacing the cell value', async () => {
    const items = await client.completion(fixture.uri, at('xtbb', 2));
    assert.deepEqual(labels(items), ['gaussian', 'orca', 'crest', 'xtb', 'pyaroma', 'shell']);
    const xtb = items.find((item) => item.label === 'xtb')!;
    assert.deepEqual(xtb.textEdit && 'range' in xtb.textEdit ? shortRange(xtb.textEdit.range) : undefined, '4:14-18');
  });

  it('writes pipe snippets in the style the file already uses (braces here)', async () => {
    const items = await client.completion(fixture.uri, { line: 3, character: 'opt|mol/opt|xtb|'.length });
    assert.deepEqual(labels(items), ['coords', 'orbitals']);
    const coords = items.find((item) => item.label === 'coords')!;
    assert.equal(coords.insertTextFormat, 2);
    assert.equal(coords.textEdit?.newText, 'coords{${1:../},${2}}');
  });

  it('writes pipe snippets in the setting\'s style when the file has no pipes', async () => {
    const text = 'root_directory=.\njob_basename|job_directory|program|pipe\nopt|mol/opt|xtb|\n';
    const position = { line: 2, character: 'opt|mol/opt|xtb|'.length };
    const uri = fixture.uriOf('batchfile-nopipes.csv');

    // No workspace/configuration: the default, braces (what CCBatchMan reads).
    const plain = await LspTestClient.start();
    try {
      await plain.openAndWait(uri, text);
      const items = await plain.completion(uri, position);
      assert.equal(items.find((item) => item.label === 'coords')?.textEdit?.newText, 'coords{${1:../},${2}}');
    } finally {
      await plain.shutdown();
    }

    // The client's setting asks for angle brackets.
    const angled = await LspTestClient.start({ configuration: true, settings: { pipeStyle: 'angle' } });
    try {
      await angled.openAndWait(uri, text);
      const items = await angled.completion(uri, position);
      assert.equal(items.find((item) => item.label === 'coords')?.textEdit?.newText, 'coords<${1:../},${2}>');
    } finally {
      await angled.shutdown();
    }
  });

  it('suggests upstream folders of the other jobs, relative to the row, then folders on disk', async () => {
    const fromFreq = await client.completion(fixture.uri, at('{../opt,xtbopt', 3));
    const jobs = fromFreq.filter((item) => item.detail !== 'folder on disk');
    assert.deepEqual(labels(jobs).sort(), ['../../other/deep/far', '../ghost', '../guess', '../loopa', '../loopb', '../opt', '../sp'].sort());
    assert.equal(jobs.find((item) => item.label === '../opt')?.detail, 'opt · xtb');
    const dirRange = rangeOf(BROKEN_BATCHFILE, '../opt');
    for (const item of fromFreq) assert.equal(item.textEdit && 'range' in item.textEdit ? shortRange(item.textEdit.range) : '', shortRange(dirRange));

    const fromFar = await client.completion(fixture.uri, at('../../../mol/opt', 4));
    const farJobs = labels(fromFar.filter((item) => item.detail !== 'folder on disk'));
    assert.ok(farJobs.includes('../../../mol/opt') && farJobs.includes('../../../mol/freq'), farJobs.join(', '));
    assert.ok(!farJobs.some((label) => label === '.' || label === ''), 'a job is not its own upstream');
  });

  it('suggests FILEs: the upstream program\'s expected geometry and the .xyz files in the upstream folder', async () => {
    const items = await client.completion(fixture.uri, at(',xtbopt.xyz}', 3));
    assert.deepEqual(labels(items).sort(), ['conf1.xyz', 'conf2.xyz', 'opt.xyz', 'xtbopt.xyz']);
    assert.equal(items.find((item) => item.label === 'xtbopt.xyz')?.detail, 'written by opt (xtb)');
    assert.equal(items.find((item) => item.label === 'conf1.xyz')?.detail, 'in the upstream folder');
  });
});

describe('hover, definition, references, symbols, links', () => {
  it('describes the program under the cursor', async () => {
    const result = await client.hover(fixture.uri, at('|orca|', 2));
    assert.ok(result);
    assert.match(markdownOf(result.contents), /^\*\*ORCA\*\*: /);
    assert.match(markdownOf(result.contents), /ORCA TERMINATED NORMALLY/);
    assert.equal(shortRange(result.range!), '5:10-14');
  });

  it('shows a pipe\'s upstream job and its absolute folder', async () => {
    const result = await client.hover(fixture.uri, at('{../opt,xtbopt', 2));
    assert.ok(result);
    const text = markdownOf(result.contents);
    assert.match(text, /Upstream job \*\*opt\*\* \(xtb, line 4\)/);
    assert.ok(text.includes(`Folder: \`${join(fixture.dir, 'mol/opt')}\``), text);
    assert.ok(text.includes('File: `xtbopt.xyz`'), text);
  });

  it('goes from a pipe DIR to the upstream row', async () => {
    const result = await client.definition(fixture.uri, at('../../../mol/opt', 10));
    assert.deepEqual(result, { uri: fixture.uri, range: { start: { line: 3, character: 0 }, end: { line: 3, character: 3 } } });
    assert.equal(await client.definition(fixture.uri, at('../nowhere', 3)), null);
  });

  it('finds the rows piping from a job', async () => {
    const expected = [
      rangeOf(BROKEN_BATCHFILE, '../opt', 0), // freq
      rangeOf(BROKEN_BATCHFILE, '../opt', 1), // sp
      rangeOf(BROKEN_BATCHFILE, '../opt', 2), // guess
      rangeOf(BROKEN_BATCHFILE, '../../../mol/opt'), // far
    ].map(shortRange);
    const refs = (await client.references(fixture.uri, { line: 3, character: 1 }, false)) as Location[];
    assert.ok(refs.every((ref) => ref.uri === fixture.uri));
    assert.deepEqual(refs.map((ref) => shortRange(ref.range)), expected);
    const withDeclaration = (await client.references(fixture.uri, { line: 3, character: 1 }, true)) as Location[];
    assert.deepEqual(withDeclaration.map((ref) => shortRange(ref.range)), ['3:0-3', ...expected]);
  });

  it('lists one symbol per job', async () => {
    const symbols = (await client.documentSymbols(fixture.uri)) as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail, shortRange(symbol.selectionRange)]),
      [
        ['opt', 'xtb', '3:0-3'],
        ['freq', 'xtbb', '4:0-4'],
        ['sp', 'orca', '5:0-2'],
        ['guess', 'orca', '6:0-5'],
        ['loopa', 'shell', '7:0-5'],
        ['loopb', 'shell', '8:0-5'],
        ['ghost', 'shell', '9:0-5'],
        ['far', 'shell', '10:0-3'],
      ],
    );
    for (const symbol of symbols) assert.equal(symbol.range.start.line, symbol.selectionRange.start.line);
  });

  it('links each job folder to its absolute path', async () => {
    const links = (await client.documentLinks(fixture.uri)) ?? [];
    assert.deepEqual(
      links.map((link) => [shortRange(link.range), link.target]),
      [
        ['3:4-11', pathToFileURL(join(fixture.dir, 'mol/opt')).href],
        ['4:5-13', pathToFileURL(join(fixture.dir, 'mol/freq')).href],
        ['5:3-9', pathToFileURL(join(fixture.dir, 'mol/sp')).href],
        ['6:6-15', pathToFileURL(join(fixture.dir, 'mol/guess')).href],
        ['7:6-15', pathToFileURL(join(fixture.dir, 'mol/loopa')).href],
        ['8:6-15', pathToFileURL(join(fixture.dir, 'mol/loopb')).href],
        ['9:6-15', pathToFileURL(join(fixture.dir, 'mol/ghost')).href],
        ['10:4-18', pathToFileURL(join(fixture.dir, 'other/deep/far')).href],
      ],
    );
  });
});

describe('formatting', () => {
  it('aligns the columns without changing the data', async () => {
    const edits = (await client.formatting(fixture.uri)) ?? [];
    assert.ok(edits.length > 0);
    const formatted = applyEdits(BROKEN_BATCHFILE, edits);
    const before = parseBatchfile(BROKEN_BATCHFILE);
    const afterFormat = parseBatchfile(formatted);
    assert.equal(afterFormat.root?.value?.text, before.root?.value?.text);
    assert.deepEqual(afterFormat.header?.columns.map((c) => c.name.text), before.header?.columns.map((c) => c.name.text));
    assert.deepEqual(
      afterFormat.rows.map((row) => [row.line, row.cells.map((cell) => cell.value.text)]),
      before.rows.map((row) => [row.line, row.cells.map((cell) => cell.value.text)]),
    );
    // Every `|` of the header and the rows stands in the same column.
    const bars = (line: string): number[] => [...line].flatMap((char, index) => (char === '|' ? [index] : []));
    const lines = formatted.split('\n');
    const headerBars = bars(lines[2]!);
    for (let line = 3; line <= 10; line++) assert.deepEqual(bars(lines[line]!), headerBars, lines[line]);
    assert.equal(lines[1], '# broken on purpose');

    // Formatting a formatted file changes nothing.
    const uri = fixture.uriOf('batchfile-formatted.csv');
    await client.openAndWait(uri, formatted);
    assert.deepEqual(await client.formatting(uri), []);
    await client.close(uri);
  });
});

describe('code actions', () => {
  it('fix a misspelt program, an angle-bracket pipe and a duplicate pipe, and the diagnostics go away', async () => {
    const uri = fixture.uriOf('batchfile-fixes.csv');
    let text = BROKEN_BATCHFILE;
    let version = 1;
    let published = await client.openAndWait(uri, text, version);

    const apply = async (range: ReturnType<typeof rangeOf>, title: string, kind: string): Promise<void> => {
      const actions = ((await client.codeActions(uri, range)) ?? []).filter(isAction);
      const action = actions.find((candidate) => candidate.title === title);
      assert.ok(action, `no "${title}" among ${actions.map((a) => a.title).join(' / ')}`);
      assert.equal(action.kind, kind);
      const edits = action.edit?.changes?.[uri] ?? [];
      assert.ok(edits.length > 0);
      const changes = editsAsChanges(text, edits);
      text = applyEdits(text, edits);
      published = await client.changeAndWait(uri, ++version, changes);
    };
    const codesNow = (): string[] => published.diagnostics.map((d) => String(d.code));

    assert.ok(codesNow().includes('program-unknown'));
    await apply(rangeOf(text, 'xtbb'), 'Change to `xtb`', 'quickfix');
    assert.ok(!codesNow().includes('program-unknown'), codesNow().join(', '));
    assert.ok(text.includes('freq|mol/freq|xtb|coords{'));

    await apply(rangeOf(text, 'coords<../opt'), 'Write this pipe as NAME{DIR,FILE}', 'quickfix');
    assert.ok(!codesNow().includes('pipe-angle-brackets'), codesNow().join(', '));
    assert.ok(text.includes('guess|mol/guess|orca|coords{../opt,xtbopt.xyz}'));

    await apply(rangeOf(text, 'coords{../freq,}'), 'Remove the duplicate `coords` pipe', 'quickfix');
    assert.ok(!codesNow().includes('pipe-duplicate-name'), codesNow().join(', '));
    assert.ok(text.includes('\nsp|mol/sp|orca|coords{../opt,}\n'));

    // Only the problems no quick fix addresses are left.
    assert.deepEqual(codesNow(), ['input-missing', 'job-folder-missing', 'dependency-cycle', 'dependency-cycle', 'pipe-upstream-missing']);

    // Switching a pipe's brackets is a refactoring on offer anywhere on a pipe; angle brackets get their information.
    await apply(rangeOf(text, '../opt,xtbopt.xyz'), 'Switch `coords` to NAME<DIR,FILE>', 'refactor.rewrite');
    assert.ok(text.includes('freq|mol/freq|xtb|coords<../opt,xtbopt.xyz>'));
    assert.ok(codesNow().includes('pipe-angle-brackets'));
    await client.close(uri);
  });
});
