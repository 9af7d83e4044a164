// One failure does not end the language server: a feature that throws is logged and answered, a failed publication is
// logged and never an unhandled rejection, a cancelled request is answered as cancelled, and the process-level guards
// keep a real process serving. The server runs in this process, its disk behind a switch that can make it fail.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CancellationTokenSource, LSPErrorCodes, MessageType, ResponseError } from 'vscode-languageserver-protocol/node';
import { installProcessGuards } from '../../server/src/processGuards.js';
import { InProcessServer } from '../support/inProcessServer.js';
import { positionOf, rangeOf } from '../support/lspClient.js';
import { BROKEN_BATCHFILE, createFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

let fixture: Fixture;
let server: InProcessServer;
/** Unhandled rejections seen while a test ran: each is a failure that could have ended a real server. */
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

before(async () => {
  fixture = await createFixture();
  process.on('unhandledRejection', recordUnhandled);
});

after(async () => {
  process.off('unhandledRejection', recordUnhandled);
  await fixture.remove();
});

beforeEach(async () => {
  unhandled.length = 0;
  server = await InProcessServer.start({ configuration: true, settings: { diagnostics: { debounceMs: 100 } } });
});

/** A position in the broken batchfile, `offset` characters into `needle`. */
const at = (needle: string, offset = 0): ReturnType<typeof positionOf> => positionOf(BROKEN_BATCHFILE, needle, offset);

async function stop(): Promise<void> {
  await server.stop();
  // Any rejection nobody handled has been reported by the time the loop turns over.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(unhandled, [], 'a failure became an unhandled rejection');
}

describe('a handler that throws', () => {
  it('is logged, answered with the neutral result, and the next request is served', async () => {
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // Completion of a pipe DIR lists the upstream folder on disk: make that throw.
    server.disk.failure = new Error('disk unreadable');
    const logged = server.nextLog(/^textDocument\/completion failed: .*disk unreadable/s);
    assert.deepEqual(await server.completion(fixture.uri, at('{../opt,xtbopt', 3)), []);
    assert.equal((await logged).type, MessageType.Error);

    // The same server answers the next requests, the failing one included once the disk works again.
    assert.notEqual(await server.hover(fixture.uri, rangeOf(BROKEN_BATCHFILE, 'orca').start), null);
    server.disk.failure = undefined;
    const items = await server.completion(fixture.uri, at('{../opt,xtbopt', 3));
    assert.ok(items.some((item) => item.label === '../opt'), items.map((item) => item.label).join(', '));
    await stop();
  });
});

describe('a publication that fails', () => {
  it('on open (published at once) is logged, not left unhandled, and the server keeps serving', async () => {
    server.disk.failure = new Error('disk unreadable');
    const logged = server.nextLog(/^diagnostics of .* failed: .*disk unreadable/s);
    await server.open(fixture.uri, BROKEN_BATCHFILE);
    assert.equal((await logged).type, MessageType.Error);
    await server.sync();
    assert.deepEqual(server.published, [], 'a failed validation must not publish');

    // Still serving: a request is answered, and the next version is published once the disk works.
    assert.notEqual(await server.hover(fixture.uri, rangeOf(BROKEN_BATCHFILE, 'orca').start), null);
    server.disk.failure = undefined;
    const timer = server.nextTimer();
    await server.change(fixture.uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '#' }]);
    await timer;
    const published = server.nextDiagnostics(fixture.uri, 2);
    await server.advance(100);
    assert.ok((await published).diagnostics.length > 0);
    await stop();
  });

  it('after the debounce of an edit is logged, not left unhandled, and the server keeps serving', async () => {
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    server.disk.failure = new Error('disk unreadable');
    const timer = server.nextTimer();
    await server.change(fixture.uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '#' }]);
    await timer;
    const logged = server.nextLog(/^diagnostics of .* failed: .*disk unreadable/s);
    await server.advance(100);
    await logged;
    await server.sync();
    assert.deepEqual(server.published.map((p) => p.version), [1]);
    assert.notEqual(await server.hover(fixture.uri, rangeOf(BROKEN_BATCHFILE, 'orca').start), null);
    await stop();
  });
});

describe('cancellation', () => {
  const isCancelled = (error: unknown): boolean => error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled;

  it('answers a request cancelled before it ran with RequestCancelled', async () => {
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // The request and its cancellation reach the server together, as when the server was busy while the user typed on.
    const held = server.holdIncoming();
    const source = new CancellationTokenSource();
    const symbols = server.documentSymbols(fixture.uri, source.token);
    source.cancel();
    await held.until('$/cancelRequest');
    held.release();
    await assert.rejects(symbols, isCancelled);
    assert.ok(((await server.documentSymbols(fixture.uri)) ?? []).length > 0, 'the next request is served');
    await stop();
  });

  it('answers a request cancelled while it waited for settings with RequestCancelled, without its result', async () => {
    await server.openAndWait(fixture.uri, BROKEN_BATCHFILE);
    // A settings change makes the server ask for settings again; the client holds its answer.
    const release = server.holdConfiguration();
    const asked = server.nextConfigurationRequest();
    await server.changeSettings({ diagnostics: { debounceMs: 100 } });
    await asked;

    const source = new CancellationTokenSource();
    const completion = server.completion(fixture.uri, at('{../opt,xtbopt', 3), source.token);
    // Requests are handled in order: once this answer is in, the completion is running and waiting for settings.
    await server.hover(fixture.uri, rangeOf(BROKEN_BATCHFILE, 'orca').start);
    source.cancel();
    await server.sync();
    release();
    await assert.rejects(completion, isCancelled);
    assert.ok((await server.completion(fixture.uri, at('{../opt,xtbopt', 3))).length > 0, 'the next request is served');
    await stop();
  });
});

describe('process-level guards', () => {
  it('log an unhandled rejection and an uncaught exception instead of throwing', () => {
    const target = new EventEmitter();
    const logged: string[] = [];
    installProcessGuards(target, (message) => logged.push(message));
    target.emit('unhandledRejection', new Error('publish lost'));
    target.emit('uncaughtException', new Error('timer threw'));
    assert.equal(logged.length, 2);
    assert.match(logged[0]!, /^unhandled rejection \(the server keeps serving\): Error: publish lost/);
    assert.match(logged[1]!, /^uncaught exception \(the server keeps serving\): Error: timer threw/);
  });

  it('survive a log that throws', () => {
    const target = new EventEmitter();
    installProcessGuards(target, () => {
      throw new Error('log broken');
    });
    assert.doesNotThrow(() => target.emit('uncaughtException', new Error('timer threw')));
  });

  it('keep a real Node process running after both', () => {
    const script = fileURLToPath(new URL('../support/guardedProcess.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /unhandled rejection \(the server keeps serving\): Error: rejected on purpose/);
    assert.match(result.stdout, /uncaught exception \(the server keeps serving\): Error: thrown on purpose/);
    assert.match(result.stdout, /still serving/);
  });
});
