// `batchman run`'s live output: the job table redrawn in place for a small batch on a terminal; otherwise
// (a big batch, a pipe, --detach's log) one summary line per pass that changed something, plus its job changes.
import { keyOf } from '../ledger/jobKey.js';
import type { LedgerRow } from '../ledger/ledger.js';
import type { RunnerUpdate } from '../runner/runner.js';
import { describeWaiting } from '../runner/waiting.js';
import type { JobStatus } from '../status.js';
import type { StatusSummary } from '../truth/summary.js';
import { jobLabels } from '../view/jobLabel.js';
import type { CliOutput } from './output.js';
import { renderTruthTable } from './table.js';

/** Up to this many jobs the whole table fits a terminal; above it a redraw is ~35 bytes a job, every pass. */
export const LIVE_TABLE_MAX_JOBS = 50;
/** Job lines per pass; the others are counted in one `… and N more` line. */
export const TRANSITION_LINES_PER_PASS = 20;

/** One job whose status changed between two passes. */
export interface JobTransition {
  /** The job's basename, with its folder when another job shares the basename (`opt · mol1/opt`). */
  readonly basename: string;
  readonly from: JobStatus;
  readonly to: JobStatus;
  /** Why it ended (`exit code 3`, `TIMEOUT`), or the id it was submitted as (`job 1234`). */
  readonly detail?: string;
}

/** What the last printed pass showed. */
export interface ProgressState {
  /** Each row's status as printed. */
  readonly statuses: PrintedStatuses;
  readonly stale: string | undefined;
  /** The wait line shown (`waiting — submit limit 3 reached`), while submissions wait. */
  readonly waiting?: string;
  /** Local day (`YYYY-MM-DD`) of the last printed summary: the first line of a new day carries its date. */
  readonly day: string;
}

/**
 * The statuses printed, by position: the runner hands the same list of the same row objects every pass (each row
 * changed in place), so a pass compares each row with its own status, without a key per row or a map of every job.
 * A row not at its position then (another list) is looked up by job key.
 */
export class PrintedStatuses {
  private readonly rows: readonly LedgerRow[];
  private readonly statuses: readonly JobStatus[];
  private byKey: Map<string, JobStatus> | undefined;

  constructor(rows: readonly LedgerRow[]) {
    this.rows = rows.slice();
    this.statuses = rows.map((row) => row.status);
  }

  /** The status printed for the job of this key. */
  get(key: string): JobStatus | undefined {
    this.byKey ??= new Map(this.rows.map((row, index) => [keyOf(row), this.statuses[index]!]));
    return this.byKey.get(key);
  }

  /** The status printed for `row`, at `index` of the list now. */
  of(row: LedgerRow, index: number): JobStatus | undefined {
    return this.rows[index] === row ? this.statuses[index] : this.get(keyOf(row));
  }
}

export interface PassReport {
  /** Lines to print, without a final newline; empty when the pass changed nothing. */
  readonly text: string;
  readonly state: ProgressState;
}

export interface RunProgressOptions {
  /** The batchfile as the user named it: the table's title. */
  readonly file: string;
  readonly output: CliOutput;
  readonly jobCount: number;
  /** Whether the output is a terminal (a table redrawn in place only makes sense there). */
  readonly tty: boolean;
  readonly now?: () => Date;
  /** The batch's root: a job line names a shared basename's folder relative to it. */
  readonly rootPath?: string;
}

/** The runner's `onUpdate`: the live table for a small batch on a terminal, progress lines otherwise. */
export function runProgress(options: RunProgressOptions): (update: RunnerUpdate) => void {
  if (options.tty && options.jobCount <= LIVE_TABLE_MAX_JOBS) return liveTable(options.file, options.output);
  const now = options.now ?? (() => new Date());
  let state: ProgressState | undefined;
  return (update) => {
    const report = reportPass(state, update, now(), TRANSITION_LINES_PER_PASS, options.rootPath);
    state = report.state;
    if (report.text !== '') options.output.out(report.text);
  };
}

/** Redraws the whole table in place, only when it changed. */
function liveTable(file: string, output: CliOutput): (update: RunnerUpdate) => void {
  let previous = '';
  return (update) => {
    const table =
      renderTruthTable(file, { jobs: update.rows.map(displayRow), summary: update.summary, ...(update.stale ? { stale: update.stale } : {}) }) +
      (update.waiting ? `\n${waitingLine(update)}` : '');
    if (table === previous) return;
    previous = table;
    output.out(`\x1b[2J\x1b[H${table}`);
  };
}

function displayRow(row: LedgerRow) {
  return {
    basename: row.basename,
    status: row.status,
    jobId: row.jobId < 0 ? null : String(row.jobId),
    slurmState: row.slurmState ?? null,
    elapsed: null,
    cause: row.cause ?? null,
    reason: null,
  };
}

/**
 * What one pass printed, from what the previous printed pass showed. The first pass is the baseline: its summary
 * only (on a resume, listing every job that ended earlier as a change would be noise and untrue).
 */
export function reportPass(previous: ProgressState | undefined, update: RunnerUpdate, at: Date, cap = TRANSITION_LINES_PER_PASS, rootPath?: string): PassReport {
  const transitions = previous ? jobTransitions(previous.statuses, update.rows, rootPath) : [];
  const staleChanged = previous?.stale !== update.stale;
  const waiting = update.waiting ? waitingLine(update) : undefined;
  const waitingChanged = previous?.waiting !== waiting;
  if (previous && transitions.length === 0 && !staleChanged && !waitingChanged) return { text: '', state: previous };
  const day = localDay(at);
  const lines = [summaryLine(update.summary, at, day !== previous?.day)];
  if (staleChanged) lines.push(update.stale ? `  stale: ${printable(update.stale)}` : '  the scheduler answers again');
  if (waitingChanged && (waiting !== undefined || previous !== undefined)) lines.push(waiting !== undefined ? `  ${waiting}` : '  submitting again');
  lines.push(...transitionLines(transitions, cap));
  return { text: lines.join('\n'), state: { statuses: new PrintedStatuses(update.rows), stale: update.stale, ...(waiting !== undefined ? { waiting } : {}), day } };
}

/** The jobs whose status differs from `previous`, in the rows' order; a job not seen before counts as not started. */
export function jobTransitions(previous: PrintedStatuses | ReadonlyMap<string, JobStatus>, rows: readonly LedgerRow[], rootPath?: string): JobTransition[] {
  const transitions: JobTransition[] = [];
  let labels: string[] | undefined;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const from = (previous instanceof PrintedStatuses ? previous.of(row, index) : previous.get(keyOf(row))) ?? 'not_started';
    if (from === row.status) continue;
    const detail = detailOf(row);
    labels ??= jobLabels(rows, rootPath);
    transitions.push({ basename: labels[index]!, from, to: row.status, ...(detail ? { detail } : {}) });
  }
  return transitions;
}

function detailOf(row: LedgerRow): string | undefined {
  switch (row.status) {
    case 'failed':
    case 'broken_dependency':
    case 'cancelled':
      return row.cause ?? (row.exitCode !== undefined ? `exit code ${row.exitCode}` : undefined);
    case 'pending':
      return row.jobId >= 0 ? `job ${row.jobId}` : undefined;
    default:
      return undefined;
  }
}

const SUMMARY_ORDER = ['succeeded', 'failed', 'broken_dependency', 'cancelled', 'running', 'pending', 'not_started'] as const;

/** `12:03:04 120/10000 ended · 100 succeeded · 20 failed · 300 running · 9580 not started`, local time. */
export function summaryLine(summary: StatusSummary, at: Date, withDate: boolean): string {
  const ended = summary.succeeded + summary.failed + summary.broken_dependency + summary.cancelled;
  const parts = [`${ended}/${summary.total} ended`];
  for (const key of SUMMARY_ORDER) if (summary[key] > 0) parts.push(`${summary[key]} ${key.replace('_', ' ')}`);
  return `${withDate ? `${localDay(at)} ` : ''}${localTime(at)} ${parts.join(' · ')}`;
}

/** Failures first when lines must be dropped: they are what someone reading a log looks for. */
const SHOW_FIRST: Record<JobStatus, number> = { failed: 0, broken_dependency: 1, cancelled: 2, succeeded: 3, running: 4, pending: 5, not_started: 6 };

/** `  job0042  running → failed  (exit code 3)` per job, at most `cap` of them, then `  … and N more: …`. */
export function transitionLines(transitions: readonly JobTransition[], cap = TRANSITION_LINES_PER_PASS): string[] {
  const shown =
    transitions.length <= cap
      ? transitions
      : transitions
          .map((transition, index) => ({ transition, index }))
          .sort((a, b) => SHOW_FIRST[a.transition.to] - SHOW_FIRST[b.transition.to] || a.index - b.index)
          .slice(0, cap)
          .sort((a, b) => a.index - b.index)
          .map(({ transition }) => transition);
  const names = shown.map((transition) => printable(transition.basename));
  const width = Math.max(0, ...names.map((name) => name.length));
  const lines = shown.map((transition, index) => {
    const line = `  ${names[index]!.padEnd(width)}  ${transition.from} → ${transition.to}`;
    return transition.detail ? `${line}  (${printable(transition.detail)})` : line;
  });
  const hidden = transitions.length - shown.length;
  if (hidden > 0) {
    const kept = new Set(shown);
    const counts = new Map<string, number>();
    for (const transition of transitions) {
      if (kept.has(transition)) continue;
      const key = `${transition.from} → ${transition.to}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    lines.push(`  … and ${hidden} more: ${[...counts].map(([key, count]) => `${count} ${key}`).join(', ')}`);
  }
  return lines;
}

const pad = (n: number) => String(n).padStart(2, '0');

function localDay(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

function localTime(at: Date): string {
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** `waiting — submit limit 3 reached (since 12:03:04)`. */
function waitingLine(update: RunnerUpdate): string {
  const waiting = update.waiting!;
  const since = new Date(waiting.since);
  return `${describeWaiting(waiting)}${Number.isFinite(since.getTime()) ? ` (since ${localTime(since)})` : ''}`;
}

/** Job names and causes are user or program text: no escape sequence or newline of theirs reaches the output. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}
