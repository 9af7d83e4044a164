// Benchmark: parsing, modelling and validating a generated 10,000-row batchfile in process, with and without the disk.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { buildBatchModel, createNodeDiskView, parseBatchfile, validateBatchfile, validateModel } from '../core/batchfile/index.js';
import { generateBatch, median, report, writeBatchToDisk } from './parseFixture.js';

function time(runs: number, work: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

export async function runParseBench(rows = 10_000): Promise<void> {
  const batch = generateBatch(rows);
  const onDisk = await writeBatchToDisk(batch);
  try {
    console.log(`parse bench: ${batch.rows} rows, ${(batch.text.length / 1024).toFixed(0)} KiB, ${availableParallelism()} cores`);
    const path = onDisk.batchfilePath;
    // Warm-up: let the JIT compile the hot paths before measuring.
    for (let i = 0; i < 5; i++) validateBatchfile(batch.text, { batchfilePath: path });

    report('parse (median)', time(21, () => parseBatchfile(batch.text)), 'ms');
    report('parse + model (median)', time(21, () => buildBatchModel(parseBatchfile(batch.text), path)), 'ms');
    report('parse + validate, no disk (median)', time(21, () => validateBatchfile(batch.text, { batchfilePath: path })), 'ms', 50);

    const warm = createNodeDiskView(60_000);
    const first = validateBatchfile(batch.text, { batchfilePath: path, disk: warm });
    if (first.diagnostics.length > 0) {
      throw new Error(`the generated batch should be clean, got ${first.diagnostics.length} diagnostics, e.g. ${first.diagnostics[0]!.code}: ${first.diagnostics[0]!.message}`);
    }
    report('parse + validate, disk cached (median)', time(21, () => validateBatchfile(batch.text, { batchfilePath: path, disk: warm })), 'ms', 50);
    report('parse + validate, disk cold (median)', time(7, () => validateBatchfile(batch.text, { batchfilePath: path, disk: createNodeDiskView() })), 'ms');
    const model = buildBatchModel(parseBatchfile(batch.text), path);
    report('validate only, disk cached (median)', time(21, () => validateModel(model, warm)), 'ms');
  } finally {
    await onDisk.remove();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runParseBench();
