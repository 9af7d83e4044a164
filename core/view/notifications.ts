// Which notifications a batch update deserves, by the user's levels: jobs that failed (reported together when they
// fail together, so 500 failures are one message) and a batch that ended.
import { escapeIcons } from '../markdown.js';
import type { JobStatus } from '../status.js';
import { summaryText } from '../truth/summary.js';
import type { StatusSummary } from '../truth/summary.js';
import type { NotificationLevels } from './settings.js';

/** The one phrasing of a batch's counts lives with the counts (core/truth/summary.ts). */
export { summaryText } from '../truth/summary.js';

export interface JobTransition {
  /** The job's key (`keyOf`: folder and basename). */
  key: string;
  basename: string;
  /** How the job is named to the user: its basename, with its folder when another job shares it. */
  label: string;
  from: JobStatus;
  to: JobStatus;
  /** Why, when it failed (TIMEOUT, `exit code 3`). */
  cause: string | null;
}

/** One observed change of a batch (never the first load: what was already so when the view opened is no news). */
export interface BatchUpdate {
  batchId: string;
  label: string;
  transitions: readonly JobTransition[];
  /** It was active (a live runner, or jobs pending or running) and no longer is. */
  ended: boolean;
  summary: StatusSummary;
}

export interface Notice {
  kind: 'jobFailed' | 'batchEnded';
  batchId: string;
  severity: 'info' | 'warning' | 'error';
  message: string;
  /** The job to open (a single failure), by key. */
  jobKey?: string;
}

const MAX_NAMES = 3;

export function noticesFor(update: BatchUpdate, levels: NotificationLevels): Notice[] {
  const notices: Notice[] = [];
  const s = update.summary;
  const troubled = s.failed + s.broken_dependency + s.cancelled > 0;
  const endNotice = update.ended && (levels.batchEnded === 'always' || (levels.batchEnded === 'onFailure' && troubled));
  const failures = update.transitions.filter((t) => t.to === 'failed' && t.from !== 'failed');
  // An ending that is reported already names the failures: one message, not two.
  if (failures.length > 0 && levels.jobFailed === 'always' && !endNotice) {
    const first = failures[0]!;
    notices.push({
      kind: 'jobFailed',
      batchId: update.batchId,
      severity: 'error',
      message:
        failures.length === 1
          ? `Job ${first.label} of ${update.label} failed${first.cause ? ` (${first.cause})` : ''}.`
          : `${failures.length} jobs of ${update.label} failed: ${failures.slice(0, MAX_NAMES).map((t) => t.label).join(', ')}${failures.length > MAX_NAMES ? ', …' : ''}.`,
      ...(failures.length === 1 ? { jobKey: first.key } : {}),
    });
  }
  if (endNotice) {
    notices.push({
      kind: 'batchEnded',
      batchId: update.batchId,
      severity: s.failed + s.broken_dependency > 0 ? 'error' : s.cancelled > 0 ? 'warning' : 'info',
      message: `Batch ${update.label} ended: ${summaryText(s)}.`,
    });
  }
  return notices;
}

/** The status bar's text for a batch: its counts as every view says them, stale (codicons, as the status bar writes them). */
export function statusBarText(label: string, s: StatusSummary, stale: boolean, active: boolean): string {
  const icon = stale ? '$(warning)' : active ? '$(sync~spin)' : s.failed + s.broken_dependency > 0 ? '$(error)' : s.total > 0 && s.succeeded === s.total ? '$(pass)' : '$(server-process)';
  const parts = [`${icon} ${escapeIcons(label)} ${summaryText(s)}`];
  if (stale) parts.push('stale');
  return parts.join(' · ');
}
