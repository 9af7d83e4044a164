// The runner and a job that vanished: submitted, then in no queue and no accounting record, its output without an end
// marker. The poller reports it unknown once and then says nothing more; the runner still ends, the job failed as
// `vanished` after its grace — as `status` calls it — and the jobs behind it broken.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { readLedger } from '../../core/ledger/ledger.js';
import { runBatch } from '../../core/runner/runner.js';
import type { AccountingResult, QueueSnapshot, Scheduler, SubmitResult } from '../../core/slurm/scheduler.js';
import { VANISHED_CAUSE } from '../../core/truth/vanished.js';

const scratch = await mkdtemp(join(tmpdir(), 'batchman-vanished-'));
after(() => rm(scratch, { recursive: true, force: true }));

/** Takes every submission, then forgets the job: squeue never lists it, sacct has no record of it. */
class ForgetfulScheduler implements Scheduler {
  readonly kind = 'slurm' as const;
  private next = 100;
  async submit(): Promise<SubmitResult> {
    return { jobId: String(this.next++) };
  }
  async queue(): Promise<QueueSnapshot> {
    return { entries: [], at: Date.now() };
  }
  async accounting(): Promise<AccountingResult> {
    return { available: true, records: new Map() };
  }
  async cancel(): Promise<void> {}
}

test('a job that vanished is failed as vanished after the grace, and the run ends', { timeout: 20_000 }, async () => {
  const text = ['root_directory=.', 'job_basename|job_directory|program|pipe', 'opt|mol1/opt|shell|', 'freq|mol1/freq|shell|coords{../opt,opt.xyz}', ''].join('\n');
  for (const folder of ['mol1/opt', 'mol1/freq']) await mkdir(join(scratch, folder), { recursive: true });
  await writeFile(join(scratch, 'batchfile.csv'), text);
  const model = buildBatchModel(parseBatchfile(text), join(scratch, 'batchfile.csv'));
  const ledgerPath = join(scratch, '__ledger__.csv');

  const started = Date.now();
  const result = await runBatch({
    batchId: 'vanished',
    model,
    ledgerPath,
    scheduler: new ForgetfulScheduler(),
    maxActive: 4,
    hooks: { prepare: async (job) => ({ scriptPath: join(job.path, `${job.basename}.sh`), extraArgs: [] }) },
    pollFloorMs: 20,
    heartbeatMs: 50,
    lostAfterMs: 300,
  });

  assert.ok(Date.now() - started >= 300, 'not before the grace');
  assert.deepEqual([result.summary.failed, result.summary.broken_dependency], [1, 1]);
  const rows = (await readLedger(ledgerPath)).rows;
  assert.deepEqual(
    rows.map((row) => [row.basename, row.status, row.cause]),
    [
      ['opt', 'failed', VANISHED_CAUSE],
      ['freq', 'broken_dependency', 'upstream opt failed'],
    ],
  );
});
