// The SLURM scheduler adapter: sbatch, ONE squeue for all jobs, ONE batched sacct, ONE scancel.
import { describeFailure, execaRunner } from './commandRunner.js';
import type { CommandResult, CommandRunner } from './commandRunner.js';
import { SacctParseError, isAccountingDisabled, parseSacct, sacctArgs } from './sacct.js';
import type { AccountingRecord } from './sacct.js';
import { classifySbatchRefusal } from './sbatchAnswers.js';
import { SchedulerError } from './scheduler.js';
import type { AccountingResult, QueueSnapshot, Scheduler, SubmitOptions, SubmitResult } from './scheduler.js';
import { SqueueParseError, parseSqueue, squeueArgs } from './squeue.js';

export interface SlurmCommands {
  sbatch: string;
  squeue: string;
  sacct: string;
  scancel: string;
}

export interface SlurmTimeouts {
  submit: number;
  queue: number;
  accounting: number;
  cancel: number;
}

export interface SlurmSchedulerOptions {
  runner?: CommandRunner;
  /** Paths or names of the commands (a site may wrap them). */
  commands?: Partial<SlurmCommands>;
  /** Milliseconds per call. */
  timeouts?: Partial<SlurmTimeouts>;
  /** Extra environment for every call. */
  env?: Readonly<Record<string, string>>;
  now?: () => number;
}

export const DEFAULT_SLURM_COMMANDS: Readonly<SlurmCommands> = {
  sbatch: 'sbatch',
  squeue: 'squeue',
  sacct: 'sacct',
  scancel: 'scancel',
};

export const DEFAULT_SLURM_TIMEOUTS: Readonly<SlurmTimeouts> = {
  submit: 30_000,
  queue: 10_000,
  accounting: 20_000,
  cancel: 30_000,
};

export class SlurmScheduler implements Scheduler {
  readonly kind = 'slurm' as const;
  readonly commands: Readonly<SlurmCommands>;
  readonly timeouts: Readonly<SlurmTimeouts>;
  private readonly runner: CommandRunner;
  private readonly env: Readonly<Record<string, string>> | undefined;
  private readonly now: () => number;
  private accountingState: boolean | undefined;

  constructor(options: SlurmSchedulerOptions = {}) {
    this.runner = options.runner ?? execaRunner;
    this.commands = { ...DEFAULT_SLURM_COMMANDS, ...options.commands };
    this.timeouts = { ...DEFAULT_SLURM_TIMEOUTS, ...options.timeouts };
    this.env = options.env;
    this.now = options.now ?? Date.now;
  }

  /** Whether sacct works here: undefined until the first accounting() call has found out. */
  get accountingAvailable(): boolean | undefined {
    return this.accountingState;
  }

  /**
   * Throws SchedulerError with its `refusal` classified: a non-zero exit by SLURM's message (sbatchAnswers.ts); a
   * timeout, a kill or an answer without a job id is in doubt (the controller may have queued the job); a command
   * that cannot start has no refusal (nothing was submitted, and waiting will not make sbatch appear).
   */
  async submit(scriptPath: string, options: SubmitOptions): Promise<SubmitResult> {
    const args = ['--parsable', `--chdir=${options.cwd}`];
    if (options.jobName !== undefined) args.push(`--job-name=${options.jobName}`);
    args.push(...(options.extraArgs ?? []), scriptPath);
    const timeoutMs = this.timeouts.submit;
    const result = await this.runner(this.commands.sbatch, args, this.options(timeoutMs, options.cwd));
    const failure = describeFailure('sbatch', result, timeoutMs);
    if (result.timedOut) throw new SchedulerError('timeout', 'sbatch', failure, { kind: 'in-doubt', message: failure });
    if (result.error !== undefined) {
      if (result.error.startsWith('killed by')) throw new SchedulerError('failed', 'sbatch', failure, { kind: 'in-doubt', message: failure });
      throw new SchedulerError('unavailable', 'sbatch', failure);
    }
    if (result.exitCode !== 0) throw new SchedulerError('failed', 'sbatch', failure, classifySbatchRefusal(result.stderr || result.stdout));
    const line = result.stdout.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
    const match = /^(\d+)(?:;(\S+))?$/.exec(line);
    if (!match?.[1]) {
      const message = `sbatch --parsable printed no job id: ${JSON.stringify(result.stdout.slice(0, 200))}`;
      throw new SchedulerError('garbled', 'sbatch', message, { kind: 'in-doubt', message });
    }
    return match[2] !== undefined ? { jobId: match[1], cluster: match[2] } : { jobId: match[1] };
  }

  async queue(): Promise<QueueSnapshot> {
    const result = await this.run('squeue', squeueArgs(), this.timeouts.queue);
    try {
      return { entries: parseSqueue(result.stdout), at: this.now() };
    } catch (error) {
      if (error instanceof SqueueParseError) throw new SchedulerError('garbled', 'squeue', error.message);
      throw error;
    }
  }

  async accounting(ids: readonly string[]): Promise<AccountingResult> {
    const records = new Map<string, AccountingRecord>();
    if (this.accountingState === false) return { available: false, records };
    if (ids.length === 0) return { available: this.accountingState ?? true, records };
    const file = this.commands.sacct;
    const result = await this.runner(file, sacctArgs(ids), this.options(this.timeouts.accounting));
    // Asking is how we find out: without slurmdbd sacct says so and exits 1. Remembered for good.
    if (!result.timedOut && result.exitCode !== 0 && isAccountingDisabled(result.stderr, result.stdout)) {
      this.accountingState = false;
      return { available: false, records };
    }
    this.check('sacct', result, this.timeouts.accounting);
    let parsed: AccountingRecord[];
    try {
      parsed = parseSacct(result.stdout);
    } catch (error) {
      if (error instanceof SacctParseError) throw new SchedulerError('garbled', 'sacct', error.message);
      throw error;
    }
    this.accountingState = true;
    const asked = new Set(ids);
    for (const record of parsed) {
      if (asked.has(record.jobId)) records.set(record.jobId, record);
      else if (asked.has(record.rawJobId)) records.set(record.rawJobId, record);
    }
    return { available: true, records };
  }

  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.run('scancel', [...ids], this.timeouts.cancel);
  }

  private async run(command: keyof SlurmCommands, args: string[], timeoutMs: number, cwd?: string): Promise<CommandResult> {
    const result = await this.runner(this.commands[command], args, this.options(timeoutMs, cwd));
    this.check(command, result, timeoutMs);
    return result;
  }

  private check(command: keyof SlurmCommands, result: CommandResult, timeoutMs: number): void {
    if (result.timedOut) throw new SchedulerError('timeout', command, describeFailure(command, result, timeoutMs));
    if (result.error !== undefined) {
      // killed by a signal is a failed call; not starting at all means the command is unavailable
      const kind = result.error.startsWith('killed by') ? 'failed' : 'unavailable';
      throw new SchedulerError(kind, command, describeFailure(command, result));
    }
    if (result.exitCode !== 0) throw new SchedulerError('failed', command, describeFailure(command, result));
  }

  private options(timeoutMs: number, cwd?: string): { timeoutMs: number; cwd?: string; env?: Readonly<Record<string, string>> } {
    return {
      timeoutMs,
      ...(cwd !== undefined ? { cwd } : {}),
      ...(this.env !== undefined ? { env: this.env } : {}),
    };
  }
}
