// What a refused sbatch means: the one table from SLURM's own messages to "try again later" or "this job cannot run".
//
// SLURM prints a refusal on stderr as `sbatch: error: <reason code>` (when the controller names the limit) and
// `sbatch: error: Batch job submission failed: <slurm_strerror text>`. The reason code is the more precise of the
// two: "Job violates accounting/QOS policy" covers both a full queue (AssocMaxSubmitJobLimit, which clears when
// jobs end) and a job too big for the QOS (QOSMaxCpuPerJobLimit, which never clears), so codes are matched first.

/**
 * `for-now`: the job stays ready and is submitted again later. `for-good`: the job fails with SLURM's message.
 * `in-doubt`: the answer was lost on the way back (the controller may have queued the job): the next squeue decides,
 * by the job's folder and name, whether it exists before anything is submitted again.
 */
export type RefusalKind = 'for-now' | 'for-good' | 'in-doubt';

/** Why a refusal is temporary; what the runner shows while it waits. */
export type WaitReason = 'submit limit' | 'controller unreachable' | 'controller busy' | 'rate limit';

export type SbatchRefusal =
  | { kind: 'for-now'; reason: WaitReason; message: string }
  | { kind: 'for-good' | 'in-doubt'; message: string };

interface RefusalRule {
  readonly pattern: RegExp;
  readonly kind: RefusalKind;
  /** Only for `for-now` rules. */
  readonly reason?: WaitReason;
}

/**
 * Checked in order; the first match decides. Per-job limits come before the generic policy text, because a
 * job over the QOS's per-job size is refused with the same "job submit limit, user's size and/or time limits"
 * sentence as a full queue, and only the code line above it tells them apart.
 */
export const SBATCH_REFUSALS: readonly RefusalRule[] = [
  // A job larger or longer than the association or QOS allows for one job: waiting never helps.
  { pattern: /\b(?:QOS|Assoc)(?:Grp)?Max\w*Per(?:Job|Node)\w*|\bQOSMin\w+|\bMaxMemPer\w*Limit\b/, kind: 'for-good' },
  // The number of jobs a user, account or QOS may have queued: clears as jobs end.
  { pattern: /\b(?:Assoc|QOS)\w*(?:MaxSubmitJob|GrpSubmitJob|MaxJobs|GrpJobs)\w*|\bjob submit limit\b/i, kind: 'for-now', reason: 'submit limit' },
  { pattern: /Unable to contact slurm controller|connect failure|Connection refused|slurmctld.*(?:not responding|standby)|controller (?:not responding|in standby)/i, kind: 'for-now', reason: 'controller unreachable' },
  // The request reached the controller but its answer did not come back.
  { pattern: /Socket timed out on send\/recv|Zero Bytes were transmitted or received|Insane message length/i, kind: 'in-doubt' },
  { pattern: /Resource temporarily unavailable|temporarily unable to accept job|try again later/i, kind: 'for-now', reason: 'controller busy' },
  { pattern: /rate.?limit|too many (?:requests|rpcs)/i, kind: 'for-now', reason: 'rate limit' },
  // Everything the site will never accept for this job as written.
  {
    pattern:
      /Invalid partition|Invalid account|Invalid qos|Requested node configuration is not available|Requested time limit|time limit (?:is invalid|exceeds)|Requested partition configuration not available|Memory specification can not be satisfied|Memory required by task is not available|More processors requested than permitted|Invalid (?:generic resource|feature|node name|reservation)|Node count specification invalid|Invalid job array|Access\/permission denied|not allowed to use/i,
    kind: 'for-good',
  },
];

/** The lines of sbatch's stderr that say something, without the `sbatch: error:` prefixes, joined for a person. */
export function sbatchMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^\s*sbatch:\s*(?:error:\s*)?/, '').trim())
    .filter((line) => line !== '');
  return lines.join('; ');
}

/**
 * Classifies a failed sbatch (it ran, exited non-zero) from its stderr. A message no rule knows is final: a
 * refusal nobody recognises would otherwise hold the batch for ever, and the user gets SLURM's own words.
 */
export function classifySbatchRefusal(stderr: string): SbatchRefusal {
  const message = sbatchMessage(stderr) || 'sbatch refused the job without a message';
  for (const rule of SBATCH_REFUSALS) {
    if (!rule.pattern.test(stderr)) continue;
    return rule.kind === 'for-now' ? { kind: 'for-now', reason: rule.reason ?? 'controller busy', message } : { kind: rule.kind, message };
  }
  return { kind: 'for-good', message };
}
