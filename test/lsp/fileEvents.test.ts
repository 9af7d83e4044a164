// File events in the language server, on its own clock (in process, exact): content changes of files no rule read
// revalidate nothing; created and deleted paths a rule asked about revalidate only the documents that asked, once per
// burst, after the debounce, with only those paths read again.
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { FileEvent, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { InProcessServer } from '../support/inProcessServer.js';
import { messageText } from '../support/lspClient.js';
import { ABSENT_JOB, PRESENT_JOBS, SCRIPTED_JOB, createTwoBatches, lineOf } from './fileEventsFixture.js';
import type { TwoBatches } from './fileEventsFixture.js';

const DEBOUNCE_MS = 300;

/** `code@line` of each diagnostic, sorted: what the tests compare. */
function findings(params: PublishDiagnosticsParams): string[] {
  return params.diagnostics.map((d) => `${String(d.code)}@${d.range.start.line}`).sort();
}

const INITIAL = [`input-missing@${lineOf(SCRIPTED_JOB)}`, `job-folder-missing@${lineOf(ABSENT_JOB)}`].sort();

let batches: TwoBatches;
const servers: InProcessServer[] = [];

beforeEach(async () => {
  batches = await createTwoBatches();
});

afterEach(async () => {
  await batches.remove();
});

after(async () => {
  for (const server of servers) await server.stop();
});

/** A server with both batchfiles open and published once. */
async function serverWithBothOpen(): Promise<InProcessServer> {
  const server = await InProcessServer.start({ configuration: true, settings: { diagnostics: { debounceMs: DEBOUNCE_MS } } });
  servers.push(server);
  assert.deepEqual(findings(await server.openAndWait(batches.a.uri, batches.text)), INITIAL);
  assert.deepEqual(findings(await server.openAndWait(batches.b.uri, batches.text)), INITIAL);
  return server;
}

function publicationsOf(server: InProcessServer, uri: string): PublishDiagnosticsParams[] {
  return server.published.filter((p) => p.uri === uri);
}

describe('file events in the language server (in process, on its clock)', () => {
  it('400 change events of output files revalidate nothing and read nothing, now or later', async () => {
    const server = await serverWithBothOpen();
    const questions = server.disk.questions;
    const timers = server.timersSet.length;
    for (let i = 0; i < 400; i++) {
      const job = PRESENT_JOBS[i % PRESENT_JOBS.length]!;
      const batch = i % 2 === 0 ? batches.a : batches.b;
      await server.filesChanged([{ uri: batch.uriOf(`mol/${job}/${job}.out`), type: FileChangeType.Changed }]);
    }
    // New output files appearing (the first write of each) are no path a rule asked about either.
    await server.filesChanged(PRESENT_JOBS.map((job) => ({ uri: batches.a.uriOf(`mol/${job}/${job}.log`), type: FileChangeType.Created })));
    await server.sync();
    assert.equal(server.timersSet.length, timers, 'a revalidation was scheduled');
    await server.advance(10_000);
    await server.sync();
    assert.equal(publicationsOf(server, batches.a.uri).length, 1);
    assert.equal(publicationsOf(server, batches.b.uri).length, 1);
    assert.equal(server.disk.questions, questions, 'the rules ran again');
    assert.equal(server.disk.cleared, 0);
  });

  it('a burst of created and deleted job folders is one revalidation, of the affected document only, reading only what changed', async () => {
    const server = await serverWithBothOpen();
    const [first, second, third] = PRESENT_JOBS;
    await rm(batches.a.path(`mol/${first}`), { recursive: true });
    await rm(batches.a.path(`mol/${second}`), { recursive: true });
    await mkdir(batches.a.path(`mol/${ABSENT_JOB}`));
    await writeFile(batches.a.path(`mol/${ABSENT_JOB}/${ABSENT_JOB}.xyz`), '1\n\nH 0 0 0\n');
    // Deleted without an event: still a folder to the cache, which must not be dropped whole.
    await rm(batches.a.path(`mol/${third}`), { recursive: true });

    const timer = server.nextTimer();
    // The client sends a burst in a few notifications.
    const bursts: FileEvent[][] = [
      [{ uri: batches.a.uriOf(`mol/${first}`), type: FileChangeType.Deleted }],
      [
        { uri: batches.a.uriOf(`mol/${second}`), type: FileChangeType.Deleted },
        { uri: batches.a.uriOf(`mol/${ABSENT_JOB}`), type: FileChangeType.Created },
      ],
      [{ uri: batches.a.uriOf(`mol/${ABSENT_JOB}/${ABSENT_JOB}.xyz`), type: FileChangeType.Created }],
    ];
    for (const events of bursts) await server.filesChanged(events);
    assert.equal(await timer, DEBOUNCE_MS);
    await server.sync();
    assert.equal(server.clock.pendingTimerCount, 1, 'one revalidation per burst, not one per event');

    const published = server.nextDiagnostics(batches.a.uri);
    await server.advance(DEBOUNCE_MS);
    assert.deepEqual(findings(await published), [`input-missing@${lineOf(SCRIPTED_JOB)}`, `job-folder-missing@${lineOf(first!)}`, `job-folder-missing@${lineOf(second!)}`].sort());
    await server.advance(10_000);
    await server.sync();
    assert.equal(publicationsOf(server, batches.a.uri).length, 2);
    assert.equal(publicationsOf(server, batches.b.uri).length, 1, 'the other batch was revalidated');
    assert.equal(server.disk.cleared, 0, 'the whole disk cache was dropped');
  });

  it('a deleted job folder: job-folder-missing is published once the debounce has run out', async () => {
    const server = await serverWithBothOpen();
    const job = PRESENT_JOBS[4]!;
    await rm(batches.b.path(`mol/${job}`), { recursive: true });
    const timer = server.nextTimer();
    await server.filesChanged([{ uri: batches.b.uriOf(`mol/${job}`), type: FileChangeType.Deleted }]);
    assert.equal(await timer, DEBOUNCE_MS);
    await server.advance(DEBOUNCE_MS - 1);
    await server.sync();
    assert.equal(publicationsOf(server, batches.b.uri).length, 1, 'published before the debounce ran out');

    const published = server.nextDiagnostics(batches.b.uri, 1);
    await server.advance(1);
    const diagnostics = (await published).diagnostics;
    const missing = diagnostics.find((d) => d.code === 'job-folder-missing' && d.range.start.line === lineOf(job));
    assert.ok(missing, `no job-folder-missing for ${job}: ${findings(await published).join(', ')}`);
    assert.match(messageText(missing.message), new RegExp(`mol/${job}\``));
  });

  it('a folder deleted whole is one event: every job folder under it is read again', async () => {
    const server = await serverWithBothOpen();
    await rm(batches.a.path('mol'), { recursive: true });
    const timer = server.nextTimer();
    await server.filesChanged([{ uri: batches.a.uriOf('mol'), type: FileChangeType.Deleted }]);
    await timer;
    const published = server.nextDiagnostics(batches.a.uri);
    await server.advance(DEBOUNCE_MS);
    const expected = [...PRESENT_JOBS, ABSENT_JOB, SCRIPTED_JOB].map((job) => `job-folder-missing@${lineOf(job)}`).sort();
    assert.deepEqual(findings(await published), expected);
  });

  it('a content change revalidates only where a rule read the file: the job\'s own script, not another one', async () => {
    const server = await serverWithBothOpen();
    const timers = server.timersSet.length;
    // A script no rule read (its job's input is there): nothing to do.
    await writeFile(batches.a.path(`mol/${PRESENT_JOBS[0]}/${PRESENT_JOBS[0]}.sh`), 'xtb other.xyz\n');
    await server.filesChanged([{ uri: batches.a.uriOf(`mol/${PRESENT_JOBS[0]}/${PRESENT_JOBS[0]}.sh`), type: FileChangeType.Changed }]);
    await server.sync();
    assert.equal(server.timersSet.length, timers);

    // The CREST job's script now runs it on an input that is there.
    await writeFile(batches.a.path(`mol/${SCRIPTED_JOB}/start.xyz`), '1\n\nH 0 0 0\n');
    await writeFile(batches.a.path(`mol/${SCRIPTED_JOB}/${SCRIPTED_JOB}.sh`), '#!/bin/bash\ncrest start.xyz --gfn2 > conf.out\n');
    const timer = server.nextTimer();
    await server.filesChanged([
      { uri: batches.a.uriOf(`mol/${SCRIPTED_JOB}/start.xyz`), type: FileChangeType.Created },
      { uri: batches.a.uriOf(`mol/${SCRIPTED_JOB}/${SCRIPTED_JOB}.sh`), type: FileChangeType.Changed },
    ]);
    await timer;
    const published = server.nextDiagnostics(batches.a.uri);
    await server.advance(DEBOUNCE_MS);
    assert.deepEqual(findings(await published), [`job-folder-missing@${lineOf(ABSENT_JOB)}`]);
    await server.sync();
    assert.equal(publicationsOf(server, batches.b.uri).length, 1);
  });

  it('an edit pending its debounce and a file event are one publication of the new version', async () => {
    const server = await serverWithBothOpen();
    const job = PRESENT_JOBS[2]!;
    const end = batches.text.split('\n').length - 1;
    await server.change(batches.a.uri, 2, [{ range: { start: { line: end, character: 0 }, end: { line: end, character: 0 } }, text: '# edited\n' }]);
    await server.nextTimer();
    await rm(batches.a.path(`mol/${job}`), { recursive: true });
    await server.filesChanged([{ uri: batches.a.uriOf(`mol/${job}`), type: FileChangeType.Deleted }]);
    await server.sync();
    const published = server.nextDiagnostics(batches.a.uri, 2);
    await server.advance(DEBOUNCE_MS);
    assert.ok(findings(await published).includes(`job-folder-missing@${lineOf(job)}`), findings(await published).join(', '));
    await server.advance(10_000);
    await server.sync();
    assert.deepEqual(publicationsOf(server, batches.a.uri).map((p) => p.version), [1, 2]);
  });
});
