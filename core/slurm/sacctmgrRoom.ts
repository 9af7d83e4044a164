// `-j auto` on SLURM: how many more jobs the site lets this user queue — its submit limits from sacctmgr, less the
// jobs the user already has queued outside this batch — at most the polite cap.
import { userInfo } from 'node:os';
import { describeFailure, execaRunner } from './commandRunner.js';
import type { CommandRunner } from './commandRunner.js';
import { SacctmgrParseError, parseQos, parseUserAssociations, qosArgs, submitLimits, userAssocArgs } from './sacctmgr.js';
import type { SubmitLimit } from './sacctmgr.js';
import type { QueueEntry } from './squeue.js';
import { slurmStateMeaning } from './states.js';

/** The most jobs a batch keeps queued when the site says nothing: keeps the queue polite. */
export const AUTO_JOBS_CAP = 200;

const SACCTMGR_TIMEOUT_MS = 10_000;

export interface SiteRoomOptions {
  /** sacctmgr as named by BATCHMAN_SACCTMGR, else on PATH. */
  sacctmgr?: string;
  runner?: CommandRunner;
  /** Whose limits (default: the user running this process, who submits the jobs). */
  user?: string;
  env?: Readonly<Record<string, string>>;
  /** The user's jobs from the one squeue; a failed squeue is thrown and means "none known". */
  queue: () => Promise<readonly QueueEntry[]>;
  /** Working directories of this batch's jobs: its own queued jobs are counted by the runner, not here. */
  batchFolders: ReadonlySet<string>;
}

export interface SiteRoom {
  /** What `-j auto` means here: at least 1, at most AUTO_JOBS_CAP. */
  jobs: number;
  /** The strictest submit limit, when the site has one. */
  limit?: SubmitLimit;
  /** The user's live jobs outside this batch (counted against the limit). */
  queuedElsewhere: number;
  /** Why no limit or queue is known, for the log (said once, at launch). */
  unknown?: string;
}

export async function siteRoom(options: SiteRoomOptions): Promise<SiteRoom> {
  // Asked side by side: a launch waits for the slower of the two, not their sum.
  const [limits, queued] = await Promise.all([readSubmitLimits(options), queuedOutside(options)]);
  const queuedElsewhere = typeof queued === 'number' ? queued : 0;
  const queueUnknown = typeof queued === 'number' ? undefined : queued.reason;
  const unknown = [('reason' in limits ? limits.reason : undefined), queueUnknown].filter((text) => text !== undefined).join('; ');
  const limit = 'limit' in limits ? limits.limit : undefined;
  // A full queue still gets one slot: the runner submits, SLURM refuses for now, and the runner waits.
  const room = limit === undefined ? AUTO_JOBS_CAP : Math.max(1, limit.limit - queuedElsewhere);
  return {
    jobs: Math.min(AUTO_JOBS_CAP, room),
    ...(limit !== undefined ? { limit } : {}),
    queuedElsewhere,
    ...(unknown !== '' ? { unknown } : {}),
  };
}

/** The user's live jobs outside this batch, or why the queue could not be read. */
async function queuedOutside(options: SiteRoomOptions): Promise<number | { reason: string }> {
  try {
    return (await options.queue()).filter((entry) => !slurmStateMeaning(entry.state).final && !options.batchFolders.has(entry.workDir)).length;
  } catch (error) {
    return { reason: `squeue: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The strictest submit limit, none, or why it could not be read (no accounting, sacctmgr absent or failing). */
async function readSubmitLimits(options: SiteRoomOptions): Promise<{ limit: SubmitLimit } | { none: true } | { reason: string }> {
  const file = options.sacctmgr ?? 'sacctmgr';
  const runner = options.runner ?? execaRunner;
  const commandOptions = { timeoutMs: SACCTMGR_TIMEOUT_MS, ...(options.env !== undefined ? { env: options.env } : {}) };
  const user = options.user ?? userInfo().username;
  const [assoc, qos] = await Promise.all([runner(file, userAssocArgs(user), commandOptions), runner(file, qosArgs(), commandOptions)]);
  for (const result of [assoc, qos]) {
    if (result.timedOut || result.error !== undefined || result.exitCode !== 0) return { reason: describeFailure('sacctmgr', result, SACCTMGR_TIMEOUT_MS) };
  }
  try {
    const strictest = submitLimits(parseUserAssociations(assoc.stdout), parseQos(qos.stdout))[0];
    return strictest ? { limit: strictest } : { none: true };
  } catch (error) {
    if (error instanceof SacctmgrParseError) return { reason: `sacctmgr answered something unexpected: ${error.message}` };
    throw error;
  }
}

/** One line for the log: what `-j auto` became and why. */
export function describeSiteRoom(room: SiteRoom): string {
  const base = room.limit
    ? `-j auto = ${room.jobs}: ${room.limit.source} = ${room.limit.limit}, ${room.queuedElsewhere} job(s) already queued`
    : `-j auto = ${room.jobs}: no submit limit known`;
  return room.unknown ? `${base} (${room.unknown})` : base;
}
