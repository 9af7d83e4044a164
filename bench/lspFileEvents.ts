// Benchmark: the built language server over stdio with a 2,000-job batch open while a running batch writes its
// outputs: 400 output-file change events over 10 s (each in its own notification, as a client that watches every file
// would send them), and one job folder deleted in the middle. The server's whole-process CPU over the 10 s, and how long
// the deleted folder's diagnostic takes.
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import type { FileSystemWatcher } from 'vscode-languageserver-protocol/node';
import { BenchSession } from './lspSession.js';
import { generateBatch, report, reportLoad, writeBatchToDisk } from './parseFixture.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const JOBS = 2_000;
const EVENTS = 400;
const STORM_MS = 10_000;

/** `serverPath` measures another build of the server (an older one, to compare); the default rebuilds this one. */
export async function runLspFileEventsBench(serverPath?: string): Promise<void> {
  if (serverPath === undefined) await execa(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, timeout: 120_000 });
  const batch = generateBatch(JOBS);
  const onDisk = await writeBatchToDisk(batch);
  const uri = pathToFileURL(onDisk.batchfilePath).href;
  // The settings' own debounce: what a user gets.
  const session = await BenchSession.start(serverPath ?? join(REPO_ROOT, 'dist', 'server.js'), { diagnostics: { checkDisk: true } }, undefined, { watchFiles: true });
  try {
    console.log(`file events bench: ${batch.rows} jobs open, ${EVENTS} output-file change events over ${STORM_MS / 1000} s, one job folder deleted half-way`);
    reportLoad('before');
    const opened = await session.timeOpen(uri, batch.text);
    if (opened.diagnostics.diagnostics.length > 0) throw new Error(`the generated batch should be clean, got ${opened.diagnostics.diagnostics.length} diagnostics`);
    // Let the registration of watchers (and anything else the open started) finish before measuring.
    await sleep(500);
    describeWatchers(session, onDisk.dir);

    const publicationsBefore = session.publications.get(uri) ?? 0;
    const cpuBefore = session.processCpuMs();
    const started = performance.now();
    const deleted = batch.jobs[Math.floor(JOBS / 2)]!;
    let deletion: Promise<number> | undefined;
    for (let i = 0; i < EVENTS; i++) {
      // Paced against the start, so the storm lasts 10 s however long each send takes.
      const due = started + (i * STORM_MS) / EVENTS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (i === EVENTS / 2) deletion = deleteJobFolder(session, uri, join(onDisk.dir, deleted.directory));
      const job = batch.jobs[(i * 7) % batch.jobs.length]!;
      const output = join(onDisk.dir, job.directory, `${job.directory.replace('/', '_')}.out`);
      await session.filesChanged([{ uri: pathToFileURL(output).href, type: FileChangeType.Changed }]);
    }
    const deletionMs = await deletion!;
    // Whatever the events started has a second to finish and be counted.
    await sleep(Math.max(0, started + STORM_MS + 1_000 - performance.now()));
    const cpuAfter = session.processCpuMs();
    const publications = (session.publications.get(uri) ?? 0) - publicationsBefore;

    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      report(`server CPU over the ${EVENTS} events (whole process, the deletion's revalidation included)`, cpuAfter - cpuBefore, 'ms', 500);
    } else {
      console.log('server CPU: unavailable (no /proc)');
    }
    report('deleted job folder → job-folder-missing published', deletionMs, 'ms', 1_000);
    report('publications of the batchfile during the events', publications, 'publications', 1);
    reportLoad('after');
    await session.shutdown();
  } finally {
    session.kill();
    await onDisk.remove();
  }
}

/** Deletes the folder, tells the server, and resolves with the milliseconds until its diagnostic is published. */
async function deleteJobFolder(session: BenchSession, uri: string, folder: string): Promise<number> {
  await rm(folder, { recursive: true, force: true });
  const published = session.diagnosticsWhere(uri, (params) => params.diagnostics.some((d) => d.code === 'job-folder-missing'), 'job-folder-missing');
  const sent = performance.now();
  await session.filesChanged([{ uri: pathToFileURL(folder).href, type: FileChangeType.Deleted }]);
  await published;
  return performance.now() - sent;
}

function describeWatchers(session: BenchSession, root: string): void {
  const watchers = session.registrations
    .flatMap((params) => params.registrations)
    .filter((registration) => registration.method === 'workspace/didChangeWatchedFiles')
    .flatMap((registration) => (registration.registerOptions as { watchers: FileSystemWatcher[] }).watchers);
  if (watchers.length === 0) {
    console.log('the server registered no file watchers (the client would have to send every event)');
    return;
  }
  const rootUri = pathToFileURL(root).href;
  const shown = watchers.map(({ globPattern, kind }) => {
    const where = typeof globPattern === 'string' ? globPattern : `${typeof globPattern.baseUri === 'string' ? globPattern.baseUri : globPattern.baseUri.uri}|${globPattern.pattern}`;
    return `${where.replace(rootUri, '<root>')} (kind ${kind ?? 7})`;
  });
  console.log(`the server's file watchers: ${shown.join(', ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runLspFileEventsBench(process.argv[2]);
