// A local job's SLURM-like state, derived from its files and whether its processes (and its submitter) still exist.
import type { LocalJobFacts } from './localJobFiles.js';

/** The spec written at submit (`<id>.json`); immutable afterwards. */
export interface LocalJobSpec {
  version: 1;
  id: number;
  name: string;
  cwd: string;
  /** Absolute path of the submitted script. */
  script: string;
  submittedAt: number;
  /** 0 = no limit. */
  timeLimitSeconds: number;
  /** The machine's boot id at submit (Linux), so a reboot is told apart from a live reused pid. */
  bootId: string | null;
  /**
   * Who published it. `startTicks` (the process's start time since boot, from /proc) tells the
   * submitter apart from a later process that got its pid.
   */
  submitter: { pid: number; host: string; startTicks?: number };
  /**
   * How its wrapper is started, so that a reader can start it exactly as the submitter would have
   * when the submitter died between publishing the spec and starting it. Absent in older specs:
   * those are never started by a reader.
   */
  launch?: LocalJobLaunch;
}

export interface LocalJobLaunch {
  /** The bash that runs the wrapper. */
  bash: string;
  /** The wrapper's grace between SIGTERM and SIGKILL, as passed to it. */
  killGraceSeconds: string;
  /**
   * The job's environment as the submitter built it (SLURM_JOB_ID excepted: it comes from the id).
   * Not kept in the in-memory spec cache (it is large); read from the spec file when needed.
   */
  env?: Record<string, string>;
}

/**
 * The submitter of a job that has no run file yet, as a reader on this host sees it: `alive` (it is
 * about to start it), `gone` (it died before starting it, this boot), `rebooted` (published on this
 * host before a reboot: its processes and environment are gone), `unknown` (another host, or no boot
 * id to tell a reboot by).
 */
export type SubmitterState = 'alive' | 'gone' | 'rebooted' | 'unknown';

/** The long states the local executor reports, all of them SLURM's (core/slurm/states.ts knows them). */
export type LocalJobState =
  | 'PENDING'
  | 'RUNNING'
  | 'COMPLETING'
  | 'COMPLETED'
  | 'FAILED'
  | 'CANCELLED'
  | 'TIMEOUT'
  | 'NODE_FAIL';

export interface DerivedJobState {
  state: LocalJobState;
  /** squeue-like reason: None, NonZeroExitCode, TimeLimit, NodeDown, JobLaunchFailure. */
  reason: string;
  final: boolean;
  startMs: number | undefined;
  endMs: number | undefined;
  /** The job script's exit status as bash reported it (128+N when killed by signal N). */
  exitStatus: number | undefined;
  /** The job is gone without an end record: the caller records `<id>.lost.<now>` so it stays final. */
  markLost: boolean;
  /**
   * Published, never claimed, and its submitter died before starting it: the caller should claim
   * `<id>.launch` and, if it wins, start the wrapper (the job stays PENDING meanwhile).
   */
  launch: boolean;
}

export interface DeriveContext {
  now: number;
  /** How long a submitted job may have no run file before it counts as never started. */
  startGraceMs: number;
  /** Whether the wrapper's or the job's process group still exists (only asked when it matters). */
  alive: (run: NonNullable<LocalJobFacts['run']>, spec: LocalJobSpec | undefined) => boolean;
  /** The submitter's state (only asked for a job without a run file); without it, `unknown`. */
  submitter?: (spec: LocalJobSpec) => SubmitterState;
}

/**
 * The order matters: an end record is the truth; a `lost` mark is final; otherwise the processes
 * are asked. A job killed with its wrapper (cancel's SIGKILL, reboot) has no end record and is
 * CANCELLED when a cancel was asked, else NODE_FAIL, never "running forever". A job never started
 * is started by a reader when its submitter died before starting it (unless it was cancelled
 * meanwhile), fails at once after a reboot, and otherwise waits at most `startGraceMs`.
 */
export function deriveJobState(facts: LocalJobFacts, spec: LocalJobSpec | undefined, context: DeriveContext): DerivedJobState {
  const startMs = facts.run?.startMs;
  if (facts.end) {
    const status = facts.end.status;
    let state: LocalJobState;
    let reason = 'None';
    if (facts.cancel) state = 'CANCELLED';
    else if (facts.timeout) {
      state = 'TIMEOUT';
      reason = 'TimeLimit';
    } else if (status === 0) state = 'COMPLETED';
    else {
      state = 'FAILED';
      reason = 'NonZeroExitCode';
    }
    return { state, reason, final: true, startMs, endMs: facts.end.endMs, exitStatus: status, markLost: false, launch: false };
  }
  if (facts.lost) return ended(facts, facts.lost.atMs, false);
  if (facts.run) {
    if (context.alive(facts.run, spec)) {
      // a cancel or a time limit is being carried out: still running until the processes are gone
      const state = facts.cancel || facts.timeout ? 'COMPLETING' : 'RUNNING';
      return { state, reason: 'None', final: false, startMs, endMs: undefined, exitStatus: undefined, markLost: false, launch: false };
    }
    return ended(facts, context.now, true);
  }
  const submitter = spec && context.submitter ? context.submitter(spec) : 'unknown';
  // its wrapper (claimed or not) was a process of the earlier boot: nothing will ever start it
  if (submitter === 'rebooted') return ended(facts, context.now, true);
  if (submitter === 'gone' && !facts.launch && spec?.launch) {
    // cancelled before it started, and nobody left to start it: it never runs
    if (facts.cancel) return ended(facts, context.now, true);
    return { ...pending(), launch: true };
  }
  const submittedAt = spec?.submittedAt ?? 0;
  if (context.now - submittedAt < context.startGraceMs) return pending();
  return ended(facts, context.now, true);
}

function pending(): DerivedJobState {
  return { state: 'PENDING', reason: 'None', final: false, startMs: undefined, endMs: undefined, exitStatus: undefined, markLost: false, launch: false };
}

function ended(facts: LocalJobFacts, endMs: number, markLost: boolean): DerivedJobState {
  let state: LocalJobState = 'NODE_FAIL';
  let reason = facts.run ? 'NodeDown' : 'JobLaunchFailure';
  if (facts.cancel) {
    state = 'CANCELLED';
    reason = 'None';
  } else if (facts.timeout) {
    state = 'TIMEOUT';
    reason = 'TimeLimit';
  }
  return { state, reason, final: true, startMs: facts.run?.startMs, endMs, exitStatus: undefined, markLost, launch: false };
}
