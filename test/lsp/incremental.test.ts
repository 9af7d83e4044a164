// The real language server re-parses only what an edit touched: after every incremental didChange, its
// diagnostics and outline equal those of the same text opened fresh.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Position, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { LspTestClient, ensureBuilt } from '../support/lspClient.js';
import { BROKEN_BATCHFILE, createFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

let fixture: Fixture;
let client: LspTestClient;

before(async () => {
  await ensureBuilt();
  fixture = await createFixture();
  client = await LspTestClient.start({ configuration: true, settings: { diagnostics: { debounceMs: 0 } }, timeoutMs: 20_000 });
});

after(async () => {
  try {
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    await fixture.remove();
  }
});

const PIECES = ['\n', '\r\n', '|', ';', '{', '}', '<', '>', ',', '#', ' ', 'x', '../opt', 'coords{../freq,}', 'orbitals<../sp,>', 'orca', 'job|mol/job|xtb|\n'];

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

const edits = fc.array(
  fc.record({ at: fc.nat(), remove: fc.nat({ max: 20 }), insert: fc.array(fc.constantFrom(...PIECES), { maxLength: 3 }).map((parts) => parts.join('')) }),
  { minLength: 40, maxLength: 40 },
);

/** The LSP position of `offset` in `text` (`\r\n`, `\r` and `\n` end lines). */
function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const code = text.charCodeAt(i);
    if (code === 13 && text.charCodeAt(i + 1) === 10 && i + 1 < offset) continue;
    if (code === 10 || code === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** One edit as a ranged change, clamped to the text and never splitting a `\r\n`. */
function asChange(text: string, edit: Edit): { change: TextDocumentContentChangeEvent; next: string } {
  const clamp = (offset: number): number => (text[offset - 1] === '\r' && text[offset] === '\n' ? offset - 1 : offset);
  const start = clamp(text.length === 0 ? 0 : edit.at % (text.length + 1));
  const end = clamp(Math.min(text.length, start + edit.remove));
  return {
    change: { range: { start: positionAt(text, start), end: positionAt(text, end) }, text: edit.insert },
    next: text.slice(0, start) + edit.insert + text.slice(Math.max(start, end)),
  };
}

describe('incremental re-parsing in the server', () => {
  it('publishes, after each of 40 random ranged edits, what a fresh open of the same text publishes', async () => {
    const [sequence] = fc.sample(edits, { numRuns: 1, seed: 20_240_611 });
    let text = BROKEN_BATCHFILE;
    await client.openAndWait(fixture.uri, text);
    let version = 1;
    for (const [index, edit] of sequence!.entries()) {
      const { change, next } = asChange(text, edit);
      text = next;
      const edited = await client.changeAndWait(fixture.uri, ++version, [change]);
      const freshUri = fixture.uriOf(`fresh-${index}.csv`);
      const fresh = await client.openAndWait(freshUri, text);
      assert.deepEqual(edited.diagnostics, fresh.diagnostics, `diagnostics after edit ${index}: ${JSON.stringify(change)} → ${JSON.stringify(text)}`);
      assert.deepEqual(await client.documentSymbols(fixture.uri), await client.documentSymbols(freshUri), `symbols after edit ${index}`);
      const closed = client.nextDiagnostics(freshUri);
      await client.close(freshUri);
      await closed;
    }
  });

  it('applies several changes of one didChange in order', async () => {
    const uri = fixture.uriOf('multi.csv');
    await client.openAndWait(uri, BROKEN_BATCHFILE);
    // Insert a row above `ghost`, then fix `xtbb` (line 4, unaffected by the insertion below it).
    const ghostLine = BROKEN_BATCHFILE.split('\n').findIndex((line) => line.startsWith('ghost|'));
    const xtbb = BROKEN_BATCHFILE.split('\n')[4]!.indexOf('xtbb');
    const published = await client.changeAndWait(uri, 2, [
      { range: { start: { line: ghostLine, character: 0 }, end: { line: ghostLine, character: 0 } }, text: 'new|mol/new|xtb|coords{../opt,}\n' },
      { range: { start: { line: 4, character: xtbb + 3 }, end: { line: 4, character: xtbb + 4 } }, text: '' },
    ]);
    const expected = BROKEN_BATCHFILE.replace('xtbb', 'xtb').replace('ghost|', 'new|mol/new|xtb|coords{../opt,}\nghost|');
    const fresh = await client.openAndWait(fixture.uriOf('multi-fresh.csv'), expected);
    assert.deepEqual(published.diagnostics, fresh.diagnostics);
    assert.ok(!published.diagnostics.some((d) => d.code === 'program-unknown'));
  });
});
