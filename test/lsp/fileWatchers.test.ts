// The file watchers the built server asks the client for, over stdio: registered dynamically from what the open
// batch's rules read (creations and deletions under its root, the root itself from its parent, content changes only
// of the scripts read), taken back on close; and a job folder really deleted shows its diagnostic.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileSystemWatcher } from 'vscode-languageserver-protocol/node';
import { FileChangeType, WatchKind } from 'vscode-languageserver-protocol/node';
import { LspTestClient, ensureBuilt } from '../support/lspClient.js';
import { PRESENT_JOBS, createTwoBatches, lineOf } from './fileEventsFixture.js';
import type { TwoBatches } from './fileEventsFixture.js';

const WATCHED_FILES = 'workspace/didChangeWatchedFiles';
const CREATE_DELETE = WatchKind.Create | WatchKind.Delete;

let batches: TwoBatches;
const clients: LspTestClient[] = [];

before(async () => {
  await ensureBuilt();
  batches = await createTwoBatches();
});

after(async () => {
  for (const client of clients) client.kill();
  await batches.remove();
});

async function start(): Promise<LspTestClient> {
  const client = await LspTestClient.start({ configuration: true, watchFiles: true, settings: { diagnostics: { debounceMs: 50 } } });
  clients.push(client);
  return client;
}

function watcher(base: string, pattern: string, kind: number): FileSystemWatcher {
  return { globPattern: { baseUri: pathToFileURL(base).href, pattern }, kind };
}

describe('file watchers of the language server (built bundle over stdio)', () => {
  it('asks for what the open batch\'s rules read, and takes it back when the batch is closed', async () => {
    const client = await start();
    const registered = client.nextRegistration(WATCHED_FILES);
    await client.openAndWait(batches.a.uri, batches.text);
    await registered;
    const root = batches.a.root;
    assert.deepEqual(client.fileWatchers(), [
      // The root itself, from its parent folder.
      watcher(dirname(root), basename(root), CREATE_DELETE),
      // Job folders, inputs and scripts appearing or going; no content change of anything but a read script.
      watcher(root, '**/*', CREATE_DELETE),
      watcher(root, '**/*.sh', WatchKind.Change),
    ]);
    // Nothing else (configuration changes) was registered for file events.
    assert.equal(client.registrationRequests.filter((params) => params.registrations.some((r) => r.method === WATCHED_FILES)).length, 1);

    // A second batch adds its own; closing both leaves nothing watched.
    await client.openAndWait(batches.b.uri, batches.text);
    const bases = (): string[] => client.fileWatchers().map((w) => (typeof w.globPattern === 'string' ? w.globPattern : String(w.globPattern.baseUri)));
    await waitFor(() => bases().includes(pathToFileURL(batches.b.root).href), 'the second batch watched');
    await client.close(batches.a.uri);
    await client.close(batches.b.uri);
    await waitFor(() => client.fileWatchers().length === 0, 'every watcher taken back');
    assert.equal(await client.shutdown(), 0);
  });

  it('a job folder deleted on disk shows job-folder-missing once the client reports it', async () => {
    const client = await start();
    await client.openAndWait(batches.b.uri, batches.text);
    const job = PRESENT_JOBS[3]!;
    await rm(batches.b.path(`mol/${job}`), { recursive: true });
    const published = client.nextDiagnostics(batches.b.uri, 1);
    await client.filesChanged([{ uri: batches.b.uriOf(`mol/${job}`), type: FileChangeType.Deleted }]);
    const missing = (await published).diagnostics.filter((d) => d.code === 'job-folder-missing').map((d) => d.range.start.line);
    assert.ok(missing.includes(lineOf(job)), `job-folder-missing on lines ${missing.join(', ')}`);
    assert.equal(await client.shutdown(), 0);
  });
});

/** Polls `condition` (registrations arrive on their own schedule) for up to five seconds. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5_000) throw new Error(`${what}: not within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
