// The one squeue call per poll: its arguments and a strict parser of its output.
import { parseSlurmDuration } from './states.js';

/**
 * Job names and working directories are free text (a name may hold `|`, quotes, even a newline),
 * so fields are separated by ASCII unit separators, each record ends with a record separator
 * (squeue adds its own newline after it), and the name comes last: whatever it holds, the fields
 * before it stay parseable.
 */
export const FIELD_SEPARATOR = '\x1f';
export const RECORD_TERMINATOR = '\x1e';
const RECORD_END = `${RECORD_TERMINATOR}\n`;
const FIELDS_BEFORE_NAME = 5;

/** id, long state, reason, elapsed, working directory, name. */
export const SQUEUE_FORMAT = ['%i', '%T', '%r', '%M', '%Z', '%j'].join(FIELD_SEPARATOR) + RECORD_TERMINATOR;

/** Every job of the calling user, finished ones included (`-t all`), no header. */
export function squeueArgs(): string[] {
  return ['--me', '--noheader', '--states=all', `--format=${SQUEUE_FORMAT}`];
}

export interface QueueEntry {
  /** `123`, `123_4` for an array task, `123_[5-9]` for array tasks not yet started. */
  readonly id: string;
  /** squeue's long state: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED… */
  readonly state: string;
  /** Why it is pending or ended (`None`, `Priority`, `Dependency`, `DependencyNeverSatisfied`…). */
  readonly reason: string;
  /** As squeue prints it (`1:07`). */
  readonly elapsed: string;
  readonly elapsedSeconds: number | undefined;
  readonly workDir: string;
  readonly name: string;
}

export class SqueueParseError extends Error {
  override readonly name = 'SqueueParseError';
}

const ID_PATTERN = /^\d+(?:_(?:\d+|\[[^\]]*\]))?(?:\+\d+)?$/;
const STATE_PATTERN = /^[A-Z_]+$/;

// A poll of 10,000 jobs sees a handful of distinct states and elapsed times: remember them.
const validStates = new Set<string>();
const durations = new Map<string, number | undefined>();

function isState(value: string): boolean {
  if (validStates.has(value)) return true;
  if (!STATE_PATTERN.test(value)) return false;
  if (validStates.size < 100) validStates.add(value);
  return true;
}

function durationSeconds(value: string): number | undefined {
  if (durations.has(value)) return durations.get(value);
  const seconds = parseSlurmDuration(value);
  if (durations.size >= 10_000) durations.clear();
  durations.set(value, seconds);
  return seconds;
}

/**
 * The records of the last parse by their raw text, and the ones of this parse: a poll of 10,000 jobs repeats most
 * records of the one before word for word (a pending job's line does not change), and an unchanged line is not split
 * again. Two generations only, so the memory is bounded by two polls. The entries are shared: nobody mutates them.
 */
let lastRecords = new Map<string, QueueEntry>();
let theseRecords = new Map<string, QueueEntry>();

function recordEntry(record: string): QueueEntry {
  let entry = lastRecords.get(record) ?? theseRecords.get(record);
  // Parsed from a copy: fields sliced from the whole answer would keep it alive as long as the entry is reused.
  if (entry === undefined) entry = parseRecord(ownCopy(record));
  theseRecords.set(record, entry);
  return entry;
}

/** A string of its own (V8 keeps a long substring as a view of the string it was cut from). */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/**
 * Parses the output of `squeue` run with squeueArgs(). Throws SqueueParseError on anything that is
 * not exactly that format (a garbled answer must never be read as "these jobs are gone").
 */
export function parseSqueue(stdout: string): QueueEntry[] {
  theseRecords = new Map();
  const entries = parseRecords(stdout);
  // Only a good answer replaces the last one's records (a garbled one threw above).
  lastRecords = theseRecords;
  theseRecords = new Map();
  return entries;
}

function parseRecords(stdout: string): QueueEntry[] {
  const entries: QueueEntry[] = [];
  if (stdout.length === 0) return entries;
  let at = 0;
  const length = stdout.length;
  while (at < length) {
    const end = stdout.indexOf(RECORD_END, at);
    if (end === -1) {
      // tolerate a missing final newline only (the output may have been trimmed)
      if (stdout.endsWith(RECORD_TERMINATOR) && length - 1 >= at) {
        entries.push(recordEntry(stdout.slice(at, length - 1)));
        return entries;
      }
      if (stdout.slice(at).trim() === '') return entries;
      throw new SqueueParseError(`squeue output ends with an unterminated record: ${preview(stdout.slice(at))}`);
    }
    entries.push(recordEntry(stdout.slice(at, end)));
    at = end + RECORD_END.length;
  }
  return entries;
}

function parseRecord(record: string): QueueEntry {
  const fields: string[] = [];
  let from = 0;
  for (let i = 0; i < FIELDS_BEFORE_NAME; i++) {
    const sep = record.indexOf(FIELD_SEPARATOR, from);
    if (sep === -1) throw new SqueueParseError(`squeue record has too few fields: ${preview(record)}`);
    fields.push(record.slice(from, sep));
    from = sep + 1;
  }
  const [id = '', state = '', reason = '', elapsed = '', workDir = ''] = fields;
  if (!ID_PATTERN.test(id)) throw new SqueueParseError(`squeue record has a bad job id: ${preview(record)}`);
  if (!isState(state)) throw new SqueueParseError(`squeue record has a bad state: ${preview(record)}`);
  return {
    id,
    state,
    reason,
    elapsed,
    elapsedSeconds: durationSeconds(elapsed),
    workDir,
    name: record.slice(from),
  };
}

/** Renders entries exactly as squeue prints them with SQUEUE_FORMAT (for fakes, tests and benchmarks). */
export function formatSqueue(entries: readonly Omit<QueueEntry, 'elapsedSeconds'>[]): string {
  let out = '';
  for (const e of entries) {
    out += [e.id, e.state, e.reason, e.elapsed, e.workDir, e.name].join(FIELD_SEPARATOR) + RECORD_END;
  }
  return out;
}

function preview(text: string): string {
  // JSON escapes control characters (\u001f), so a garbled record stays readable in a log
  return JSON.stringify(text.slice(0, 120));
}
