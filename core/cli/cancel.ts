// `batchman cancel FILE [--job NAME]...`: cancels the batch (or some jobs) in ONE scheduler call;
// a live runner is told through its cancel marker, since it owns the ledger while it runs.
import { parseArgs } from 'node:util';
import { keyOf } from '../ledger/jobKey.js';
import { ledgerPathFor, writeLedger } from '../ledger/ledger.js';
import { requestCancel } from '../runner/cancelRequest.js';
import { liveRunner } from '../runner/lock.js';
import { cancelJobs } from '../runner/runner.js';
import { propagateBrokenDependencies } from '../truth/dependencies.js';
import { chosenJobs } from './jobNames.js';
import { readBatchTruth } from '../truth/truth.js';
import { loadBatchfile } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import { schedulerForBatch } from './schedulerFor.js';
import { EXIT, UsageError } from './usage.js';

export async function cancelCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { job: { type: 'string', multiple: true, default: [] }, ledger: { type: 'string', short: 'l' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('cancel takes exactly one FILE');
  const loaded = await loadBatchfile(positionals[0]!);
  const rootPath = loaded.model.rootPath;
  if (!rootPath) throw new UsageError(`${loaded.file}: the root folder cannot be resolved`);
  const names = values.job;
  const keys = chosenJobs(loaded.model, names, loaded.file);

  const runner = await liveRunner(rootPath, loaded.path);
  if (runner) await requestCancel(rootPath, loaded.path, names.length > 0 ? [...keys] : 'all');

  // Cancel at once either way; the runner (if any) sees the cancelled jobs on its next poll.
  const scheduler = await schedulerForBatch(rootPath, loaded.path);
  const ledgerPath = ledgerPathFor(loaded.path, values.ledger);
  const truth = await readBatchTruth({ model: loaded.model, ledgerPath, scheduler, write: runner === null });
  const rows = new Map(truth.jobs.map((job, index) => [keyOf(job), truth.ledger.rows[index]!]));
  const at = new Date().toISOString();
  await cancelJobs(rows, scheduler, at, names.length > 0 ? keys : undefined);
  if (!runner) {
    propagateBrokenDependencies(loaded.model, rows, at);
    await writeLedger(ledgerPath, truth.ledger);
  }
  const what = names.length > 0 ? names.join(', ') : 'every job';
  output.out(`cancelled ${what} of ${loaded.file}${runner ? ` (the runner, pid ${runner.pid} on ${runner.host}, stops submitting)` : ''}`);
  return EXIT.ok;
}
