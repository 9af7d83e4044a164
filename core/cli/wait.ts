// `batchman wait FILE [--timeout S]`: waits until every job is final; 0 all succeeded, 1 some did not, 124 timeout.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { keyOf } from '../ledger/jobKey.js';
import { readLedgerIfExists, ledgerPathFor, rowsByKeyOnDisk } from '../ledger/ledger.js';
import { liveRunner } from '../runner/lock.js';
import { isFinal } from '../status.js';
import type { JobStatus } from '../status.js';
import { ledgerJobs } from '../truth/batchJobs.js';
import { readBatchTruth } from '../truth/truth.js';
import { loadBatchfile, reportErrors } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import { schedulerForBatch } from './schedulerFor.js';
import { EXIT, UsageError } from './usage.js';

export const EXIT_TIMEOUT = 124;
const FLOOR_MS = 5_000;
const CEILING_MS = 60_000;

export async function waitCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { timeout: { type: 'string' }, ledger: { type: 'string', short: 'l' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('wait takes exactly one FILE');
  const timeoutS = values.timeout === undefined ? Infinity : Number(values.timeout);
  if (!(timeoutS >= 0)) throw new UsageError(`--timeout takes seconds, not "${values.timeout}"`);
  const loaded = await loadBatchfile(positionals[0]!);
  if (reportErrors(loaded, output)) return EXIT.failed;
  const rootPath = loaded.model.rootPath;
  if (!rootPath) throw new UsageError(`${loaded.file}: the root folder cannot be resolved`);
  const ledgerPath = ledgerPathFor(loaded.path, values.ledger);
  const scheduler = await schedulerForBatch(rootPath, loaded.path);
  const keys = new Set(ledgerJobs(loaded.model).map(keyOf));
  const deadline = Date.now() + timeoutS * 1000;

  let interval = FLOOR_MS;
  let previous = '';
  for (;;) {
    // A live runner keeps the ledger true: follow it without asking SLURM. Otherwise one poll per round.
    const statuses = (await liveRunner(rootPath, loaded.path))
      ? [...rowsByKeyOnDisk((await readLedgerIfExists(ledgerPath))?.rows ?? [], dirname(loaded.path))].filter(([key]) => keys.has(key)).map(([, row]) => row.status)
      : (await readBatchTruth({ model: loaded.model, ledgerPath, scheduler })).jobs.map((job) => job.status);
    const counts = countOf(statuses);
    if (counts !== previous) {
      output.err(`${loaded.file}: ${counts}`);
      interval = FLOOR_MS;
    } else {
      interval = Math.min(interval * 2, CEILING_MS);
    }
    previous = counts;
    if (statuses.length === keys.size && statuses.every(isFinal)) return statuses.every((status) => status === 'succeeded') ? EXIT.ok : EXIT.failed;
    const left = deadline - Date.now();
    if (left <= 0) return EXIT_TIMEOUT;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
  }
}

function countOf(statuses: readonly JobStatus[]): string {
  const counts = new Map<JobStatus, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}
