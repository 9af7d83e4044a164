// A batch whose submissions wait because the cluster said "not now": the shape the runner publishes in its
// batch record, and the one line every front end shows for it.
import type { WaitReason } from '../slurm/sbatchAnswers.js';

export interface BatchWaiting {
  /** Why sbatch refused for now: `submit limit`, `controller unreachable`, `controller busy`, `rate limit`. */
  reason: WaitReason;
  /** The jobs at once the cluster took when it refused (submit limits only): the runner's throttle since. */
  limit?: number;
  /** ISO 8601: the first refusal of this wait. */
  since: string;
  /** SLURM's own words. */
  message: string;
}

/** `waiting — submit limit 3 reached`, `waiting — controller unreachable`. */
export function describeWaiting(waiting: Pick<BatchWaiting, 'reason' | 'limit'>): string {
  if (waiting.reason === 'submit limit' && waiting.limit !== undefined) return `waiting — submit limit ${waiting.limit} reached`;
  return `waiting — ${waiting.reason}`;
}

const REASONS: readonly WaitReason[] = ['submit limit', 'controller unreachable', 'controller busy', 'rate limit'];

/** What a record file holds under `waiting`, checked; null for anything else. */
export function readWaiting(value: unknown): BatchWaiting | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  if (!REASONS.includes(raw.reason as WaitReason) || typeof raw.since !== 'string') return null;
  return {
    reason: raw.reason as WaitReason,
    ...(typeof raw.limit === 'number' && Number.isInteger(raw.limit) && raw.limit >= 0 ? { limit: raw.limit } : {}),
    since: raw.since,
    message: typeof raw.message === 'string' ? raw.message : '',
  };
}
