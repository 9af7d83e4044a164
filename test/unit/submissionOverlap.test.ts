// A pass of submissions writes the next job's script and intent while this job's sbatch runs, and keeps each job's
// crash-safe order: its intent in the batch's journal before its sbatch, its run_info.json after; a pass that stops at
// a refusal leaves no intent for the job it had made ready beside it; the ledger written, only doubt keeps an intent.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import type { BatchModel } from '../../core/batchfile/index.js';
import { LocalScheduler } from '../../core/executors/localScheduler.js';
import { keyOfModelJob } from '../../core/ledger/jobKey.js';
import { newLedgerRow } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { Submissions } from '../../core/runner/submission.js';
import { SubmitJournal } from '../../core/runner/submitJournal.js';
import { systemClock } from '../../core/slurm/clock.js';
import { SchedulerError } from '../../core/slurm/scheduler.js';
import type { Scheduler } from '../../core/slurm/scheduler.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

interface Batch {
  root: string;
  model: BatchModel;
  rows: Map<string, LedgerRow>;
  local: LocalScheduler;
  journal: SubmitJournal;
}

async function batch(names: readonly string[]): Promise<Batch> {
  const root = await mkdtemp(join(tmpdir(), 'batchman-overlap-'));
  dirs.push(root);
  for (const name of names) {
    await mkdir(join(root, name));
    await writeFile(join(root, name, `${name}.sh`), '#!/bin/bash\ntrue\n', { mode: 0o755 });
  }
  const text = ['root_directory=.', 'job_basename|job_directory|program|pipe', ...names.map((name) => `${name}|${name}|shell|`), ''].join('\n');
  const model = buildBatchModel(parseBatchfile(text), join(root, 'batchfile.csv'));
  const rows = new Map(model.jobs.map((job) => [keyOfModelJob(job), newLedgerRow({ basename: job.basename, directory: job.path, program: job.programName })]));
  const journal = SubmitJournal.forLedger(root, join(root, '__ledger__.csv'));
  return { root, model, rows, local: new LocalScheduler({ stateDir: join(root, '.state'), killGraceMs: 1_000 }), journal };
}

/**
 * The intents the journal file holds now, by folder, read line by line as JSON (the last line of a folder wins; a
 * `cleared` line removes it): what a runner started now would find.
 */
async function intentsOnDisk(b: Batch): Promise<Map<string, Record<string, unknown>>> {
  const text = await readFile(b.journal.path, 'utf8').catch(() => '');
  const intents = new Map<string, Record<string, unknown>>();
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry['cleared'] === true) intents.delete(entry['dir'] as string);
    else intents.set(entry['dir'] as string, entry);
  }
  return intents;
}

/** The folder's run_info.json as a plain object; undefined when there is none. */
async function runInfo(folder: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(join(folder, 'run_info.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

function submissions(b: Batch, scheduler: Scheduler, maxActive: number): Submissions {
  return new Submissions({
    model: b.model,
    rows: b.rows,
    scheduler,
    clock: systemClock,
    maxActive,
    prepare: async (job) => ({ scriptPath: join(job.path, `${job.basename}.sh`), extraArgs: [] }),
    afterFailure: async () => undefined,
    knownIds: [0],
    journal: b.journal,
  });
}

/** The embedded executor with a submit in front of it. */
function withSubmit(local: LocalScheduler, submit: Scheduler['submit']): Scheduler {
  return Object.assign(Object.create(local) as Scheduler, { submit });
}

describe('submissions overlapped with sbatch', () => {
  test("each job's intent is on disk before its sbatch, the pass's intents written together; the next job is made ready while this sbatch runs", async () => {
    const names = ['a', 'b', 'c', 'd'];
    const b = await batch(names);
    const seenAtSubmit: { name: string; ownIntent: boolean; nextIntent: boolean }[] = [];
    let intentsAtFirstSubmit = 0;
    const scheduler = withSubmit(b.local, async (script, options) => {
      const name = options.jobName!;
      const onDisk = await intentsOnDisk(b);
      if (name === 'a') intentsAtFirstSubmit = onDisk.size;
      const own = onDisk.get(join(b.root, name));
      // sbatch takes tens of milliseconds: time for the runner to make the next job ready meanwhile
      await new Promise((resolve) => setTimeout(resolve, 150));
      const next = names[names.indexOf(name) + 1];
      const nextIntent = next === undefined ? undefined : (await intentsOnDisk(b)).get(join(b.root, next));
      seenAtSubmit.push({ name, ownIntent: typeof own?.['at'] === 'string', nextIntent: typeof nextIntent?.['at'] === 'string' });
      return b.local.submit(script, options);
    });
    const pass = submissions(b, scheduler, 10);
    const ids = await pass.submitReady(b.model.jobs, new Date().toISOString());
    assert.equal(ids.length, 4);
    assert.deepEqual(seenAtSubmit.map((seen) => seen.name), names, 'submitted in order, one at a time');
    assert.ok(seenAtSubmit.every((seen) => seen.ownIntent), `every intent durable before its sbatch: ${JSON.stringify(seenAtSubmit)}`);
    assert.deepEqual(seenAtSubmit.slice(0, 3).map((seen) => seen.nextIntent), [true, true, true], 'the next job was made ready during the sbatch');
    assert.equal(intentsAtFirstSubmit, 4, 'the four intents (ten slots) were written together, before the first sbatch');
    for (const [i, name] of names.entries()) {
      const info = await runInfo(join(b.root, name));
      assert.equal(info?.['job_id'], Number(ids[i]), `${name}: run_info.json names its job once the pass returns`);
      assert.equal(b.rows.get(keyOfModelJob(b.model.jobs[i]!))?.status, 'pending');
    }
    assert.equal((await intentsOnDisk(b)).size, 4, 'the intents stay until the ledger holds the submissions');
    await pass.ledgerWritten();
    assert.equal((await intentsOnDisk(b)).size, 0, 'the ledger written, no intent is left');
    assert.equal(await readFile(b.journal.path, 'utf8'), '', 'the journal is emptied in place');
  });

  test('the throttle is kept: with one slot left, no second job is made ready', async () => {
    const b = await batch(['a', 'b', 'c']);
    const scheduler = withSubmit(b.local, async (script, options) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return b.local.submit(script, options);
    });
    const ids = await submissions(b, scheduler, 1).submitReady(b.model.jobs, new Date().toISOString());
    assert.equal(ids.length, 1);
    assert.equal(await runInfo(join(b.root, 'b')), undefined, 'b was not touched');
    assert.deepEqual([...(await intentsOnDisk(b)).keys()], [join(b.root, 'a')], 'only a has an intent');
  });

  for (const refusal of ['for-now', 'in-doubt'] as const) {
    test(`a pass stopped by an answer ${refusal}: the job made ready beside it keeps no intent`, async () => {
      const b = await batch(['a', 'b', 'c']);
      let calls = 0;
      const scheduler = withSubmit(b.local, async (script, options) => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (calls === 2) {
          const message = refusal === 'for-now' ? 'Socket timed out on send/recv operation' : 'sbatch timed out after 30000 ms';
          throw new SchedulerError('failed', 'sbatch', message, refusal === 'for-now' ? { kind: 'for-now', reason: 'controller busy', message } : { kind: 'in-doubt', message });
        }
        return b.local.submit(script, options);
      });
      const pass = submissions(b, scheduler, 10);
      const ids = await pass.submitReady(b.model.jobs, new Date().toISOString());
      assert.equal(ids.length, 1, 'a was submitted');
      assert.equal(calls, 2, 'c was never given to sbatch');
      const intents = await intentsOnDisk(b);
      assert.equal(intents.has(join(b.root, 'c')), false, `c keeps no intent: ${JSON.stringify([...intents])}`);
      if (refusal === 'in-doubt') assert.equal(typeof intents.get(join(b.root, 'b'))?.['at'], 'string', 'b in doubt keeps its intent: the queue decides');
      else assert.equal(intents.has(join(b.root, 'b')), false, 'b refused for now: no intent');
      await pass.ledgerWritten();
      const kept = [...(await intentsOnDisk(b)).keys()];
      assert.deepEqual(kept, refusal === 'in-doubt' ? [join(b.root, 'b')] : [], 'the ledger written, only the job in doubt keeps its intent');
    });
  }
});
