// How the views name where a job runs: SLURM's words only for SLURM jobs; the local executor is named as itself, and
// a batch never launched (no executor known) says "scheduler". DOM- and Node-free: the dashboard page uses it too.

/** `SLURM`, `local executor`, or `scheduler` when the executor is not known. */
export function schedulerName(executor: string | null | undefined): string {
  return executor === 'slurm' ? 'SLURM' : executor === 'local' ? 'local executor' : 'scheduler';
}

/** The label of a job's state as its scheduler reports it: `SLURM state`, `Local executor state`, `Scheduler state`. */
export function schedulerStateLabel(executor: string | null | undefined): string {
  const name = schedulerName(executor);
  return `${name.charAt(0).toUpperCase()}${name.slice(1)} state`;
}
