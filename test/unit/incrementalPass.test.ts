// The runner's pass in proportion to what changed equals a pass over the whole batch: on random batches (random DAGs of
// pipes, 20 to 300 jobs) and random change sequences (jobs submitted, starting, ending well, failing, cancelled,
// vanishing, refused at submission, restarted), the rows the runner keeps (BatchRows: readiness and counts from the rows
// handed out, the dependency walk from the changed jobs, the ledger from kept lines) are checked after every step
// against a twin batch run with full passes and against a recomputation from scratch, down to the ledger file's bytes.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import type { BatchModel, ResolvedJob } from '../../core/batchfile/index.js';
import { keyOfModelJob } from '../../core/ledger/jobKey.js';
import { NO_JOB_ID, serializeLedger } from '../../core/ledger/ledger.js';
import type { Ledger, LedgerRow } from '../../core/ledger/ledger.js';
import { LedgerWriter } from '../../core/ledger/ledgerWriter.js';
import { BatchRows, readyJobs } from '../../core/runner/readiness.js';
import { cancelJobs } from '../../core/runner/runner.js';
import { runnableJobs } from '../../core/truth/batchJobs.js';
import { applyObservations } from '../../core/truth/observations.js';
import type { Observation } from '../../core/truth/observations.js';
import { summarise } from '../../core/truth/summary.js';
import { recordTransition } from '../../core/truth/transition.js';
import { VANISHED_CAUSE } from '../../core/truth/vanished.js';

const scratch = mkdtempSync(join(tmpdir(), 'batchman-incremental-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** mulberry32: the same seed gives the same batches and changes, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random DAG: each job takes coords and/or orbitals from up to two earlier jobs; some share a basename in two folders. */
function randomBatch(random: () => number, dir: string): BatchModel {
  const n = 20 + Math.floor(random() * 281);
  const lines: string[] = [];
  const folders: string[] = [];
  for (let i = 0; i < n; i++) {
    // molecule folders reuse step names: `m3/opt` and `m7/opt` are two jobs named opt
    const name = random() < 0.2 ? 'opt' : `j${i}`;
    const folder = name === 'opt' ? `m${i}/opt` : `j${i}`;
    folders.push(folder);
    mkdirSync(join(dir, folder), { recursive: true });
    const pipes: string[] = [];
    const upstreams = i === 0 ? 0 : Math.floor(random() * 3);
    for (let p = 0; p < upstreams; p++) {
      const from = Math.floor(random() * i);
      const relative = `${'../'.repeat(folder.split('/').length)}${folders[from]}`;
      pipes.push(p === 0 ? `coords{${relative},x.xyz}` : `orbitals{${relative},x.gbw}`);
    }
    lines.push(`${name}|${folder}|shell|${pipes.join(';')}`);
  }
  const text = `root_directory=${dir}\njob_basename|job_directory|program|pipe\n${lines.join('\n')}\n`;
  return buildBatchModel(parseBatchfile(text), join(dir, 'batchfile.csv'));
}

function freshRow(job: ResolvedJob): LedgerRow {
  return { jobId: NO_JOB_ID, basename: job.basename, directory: job.path, status: 'not_started', program: job.programName };
}

/** One batch's state: its ledger and its rows by key, either kept incrementally (BatchRows) or plain (full passes). */
interface Twin {
  ledger: Ledger;
  rows: Map<string, LedgerRow>;
}

const ACTIVE = new Set(['pending', 'running']);

describe('the incremental pass equals a full pass', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    test(`seed ${seed}: random batch, random change sequence`, async () => {
      const random = prng(seed);
      const dir = join(scratch, `seed${seed}`);
      const model = randomBatch(random, dir);
      const jobs = runnableJobs(model);
      const keys = jobs.map(keyOfModelJob);
      const make = (): Twin => {
        const rows = jobs.map(freshRow);
        return { ledger: { rows, extraColumns: [] }, rows: new Map(rows.map((row, i) => [keys[i]!, row])) };
      };
      const full = make();
      const fast = make();
      const rows = new BatchRows(model, fast.rows);
      fast.rows = rows;
      const unwalked = rows.changes();
      const unwritten = rows.changes();
      rows.startTracking();
      const ledgerPath = join(dir, '__ledger__.csv');
      const writer = new LedgerWriter(ledgerPath, fast.ledger);
      let nextId = 100;
      let clock = Date.parse('2026-03-01T00:00:00.000Z');
      const seen = new Set<string>();

      for (let step = 0; step < 40; step++) {
        const at = new Date((clock += 61_000)).toISOString();
        // Both twins get the same changes, chosen from the full twin's rows.
        const ready = readyJobs(model, jobs, full.rows);
        assert.deepEqual(readyJobs(model, jobs, fast.rows).map(keyOfModelJob), ready.map(keyOfModelJob), `step ${step}: ready jobs`);

        // Submissions: some ready jobs accepted, a few refused for good (they break their downstream next pass).
        for (const job of ready) {
          if (random() > 0.4) continue;
          const key = keyOfModelJob(job);
          const refused = random() < 0.08;
          const id = nextId++;
          for (const twin of [full, fast]) {
            const row = twin.rows.get(key)!;
            if (refused) {
              recordTransition(row, { status: 'failed', cause: 'submission refused: invalid account' }, undefined, at);
            } else {
              row.jobId = id;
              row.submittedAt = at;
              for (const field of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState'] as const) delete row[field];
              row.status = 'pending';
            }
          }
        }
        // A user's cancel of a few jobs now and then.
        if (random() < 0.15) {
          const only = new Set(keys.filter(() => random() < 0.05));
          for (const twin of [full, fast]) await cancelJobs(twin.rows, { cancel: async () => undefined }, at, only);
        }
        // A failed job restarted (the -r hook resets its row in place).
        for (const key of keys) {
          if (full.rows.get(key)!.status !== 'failed' || random() > 0.1) continue;
          for (const twin of [full, fast]) {
            const row = twin.rows.get(key)!;
            for (const field of ['startedAt', 'endedAt', 'exitCode', 'cause', 'slurmState', 'submittedAt'] as const) delete row[field];
            row.jobId = NO_JOB_ID;
            row.status = 'not_started';
            row.restarts = (row.restarts ?? 0) + 1;
          }
        }

        // The poller's news of submitted jobs: starting, ending well, failing, cancelled, vanishing, or nothing new.
        const observations: Observation[] = [];
        for (const key of keys) {
          const row = full.rows.get(key)!;
          if (!ACTIVE.has(row.status) || random() < 0.4) continue;
          const jobId = String(row.jobId);
          const roll = random();
          if (roll < 0.3) observations.push({ key, jobId, state: 'RUNNING' });
          else if (roll < 0.6) observations.push({ key, jobId, state: 'COMPLETED', exitCode: 0, elapsedSeconds: 30 });
          else if (roll < 0.75) observations.push({ key, jobId, state: 'FAILED', exitCode: 1, elapsedSeconds: 12 });
          else if (roll < 0.85) observations.push({ key, jobId, state: 'CANCELLED by 0', exitCode: 0, elapsedSeconds: 0 });
          else if (roll < 0.93) observations.push({ key, jobId, lostCause: VANISHED_CAUSE });
          else observations.push({ key, jobId: String(row.jobId + 1_000_000), state: 'COMPLETED', exitCode: 0 }); // another attempt's news
        }
        await applyObservations({ model, rows: full.rows, observations: observations.map((o) => ({ ...o })), at });
        await applyObservations({ model, rows: fast.rows, observations: observations.map((o) => ({ ...o })), at, changed: [...unwalked], onEnded: async () => undefined });
        unwalked.clear();

        // Every row, the readiness, the counts and the ledger's bytes agree with the full pass and with a recount.
        for (const row of full.ledger.rows) seen.add(row.status);
        assert.deepEqual(fast.ledger.rows, full.ledger.rows, `step ${step}: rows`);
        const scratchRows = new Map([...fast.rows].map(([key, row]) => [key, row]));
        assert.deepEqual(
          readyJobs(model, jobs, fast.rows).map(keyOfModelJob),
          readyJobs(model, jobs, scratchRows).map(keyOfModelJob),
          `step ${step}: readiness kept = readiness recomputed`,
        );
        assert.deepEqual(rows.summary(), summarise(full.ledger.rows.map((row) => row.status)), `step ${step}: counts`);
        assert.equal(rows.active, full.ledger.rows.filter((row) => ACTIVE.has(row.status)).length, `step ${step}: active jobs`);
        assert.equal(rows.allFinal, summarise(full.ledger.rows.map((row) => row.status)).total === full.ledger.rows.filter((row) => ['succeeded', 'failed', 'broken_dependency', 'cancelled'].includes(row.status)).length);
        writer.update([...unwritten].map((key) => rows.peek(key)!));
        unwritten.clear();
        await writer.write();
        assert.equal(readFileSync(ledgerPath, 'utf8'), serializeLedger(full.ledger), `step ${step}: the ledger file's bytes`);
      }
      // The sequence reached the cases it is meant to compare.
      for (const status of ['succeeded', 'failed', 'cancelled', 'broken_dependency', 'running'] as const) assert.ok(seen.has(status), `seed ${seed} never produced a ${status} job`);
    });
  }

  test('a ledger changed on disk by someone else is written again, and an unchanged pass writes nothing', async () => {
    const dir = join(scratch, 'external');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, '__ledger__.csv');
    const row: LedgerRow = { jobId: 7, basename: 'a', directory: join(dir, 'a'), status: 'running', program: 'shell' };
    const ledger: Ledger = { rows: [row], extraColumns: ['note'] };
    const writer = new LedgerWriter(path, ledger);
    assert.equal(await writer.write(), true);
    assert.equal(await writer.write(), false, 'nothing changed: no write');
    row.status = 'succeeded';
    row.extra = { note: 'a | "quoted" note' };
    writer.update([row]);
    assert.equal(await writer.write(), true);
    assert.equal(readFileSync(path, 'utf8'), serializeLedger(ledger));
    writeFileSync(path, 'someone else\n');
    assert.equal(await writer.write(), true, 'the file changed under the writer: written again');
    assert.equal(readFileSync(path, 'utf8'), serializeLedger(ledger));
  });
});
