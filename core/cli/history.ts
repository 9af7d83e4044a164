// `batchman history FILE [--json]`: every launch of a batchfile, newest first, from its batch records.
import { parseArgs } from 'node:util';
import type { StatusSummary } from '../truth/summary.js';
import { loadBatchfile } from './batchfileInput.js';
import type { CliOutput } from './output.js';
import type { DisplayedBatchRecord } from './records.js';
import { batchRecordsForDisplay } from './records.js';
import { EXIT, UsageError } from './usage.js';

const COLUMNS = ['RUN', 'NAME', 'STATUS', 'STARTED', 'ENDED', 'DURATION', 'JOBS', 'COMMIT', 'MESSAGE'] as const;

export async function historyCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('history takes exactly one FILE');
  const loaded = await loadBatchfile(positionals[0]!);
  // Errors in the batchfile do not matter here (it may have changed since): only its root does.
  const rootPath = loaded.model.rootPath;
  if (rootPath === undefined) {
    output.err(`${loaded.file}: no root directory on line 1, so no batch records to read`);
    return EXIT.failed;
  }
  const now = Date.now();
  const { records, warnings } = await batchRecordsForDisplay(rootPath, loaded.path, now);
  for (const warning of warnings) output.err(`batchman history: skipped ${warning.path}: ${warning.reason}`);
  if (values.json) {
    output.out(JSON.stringify(records, null, 2));
    return EXIT.ok;
  }
  output.out(renderHistory(loaded.file, records, now));
  return EXIT.ok;
}

/** The history as a plain-text table; `now` gives a running launch its duration so far. */
export function renderHistory(file: string, records: readonly DisplayedBatchRecord[], now: number): string {
  if (records.length === 0) return `${file}: no launches yet (start one with: batchman run ${file})`;
  const rows = records.map((record) => [
    String(record.run_number),
    record.name,
    record.status,
    formatTime(record.start_time),
    record.end_time ? formatTime(record.end_time) : '-',
    formatDuration(durationOf(record, now)),
    formatCounts(record.counts),
    record.git?.commit ? `${record.git.commit.slice(0, 8)}${record.git.dirty ? '*' : ''}` : '-',
    [record.message, record.tags.length > 0 ? `[${record.tags.join(', ')}]` : '', record.error_msg ? `error: ${record.error_msg}` : '']
      .filter(Boolean)
      .join(' '),
  ].map(printable));
  const widths = COLUMNS.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  ').trimEnd();
  const launches = `${records.length} launch${records.length === 1 ? '' : 'es'}`;
  return [`${file}: ${launches}, newest first`, '', line(COLUMNS), ...rows.map(line)].join('\n');
}

/** Closed: start → end; lost: start → last heartbeat (when it was last seen alive); running: so far. */
function durationOf(record: DisplayedBatchRecord, now: number): number | null {
  const start = Date.parse(record.start_time);
  const end = record.end_time ? Date.parse(record.end_time) : record.status === 'lost' ? Date.parse(record.runner.heartbeat) : now;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

function formatCounts(counts: StatusSummary | null): string {
  if (!counts) return '-';
  const parts = [`${counts.succeeded ?? 0}/${counts.total ?? 0} ok`];
  for (const key of ['failed', 'broken_dependency', 'cancelled', 'running', 'pending', 'not_started'] as const) {
    if ((counts[key] ?? 0) > 0) parts.push(`${counts[key]} ${key.replace('_', ' ')}`);
  }
  return parts.join(', ');
}

/** Local time, to the second: `2024-05-01 14:03:22`. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Names, messages and tags are user text: no escape sequence or newline of theirs reaches the terminal. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}
