// `batchman results FILE [--json | --csv] [-l LEDGER]`: what every job computed, read from whatever output its folder holds.
import { parseArgs } from 'node:util';
import { dirname } from 'node:path';
import type { BatchModel } from '../batchfile/index.js';
import { keyOfModelJob } from '../ledger/jobKey.js';
import { ledgerPathFor, readLedgerIfExists, rowsByKeyOnDisk } from '../ledger/ledger.js';
import { readBatchResults } from '../results/batchResults.js';
import { resultsCsv } from '../results/resultsCsv.js';
import type { BatchJobForResults, ResultsRow } from '../results/batchResults.js';
import { runnableJobs } from '../truth/batchJobs.js';
import type { BatchResults } from '../results/types.js';
import { readBatchTruth } from '../truth/truth.js';
import { loadBatchfile, reportErrors, summariseFindings } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import { EXIT, UsageError } from './usage.js';

export async function resultsCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean', default: false }, csv: { type: 'boolean', default: false }, ledger: { type: 'string', short: 'l' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('results takes exactly one FILE');
  if (values.json && values.csv) throw new UsageError('results takes --json or --csv, not both');
  // The file alone is checked: results read the job folders themselves, and an input gone since the run (the
  // disk rules' findings) changes nothing about what the run computed.
  const loaded = await loadBatchfile(positionals[0]!, { disk: false });
  if (!loaded.model.rootPath) {
    reportErrors(loaded, output);
    return EXIT.failed;
  }
  summariseFindings(loaded, output);
  const rows = await readBatchResults(await jobsWithStatus(loaded.model, loaded.path, ledgerPathFor(loaded.path, values.ledger)));

  if (values.json) {
    const json: BatchResults & { jobs: ResultsRow[] } = { file: loaded.file, jobs: rows };
    output.out(JSON.stringify(json, null, 2));
  } else if (values.csv) {
    output.out(resultsCsv(rows));
  } else {
    output.out(renderResultsTable(loaded.file, rows));
  }
  return EXIT.ok;
}

/**
 * Every job with its status: the ledger's, as the runner or `status` last wrote it, when it has a row for every job;
 * else the statuses `status` would report from disk (without asking the scheduler and without writing the ledger:
 * results only read, a job's own `{basename}.json` aside).
 */
async function jobsWithStatus(model: BatchModel, batchfilePath: string, ledgerPath: string): Promise<BatchJobForResults[]> {
  const jobs = runnableJobs(model);
  const ledger = await readLedgerIfExists(ledgerPath).catch(() => undefined);
  if (ledger) {
    const rows = rowsByKeyOnDisk(ledger.rows, dirname(batchfilePath));
    const found = jobs.map((job) => rows.get(keyOfModelJob(job)));
    if (found.every((row) => row !== undefined)) {
      return jobs.map((job, index) => ({ basename: job.basename, directory: job.path, program: job.programName, status: found[index]!.status }));
    }
  }
  const truth = await readBatchTruth({ model, ledgerPath, write: false });
  return truth.jobs.map((job) => ({ basename: job.basename, directory: job.directory, program: job.program, status: job.status }));
}

const TABLE_COLUMNS: readonly { title: string; cell: (row: ResultsRow) => string; right?: boolean }[] = [
  { title: 'JOB', cell: (row) => row.basename },
  { title: 'STATUS', cell: (row) => row.status },
  { title: 'E (Eh)', cell: (row) => fixed(row.results?.finalEnergy, 6), right: true },
  { title: 'ΔE (kcal/mol)', cell: (row) => fixed(row.relativeEnergyKcal, 2), right: true },
  { title: 'G (Eh)', cell: (row) => fixed(row.results?.gibbs, 6), right: true },
  { title: 'IMAG', cell: (row) => text(row.results?.imaginaryFrequencies), right: true },
  { title: 'STEPS', cell: (row) => (row.results?.optimization ? `${row.results.optimization.steps}${row.results.optimization.converged ? '' : '!'}` : '-'), right: true },
  { title: 'WALL', cell: (row) => duration(row.results?.wallSeconds), right: true },
  { title: 'PROBLEMS', cell: (row) => (row.results ? row.results.problems.join('; ') : 'no output') },
];

/** The plain table: one row per job, `-` where a value is unknown; `STEPS 12!` is an optimisation that did not converge. */
export function renderResultsTable(file: string, rows: readonly ResultsRow[]): string {
  const cells = rows.map((row) => TABLE_COLUMNS.map((column) => column.cell(row)));
  const widths = TABLE_COLUMNS.map((column, index) => Math.max(column.title.length, ...cells.map((row) => row[index]!.length)));
  const line = (values: readonly string[]) =>
    values.map((value, index) => (TABLE_COLUMNS[index]!.right ? value.padStart(widths[index]!) : value.padEnd(widths[index]!))).join('  ').trimEnd();
  return [`${file}: ${rows.length} job${rows.length === 1 ? '' : 's'}`, line(TABLE_COLUMNS.map((column) => column.title)), ...cells.map(line)].join('\n');
}

function fixed(value: number | null | undefined, digits: number): string {
  return value == null ? '-' : value.toFixed(digits);
}

function text(value: number | null | undefined): string {
  return value == null ? '-' : String(value);
}

function duration(seconds: number | null | undefined): string {
  if (seconds == null) return '-';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : minutes > 0 ? `${minutes}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}
