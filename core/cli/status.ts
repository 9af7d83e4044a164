// `batchman status FILE [--json] [--watch]`: the truth about every job, from disk plus one poll.
import { parseArgs } from 'node:util';
import { ledgerPathFor } from '../ledger/ledger.js';
import { liveRunner } from '../runner/lock.js';
import { isFinal } from '../status.js';
import { readBatchTruth } from '../truth/truth.js';
import type { BatchTruth } from '../truth/truth.js';
import { latestBatchRecord } from './records.js';
import { schedulerForBatch } from './schedulerFor.js';
import { loadBatchfile, reportErrors } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import { renderTruthTable } from './table.js';
import { EXIT, UsageError } from './usage.js';

const WATCH_FLOOR_MS = 5_000;
const WATCH_CEILING_MS = 60_000;

export async function statusCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean', default: false }, watch: { type: 'boolean', default: false }, ledger: { type: 'string', short: 'l' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('status takes exactly one FILE');
  const loaded = await loadBatchfile(positionals[0]!);
  if (reportErrors(loaded, output)) return EXIT.failed;
  const ledgerPath = ledgerPathFor(loaded.path, values.ledger);
  const rootPath = loaded.model.rootPath;
  const scheduler = rootPath ? await schedulerForBatch(rootPath, loaded.path) : undefined;
  // A live runner owns the ledger; status then reports the truth without writing it.
  const read = async () => {
    const runner = rootPath ? await liveRunner(rootPath, loaded.path) : null;
    return readBatchTruth({ model: loaded.model, ledgerPath, ...(scheduler ? { scheduler } : {}), write: runner === null });
  };

  let truth = await read();
  if (!values.watch) {
    if (values.json) {
      const batch = loaded.model.rootPath ? await latestBatchRecord(loaded.model.rootPath, loaded.path) : null;
      output.out(JSON.stringify(toJson(truth, batch), null, 2));
    } else {
      output.out(renderTruthTable(loaded.file, truth));
    }
    return exitCodeOf(truth);
  }

  // Redraw until every job is final; the interval grows while nothing changes, like the poller's.
  let interval = WATCH_FLOOR_MS;
  let previous = '';
  for (;;) {
    const table = renderTruthTable(loaded.file, truth);
    if (table !== previous) {
      output.out(process.stdout.isTTY ? `\x1b[2J\x1b[H${table}` : table);
      interval = WATCH_FLOOR_MS;
    } else {
      interval = Math.min(interval * 2, WATCH_CEILING_MS);
    }
    previous = table;
    if (truth.jobs.every((job) => isFinal(job.status))) return exitCodeOf(truth);
    await new Promise((resolve) => setTimeout(resolve, interval));
    truth = await read();
  }
}

function exitCodeOf(truth: BatchTruth): number {
  return truth.summary.failed + truth.summary.broken_dependency > 0 ? EXIT.failed : EXIT.ok;
}

function toJson(truth: BatchTruth, batch: unknown): unknown {
  return {
    batch,
    summary: truth.summary,
    // JobTruth is the documented job of `status --json`, key for key and in order (DESIGN §5)
    jobs: truth.jobs,
    ...(truth.stale ? { stale: truth.stale } : {}),
    ...(truth.recoveredLedger ? { recoveredLedger: truth.recoveredLedger } : {}),
  };
}
