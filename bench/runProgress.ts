// `batchman run`'s output for a 10,000-job batch outside a terminal (a pipe, --detach's runner.log): bytes and
// time per runner pass, the progress lines against the whole table the command used to print on every change.
import { performance } from 'node:perf_hooks';
import { reportPass } from '../core/cli/runProgress.js';
import type { ProgressState } from '../core/cli/runProgress.js';
import { renderTruthTable } from '../core/cli/table.js';
import type { RunnerUpdate } from '../core/runner/runner.js';
import { TEN_THOUSAND_JOBS, syntheticRun } from '../test/cli/syntheticRun.js';

export interface RunProgressFigures {
  jobs: number;
  passes: number;
  /** Passes that printed anything (the others changed nothing). */
  printedPasses: number;
  linesBytes: number;
  largestPassBytes: number;
  /** Median ms to diff and format one pass of 10,000 jobs. */
  linesMsPerPass: number;
  tableBytes: number;
  tableMsPerPass: number;
}

/** What the command printed before: the whole table on every pass that changed it. */
function tableOf(update: RunnerUpdate): string {
  const jobs = update.rows.map((row) => ({ basename: row.basename, status: row.status, jobId: row.jobId < 0 ? null : String(row.jobId), slurmState: row.slurmState ?? null, elapsed: null, cause: row.cause ?? null, reason: null }));
  return renderTruthTable('batchfile.csv', { jobs, summary: update.summary });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function runRunProgressBench(): Promise<RunProgressFigures> {
  const at = new Date();
  let state: ProgressState | undefined;
  let previousTable = '';
  const figures: RunProgressFigures = { jobs: TEN_THOUSAND_JOBS.jobs, passes: 0, printedPasses: 0, linesBytes: 0, largestPassBytes: 0, linesMsPerPass: 0, tableBytes: 0, tableMsPerPass: 0 };
  const linesMs: number[] = [];
  const tableMs: number[] = [];
  for (const update of syntheticRun(TEN_THOUSAND_JOBS)) {
    figures.passes++;
    let start = performance.now();
    const report = reportPass(state, update, at);
    linesMs.push(performance.now() - start);
    state = report.state;
    if (report.text !== '') {
      const bytes = Buffer.byteLength(`${report.text}\n`);
      figures.printedPasses++;
      figures.linesBytes += bytes;
      figures.largestPassBytes = Math.max(figures.largestPassBytes, bytes);
    }
    start = performance.now();
    const table = tableOf(update);
    tableMs.push(performance.now() - start);
    if (table !== previousTable) figures.tableBytes += Buffer.byteLength(`${table}\n`);
    previousTable = table;
    // let the event loop breathe between passes, as the runner does
    if (figures.passes % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  figures.linesMsPerPass = median(linesMs);
  figures.tableMsPerPass = median(tableMs);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(`${figures.jobs} jobs, ${figures.passes} runner passes (${figures.printedPasses} changed something), ${TEN_THOUSAND_JOBS.perPass} jobs end per busy pass`);
  console.log(`progress lines: ${kb(figures.linesBytes)} in total, largest pass ${figures.largestPassBytes} B, ${figures.linesMsPerPass.toFixed(2)} ms per pass (median)`);
  console.log(`whole table per change (before): ${(figures.tableBytes / 1024 / 1024).toFixed(1)} MB in total, ${kb(figures.tableBytes / figures.printedPasses)} per pass, ${figures.tableMsPerPass.toFixed(2)} ms per pass (median)`);
  console.log(`ratio: ${(figures.tableBytes / figures.linesBytes).toFixed(0)}× fewer bytes`);
  return figures;
}
