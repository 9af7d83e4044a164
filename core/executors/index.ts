// The executors: the embedded local one (detached processes with SLURM's states) and the choice between it and SLURM.
export { createScheduler, resolveExecutorKind } from './chooseExecutor.js';
export type { CreateSchedulerOptions, ExecutorChoice, ExecutorLookup } from './chooseExecutor.js';
export { LOCAL_STATE_ENV, LocalScheduler, defaultLocalStateDir } from './localScheduler.js';
export type { LocalFs, LocalSchedulerOptions } from './localScheduler.js';
export { deriveJobState } from './localJobState.js';
export type { DerivedJobState, LocalJobLaunch, LocalJobSpec, LocalJobState, SubmitterState } from './localJobState.js';
export { launchFileName, parseJobListing } from './localJobFiles.js';
export type { JobListing, LocalJobFacts } from './localJobFiles.js';
export { formatElapsed, formatSacctTime } from './localTime.js';
export { WRAPPER_SCRIPT, installWrapper, wrapperFileName } from './localWrapper.js';
export { CRASH_BEFORE_WRAPPER_ENV, crashBeforeWrapperHook } from './localCrashHook.js';
export { localJobOptions, scriptDirectives } from './sbatchOptions.js';
export type { LocalJobOptions } from './sbatchOptions.js';
