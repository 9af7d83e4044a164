// What a SLURM job state, exit code and elapsed time mean for Batchman (core/status.ts statuses).
import type { JobStatus } from '../status.js';

/** The statuses SLURM alone can give a job (never not_started or broken_dependency). */
export type SlurmStatus = Extract<JobStatus, 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled'>;

export interface SlurmStateMeaning {
  /** The state's first word, upper case: `CANCELLED` for `CANCELLED by 0`. */
  state: string;
  /**
   * `succeeded` only means SLURM saw the script exit 0 (COMPLETED); whether the program really
   * succeeded is decided from its output elsewhere.
   */
  status: SlurmStatus;
  /** SLURM will not move the job to another state on its own. */
  final: boolean;
  /** Why it failed or was cancelled: the state name (TIMEOUT, OUT_OF_MEMORY, CANCELLED…). */
  cause?: string;
  /** `CANCELLED by 1001` → `1001` (the uid that cancelled). */
  cancelledBy?: string;
  /** False for a state this table does not know (treated as running: never a failure by guess). */
  known: boolean;
}

const PENDING_STATES = [
  'PENDING',
  'CONFIGURING',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESV_DEL_HOLD',
  'SPECIAL_EXIT',
  'POWER_UP_NODE',
];
const RUNNING_STATES = [
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
  'RESIZING',
  'UPDATE_DB',
];
/** Ended states that are failures, each its own cause. */
const FAILED_STATES = [
  'FAILED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'LAUNCH_FAILED',
];
const CANCELLED_STATES = ['CANCELLED', 'REVOKED'];

const TABLE = new Map<string, Omit<SlurmStateMeaning, 'state' | 'cancelledBy'>>([
  ...PENDING_STATES.map((s) => [s, { status: 'pending', final: false, known: true }] as const),
  ...RUNNING_STATES.map((s) => [s, { status: 'running', final: false, known: true }] as const),
  ['COMPLETED', { status: 'succeeded', final: true, known: true }],
  ...FAILED_STATES.map((s) => [s, { status: 'failed', final: true, known: true, cause: s }] as const),
  ...CANCELLED_STATES.map((s) => [s, { status: 'cancelled', final: true, known: true, cause: s }] as const),
]);

// Parsing is on the hot path of every poll: cache by the raw text (few distinct values exist).
const cache = new Map<string, SlurmStateMeaning>();

/** The meaning of a squeue `%T` or sacct `State` value such as `RUNNING` or `CANCELLED by 0`. */
export function slurmStateMeaning(raw: string): SlurmStateMeaning {
  const cached = cache.get(raw);
  if (cached) return cached;
  const trimmed = raw.trim();
  const space = trimmed.search(/\s/);
  const state = (space === -1 ? trimmed : trimmed.slice(0, space)).replace(/\+$/, '').toUpperCase();
  const by = /\bby\s+(\S+)/.exec(trimmed)?.[1];
  const entry = TABLE.get(state);
  const meaning: SlurmStateMeaning = entry
    ? { state, ...entry, ...(by !== undefined && state === 'CANCELLED' ? { cancelledBy: by } : {}) }
    : { state, status: 'running', final: false, known: false };
  if (cache.size < 1000) cache.set(raw, Object.freeze(meaning));
  return meaning;
}

export interface SlurmExitCode {
  exitCode: number;
  /** The signal that ended the script, 0 when none. */
  signal: number;
}

/** sacct's `ExitCode` `3:0` → exit code 3, signal 0. Undefined when it is not `N:M`. */
export function parseSlurmExitCode(raw: string): SlurmExitCode | undefined {
  const match = /^\s*(\d+):(\d+)\s*$/.exec(raw);
  if (!match) return undefined;
  return { exitCode: Number(match[1]), signal: Number(match[2]) };
}

/**
 * The failure cause Batchman reports for an ended job: the state for TIMEOUT, OUT_OF_MEMORY,
 * CANCELLED…; for FAILED, `exit code N` (or `signal N`) when known, else `FAILED`.
 */
export function failureCause(meaning: SlurmStateMeaning, exit?: SlurmExitCode): string | undefined {
  if (meaning.state !== 'FAILED') return meaning.cause;
  if (exit && exit.exitCode !== 0) return `exit code ${exit.exitCode}`;
  if (exit && exit.signal !== 0) return `signal ${exit.signal}`;
  return 'FAILED';
}

/**
 * SLURM's durations (`M:SS`, `H:MM:SS`, `D-HH:MM:SS`, `D-HH`) in seconds; undefined for
 * `INVALID`, `UNLIMITED`, `N/A` and anything else.
 */
export function parseSlurmDuration(raw: string): number | undefined {
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(raw.trim());
  if (!match) return undefined;
  const [, days, a, b, c] = match;
  const d = days !== undefined ? Number(days) : 0;
  let h = 0;
  let m = 0;
  let s = 0;
  if (c !== undefined) {
    h = Number(a);
    m = Number(b);
    s = Number(c);
  } else if (b !== undefined) {
    if (days !== undefined) {
      h = Number(a);
      m = Number(b);
    } else {
      m = Number(a);
      s = Number(b);
    }
  } else if (days !== undefined) {
    h = Number(a);
  } else {
    // a lone number is minutes in SLURM's time syntax
    m = Number(a);
  }
  return ((d * 24 + h) * 60 + m) * 60 + s;
}
