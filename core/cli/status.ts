// `batchman status FILE [--json] [--watch]`: the truth about every job, from disk plus one poll.
import { parseArgs } from 'node:util';
import type { BatchModel, ResolvedJob } from '../batchfile/index.js';
import { Severity } from '../batchfile/index.js';
import { ledgerPathFor } from '../ledger/ledger.js';
import { liveRunner } from '../runner/lock.js';
import { isFinal } from '../status.js';
import { runnableJobs } from '../truth/batchJobs.js';
import { readBatchTruth } from '../truth/truth.js';
import type { BatchTruth } from '../truth/truth.js';
import { describeWaiting } from '../runner/waiting.js';
import type { BatchWaiting } from '../runner/waiting.js';
import { latestBatchRecord } from './records.js';
import type { DisplayedBatchRecord } from './records.js';
import { schedulerForBatch } from './schedulerFor.js';
import { loadBatchfile, reportErrors, summariseFindings } from './batchfileInput.js';
import type { LoadedBatchfile } from './batchfileInput.js';
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
  // A job folder or input not there yet is validate's finding: status reports jobs, and on a 10,000-job batch the
  // look for them was 20,000 stats.
  const loaded = await loadBatchfile(positionals[0]!, { folderChecks: false });
  // Status only reads: findings about the file are summed up on stderr and never stop it, unless no job can be
  // placed at all (no root folder, no columns to name and place jobs).
  if (!canPlaceJobs(loaded.model)) {
    reportErrors(loaded, output);
    return EXIT.failed;
  }
  summariseFindings(loaded, output);
  reportSkippedRows(loaded, output);
  const fileHasErrors = loaded.diagnostics.some((diagnostic) => diagnostic.severity === Severity.Error);
  const ledgerPath = ledgerPathFor(loaded.path, values.ledger);
  const rootPath = loaded.model.rootPath;
  const scheduler = rootPath ? await schedulerForBatch(rootPath, loaded.path) : undefined;
  // A live runner owns the ledger; status then reports the truth without writing it.
  const read = async () => {
    const runner = rootPath ? await liveRunner(rootPath, loaded.path) : null;
    // A file with errors is reported, not written back: its skipped rows would vanish from the ledger.
    return readBatchTruth({ model: loaded.model, ledgerPath, ...(scheduler ? { scheduler } : {}), write: runner === null && !fileHasErrors });
  };

  let truth = await read();
  if (!values.watch) {
    const batch = loaded.model.rootPath ? await latestBatchRecord(loaded.model.rootPath, loaded.path) : null;
    if (values.json) {
      output.out(JSON.stringify(toJson(truth, batch), null, 2));
    } else {
      const waiting = liveWaiting(batch);
      output.out(renderTruthTable(loaded.file, truth) + (waiting ? `\n${describeWaiting(waiting)} (since ${waiting.since}): ${waiting.message}` : ''));
    }
    return exitCodeOf(truth, fileHasErrors);
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
    if (truth.jobs.every((job) => isFinal(job.status))) return exitCodeOf(truth, fileHasErrors);
    await new Promise((resolve) => setTimeout(resolve, interval));
    truth = await read();
  }
}

function exitCodeOf(truth: BatchTruth, fileHasErrors: boolean): number {
  return fileHasErrors || truth.summary.failed + truth.summary.broken_dependency > 0 ? EXIT.failed : EXIT.ok;
}

/** The root folder and the columns that name, place and run a job: without them no row is a job. */
function canPlaceJobs(model: BatchModel): boolean {
  const columns = model.document.header?.indexOf;
  return model.rootPath !== undefined && columns !== undefined && PLACING_COLUMNS.every((column) => columns.has(column));
}

const PLACING_COLUMNS = ['job_basename', 'job_directory', 'program'] as const;
/** Skipped rows named one by one up to this many; a longer list is counted. */
const MAX_SKIPPED_SHOWN = 10;

/** Rows that cannot be jobs (no name, no known program, the same job again) are said on stderr, not guessed at. */
function reportSkippedRows(loaded: LoadedBatchfile, output: CliOutput): void {
  const { model } = loaded;
  const runnable = runnableJobs(model);
  // Nearly always every row is a job: then nothing is skipped, without a set of 10,000 jobs to find that out.
  if (runnable.length === model.jobs.length) return;
  const jobs = new Set(runnable);
  const skipped = model.jobs.filter((job) => !jobs.has(job));
  for (const job of skipped.slice(0, MAX_SKIPPED_SHOWN)) {
    output.err(`${loaded.file}:${job.row.line + 1}: skipped: ${whyNotAJob(job)}`);
  }
  if (skipped.length > MAX_SKIPPED_SHOWN) output.err(`${loaded.file}: ${skipped.length - MAX_SKIPPED_SHOWN} more rows skipped`);
}

function whyNotAJob(job: ResolvedJob): string {
  if (job.basename === '') return 'no job_basename';
  if (job.programName === '') return 'no program';
  if (!job.program) return `unknown program \`${job.programName}\``;
  return 'another row is the same job';
}

/** The wait of a launch whose runner is alive; a dead runner's last wait is history. */
function liveWaiting(batch: DisplayedBatchRecord | null): BatchWaiting | undefined {
  return batch?.status === 'in_progress' && batch.waiting ? batch.waiting : undefined;
}

function toJson(truth: BatchTruth, batch: DisplayedBatchRecord | null): unknown {
  const waiting = liveWaiting(batch);
  return {
    batch,
    ...(waiting ? { waiting } : {}),
    summary: truth.summary,
    // JobTruth is the documented job of `status --json`, key for key and in order (DESIGN §5)
    jobs: truth.jobs,
    ...(truth.stale ? { stale: truth.stale } : {}),
    ...(truth.recoveredLedger ? { recoveredLedger: truth.recoveredLedger } : {}),
  };
}
