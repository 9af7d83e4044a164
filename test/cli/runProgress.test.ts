// `batchman run`'s live output as pure functions: which jobs changed in a pass, the lines printed for it (capped,
// failures first), nothing for a pass that changed nothing, the table kept for small batches on a terminal, and
// the bytes a 10,000-job run writes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobKey } from '../../core/ledger/jobKey.js';
import { newLedgerRow } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import type { RunnerUpdate } from '../../core/runner/runner.js';
import type { JobStatus } from '../../core/status.js';
import { summarise } from '../../core/truth/summary.js';
import { LIVE_TABLE_MAX_JOBS, TRANSITION_LINES_PER_PASS, jobTransitions, reportPass, runProgress, summaryLine, transitionLines } from '../../core/cli/runProgress.js';
import type { ProgressState } from '../../core/cli/runProgress.js';
import { renderTruthTable } from '../../core/cli/table.js';
import { TEN_THOUSAND_JOBS, syntheticRun } from './syntheticRun.js';

/** Local times, so the expected text holds in any time zone. */
const AT = new Date(2026, 0, 2, 12, 3, 4);
const LATER = new Date(2026, 0, 2, 12, 3, 9);
const NEXT_DAY = new Date(2026, 0, 3, 0, 0, 1);

type RowFacts = Partial<LedgerRow> & { status: JobStatus };

function row(basename: string, facts: RowFacts): LedgerRow {
  return { ...newLedgerRow({ basename, directory: `/calc/${basename}`, program: 'shell' }), ...facts };
}

function update(rows: readonly LedgerRow[], stale?: string): RunnerUpdate {
  return { rows, summary: summarise(rows.map((r) => r.status)), ...(stale ? { stale } : {}) };
}

function capture() {
  const out: string[] = [];
  return { out, output: { out: (text: string) => void out.push(text), err: () => assert.fail('progress goes to stdout') } };
}

describe('run progress: one pass', () => {
  const first = update([row('opt', { status: 'pending', jobId: 11 }), row('freq', { status: 'not_started' }), row('sp', { status: 'not_started' })]);

  it('the first pass is the baseline: its summary line, with the date, and no job lines', () => {
    const report = reportPass(undefined, first, AT);
    assert.equal(report.text, '2026-01-02 12:03:04 0/3 ended · 1 pending · 2 not started');
    assert.equal(report.state.statuses.get(jobKey('/calc/opt', 'opt')), 'pending');
    assert.equal(report.state.day, '2026-01-02');
  });

  it('prints nothing for a pass that changed nothing, and keeps its state', () => {
    const { state } = reportPass(undefined, first, AT);
    // a new job id or SLURM state without a new status is not a change worth a line
    const same = update([row('opt', { status: 'pending', jobId: 11, slurmState: 'PENDING' }), row('freq', { status: 'not_started' }), row('sp', { status: 'not_started' })]);
    const report = reportPass(state, same, LATER);
    assert.equal(report.text, '');
    assert.equal(report.state, state);
  });

  it('prints the summary, time only on the same day, then one line per changed job with why it ended', () => {
    const { state } = reportPass(undefined, first, AT);
    const next = update([
      row('opt', { status: 'failed', jobId: 11, exitCode: 3, cause: 'exit code 3' }),
      row('freq', { status: 'broken_dependency', cause: 'upstream opt failed' }),
      row('sp', { status: 'pending', jobId: 12 }),
    ]);
    const report = reportPass(state, next, LATER);
    assert.equal(
      report.text,
      [
        '12:03:09 2/3 ended · 1 failed · 1 broken dependency · 1 pending',
        '  opt   pending → failed  (exit code 3)',
        '  freq  not_started → broken_dependency  (upstream opt failed)',
        '  sp    not_started → pending  (job 12)',
      ].join('\n'),
    );
    const last = reportPass(report.state, update([...next.rows.slice(0, 2), row('sp', { status: 'succeeded', jobId: 12, exitCode: 0 })]), NEXT_DAY);
    assert.equal(last.text, '2026-01-03 00:00:01 3/3 ended · 1 succeeded · 1 failed · 1 broken dependency\n  sp  pending → succeeded');
  });

  it("the runner's own list, its rows changed in place, shows what changed since the last print, even a row moved", () => {
    const rows = [row('opt', { status: 'pending', jobId: 11 }), row('freq', { status: 'not_started' }), row('sp', { status: 'not_started' })];
    const { state } = reportPass(undefined, update(rows), AT);
    Object.assign(rows[0]!, { status: 'succeeded', exitCode: 0 });
    rows[2]!.status = 'broken_dependency';
    assert.deepEqual(jobTransitions(state.statuses, rows), [
      { basename: 'opt', from: 'pending', to: 'succeeded' },
      { basename: 'sp', from: 'not_started', to: 'broken_dependency' },
    ]);
    // the same rows in another order: found by key, so the freq row moved to the front is no change
    assert.deepEqual(jobTransitions(state.statuses, [rows[1]!, rows[0]!]), [{ basename: 'opt', from: 'pending', to: 'succeeded' }]);
    assert.equal(reportPass(state, update(rows), LATER).text.split('\n').length, 3);
  });

  it('a failure without a cause says its exit code; a job not seen before counts as not started', () => {
    const transitions = jobTransitions(new Map([[jobKey('/calc/a', 'a'), 'running']]), [row('a', { status: 'failed', exitCode: 137 }), row('b', { status: 'running' }), row('c', { status: 'not_started' })]);
    assert.deepEqual(transitions, [
      { basename: 'a', from: 'running', to: 'failed', detail: 'exit code 137' },
      { basename: 'b', from: 'not_started', to: 'running' },
    ]);
  });

  it('the scheduler going stale, and answering again, are changes', () => {
    const { state } = reportPass(undefined, first, AT);
    const stale = reportPass(state, update(first.rows, 'squeue: timed out'), LATER);
    assert.equal(stale.text, '12:03:09 0/3 ended · 1 pending · 2 not started\n  stale: squeue: timed out');
    assert.equal(reportPass(stale.state, update(first.rows, 'squeue: timed out'), LATER).text, '');
    assert.equal(reportPass(stale.state, first, LATER).text, '12:03:09 0/3 ended · 1 pending · 2 not started\n  the scheduler answers again');
  });

  it('no escape sequence or newline from a job name or a cause reaches the output', () => {
    const lines = transitionLines([{ basename: 'evil\x1b[31m\nname', from: 'running', to: 'failed', detail: 'SCF\rnot converged' }]);
    assert.deepEqual(lines, ['  evil?[31m?name  running → failed  (SCF?not converged)']);
  });
});

describe('run progress: the cap', () => {
  const many = (count: number, to: JobStatus) => Array.from({ length: count }, (_, i) => ({ basename: `${to}${i}`, from: 'running' as const, to }));

  it('prints at most TRANSITION_LINES_PER_PASS job lines, then counts the rest by change', () => {
    const transitions = [...many(15, 'succeeded'), ...Array.from({ length: 10 }, (_, i) => ({ basename: `new${i}`, from: 'not_started' as const, to: 'pending' as const }))];
    const lines = transitionLines(transitions);
    assert.equal(lines.length, TRANSITION_LINES_PER_PASS + 1);
    assert.equal(lines.at(-1), '  … and 5 more: 5 not_started → pending');
    assert.deepEqual(transitionLines(transitions.slice(0, TRANSITION_LINES_PER_PASS)).length, TRANSITION_LINES_PER_PASS, 'exactly the cap: no “more” line');
  });

  it('keeps failures when it must drop lines, and prints the kept lines in batch order', () => {
    const transitions = [...many(30, 'succeeded'), ...many(2, 'failed'), ...many(5, 'running').map((t) => ({ ...t, from: 'pending' as const }))];
    const lines = transitionLines(transitions, 5);
    assert.deepEqual(lines, [
      '  succeeded0  running → succeeded',
      '  succeeded1  running → succeeded',
      '  succeeded2  running → succeeded',
      '  failed0     running → failed',
      '  failed1     running → failed',
      '  … and 32 more: 27 running → succeeded, 5 pending → running',
    ]);
  });
});

describe('run progress: table or lines', () => {
  const rows = (count: number) => Array.from({ length: count }, (_, i) => row(`job${i}`, { status: i === 0 ? 'running' : 'not_started', ...(i === 0 ? { jobId: 7, slurmState: 'RUNNING' } : {}) }));

  it(`keeps the live table, byte for byte, for up to ${LIVE_TABLE_MAX_JOBS} jobs on a terminal`, () => {
    const { out, output } = capture();
    const onUpdate = runProgress({ file: 'batch.csv', output, jobCount: LIVE_TABLE_MAX_JOBS, tty: true });
    const first = update(rows(LIVE_TABLE_MAX_JOBS));
    onUpdate(first);
    onUpdate(first);
    const table = renderTruthTable('batch.csv', { jobs: first.rows.map((r) => ({ basename: r.basename, status: r.status, jobId: r.jobId < 0 ? null : String(r.jobId), slurmState: r.slurmState ?? null, elapsed: null, cause: null, reason: null })), summary: first.summary });
    assert.deepEqual(out, [`\x1b[2J\x1b[H${table}`], 'redrawn once: the second pass changed nothing');
  });

  it('prints lines for a bigger batch on a terminal, and for any batch elsewhere', () => {
    for (const [jobCount, tty] of [[LIVE_TABLE_MAX_JOBS + 1, true], [3, false]] as const) {
      const { out, output } = capture();
      const onUpdate = runProgress({ file: 'batch.csv', output, jobCount, tty, now: () => AT });
      const first = update(rows(jobCount));
      onUpdate(first);
      onUpdate(first);
      onUpdate(update(first.rows.map((r, i) => (i === 0 ? { ...r, status: 'succeeded' as const } : r))));
      assert.deepEqual(out, [`2026-01-02 12:03:04 0/${jobCount} ended · 1 running · ${jobCount - 1} not started`, `12:03:04 1/${jobCount} ended · 1 succeeded · ${jobCount - 1} not started\n  job0  running → succeeded`]);
      assert.ok(!out.join('').includes('\x1b'));
    }
  });

  it('summaryLine names only the statuses some job has', () => {
    const summary = { ...summarise([]), total: 10_000, succeeded: 100, failed: 20, running: 300, pending: 9580 };
    assert.equal(summaryLine(summary, AT, false), '12:03:04 120/10000 ended · 100 succeeded · 20 failed · 300 running · 9580 pending');
  });
});

describe('run progress: a 10,000-job run', () => {
  it('writes a few hundred KB over the whole run, ~1 KB per busy pass, nothing for idle passes', (t) => {
    let state: ProgressState | undefined;
    let passes = 0;
    let printed = 0;
    let bytes = 0;
    let largest = 0;
    let failedLines = 0;
    let last = '';
    for (const pass of syntheticRun(TEN_THOUSAND_JOBS)) {
      passes++;
      const report = reportPass(state, pass, AT);
      state = report.state;
      if (report.text === '') continue;
      printed++;
      const size = Buffer.byteLength(`${report.text}\n`);
      bytes += size;
      largest = Math.max(largest, size);
      failedLines += report.text.split('\n').filter((line) => line.endsWith('→ failed  (exit code 3)')).length;
      last = report.text;
    }
    assert.ok(printed < passes, 'idle passes print nothing');
    assert.ok(largest <= 2048, `largest pass ${largest} B`);
    assert.ok(bytes < 1024 * 1024, `${bytes} B in total`);
    assert.equal(failedLines, TEN_THOUSAND_JOBS.jobs / TEN_THOUSAND_JOBS.failEvery, 'every failure got its line, whatever the cap dropped');
    assert.match(last, /^12:03:04 10000\/10000 ended · 9000 succeeded · 1000 failed\n/);
    t.diagnostic(`10,000 jobs: ${passes} passes, ${printed} printed, ${(bytes / 1024).toFixed(0)} KB in total, largest pass ${largest} B`);
  });
});
