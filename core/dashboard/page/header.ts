// The dashboard header's one compact line about a launch: who started it and when, on which executor, and for how
// long it has run (or ran). Pure and DOM-free, so the page and the unit tests share it.
import type { DashboardRecord } from '../protocol.js';
import { formatTime } from '../../view/timeFormat.js';
import { formatDuration } from './timeline.js';

export interface LaunchLine {
  /** `started 2025-01-01 08:00:00 by chemist`. */
  started: string;
  /** `ran 1h 02m`, `running 12m 05s`; null when it cannot be said (no end recorded, runner gone, bad times). */
  elapsed: string | null;
  /** The elapsed time grows with the clock (the page refreshes it). */
  live: boolean;
}

export function launchLine(record: DashboardRecord, now: number): LaunchLine {
  const started = `started ${formatTime(record.startTime) || record.startTime} by ${record.createdBy || 'unknown'}`;
  const start = Date.parse(record.startTime);
  const end = record.endTime !== null ? Date.parse(record.endTime) : NaN;
  if (!Number.isFinite(start)) return { started, elapsed: null, live: false };
  if (Number.isFinite(end)) return { started, elapsed: `ran ${formatDuration(end - start)}`, live: false };
  // an open launch whose runner is alive runs on; a lost or closed one without an end time says nothing
  if (record.status === 'in_progress') return { started, elapsed: `running ${formatDuration(now - start)}`, live: true };
  return { started, elapsed: null, live: false };
}
