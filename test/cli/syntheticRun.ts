// A batch run as the runner reports it, without a runner: the RunnerUpdate of every pass of an N-job batch
// whose jobs are submitted, start and end a few at a time, with idle passes between (heartbeats, polls).
import { newLedgerRow } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import type { RunnerUpdate } from '../../core/runner/runner.js';
import { summarise } from '../../core/truth/summary.js';

export interface SyntheticRunOptions {
  readonly jobs: number;
  /** Pending plus running jobs at most, like `-j`. */
  readonly maxActive: number;
  /** Running jobs that end in each busy pass, and pending ones that start. */
  readonly perPass: number;
  /** Every n-th job that ends fails with `exit code 3`. */
  readonly failEvery: number;
  /** After every n-th busy pass comes one where nothing changed. */
  readonly idleEvery: number;
}

export const TEN_THOUSAND_JOBS: SyntheticRunOptions = { jobs: 10_000, maxActive: 200, perPass: 25, failEvery: 10, idleEvery: 2 };

/** Each update carries copies of the rows, so a consumer may keep them (the real runner's rows live on). */
export function* syntheticRun(options: SyntheticRunOptions): Generator<RunnerUpdate> {
  const rows: LedgerRow[] = Array.from({ length: options.jobs }, (_, i) =>
    newLedgerRow({ basename: `job${String(i).padStart(5, '0')}`, directory: `/scratch/me/calcs/mol${i}/opt`, program: 'xtb' }),
  );
  const snapshot = (): RunnerUpdate => ({ rows: rows.map((row) => ({ ...row })), summary: summarise(rows.map((row) => row.status)) });
  const running: LedgerRow[] = [];
  const pending: LedgerRow[] = [];
  let next = 0;
  let ended = 0;
  let pass = 0;
  for (;;) {
    for (const row of running.splice(0, options.perPass)) {
      ended++;
      if (ended % options.failEvery === 0) Object.assign(row, { status: 'failed', exitCode: 3, cause: 'exit code 3', slurmState: 'FAILED' });
      else Object.assign(row, { status: 'succeeded', exitCode: 0, slurmState: 'COMPLETED' });
    }
    for (const row of pending.splice(0, options.perPass)) {
      Object.assign(row, { status: 'running', slurmState: 'RUNNING' });
      running.push(row);
    }
    while (next < rows.length && running.length + pending.length < options.maxActive) {
      const row = rows[next]!;
      Object.assign(row, { status: 'pending', jobId: 100_000 + next, slurmState: 'PENDING' });
      pending.push(row);
      next++;
    }
    yield snapshot();
    if (ended === rows.length) return;
    if (++pass % options.idleEvery === 0) yield snapshot();
  }
}
