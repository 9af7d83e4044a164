// Diagnostics of the language server: the real bundle over stdio (initialize, open/change, settings, close, shutdown),
// and the server in this process on a manual clock, where debounce and revalidation are asserted exactly.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { InProcessServer } from '../support/inProcessServer.js';
import { LspTestClient, ensureBuilt, messageText, rangeOf, shortRange } from '../support/lspClient.js';
import { BROKEN_BATCHFILE, BROKEN_EXPECTED, createFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

function summary(diagnostics: readonly Diagnostic[]): { code: string; severity: number; range: string }[] {
  return diagnostics.map((d) => ({ code: String(d.code), severity: d.severity ?? 0, range: shortRange(d.range) }));
}

type Summary = ReturnType<typeof summary>[number];

function sortSummary(items: readonly Summary[]): Summary[] {
  return [...items].sort((a, b) => (a.range === b.range ? (a.code < b.code ? -1 : 1) : a.range < b.range ? -1 : 1));
}

function sortedSummary(diagnostics: readonly Diagnostic[]): Summary[] {
  return sortSummary(summary(diagnostics));
}

function codes(params: PublishDiagnosticsParams): string[] {
  return params.diagnostics.map((d) => String(d.code));
}

let fixture: Fixture;
const clients: LspTestClient[] = [];

async function start(...args: Parameters<typeof LspTestClient.start>): Promise<LspTestClient> {
  const client = await LspTestClient.start(...args);
  clients.push(client);
  return client;
}

before(async () => {
  await ensureBuilt();
  fixture = await createFixture();
});

after(async () => {
  for (const client of clients) client.kill();
  await fixture.remove();
});

describe('initialize and shutdown', () => {
  it('advertises incremental sync and every feature the server implements', async () => {
    const client = await start();
    const capabilities = client.initializeResult!.capabilities;
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ['|', ';', '{', '<', ',', '/']);
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.definitionProvider, true);
    assert.equal(capabilities.referencesProvider, true);
    assert.equal(capabilities.documentSymbolProvider, true);
    assert.equal(capabilities.documentFormattingProvider, true);
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix', 'refactor.rewrite'] });
    assert.deepEqual(capabilities.documentLinkProvider, { resolveProvider: false });
    assert.equal(client.initializeResult!.serverInfo?.name, 'batchman-language-server');
    assert.equal(await client.shutdown(), 0);
  });

  it('asks for the batchman section only when the client supports workspace/configuration', async () => {
    const without = await start();
    await without.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    assert.equal(without.configurationRequests.length, 0);

    const withConfig = await start({ configuration: true });
    await withConfig.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    assert.ok(withConfig.configurationRequests.length >= 1);
    assert.deepEqual(withConfig.configurationRequests[0], { items: [{ scopeUri: fixture.uri, section: 'batchman' }] });
    assert.equal(await without.shutdown(), 0);
    assert.equal(await withConfig.shutdown(), 0);
  });
});

describe('diagnostics', () => {
  it('publishes the exact diagnostics of a broken batchfile on open, disk rules included', async () => {
    const client = await start();
    const published = await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    assert.equal(published.version, 1);
    assert.deepEqual(summary(published.diagnostics), BROKEN_EXPECTED);
    for (const diagnostic of published.diagnostics) assert.equal(diagnostic.source, 'batchman');
    const unknown = published.diagnostics.find((d) => d.code === 'program-unknown')!;
    assert.match(messageText(unknown.message), /Did you mean `xtb`\?/);
    await client.shutdown();
  });

  it('publishes the didOpen version once, not again when the debounce runs out', async () => {
    const client = await start({ configuration: true, settings: { diagnostics: { debounceMs: 50 } } });
    await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // A second document edited after that open is the clock: its debounced publication comes after any
    // debounced re-publication of the first document would have.
    const other = fixture.uriOf('batchfile-other.csv');
    await client.openAndWait(other, BROKEN_BATCHFILE);
    await client.changeAndWait(other, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
    assert.deepEqual(client.published.filter((p) => p.uri === fixture.uri).map((p) => p.version), [1]);
    await client.shutdown();
  });

  it('answers a ranged edit with fresh diagnostics for the new version', async () => {
    const client = await start({ configuration: true, settings: { diagnostics: { debounceMs: 20 } } });
    await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // Delete the second `b` of `xtbb`: the program becomes valid.
    const xtbb = rangeOf(BROKEN_BATCHFILE, 'xtbb');
    const range = { start: { line: xtbb.start.line, character: xtbb.end.character - 1 }, end: xtbb.end };
    const published = await client.changeAndWait(fixture.uri, 2, [{ range, text: '' }]);
    assert.equal(published.version, 2);
    assert.deepEqual(summary(published.diagnostics), BROKEN_EXPECTED.filter((d) => d.code !== 'program-unknown'));

    // Insert text before other diagnostics on the same line: their ranges move with it.
    const published3 = await client.changeAndWait(fixture.uri, 3, [{ range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: 'x' }]);
    const missing = published3.diagnostics.find((d) => d.code === 'pipe-upstream-missing')!;
    assert.equal(shortRange(missing.range), '9:30-40');
    await client.shutdown();
  });

  it('publishes only the latest of several quick changes', async () => {
    const client = await start({ configuration: true, settings: { diagnostics: { debounceMs: 300 } } });
    await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    const line = rangeOf(BROKEN_BATCHFILE, 'ghost|').start.line;
    const lastArrived = client.nextDiagnostics(fixture.uri, 5);
    // Type `abc` and a `|` at the start of the ghost row, one keystroke per version.
    let character = 0;
    for (const [version, text] of [[2, 'a'], [3, 'b'], [4, 'c'], [5, '|']] as const) {
      await client.change(fixture.uri, version, [{ range: { start: { line, character }, end: { line, character } }, text }]);
      character++;
    }
    const published = await lastArrived;
    assert.ok(codes(published).includes('row-field-count'), `v5 has 5 fields: ${codes(published).join(', ')}`);
    // One more change proves nothing else was queued for v2–v5: publications arrive in order.
    await client.changeAndWait(fixture.uri, 6, [{ range: { start: { line, character: 0 }, end: { line, character: 4 } }, text: '' }]);
    const versions = client.published.filter((p) => p.uri === fixture.uri).map((p) => p.version);
    assert.deepEqual(versions, [1, 5, 6]);
    assert.deepEqual(summary(client.published.at(-1)!.diagnostics), BROKEN_EXPECTED);
    await client.shutdown();
  });

  it('re-validates open documents when the settings change (checkDisk off drops the disk rules)', async () => {
    const client = await start({ configuration: true, settings: { diagnostics: { debounceMs: 0, checkDisk: true } } });
    await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    const next = client.nextDiagnostics(fixture.uri, 1);
    await client.changeSettings({ diagnostics: { debounceMs: 0, checkDisk: false } });
    const published = await next;
    const diskCodes = new Set(['input-missing', 'job-folder-missing']);
    assert.deepEqual(
      summary(published.diagnostics).filter((d) => d.code !== 'pipe-upstream-missing'),
      BROKEN_EXPECTED.filter((d) => !diskCodes.has(d.code) && d.code !== 'pipe-upstream-missing'),
    );
    // Without the disk, a pipe to a folder outside the batch is still reported, for information: only the disk could
    // say whether that folder (another batch's, say) is there.
    assert.ok(published.diagnostics.some((d) => d.code === 'pipe-upstream-missing' && d.severity === 3 && !/on disk/.test(messageText(d.message))));
    await client.shutdown();
  });

  it('clears the diagnostics of a closed document', async () => {
    const client = await start();
    await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    const cleared = client.nextDiagnostics(fixture.uri);
    await client.close(fixture.uri);
    const published = await cleared;
    assert.deepEqual(published.diagnostics, []);
    // The server forgot the document: features answer as for an unknown document.
    assert.equal(await client.hover(fixture.uri, { line: 3, character: 1 }), null);
    assert.equal(await client.shutdown(), 0);
  });

  it('validates unsaved documents without touching the disk', async () => {
    const client = await start();
    const untitled = 'untitled:Untitled-1';
    const published = await client.openAndWait(untitled, BROKEN_BATCHFILE);
    const got = codes(published);
    assert.ok(!got.includes('input-missing') && !got.includes('job-folder-missing'), got.join(', '));
    assert.ok(got.includes('program-unknown') && got.includes('dependency-cycle'));
    await client.shutdown();
  });

  it('survives a client that supports configuration but refuses the registration', async () => {
    const client = await start({ configuration: true, refuseRegistrations: true });
    const published = await client.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    assert.deepEqual(summary(published.diagnostics), BROKEN_EXPECTED);
    assert.equal(client.registrationRequests.length, 1);
    // Still serving after the refusal came back.
    assert.notEqual(await client.hover(fixture.uri, rangeOf(BROKEN_BATCHFILE, 'orca').start), null);
    assert.equal(await client.shutdown(), 0);
  });
});

describe('debounce and revalidation on the server\'s clock (in process)', () => {
  const servers: InProcessServer[] = [];
  const startInProcess = async (debounceMs: number): Promise<InProcessServer> => {
    const server = await InProcessServer.start({ configuration: true, settings: { diagnostics: { debounceMs } } });
    servers.push(server);
    return server;
  };
  after(async () => {
    for (const server of servers) await server.stop();
  });
  const versionsOf = (server: InProcessServer, uri: string): (number | undefined)[] => server.published.filter((p) => p.uri === uri).map((p) => p.version);
  const insertAtStart = (line: number, text: string): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[] => [
    { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text },
  ];
  const ghostLine = rangeOf(BROKEN_BATCHFILE, 'ghost|').start.line;

  it('publishes the didOpen version at once, whatever the debounce: no timer, no time passed', async () => {
    const server = await startInProcess(5_000);
    const published = await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    assert.equal(published.version, 1);
    assert.deepEqual(summary(published.diagnostics), BROKEN_EXPECTED);
    assert.equal(server.clock.now(), 0);
    assert.deepEqual(server.timersSet, []);
  });

  it('after an edit, publishes nothing until the debounce has elapsed, then once', async () => {
    const server = await startInProcess(300);
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    const timer = server.nextTimer();
    await server.change(fixture.uri, 2, insertAtStart(ghostLine, 'x'));
    assert.equal(await timer, 300);

    await server.advance(299);
    await server.sync();
    assert.deepEqual(versionsOf(server, fixture.uri), [1], 'published before the debounce elapsed');

    const published = server.nextDiagnostics(fixture.uri, 2);
    await server.advance(1);
    assert.equal((await published).version, 2);
    await server.advance(60_000);
    await server.sync();
    assert.deepEqual(versionsOf(server, fixture.uri), [1, 2]);
    assert.equal(server.clock.pendingTimerCount, 0);
  });

  it('drops superseded versions: each edit restarts the debounce, only the last version is published', async () => {
    const server = await startInProcess(300);
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // Type `abc|` at the start of the ghost row, one keystroke (version) every 200 ms: never a full debounce apart.
    for (const [index, text] of ['a', 'b', 'c', '|'].entries()) {
      const timer = server.nextTimer();
      await server.change(fixture.uri, index + 2, [{ range: { start: { line: ghostLine, character: index }, end: { line: ghostLine, character: index } }, text }]);
      await timer;
      assert.equal(server.clock.pendingTimerCount, 1, 'the previous version\'s timer was not dropped');
      if (index < 3) await server.advance(200);
    }
    await server.advance(299);
    await server.sync();
    assert.deepEqual(versionsOf(server, fixture.uri), [1], 'a superseded version was published');

    const published = server.nextDiagnostics(fixture.uri, 5);
    await server.advance(1);
    assert.ok(codes(await published).includes('row-field-count'), 'v5 has five fields');
    await server.sync();
    assert.deepEqual(versionsOf(server, fixture.uri), [1, 5]);
  });

  it('re-validates at once when the settings change, and the pending debounce of an edit is dropped', async () => {
    const server = await startInProcess(300);
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    const timer = server.nextTimer();
    await server.change(fixture.uri, 2, insertAtStart(ghostLine, 'x'));
    await timer;

    const revalidated = server.nextDiagnostics(fixture.uri, 2);
    await server.changeSettings({ diagnostics: { debounceMs: 300, checkDisk: false } });
    const published = await revalidated;
    assert.equal(server.clock.now(), 0, 'revalidation waited for the clock');
    assert.ok(!codes(published).some((code) => code === 'input-missing' || code === 'job-folder-missing'), codes(published).join(', '));
    assert.equal(server.clock.pendingTimerCount, 0);

    await server.advance(60_000);
    await server.sync();
    assert.deepEqual(versionsOf(server, fixture.uri), [1, 2]);
  });

  it('re-validates after the debounce when files a rule asked about change on disk, reading them again', async () => {
    const server = await startInProcess(300);
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // The guess job's missing folder appears: one burst of events, one publication once the debounce has run out.
    await mkdir(join(fixture.dir, 'mol/guess'));
    try {
      const timer = server.nextTimer();
      await server.filesChanged([{ uri: fixture.uriOf('mol/guess'), type: 1 }]);
      assert.equal(await timer, 300);
      await server.advance(299);
      await server.sync();
      assert.deepEqual(versionsOf(server, fixture.uri), [1], 'revalidated before the debounce ran out');
      const revalidated = server.nextDiagnostics(fixture.uri, 1);
      await server.advance(1);
      const expected = [...BROKEN_EXPECTED.filter((d) => d.code !== 'job-folder-missing'), { code: 'input-missing', severity: 2, range: '6:0-5' }];
      assert.deepEqual(sortedSummary((await revalidated).diagnostics), sortSummary(expected));
      assert.equal(server.disk.cleared, 0, 'the whole disk cache was dropped');
    } finally {
      await rm(join(fixture.dir, 'mol/guess'), { recursive: true, force: true });
    }
  });
});
