// Jobs for the dashboard view-model tests: a DashboardJob with defaults, overridden field by field. Its key is its
// basename here (the page treats keys as opaque), its label too.
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
    key: basename,
    label: basename,
    ...patch,
  };
}
