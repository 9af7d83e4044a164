// The scheduler side of Batchman: command runner, SLURM adapter, state meanings and the poller.
export { describeFailure, execaRunner } from './commandRunner.js';
export type { CommandOptions, CommandResult, CommandRunner } from './commandRunner.js';
export { systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { Emitter } from './events.js';
export type { Disposable, Event, Listener } from './events.js';
export { Poller } from './poller.js';
export type {
  JobChange,
  JobObservation,
  JobsChangedEvent,
  PollerHealthEvent,
  PollerOptions,
  PollerStats,
  StaleInfo,
} from './poller.js';
export { SACCT_FIELDS, isAccountingDisabled, parseSacct, sacctArgs } from './sacct.js';
export type { AccountingRecord } from './sacct.js';
export { SchedulerError } from './scheduler.js';
export type {
  AccountingResult,
  QueueSnapshot,
  Scheduler,
  SchedulerErrorKind,
  SubmitOptions,
  SubmitResult,
} from './scheduler.js';
export { DEFAULT_SLURM_COMMANDS, DEFAULT_SLURM_TIMEOUTS, SlurmScheduler } from './slurmScheduler.js';
export type { SlurmCommands, SlurmSchedulerOptions, SlurmTimeouts } from './slurmScheduler.js';
export { SQUEUE_FORMAT, formatSqueue, parseSqueue, squeueArgs } from './squeue.js';
export type { QueueEntry } from './squeue.js';
export { failureCause, parseSlurmDuration, parseSlurmExitCode, slurmStateMeaning } from './states.js';
export type { SlurmExitCode, SlurmStateMeaning, SlurmStatus } from './states.js';
