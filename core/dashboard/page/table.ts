// The dashboard's run table as data: jobs in batchfile order, the rows on show (status filter, text search, sort by
// any column), cell texts, and updates that re-sort only when a changed job moves. Pure and DOM-free, so the webview
// bundle and the unit tests use the same code; 10,000 jobs must stay cheap (keys and search text are cached).
import { sameDashboardJob } from '../protocol.js';
import type { DashboardColumn, DashboardJob, SortDirection } from '../protocol.js';
import { parseSlurmDuration } from '../../slurm/states.js';
import { isFinal } from '../../status.js';
import type { JobStatus } from '../../status.js';
import { summarise } from '../../truth/summary.js';
import type { StatusSummary } from '../../truth/summary.js';
import { formatTime } from '../../view/timeFormat.js';
import { jobWhy } from '../../view/jobWhy.js';
import { relativeFolder } from './folder.js';
import { compareKeys, KeyedRows, sortOrder, STATUS_RANK } from './keyedRows.js';
import type { SortKey } from './keyedRows.js';

export interface RunTableQuery {
  sort: { column: DashboardColumn; direction: SortDirection } | null;
  /** Statuses on show; empty means all. */
  statuses: readonly JobStatus[];
  /** Case-insensitive substring of the name, folder, program, SLURM id or state, reason or cause. */
  search: string;
}

export const DEFAULT_QUERY: RunTableQuery = { sort: null, statuses: [], search: '' };

/** What an update did to the rows on show. */
export interface RowsChange {
  /** Keys of the jobs whose row changed (the page repaints them if they are in view). */
  changed: string[];
  /** The rows on show were recomputed: their order or membership may differ. */
  reordered: boolean;
}

/** A column's header label. */
export const COLUMN_LABELS: Readonly<Record<DashboardColumn, string>> = {
  job: 'Job',
  folder: 'Folder',
  program: 'Program',
  status: 'Status',
  // the scheduler's id: SLURM's, or the local executor's
  slurmId: 'Job id',
  lastEvent: 'Last event',
  lastEventAt: 'Event time',
  submitted: 'Submitted',
  elapsed: 'Elapsed',
  cause: 'Cause / reason',
};

export function statusLabel(status: JobStatus): string {
  return status.replace('_', ' ');
}

/** The value a column sorts on; null sorts last in both directions. */
export function sortKey(job: DashboardJob, column: DashboardColumn): SortKey {
  switch (column) {
    case 'job':
      return job.basename;
    case 'folder':
      return job.directory;
    case 'program':
      return job.program;
    case 'status':
      return STATUS_RANK.get(job.status) ?? null;
    case 'slurmId':
      return job.jobId;
    case 'lastEvent':
      return job.lastEvent ? (STATUS_RANK.get(job.lastEvent.status) ?? null) : null;
    case 'lastEventAt':
      return time(job.lastEvent?.at ?? null);
    case 'submitted':
      return time(job.submittedAt);
    case 'elapsed':
      return job.elapsed !== null ? (parseSlurmDuration(job.elapsed) ?? null) : null;
    case 'cause':
      return job.cause !== null && job.cause !== '' ? job.cause : null;
  }
}

/** The text a cell shows; the folder relative to the batch's `root` when given (the absolute path is the cell's tooltip). */
export function cellText(job: DashboardJob, column: DashboardColumn, root: string | null = null): string {
  switch (column) {
    case 'job':
      return job.basename;
    case 'folder':
      return relativeFolder(job.directory, root);
    case 'program':
      return job.program;
    case 'status':
      return statusLabel(job.status);
    case 'slurmId':
      return job.jobId ?? '';
    case 'lastEvent':
      return job.lastEvent ? statusLabel(job.lastEvent.status) : '';
    case 'lastEventAt':
      return formatTime(job.lastEvent?.at ?? null);
    case 'submitted':
      return formatTime(job.submittedAt);
    case 'elapsed':
      return job.elapsed ?? '';
    case 'cause':
      // an ended job's cause, a waiting job's pending reason (SLURM's `Resources`, `Priority`…), never the status again
      return jobWhy(job) ?? (isFinal(job.status) ? '' : (job.cause ?? ''));
  }
}

/** The views' one time format (core/view/timeFormat.ts), here for the page's modules. */
export { formatTime };

function time(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

/** Whether two keys sort alike (a changed job whose key did not move needs no re-sort). */
function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a === null || b === null) return a === b ? 0 : 1;
  return compareKeys(a, b);
}

function searchText(job: DashboardJob): string {
  return [job.basename, job.directory, job.program, statusLabel(job.status), job.jobId, job.slurmState, job.reason, job.cause]
    .filter((part) => part !== null && part !== '')
    .join('\n')
    .toLowerCase();
}

/** What the host sends after a read: the changed jobs, or `sameJobs: false` when jobs were added, removed or reordered. */
export interface JobsDiff {
  sameJobs: boolean;
  changed: DashboardJob[];
}

export function diffJobs(before: readonly DashboardJob[], after: readonly DashboardJob[]): JobsDiff {
  if (before.length !== after.length) return { sameJobs: false, changed: [] };
  const changed: DashboardJob[] = [];
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a.key !== b.key) return { sameJobs: false, changed: [] };
    if (!sameDashboardJob(a, b)) changed.push(b);
  }
  return { sameJobs: true, changed };
}

export class RunTable {
  private readonly rows = new KeyedRows<DashboardJob>();
  private haystacks: string[] = [];
  private counts: StatusSummary = summarise([]);
  private currentQuery: RunTableQuery = DEFAULT_QUERY;

  /** Replaces every job (a snapshot). */
  setJobs(jobs: readonly DashboardJob[]): void {
    this.rows.replace(jobs);
    this.haystacks = this.rows.all().map(searchText);
    this.counts = summarise(this.rows.all().map((job) => job.status));
    this.recompute();
  }

  setQuery(query: RunTableQuery): void {
    this.currentQuery = { sort: query.sort, statuses: [...query.statuses], search: query.search };
    this.recompute();
  }

  get query(): RunTableQuery {
    return this.currentQuery;
  }

  /** Replaces the jobs named in `jobs` (by key; unknown keys are ignored). Re-sorts only when a changed job moves. */
  applyChanges(jobs: Iterable<DashboardJob>): RowsChange {
    const changed: string[] = [];
    let resort = false;
    const sort = this.currentQuery.sort;
    for (const job of jobs) {
      const i = this.rows.indexOf(job.key);
      if (i === undefined) continue;
      const before = this.rows.all()[i]!;
      if (sameDashboardJob(before, job)) continue;
      const haystack = searchText(job);
      if (!resort) {
        resort =
          this.matches(before, this.haystacks[i]!) !== this.matches(job, haystack) ||
          (sort !== null && compareSortKeys(sortKey(before, sort.column), sortKey(job, sort.column)) !== 0);
      }
      this.rows.set(i, job);
      this.haystacks[i] = haystack;
      if (before.status !== job.status) {
        this.counts[before.status]--;
        this.counts[job.status]++;
      }
      changed.push(job.key);
    }
    if (resort) this.recompute();
    return { changed, reordered: resort };
  }

  /** Rows on show. */
  get length(): number {
    return this.rows.shown;
  }

  /** The job shown at `position` (0-based) of the rows on show. */
  rowAt(position: number): DashboardJob | undefined {
    return this.rows.rowAt(position);
  }

  /** Where a job is among the rows on show; -1 when filtered out or unknown. */
  positionOf(key: string): number {
    return this.rows.positionOf(key);
  }

  /** A job by its key. */
  job(key: string): DashboardJob | undefined {
    return this.rows.byKey(key);
  }

  /** Every job in batchfile order. */
  jobs(): readonly DashboardJob[] {
    return this.rows.all();
  }

  /** Counts over every job, whatever is on show. */
  summary(): StatusSummary {
    return { ...this.counts };
  }

  private matches(job: DashboardJob, haystack: string): boolean {
    const { statuses, search } = this.currentQuery;
    if (statuses.length > 0 && !statuses.includes(job.status)) return false;
    const needle = search.trim().toLowerCase();
    return needle === '' || haystack.includes(needle);
  }

  private recompute(): void {
    const all = this.rows.all();
    const order: number[] = [];
    for (let i = 0; i < all.length; i++) if (this.matches(all[i]!, this.haystacks[i]!)) order.push(i);
    const sort = this.currentQuery.sort;
    if (sort !== null) sortOrder(order, all, (job) => sortKey(job, sort.column), sort.direction);
    this.rows.show(order);
  }
}
