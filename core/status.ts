// The job statuses Batchman knows (CCBatchMan's six plus `cancelled`) and what is final.

export const JOB_STATUSES = [
  'not_started',
  'pending',
  'running',
  'succeeded',
  'failed',
  'broken_dependency',
  'cancelled',
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses a job never leaves on its own (a restart is a new attempt). */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>([
  'succeeded',
  'failed',
  'broken_dependency',
  'cancelled',
]);

export function isJobStatus(value: string): value is JobStatus {
  return (JOB_STATUSES as readonly string[]).includes(value);
}

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}
