// Benchmark: parsing, modelling and validating a generated 10,000-row batchfile in process, with and without the
// disk; then keystrokes: the incremental re-parse of the previous version plus model and validation.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { BatchModel, BatchfileDocument } from '../core/batchfile/index.js';
import { buildBatchModel, createNodeDiskView, parseBatchfile, updateBatchfile, validateBatchfile, validateModel } from '../core/batchfile/index.js';
import { cellStart, generateBatch, lineOffset, reportLoad, reportTiming, time, writeBatchToDisk } from './parseFixture.js';

export async function runParseBench(rows = 10_000): Promise<void> {
  const batch = generateBatch(rows);
  const onDisk = await writeBatchToDisk(batch);
  try {
    console.log(`parse bench: ${batch.rows} rows, ${(batch.text.length / 1024).toFixed(0)} KiB, ${availableParallelism()} cores`);
    reportLoad('before');
    const path = onDisk.batchfilePath;
    // Warm-up: let the JIT compile the hot paths before measuring.
    for (let i = 0; i < 5; i++) validateBatchfile(batch.text, { batchfilePath: path });

    reportTiming('parse (median)', time(21, () => parseBatchfile(batch.text)));
    reportTiming('parse + model (median)', time(21, () => buildBatchModel(parseBatchfile(batch.text), path)));
    reportTiming('parse + validate, no disk (median)', time(21, () => validateBatchfile(batch.text, { batchfilePath: path })), 50);

    const warm = createNodeDiskView(60_000);
    const first = validateBatchfile(batch.text, { batchfilePath: path, disk: warm });
    if (first.diagnostics.length > 0) {
      throw new Error(`the generated batch should be clean, got ${first.diagnostics.length} diagnostics, e.g. ${first.diagnostics[0]!.code}: ${first.diagnostics[0]!.message}`);
    }
    reportTiming('parse + validate, disk cached (median)', time(21, () => validateBatchfile(batch.text, { batchfilePath: path, disk: warm })), 50);
    reportTiming('parse + validate, disk cold (median)', time(7, () => validateBatchfile(batch.text, { batchfilePath: path, disk: createNodeDiskView() })));
    const model = buildBatchModel(parseBatchfile(batch.text), path);
    reportTiming('validate only, disk cached (median)', time(21, () => validateModel(model, warm)));

    // Keystrokes as the language server handles them: the previous version's document is the starting point.
    let text = batch.text;
    let current: { document: BatchfileDocument; model: BatchModel } = { document: model.document, model };
    const keystroke = (next: string): void => {
      const document = updateBatchfile(current.document, next);
      const nextModel = buildBatchModel(document, path);
      const diagnostics = validateModel(nextModel, warm);
      if (diagnostics.length > 0) throw new Error(`a keystroke produced ${diagnostics[0]!.code}: ${diagnostics[0]!.message}`);
      text = next;
      current = { document, model: nextModel };
    };
    const rowStart = lineOffset(text, batch.middleRowLine);
    // Type `1` before a memory value (`2GB` → `12GB`), then delete it: one row changes.
    const memoryAt = rowStart + cellStart(batch.text.slice(rowStart, batch.text.indexOf('\n', rowStart)), 5);
    reportTiming(
      'keystroke in a row: re-parse + model + validate, disk cached (median of 41)',
      time(41, (run) => keystroke(run % 2 === 0 ? `${text.slice(0, memoryAt)}1${text.slice(memoryAt)}` : text.slice(0, memoryAt) + text.slice(memoryAt + 1))),
    );
    // Enter at the start of a row, then delete the blank line: every row below moves.
    reportTiming(
      'keystroke Enter: every row below moves, disk cached (median of 41)',
      time(41, (run) => keystroke(run % 2 === 0 ? `${text.slice(0, rowStart)}\n${text.slice(rowStart)}` : text.slice(0, rowStart) + text.slice(rowStart + 1))),
    );
    reportLoad('after');
  } finally {
    await onDisk.remove();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runParseBench();
