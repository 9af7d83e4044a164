// A scripted SLURM for poller unit tests: a table of jobs rendered as real squeue/sacct output.
import { formatSqueue } from '../../../core/slurm/squeue.js';
import type { CommandResult } from '../../../core/slurm/commandRunner.js';
import type { RecordedCall } from './scriptedRunner.js';

export interface FakeJob {
  id: string;
  /** squeue's state while the job is listed. */
  state: string;
  reason?: string;
  elapsed?: string;
  name?: string;
  workDir?: string;
  /** False once the job has left squeue (MinJobAge passed). */
  inQueue?: boolean;
  /** What sacct says; absent = sacct does not know the job. */
  sacct?: { state: string; exitCode?: string; elapsed?: string };
}

/** A fault to inject into the next squeue answers. */
export type SqueueFault = 'exit1' | 'timeout' | 'garbage' | undefined;

export class FakeSlurm {
  readonly jobs = new Map<string, FakeJob>();
  squeueFault: SqueueFault;
  accountingDisabled = false;
  sacctFails = false;

  add(...jobs: FakeJob[]): void {
    for (const job of jobs) this.jobs.set(job.id, { inQueue: true, ...job });
  }

  update(id: string, change: Partial<FakeJob>): void {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`no fake job ${id}`);
    Object.assign(job, change);
  }

  /** The responder for scriptedRunner: squeue and sacct as SLURM would answer. */
  readonly respond = (call: RecordedCall): Partial<CommandResult> => {
    if (call.command === 'squeue') return this.squeue();
    if (call.command === 'sacct') return this.sacct(call.args);
    return { exitCode: 127, error: `fake SLURM has no ${call.command}` };
  };

  private squeue(): Partial<CommandResult> {
    switch (this.squeueFault) {
      case 'exit1':
        return { exitCode: 1, stderr: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n' };
      case 'timeout':
        return { exitCode: -1, timedOut: true };
      case 'garbage':
        return { stdout: '<html>502 Bad Gateway</html>\n' };
      default:
        break;
    }
    const listed = [...this.jobs.values()].filter((job) => job.inQueue !== false);
    return {
      stdout: formatSqueue(
        listed.map((job) => ({
          id: job.id,
          state: job.state,
          reason: job.reason ?? 'None',
          elapsed: job.elapsed ?? '0:00',
          workDir: job.workDir ?? '/work',
          name: job.name ?? `job${job.id}`,
        })),
      ),
    };
  }

  private sacct(args: readonly string[]): Partial<CommandResult> {
    if (this.accountingDisabled) return { exitCode: 1, stderr: 'Slurm accounting storage is disabled\n' };
    if (this.sacctFails) return { exitCode: 1, stderr: 'sacct: error: Problem talking to the database: Connection refused\n' };
    const ids = (args[args.indexOf('-j') + 1] ?? '').split(',');
    let stdout = '';
    for (const id of ids) {
      const record = this.jobs.get(id)?.sacct;
      if (!record) continue;
      stdout += `${id}|${id}|${record.state}|${record.exitCode ?? '0:0'}|${record.elapsed ?? '00:00:01'}|2026-01-01T10:00:00|2026-01-01T10:00:01\n`;
    }
    return { stdout };
  }
}

/** Ids `${prefix}1…` for n jobs. */
export function jobIds(start: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(start + i));
}
