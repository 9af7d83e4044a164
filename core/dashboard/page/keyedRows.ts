// Rows kept in batchfile order, found by key, shown in a filtered and sorted order: what the run table and the
// Results tab share (each decides what matches and what a column sorts on).
import { JOB_STATUSES } from '../../status.js';
import type { JobStatus } from '../../status.js';

/** The value a column sorts on; null sorts last in both directions. */
export type SortKey = string | number | null;

// Numeric collation sorts job2 before job10 and SLURM ids by value.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Statuses sort in their life order (pending first), not alphabetically. */
export const STATUS_RANK: ReadonlyMap<JobStatus, number> = new Map(JOB_STATUSES.map((status, rank) => [status, rank]));

/** Numbers by value, text by natural order. */
export function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * Sorts `order` (row indices) by each row's key; unknown keys last in both directions, ties in batchfile order (so a
 * sort is stable whatever the engine does).
 */
export function sortOrder<Row>(order: number[], rows: readonly Row[], keyOf: (row: Row) => SortKey, direction: 'asc' | 'desc'): void {
  const keys: SortKey[] = new Array<SortKey>(rows.length);
  for (const i of order) keys[i] = keyOf(rows[i]!);
  const sign = direction === 'asc' ? 1 : -1;
  order.sort((a, b) => {
    const ka = keys[a] as SortKey;
    const kb = keys[b] as SortKey;
    if (ka === null || kb === null) return ka === kb ? a - b : ka === null ? 1 : -1;
    return sign * compareKeys(ka, kb) || a - b;
  });
}

export class KeyedRows<Row extends { readonly key: string }> {
  private list: Row[] = [];
  private readonly index = new Map<string, number>();
  /** Row indices on show, in display order. */
  private order: number[] = [];

  /** Replaces every row (a snapshot, in batchfile order); nothing is on show until `show`. */
  replace(rows: readonly Row[]): void {
    this.list = [...rows];
    this.index.clear();
    this.list.forEach((row, i) => this.index.set(row.key, i));
    this.order = [];
  }

  /** Every row in batchfile order. */
  all(): readonly Row[] {
    return this.list;
  }

  /** Where a key's row sits in batchfile order. */
  indexOf(key: string): number | undefined {
    return this.index.get(key);
  }

  /** Replaces the row at a batchfile index (same key). */
  set(i: number, row: Row): void {
    this.list[i] = row;
  }

  /** Sets the rows on show (indices in display order). */
  show(order: number[]): void {
    this.order = order;
  }

  /** Rows on show. */
  get shown(): number {
    return this.order.length;
  }

  /** The row shown at `position` (0-based) of the rows on show. */
  rowAt(position: number): Row | undefined {
    const i = this.order[position];
    return i === undefined ? undefined : this.list[i];
  }

  /** Where a row is among the rows on show; -1 when filtered out or unknown. */
  positionOf(key: string): number {
    const i = this.index.get(key);
    return i === undefined ? -1 : this.order.indexOf(i);
  }

  /** A row by its key. */
  byKey(key: string): Row | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.list[i];
  }
}
