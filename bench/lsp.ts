// Benchmark: the built language server over stdio on a generated 10,000-row batch with real folders on disk.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { BenchSession } from './lspSession.js';
import { generateBatch, median, report, writeBatchToDisk } from './parseFixture.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export async function runLspBench(rows = 10_000): Promise<void> {
  // Measure the code as it is now: rebuild the bundles with the project's own script.
  await execa(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, timeout: 120_000 });
  const batch = generateBatch(rows);
  const onDisk = await writeBatchToDisk(batch);
  const uri = pathToFileURL(onDisk.batchfilePath).href;
  // debounceMs 0: a keystroke's figure is the server's own work, without the deliberate wait.
  const session = await BenchSession.start(join(REPO_ROOT, 'dist', 'server.js'), { diagnostics: { debounceMs: 0, checkDisk: true } });
  try {
    console.log(`lsp bench: ${batch.rows} rows, ${(batch.text.length / 1024).toFixed(0)} KiB, ${availableParallelism()} cores`);
    report('machine cores', availableParallelism(), 'cores');

    const first = await session.timeOpen(uri, batch.text);
    if (first.diagnostics.diagnostics.length > 0) {
      const sample = first.diagnostics.diagnostics[0]!;
      throw new Error(`the generated batch should be clean, got ${first.diagnostics.diagnostics.length} diagnostics, e.g. ${String(sample.code)}: ${String(sample.message)}`);
    }
    report('didOpen → publishDiagnostics, first open (cold disk)', first.ms, 'ms');
    const opens: number[] = [];
    for (let i = 0; i < 7; i++) {
      await session.close(uri);
      opens.push((await session.timeOpen(uri, batch.text)).ms);
    }
    report('didOpen → publishDiagnostics (median of 7 re-opens)', median(opens), 'ms', 150);

    // One keystroke at a time in the middle of the file: type `1` before the memory (`2GB` → `12GB`), then delete it.
    const line = batch.middleRowLine;
    const rowText = batch.text.split('\n')[line]!;
    let at = -1;
    for (let bar = 0; bar < 5; bar++) at = rowText.indexOf('|', at + 1);
    at += 1;
    const keystroke = '1';
    const keystrokes: number[] = [];
    let version = 1;
    for (let i = 0; i < 20; i++) {
      const insert = i % 2 === 0;
      const range = { start: { line, character: at }, end: { line, character: insert ? at : at + 1 } };
      const { ms, diagnostics } = await session.timeChange(uri, ++version, [{ range, text: insert ? keystroke : '' }]);
      if (diagnostics.diagnostics.length > 0) throw new Error(`keystroke ${i} produced diagnostics: ${String(diagnostics.diagnostics[0]!.message)}`);
      keystrokes.push(ms);
    }
    report('keystroke → fresh diagnostics, debounce 0 (median of 20)', median(keystrokes), 'ms', 40);

    const completions: number[] = [];
    let offered = 0;
    for (let i = 0; i < 30; i++) {
      const { ms, items } = await session.timeCompletion(uri, batch.pipeDirPosition);
      completions.push(ms);
      offered = items.length;
    }
    report(`completion at a pipe DIR, ${offered} items (median of 30)`, median(completions), 'ms', 10);

    const memory = session.memoryMb();
    if (memory) {
      report('server memory (VmRSS)', memory.rss, 'MB', 100);
      report('server peak memory (VmHWM)', memory.peak, 'MB');
    } else {
      console.log('server memory: unavailable (no /proc)');
    }
    await session.shutdown();
  } finally {
    session.kill();
    await onDisk.remove();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runLspBench();
