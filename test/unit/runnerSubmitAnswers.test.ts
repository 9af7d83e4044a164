// The runner's loop against a scheduler that answers like a cluster pushing back (the embedded executor underneath
// runs the jobs for real): a submit limit lowers the throttle and nothing fails, an answer in doubt is adopted, a
// scheduler that cannot be run at all ends the runner with one line after its retries.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import type { BatchModel } from '../../core/batchfile/index.js';
import { LocalScheduler } from '../../core/executors/localScheduler.js';
import { RunnerGaveUpError, runBatch } from '../../core/runner/runner.js';
import type { RunnerOptions } from '../../core/runner/runner.js';
import type { BatchWaiting } from '../../core/runner/waiting.js';
import { SchedulerError } from '../../core/slurm/scheduler.js';
import type { Scheduler } from '../../core/slurm/scheduler.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

interface Batch {
  root: string;
  model: BatchModel;
  local: LocalScheduler;
  /** How many times each job ran (its script appends its name to a marker file). */
  runs(): Promise<Record<string, number>>;
}

async function batch(names: readonly string[], body = 'sleep 0.3'): Promise<Batch> {
  const root = await mkdtemp(join(tmpdir(), 'batchman-answers-'));
  dirs.push(root);
  const marker = join(root, 'marker');
  for (const name of names) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, `${name}.sh`), `#!/bin/bash\necho ${name} >> '${marker}'\n${body}\n`, { mode: 0o755 });
  }
  const text = ['root_directory=.', 'job_basename|job_directory|program|pipe', ...names.map((name) => `${name}|${name}|shell|`), ''].join('\n');
  const batchfile = join(root, 'batchfile.csv');
  await writeFile(batchfile, text);
  const local = new LocalScheduler({ stateDir: join(root, '.state'), killGraceMs: 1_000 });
  return {
    root,
    model: buildBatchModel(parseBatchfile(text), batchfile),
    local,
    runs: async () => {
      const lines = (await readFile(marker, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
      return Object.fromEntries(names.map((name) => [name, lines.filter((line) => line === name).length]));
    },
  };
}

function options(b: Batch, scheduler: Scheduler, more: Partial<RunnerOptions> = {}): RunnerOptions {
  return {
    batchId: 'answers',
    model: b.model,
    ledgerPath: join(b.root, '__ledger__.csv'),
    scheduler,
    maxActive: 10,
    pollFloorMs: 200,
    heartbeatMs: 1_000,
    submitBackoff: { firstMs: 50, ceilingMs: 400 },
    inDoubtGraceMs: 300,
    hooks: { prepare: async (job) => ({ scriptPath: join(job.path, `${job.basename}.sh`), extraArgs: [] }) },
    ...more,
  };
}

/** The embedded executor with a submit in front of it. */
function withSubmit(local: LocalScheduler, submit: Scheduler['submit']): Scheduler {
  return Object.assign(Object.create(local) as Scheduler, { submit });
}

describe('the runner and sbatch answers', () => {
  test('a submit limit of 2: the job stays ready, the throttle comes down to 2, the wait is published and said once; every job runs once', async () => {
    const b = await batch(['j1', 'j2', 'j3', 'j4', 'j5']);
    let active = 0;
    let mostActive = 0;
    const finished = new Set<string>();
    const scheduler = withSubmit(b.local, async (script, submitOptions) => {
      // the cluster's view: jobs of the user queued or running
      const queue = await b.local.queue();
      active = queue.entries.filter((entry) => !/COMPLETED|FAILED|CANCELLED/.test(entry.state) && !finished.has(entry.id)).length;
      if (active >= 2) {
        const message = "QOSMaxSubmitJobPerUserLimit; Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)";
        throw new SchedulerError('failed', 'sbatch', message, { kind: 'for-now', reason: 'submit limit', message });
      }
      mostActive = Math.max(mostActive, active + 1);
      return b.local.submit(script, submitOptions);
    });
    const log: string[] = [];
    const waits: (BatchWaiting | null)[] = [];
    const result = await runBatch(
      options(b, scheduler, {
        maxActive: 5,
        onLog: (line) => log.push(line),
        hooks: { ...options(b, scheduler).hooks, onWaiting: async (waiting) => void waits.push(waiting) },
      }),
    );
    assert.equal(result.summary.succeeded, 5, JSON.stringify(result.summary));
    assert.deepEqual(await b.runs(), { j1: 1, j2: 1, j3: 1, j4: 1, j5: 1 });
    assert.ok(mostActive <= 2, `never more than the limit at once: ${mostActive}`);
    assert.equal(log.filter((line) => /at most 2 from now on/.test(line)).length, 1, log.join('\n'));
    assert.equal(waits[0]?.reason, 'submit limit');
    assert.equal(waits[0]?.limit, 2);
    assert.equal(waits.at(-1), null, 'the wait ends when nothing is held back');
  });

  test('an answer in doubt whose job was created is adopted from the queue: not submitted twice', async () => {
    const b = await batch(['d1', 'd2']);
    let calls = 0;
    const scheduler = withSubmit(b.local, async (script, submitOptions) => {
      calls++;
      const submitted = await b.local.submit(script, submitOptions);
      if (calls === 1) throw new SchedulerError('timeout', 'sbatch', 'sbatch timed out after 30000 ms', { kind: 'in-doubt', message: 'sbatch timed out after 30000 ms' });
      return submitted;
    });
    const log: string[] = [];
    const result = await runBatch(options(b, scheduler, { onLog: (line) => log.push(line) }));
    assert.equal(result.summary.succeeded, 2, log.join('\n'));
    assert.equal(calls, 2, 'one submission per job');
    assert.deepEqual(await b.runs(), { d1: 1, d2: 1 });
    assert.ok(log.some((line) => /d1: the submission in doubt had created job \d+; adopted/.test(line)), log.join('\n'));
  });

  test('an answer in doubt that created nothing: submitted again once the queue shows no such job', async () => {
    const b = await batch(['e1']);
    let calls = 0;
    const scheduler = withSubmit(b.local, async (script, submitOptions) => {
      if (++calls === 1) throw new SchedulerError('garbled', 'sbatch', 'sbatch --parsable printed no job id: ""', { kind: 'in-doubt', message: 'no id' });
      return b.local.submit(script, submitOptions);
    });
    const log: string[] = [];
    const result = await runBatch(options(b, scheduler, { onLog: (line) => log.push(line) }));
    assert.equal(result.summary.succeeded, 1);
    assert.equal(calls, 2);
    assert.deepEqual(await b.runs(), { e1: 1 });
    assert.ok(log.some((line) => /e1: the submission in doubt created no job; submitting it again/.test(line)), log.join('\n'));
  });

  test('a batch cancelled while a submission is in doubt: the job that was created after all is cancelled too', async () => {
    const b = await batch(['k1'], 'sleep 60');
    const scheduler = withSubmit(b.local, async (script, submitOptions) => {
      await b.local.submit(script, submitOptions);
      throw new SchedulerError('timeout', 'sbatch', 'sbatch timed out after 30000 ms', { kind: 'in-doubt', message: 'sbatch timed out after 30000 ms' });
    });
    let passes = 0;
    const result = await runBatch(
      options(b, scheduler, {
        inDoubtGraceMs: 1_500,
        hooks: { ...options(b, scheduler).hooks, takeCancelRequest: async () => (++passes === 2 ? { all: true, jobs: new Set<string>() } : undefined) },
      }),
    );
    assert.equal(result.cancelled, true);
    assert.equal(result.summary.cancelled, 1);
    assert.equal((await b.local.queue()).entries.length, 1, 'the job was created');
    // the executor's cancel is SIGTERM then the end record: COMPLETING for a moment
    let state = '';
    for (let tries = 0; tries < 50 && !/CANCELLED/.test(state); tries++) {
      state = (await b.local.queue()).entries[0]?.state ?? '';
      if (!/CANCELLED/.test(state)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.match(state, /CANCELLED/, 'and cancelled when the doubt was settled');
  });

  test('a refusal for good fails that job with the scheduler\'s words; the others run', async () => {
    const b = await batch(['g1', 'g2']);
    const scheduler = withSubmit(b.local, async (script, submitOptions) => {
      if (submitOptions.jobName === 'g1') {
        const message = 'Batch job submission failed: Invalid partition name specified';
        throw new SchedulerError('failed', 'sbatch', `sbatch exited with 1: sbatch: error: ${message}`, { kind: 'for-good', message });
      }
      return b.local.submit(script, submitOptions);
    });
    const result = await runBatch(options(b, scheduler));
    assert.equal(result.summary.failed, 1);
    assert.equal(result.summary.succeeded, 1);
    assert.deepEqual(await b.runs(), { g1: 0, g2: 1 });
  });

  test('a scheduler that cannot even be run: each pass is retried with back-off, then the runner gives up in one line', async () => {
    const b = await batch(['u1']);
    const scheduler = withSubmit(b.local, async () => {
      throw new SchedulerError('unavailable', 'sbatch', 'sbatch could not run: ENOENT');
    });
    const log: string[] = [];
    await assert.rejects(
      runBatch(options(b, scheduler, { onLog: (line) => log.push(line), maxFailedPasses: 3, passBackoff: { firstMs: 20, ceilingMs: 40 } })),
      (error: unknown) => {
        assert.ok(error instanceof RunnerGaveUpError);
        assert.equal(error.message, '3 passes in a row failed, the last with: sbatch could not run: ENOENT');
        return true;
      },
    );
    assert.equal(log.filter((line) => /^a pass failed \(sbatch could not run: ENOENT\); retrying in \d+ s$/.test(line)).length, 2, log.join('\n'));
    assert.deepEqual(await b.runs(), { u1: 0 });
  });
});
