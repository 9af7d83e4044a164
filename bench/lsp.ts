// Benchmark: the built language server over stdio on a generated 10,000-row batch with real folders on disk.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Position } from 'vscode-languageserver-protocol/node';
import { SERVER_NODE_FLAGS } from '../core/protocol/serverProcess.js';
import { BenchSession } from './lspSession.js';
import { cellStart, generateBatch, median, report, reportLoad, writeBatchToDisk } from './parseFixture.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Wall time of each sample, and the server's main-thread CPU time for it (undefined without /proc). */
interface Samples {
  readonly ms: number[];
  readonly cpuMs: number[];
}

function reportSamples(name: string, samples: Samples, goal?: number): void {
  const cpu = samples.cpuMs.length === samples.ms.length ? `server cpu ${median(samples.cpuMs).toFixed(1)} ms` : undefined;
  report(name, median(samples.ms), 'ms', goal, cpu);
}

export async function runLspBench(rows = 10_000): Promise<void> {
  // Measure the code as it is now: rebuild the bundles with the project's own script.
  await execa(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, timeout: 120_000 });
  const batch = generateBatch(rows);
  const onDisk = await writeBatchToDisk(batch);
  const uri = pathToFileURL(onDisk.batchfilePath).href;
  // BATCHMAN_BENCH_SERVER_FLAGS="…" measures the server under other V8 flags than the extension's.
  const flags = process.env.BATCHMAN_BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? SERVER_NODE_FLAGS;
  // debounceMs 0: a keystroke's figure is the server's own work, without the deliberate wait.
  const session = await BenchSession.start(join(REPO_ROOT, 'dist', 'server.js'), { diagnostics: { debounceMs: 0, checkDisk: true } }, flags);
  const measure = async (samples: Samples, work: () => Promise<number>): Promise<void> => {
    const cpuBefore = session.cpuMs();
    samples.ms.push(await work());
    const cpuAfter = session.cpuMs();
    if (cpuBefore !== undefined && cpuAfter !== undefined) samples.cpuMs.push(cpuAfter - cpuBefore);
  };
  try {
    console.log(`lsp bench: ${batch.rows} rows, ${(batch.text.length / 1024).toFixed(0)} KiB, ${availableParallelism()} cores, server flags [${flags.join(' ')}]`);
    report('machine cores', availableParallelism(), 'cores');
    reportLoad('before');

    const firstOpen: Samples = { ms: [], cpuMs: [] };
    await measure(firstOpen, async () => {
      const first = await session.timeOpen(uri, batch.text);
      if (first.diagnostics.diagnostics.length > 0) {
        const sample = first.diagnostics.diagnostics[0]!;
        throw new Error(`the generated batch should be clean, got ${first.diagnostics.diagnostics.length} diagnostics, e.g. ${String(sample.code)}: ${String(sample.message)}`);
      }
      return first.ms;
    });
    reportSamples('didOpen → publishDiagnostics, first open (cold disk)', firstOpen);
    const opens: Samples = { ms: [], cpuMs: [] };
    for (let i = 0; i < 7; i++) {
      await session.close(uri);
      await measure(opens, async () => (await session.timeOpen(uri, batch.text)).ms);
    }
    reportSamples('didOpen → publishDiagnostics (median of 7 re-opens)', opens, 150);

    let version = 1;
    const edit = async (samples: Samples, range: { start: Position; end: Position }, text: string): Promise<void> =>
      measure(samples, async () => {
        const { ms, diagnostics } = await session.timeChange(uri, ++version, [{ range, text }]);
        if (diagnostics.diagnostics.length > 0) throw new Error(`keystroke v${version} produced diagnostics: ${String(diagnostics.diagnostics[0]!.message)}`);
        return ms;
      });
    // One keystroke at a time in the middle of the file: type `1` before the memory (`2GB` → `12GB`), then delete it.
    const line = batch.middleRowLine;
    const at = cellStart(batch.text.split('\n')[line]!, 5);
    const keystrokes: Samples = { ms: [], cpuMs: [] };
    for (let i = 0; i < 20; i++) {
      const insert = i % 2 === 0;
      await edit(keystrokes, { start: { line, character: at }, end: { line, character: insert ? at : at + 1 } }, insert ? '1' : '');
    }
    reportSamples('keystroke → fresh diagnostics, debounce 0 (median of 20)', keystrokes, 40);
    // Enter at the start of that row, then delete the blank line: every row below it moves.
    const enters: Samples = { ms: [], cpuMs: [] };
    for (let i = 0; i < 20; i++) {
      const insert = i % 2 === 0;
      await edit(enters, insert ? { start: { line, character: 0 }, end: { line, character: 0 } } : { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, insert ? '\n' : '');
    }
    reportSamples('keystroke Enter (rows below move) → fresh diagnostics, debounce 0 (median of 20)', enters, 40);

    const completions: Samples = { ms: [], cpuMs: [] };
    let offered = 0;
    for (let i = 0; i < 30; i++) {
      await measure(completions, async () => {
        const { ms, items } = await session.timeCompletion(uri, batch.pipeDirPosition);
        offered = items.length;
        return ms;
      });
    }
    reportSamples(`completion at a pipe DIR, ${offered} items (median of 30)`, completions, 10);

    const memory = session.memoryMb();
    if (memory) {
      report('server memory (VmRSS)', memory.rss, 'MB', 100);
      report('server peak memory (VmHWM)', memory.peak, 'MB');
    } else {
      console.log('server memory: unavailable (no /proc)');
    }
    reportLoad('after');
    await session.shutdown();
  } finally {
    session.kill();
    await onDisk.remove();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runLspBench();
