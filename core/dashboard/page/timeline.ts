// The dashboard's timeline as data: per submitted job a pending span (submitted → started) and a running span
// (started → ended), open-ended at `now` while the job goes on; the rows in submission order; the time range and a
// scale of nice ticks (seconds, minutes, hours, days). Pure and DOM-free; `now` is always a parameter.
import type { DashboardJob } from '../protocol.js';
import { isFinal } from '../../status.js';
import type { JobStatus } from '../../status.js';
import { formatTime } from './table.js';

/** A submitted job's times, in ms since the epoch, as its status makes sense of them. */
export interface TimelineEntry {
  /** The job's key (`DashboardJob.key`). */
  key: string;
  /** What the row shows: the job's label. */
  label: string;
  status: JobStatus;
  submitted: number;
  /** Null while pending (a pending job's older start time is a previous attempt's). */
  started: number | null;
  /** Null while the job goes on; for a job that ended without a recorded time, its last event's time. */
  ended: number | null;
  /** Not in a final status: its last span ends at `now`. */
  open: boolean;
}

export interface TimeSpan {
  start: number;
  end: number;
  /** Still growing: `end` is `now`. */
  open: boolean;
}

export interface TimelineBars {
  pending: TimeSpan | null;
  running: TimeSpan | null;
  /** Where a finished job's last span ends, marked in its final status's colour. */
  end: { at: number; status: JobStatus } | null;
}

export interface TimeRange {
  start: number;
  end: number;
}

export type TickUnit = 'second' | 'minute' | 'hour' | 'day';

export interface TimeTick {
  at: number;
  label: string;
  /** `YYYY-MM-DD` on the first tick and where the day changes (sub-day scales only), else null. */
  date: string | null;
}

export interface TimeScale {
  unit: TickUnit;
  /** Milliseconds between ticks (days: 86,400,000 × the number of calendar days). */
  step: number;
  ticks: TimeTick[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const STEPS: readonly { unit: TickUnit; step: number }[] = [
  ...[1, 2, 5, 10, 15, 30].map((n) => ({ unit: 'second' as const, step: n * SECOND })),
  ...[1, 2, 5, 10, 15, 30].map((n) => ({ unit: 'minute' as const, step: n * MINUTE })),
  ...[1, 2, 3, 6, 12].map((n) => ({ unit: 'hour' as const, step: n * HOUR })),
  ...[1, 2, 7, 14, 28, 91, 182, 364].map((n) => ({ unit: 'day' as const, step: n * DAY })),
];

/** The job's timeline entry, or null when it has no bars (never submitted, or waiting for a new attempt). */
export function timelineEntry(job: DashboardJob): TimelineEntry | null {
  if (job.status === 'not_started') return null;
  const startedAt = job.status === 'pending' ? null : parse(job.startedAt);
  const submitted = parse(job.submittedAt) ?? startedAt;
  if (submitted === null) return null;
  const started = startedAt === null ? null : Math.max(startedAt, submitted);
  const open = !isFinal(job.status);
  let ended: number | null = null;
  if (!open) {
    const lastFinal = job.lastEvent !== null && isFinal(job.lastEvent.status) ? parse(job.lastEvent.at) : null;
    ended = Math.max(parse(job.endedAt) ?? lastFinal ?? started ?? submitted, started ?? submitted);
  }
  return { key: job.key, label: job.label, status: job.status, submitted, started, ended, open };
}

/** The bars of an entry at `now` (open spans end at `now`, never before their start). */
export function timelineBars(entry: TimelineEntry, now: number): TimelineBars {
  const last = entry.ended ?? Math.max(now, entry.started ?? entry.submitted);
  const pending = { start: entry.submitted, end: entry.started ?? last, open: entry.open && entry.started === null };
  const running = entry.started === null ? null : { start: entry.started, end: last, open: entry.open };
  return { pending, running, end: entry.open ? null : { at: last, status: entry.status } };
}

/** From the first submission to the last end (or `now`, when something goes on); at least a minute long. */
export function timelineRange(entries: Iterable<TimelineEntry>, now: number): TimeRange | null {
  let start = Infinity;
  let end = -Infinity;
  for (const entry of entries) {
    start = Math.min(start, entry.submitted);
    end = Math.max(end, entry.ended ?? Math.max(now, entry.started ?? entry.submitted));
  }
  if (start === Infinity) return null;
  return { start, end: Math.max(end, start + MINUTE) };
}

/** Ticks at round local times (or UTC), the smallest nice step that gives at most `maxTicks` ticks. */
export function timeScale(start: number, end: number, maxTicks: number, options: { utc?: boolean } = {}): TimeScale {
  const utc = options.utc ?? false;
  const span = Math.max(end - start, 1);
  const chosen = STEPS.find(({ step }) => span / step <= Math.max(1, maxTicks - 1)) ?? STEPS[STEPS.length - 1]!;
  const ats = chosen.unit === 'day' ? dayTicks(start, end, Math.round(chosen.step / DAY), utc) : subDayTicks(start, end, chosen.step, utc);
  let previousDate: string | null = null;
  const ticks = ats.map((at) => {
    const parts = dateParts(at, utc);
    const date = `${parts.year}-${two(parts.month)}-${two(parts.day)}`;
    let label: string;
    let shownDate: string | null = null;
    if (chosen.unit === 'day') {
      label = date;
    } else {
      label = chosen.unit === 'second' ? `${two(parts.hours)}:${two(parts.minutes)}:${two(parts.seconds)}` : `${two(parts.hours)}:${two(parts.minutes)}`;
      if (date !== previousDate) shownDate = date;
    }
    previousDate = date;
    return { at, label, date: shownDate };
  });
  return { unit: chosen.unit, step: chosen.step, ticks };
}

function subDayTicks(start: number, end: number, step: number, utc: boolean): number[] {
  // align on the local clock: shift into local time, round up, shift back with the offset in force at that tick
  const offsetAt = (t: number): number => (utc ? 0 : -new Date(t).getTimezoneOffset() * MINUTE);
  const startOffset = offsetAt(start);
  const ticks: number[] = [];
  for (let local = Math.ceil((start + startOffset) / step) * step; ; local += step) {
    const at = local - offsetAt(local - startOffset);
    if (at > end) break;
    if (at >= start) ticks.push(at);
    if (ticks.length > 1000) break; // guards against a pathological range
  }
  return ticks;
}

function dayTicks(start: number, end: number, days: number, utc: boolean): number[] {
  const date = new Date(start);
  if (utc) date.setUTCHours(0, 0, 0, 0);
  else date.setHours(0, 0, 0, 0);
  if (date.getTime() < start) {
    if (utc) date.setUTCDate(date.getUTCDate() + 1);
    else date.setDate(date.getDate() + 1);
  }
  const ticks: number[] = [];
  while (date.getTime() <= end && ticks.length <= 1000) {
    ticks.push(date.getTime());
    if (utc) date.setUTCDate(date.getUTCDate() + days);
    else date.setDate(date.getDate() + days);
  }
  return ticks;
}

function dateParts(at: number, utc: boolean): { year: number; month: number; day: number; hours: number; minutes: number; seconds: number } {
  const d = new Date(at);
  return utc
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds() }
    : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hours: d.getHours(), minutes: d.getMinutes(), seconds: d.getSeconds() };
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `42s`, `12m 05s`, `3h 07m`, `2d 04h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / SECOND));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${two(Math.floor((s % 86400) / 3600))}h`;
}

/** A row's tooltip: its status, when it was submitted, started and ended, and how long it waited and ran. */
export function describeEntry(entry: TimelineEntry, now: number): string {
  const bars = timelineBars(entry, now);
  const lines = [`${entry.label}: ${entry.status.replace('_', ' ')}`, `submitted ${formatTime(new Date(entry.submitted).toISOString())}`];
  if (bars.pending) lines.push(`${bars.pending.open ? 'waiting for' : 'waited'} ${formatDuration(bars.pending.end - bars.pending.start)}`);
  if (bars.running) {
    lines.push(`started ${formatTime(new Date(bars.running.start).toISOString())}`);
    lines.push(`${bars.running.open ? 'running for' : 'ran'} ${formatDuration(bars.running.end - bars.running.start)}`);
  }
  if (bars.end) lines.push(`ended ${formatTime(new Date(bars.end.at).toISOString())}`);
  return lines.join('\n');
}

/** Everything at once, for one `now`: the rows with their bars, the range and a scale of at most `maxTicks` ticks. */
export function buildTimeline(
  jobs: readonly DashboardJob[],
  now: number,
  maxTicks = 8,
  options: { utc?: boolean } = {},
): { rows: (TimelineEntry & TimelineBars)[]; range: TimeRange | null; scale: TimeScale | null } {
  const rows = new TimelineRows();
  rows.setJobs(jobs);
  const range = rows.range(now);
  return {
    rows: rows.entries().map((entry) => ({ ...entry, ...timelineBars(entry, now) })),
    range,
    scale: range ? timeScale(range.start, range.end, maxTicks, options) : null,
  };
}

/**
 * The timeline's rows: submitted jobs in submission order (batchfile order among equals), kept up to date by the
 * host's updates. Re-sorts only when a job joins, leaves or was submitted anew; 10,000 jobs stay cheap.
 */
export class TimelineRows {
  private rows: TimelineEntry[] = [];
  private readonly batchIndex = new Map<string, number>();
  private readonly jobs = new Map<string, DashboardJob>();
  private positions = new Map<string, number>();
  private openCount = 0;

  setJobs(jobs: readonly DashboardJob[]): void {
    this.batchIndex.clear();
    this.jobs.clear();
    jobs.forEach((job, i) => {
      if (!this.batchIndex.has(job.key)) this.batchIndex.set(job.key, i);
      this.jobs.set(job.key, job);
    });
    this.rows = [];
    for (const job of this.jobs.values()) {
      const entry = timelineEntry(job);
      if (entry) this.rows.push(entry);
    }
    this.sort();
  }

  /** Applies changed jobs (matched by key); says whether the rows' order or membership changed. */
  applyChanges(changed: readonly DashboardJob[]): { reordered: boolean; changed: string[] } {
    let reordered = false;
    const names: string[] = [];
    for (const job of changed) {
      if (!this.jobs.has(job.key)) continue; // not in this batch: the host sends a snapshot for new jobs
      this.jobs.set(job.key, job);
      const entry = timelineEntry(job);
      const position = this.positions.get(job.key);
      const old = position === undefined ? undefined : this.rows[position];
      if (old === undefined && entry === null) continue;
      names.push(job.key);
      if (old === undefined || entry === null || old.submitted !== entry.submitted) {
        reordered = true;
        if (position !== undefined) this.rows.splice(position, 1, ...(entry ? [entry] : []));
        else if (entry) this.rows.push(entry);
        this.reindex(); // a splice moved the rest; keep positions true for the next changed job
      } else {
        this.rows[position!] = entry;
      }
    }
    if (reordered) this.sort();
    else this.openCount = this.rows.filter((row) => row.open).length;
    return { reordered, changed: names };
  }

  get length(): number {
    return this.rows.length;
  }

  at(position: number): TimelineEntry | undefined {
    return this.rows[position];
  }

  positionOf(key: string): number {
    return this.positions.get(key) ?? -1;
  }

  entries(): TimelineEntry[] {
    return [...this.rows];
  }

  /** Whether a span grows with time (the view re-renders each second only then). */
  get hasOpen(): boolean {
    return this.openCount > 0;
  }

  range(now: number): TimeRange | null {
    return timelineRange(this.rows, now);
  }

  private sort(): void {
    const index = (entry: TimelineEntry): number => this.batchIndex.get(entry.key) ?? 0;
    this.rows.sort((a, b) => a.submitted - b.submitted || index(a) - index(b));
    this.reindex();
    this.openCount = this.rows.filter((row) => row.open).length;
  }

  private reindex(): void {
    this.positions = new Map(this.rows.map((row, i) => [row.key, i]));
  }
}

function parse(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
