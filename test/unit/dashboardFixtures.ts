// Jobs for the dashboard view-model tests: a DashboardJob with defaults, overridden field by field.
import type { DashboardJob } from '../../core/dashboard/protocol.js';

export function job(basename: string, patch: Partial<DashboardJob> = {}): DashboardJob {
  return {
    basename,
    directory: `/calc/${basename}`,
    program: 'xtb',
    status: 'not_started',
    jobId: null,
    slurmState: null,
    reason: null,
    lastEvent: null,
    submittedAt: null,
    startedAt: null,
    endedAt: null,
    elapsed: null,
    exitCode: null,
    cause: null,
    restarts: 0,
    ...patch,
  };
}
