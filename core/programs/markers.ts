// The lines each program writes when it ends well or badly, and the failure causes Batchman reports.
import type { ProgramId } from './catalog.js';

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

export const GAUSSIAN_STATIONARY_POINT = 'Stationary point found';
/** Gaussian: `******    1 imaginary frequencies (negative Signs) ******`. */
export const GAUSSIAN_IMAGINARY = 'imaginary frequencies';
export const ORCA_OPTIMIZATION_DONE = '*** OPTIMIZATION RUN DONE ***';

export const MARKERS: Readonly<Record<Exclude<ProgramId, 'shell'>, ProgramMarkers>> = {
  gaussian: {
    success: 'Normal termination of Gaussian',
    failures: [
      { text: 'Convergence failure -- run terminated', cause: CAUSES.scfNotConverged },
      { text: 'Optimization stopped', cause: CAUSES.optNotConverged },
      { text: 'Number of steps exceeded', cause: CAUSES.optNotConverged },
      { text: 'Error termination', cause: CAUSES.errorTermination },
    ],
  },
  orca: {
    success: 'ORCA TERMINATED NORMALLY',
    failures: [
      { text: 'SCF NOT CONVERGED', cause: CAUSES.scfNotConverged },
      { text: 'The optimization did not converge', cause: CAUSES.optNotConverged },
      { text: 'ORCA finished by error termination', cause: CAUSES.errorTermination },
      { text: 'aborting the run', cause: CAUSES.errorTermination },
    ],
  },
  crest: {
    success: 'CREST terminated normally',
    failures: [{ text: 'CREST terminated abnormally', cause: CAUSES.errorTermination }],
  },
  xtb: {
    // xtb prints ` * finished run on <date>` even after a failed optimisation, so failures win.
    success: '* finished run on',
    failures: [
      { text: 'FAILED TO CONVERGE GEOMETRY OPTIMIZATION', cause: CAUSES.optNotConverged },
      { text: 'Self consistent charge iterator did not converge', cause: CAUSES.scfNotConverged },
      // stderr, when the submit script sends it to the output too.
      { text: 'abnormal termination of xtb', cause: CAUSES.errorTermination },
    ],
  },
  pyaroma: {
    success: 'pyAroma terminated normally',
    failures: [],
  },
};

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
