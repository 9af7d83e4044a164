// The one batched sacct call for ended jobs: its arguments and a strict parser of its output.
import { parseSlurmDuration, parseSlurmExitCode } from './states.js';

// No free-text field is asked for, so sacct's own `|` delimiter (-P) is safe.
export const SACCT_FIELDS = ['JobID', 'JobIDRaw', 'State', 'ExitCode', 'Elapsed', 'Start', 'End'] as const;

/** Allocations only (-X), no header, `|`-separated, for the given ids in one call. */
export function sacctArgs(ids: readonly string[]): string[] {
  return ['-X', '-n', '-P', '-j', ids.join(','), `--format=${SACCT_FIELDS.join(',')}`];
}

export interface AccountingRecord {
  /** `123`, or `11_2` for an array task. */
  jobId: string;
  /** The unique numeric id (differs from jobId for array tasks). */
  rawJobId: string;
  /** As sacct prints it, e.g. `CANCELLED by 0`. */
  state: string;
  exitCode: number | undefined;
  signal: number | undefined;
  elapsed: string;
  elapsedSeconds: number | undefined;
  /** ISO-like local times as sacct prints them; undefined for `Unknown`/`None`. */
  start: string | undefined;
  end: string | undefined;
}

export class SacctParseError extends Error {
  override readonly name = 'SacctParseError';
}

/** The message sacct prints (exit 1) on a cluster without slurmdbd. */
export function isAccountingDisabled(stderr: string, stdout = ''): boolean {
  return /accounting storage is disabled/i.test(stderr) || /accounting storage is disabled/i.test(stdout);
}

export function parseSacct(stdout: string): AccountingRecord[] {
  const records: AccountingRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split('|');
    if (fields.length !== SACCT_FIELDS.length) {
      throw new SacctParseError(`sacct line has ${fields.length} fields, not ${SACCT_FIELDS.length}: ${JSON.stringify(line.slice(0, 120))}`);
    }
    const [jobId = '', rawJobId = '', state = '', exit = '', elapsed = '', start = '', end = ''] = fields;
    if (!/^\d/.test(jobId) || !/^[A-Z]/.test(state)) {
      throw new SacctParseError(`sacct line is not a job record: ${JSON.stringify(line.slice(0, 120))}`);
    }
    const code = parseSlurmExitCode(exit);
    records.push({
      jobId,
      rawJobId,
      state,
      exitCode: code?.exitCode,
      signal: code?.signal,
      elapsed,
      elapsedSeconds: parseSlurmDuration(elapsed),
      start: timeOrUndefined(start),
      end: timeOrUndefined(end),
    });
  }
  return records;
}

function timeOrUndefined(value: string): string | undefined {
  return /^\d{4}-/.test(value) ? value : undefined;
}

/** The record's run span as ISO 8601 instants; sacct prints the cluster's local time without a zone, as Date reads it. */
export function accountingTimes(record: Pick<AccountingRecord, 'start' | 'end'>): { startedAt?: string; endedAt?: string } {
  const instant = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  };
  const startedAt = instant(record.start);
  const endedAt = instant(record.end);
  return { ...(startedAt !== undefined ? { startedAt } : {}), ...(endedAt !== undefined ? { endedAt } : {}) };
}
