// The settled evidence's file keeps every entry as it was remembered: run_info.json flattened (its folder and name left
// out when they are the key's) comes back field for field, and an entry of another version is a cache lost.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RunInfo } from '../../core/ledger/runInfo.js';
import { SettledEvidence, settledEvidencePath } from '../../core/ledger/settledEvidence.js';
import type { SettledEntry } from '../../core/ledger/settledEvidence.js';

const LONG_AGO = Date.now() - 3_600_000;

function entry(jobId: number, runInfo: RunInfo | null): SettledEntry {
  return {
    program: 'xtb',
    jobId,
    status: 'succeeded',
    runInfoStamp: runInfo ? { size: 300, mtimeMs: LONG_AGO + 0.5 } : null,
    outputStamp: { size: 25_000, mtimeMs: LONG_AGO },
    runInfo,
    newestSlurmId: jobId,
    query: { jobId, exitCode: 0, slurmEndState: 'COMPLETED' },
    outcome: { status: 'succeeded', evidence: 'job.out: * finished run' },
  };
}

describe('settled evidence file', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-settled-format-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads back every entry as remembered: run_info.json whole or partial, its own folder and name or the key\'s', async () => {
    const ledgerPath = join(root, '__ledger__.csv');
    const full: RunInfo = {
      directory: '/calc/mol1/opt',
      jobName: 'opt',
      status: 'succeeded',
      jobId: 11,
      restart: false,
      program: 'xtb',
      submittedAt: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-01-01T00:00:01.000Z',
      endedAt: '2026-01-01T00:01:00.000Z',
      exitCode: 0,
      cause: 'a "quoted" | cause',
      restarts: 2,
      slurmState: 'COMPLETED',
      extra: { ruleset: { a: [1, 2] }, note: null },
    };
    const entries: [string, SettledEntry][] = [
      ['/calc/mol1/opt|opt', entry(11, full)],
      // Moved folder, renamed job: run_info.json says otherwise than the key, and must keep saying it.
      ['/calc/mol2/opt|opt2', entry(12, { directory: '/elsewhere/mol2/opt', jobName: 'opt', status: 'failed', jobId: 12, restart: true })],
      ['/calc/mol3/opt|x|y', entry(13, { directory: '', jobName: 'x|y', status: 'succeeded', jobId: -1, restart: false, exitCode: 1 })],
      ['/calc/mol4/opt|opt', entry(14, null)],
    ];
    const written = await SettledEvidence.load(root, ledgerPath);
    for (const [key, kept] of entries) written.remember(key, kept);
    await written.save();

    const read = await SettledEvidence.load(root, ledgerPath);
    for (const [key, kept] of entries) {
      assert.deepStrictEqual(read.lookup(key, { jobId: kept.jobId, status: kept.status }, 'xtb'), kept, key);
    }
    // The folder and name the key already says are not written again.
    const text = await readFile(settledEvidencePath(root, ledgerPath), 'utf8');
    assert.equal(text.split('/calc/mol1/opt').length - 1, 1, 'the folder once, in the key');
    assert.match(text, /\/elsewhere\/mol2\/opt/);
  });

  it('starts empty from a file of another version or with a malformed entry', async () => {
    const ledgerPath = join(root, '__ledger__.csv');
    const path = settledEvidencePath(root, ledgerPath);
    await mkdir(dirname(path), { recursive: true });
    const v3 = ['/a|a', 'xtb', 1, 'succeeded', 1, 1, 1, 1, { directory: '/a', jobName: 'a', status: 'succeeded', jobId: 1, restart: false }, 1, 1, 0, null, 'succeeded', null, null];
    await writeFile(path, JSON.stringify({ version: 3, jobs: [v3] }));
    assert.equal((await SettledEvidence.load(root, ledgerPath)).lookup('/a|a', { jobId: 1, status: 'succeeded' }, 'xtb'), undefined, 'version 3');
    const good = ['/a|a', 'xtb', 1, 'succeeded', 1, 1, 1, 1, 1, 1, 0, null, 'succeeded', null, null];
    const badRunInfo = [...good, null, null, 'succeeded', '1', false, null, null, null, null, null, null, null, null, null];
    await writeFile(path, JSON.stringify({ version: 4, jobs: [badRunInfo, [...good.slice(0, 14)]] }));
    const loaded = await SettledEvidence.load(root, ledgerPath);
    assert.equal(loaded.lookup('/a|a', { jobId: 1, status: 'succeeded' }, 'xtb'), undefined, 'a job id that is not a number, a short entry');
    await writeFile(path, JSON.stringify({ version: 4, jobs: [good] }));
    assert.ok((await SettledEvidence.load(root, ledgerPath)).lookup('/a|a', { jobId: 1, status: 'succeeded' }, 'xtb'), 'a well-formed entry without run_info.json');
  });
});
