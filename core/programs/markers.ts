// The failure causes Batchman reports, the shape of a program's end lines (each program module has its
// own), and SLURM's messages and end states.

/** Failure causes, as shown in the ledger's `cause` column and the UI. */
export const CAUSES = {
  timeout: 'TIMEOUT',
  outOfMemory: 'OUT_OF_MEMORY',
  nodeFail: 'NODE_FAIL',
  cancelled: 'CANCELLED',
  preempted: 'PREEMPTED',
  notFinished: 'program did not finish',
  errorTermination: 'error termination',
  imaginaryFrequency: 'imaginary frequency',
  scfNotConverged: 'SCF not converged',
  optNotConverged: 'optimisation not converged',
} as const;

/** The cause for a non-zero exit status. */
export function exitCodeCause(code: number): string {
  return `exit code ${code}`;
}

/** A line whose presence means the run failed, whatever else the output says. */
export interface FailureMarker {
  text: string;
  cause: string;
}

export interface ProgramMarkers {
  /** Printed once when the program ends normally (several times for some job kinds). */
  success: string;
  /** Checked in order; the first found gives the cause. */
  failures: readonly FailureMarker[];
}

/** SLURM's own lines in `slurm-{id}.out`, checked in order (a time limit also says CANCELLED AT). */
export const SLURM_MESSAGES: readonly FailureMarker[] = [
  { text: 'DUE TO TIME LIMIT', cause: CAUSES.timeout },
  { text: 'DUE TO NODE FAILURE', cause: CAUSES.nodeFail },
  { text: 'DUE TO PREEMPTION', cause: CAUSES.preempted },
  { text: 'oom-kill', cause: CAUSES.outOfMemory },
  { text: 'Out Of Memory', cause: CAUSES.outOfMemory },
  { text: 'Exceeded job memory limit', cause: CAUSES.outOfMemory },
  { text: 'CANCELLED AT', cause: CAUSES.cancelled },
];

/** SLURM end states that are a failure whatever the output says, with their cause. */
export const ABNORMAL_SLURM_STATES: Readonly<Record<string, string>> = {
  TIMEOUT: CAUSES.timeout,
  OUT_OF_MEMORY: CAUSES.outOfMemory,
  NODE_FAIL: CAUSES.nodeFail,
  CANCELLED: CAUSES.cancelled,
  PREEMPTED: CAUSES.preempted,
  BOOT_FAIL: 'BOOT_FAIL',
  DEADLINE: 'DEADLINE',
  REVOKED: 'REVOKED',
};
