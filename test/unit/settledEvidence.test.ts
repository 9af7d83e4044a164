// A settled job's evidence is read once and kept while its run_info.json and output keep their size and mtime; a
// folder holding nothing is decided without reading it, exactly as readOutcome would.
import { strict as assert } from 'node:assert';
import { cp, mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NOTHING_WRITTEN, readFolderEvidence } from '../../core/ledger/folderEvidence.js';
import { rebuildLedger } from '../../core/ledger/rebuild.js';
import type { RebuildJob } from '../../core/ledger/rebuild.js';
import { newRunInfo, writeRunInfo } from '../../core/ledger/runInfo.js';
import { SettledEvidence, settledEvidencePath } from '../../core/ledger/settledEvidence.js';
import { PROGRAM_IDS } from '../../core/programs/program.js';
import { readOutcome } from '../../core/programs/outcome.js';

const outputs = new URL('../fixtures/outputs/', import.meta.url).pathname;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

describe('settled evidence', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-settled-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("decides a folder with no output and no slurm-*.out as readOutcome does, for every program", async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    for (const program of PROGRAM_IDS) {
      for (const folder of [empty, join(root, 'missing')]) {
        for (const jobId of [undefined, 42]) {
          const query = jobId === undefined ? {} : { jobId };
          const read = await readOutcome({ program, jobDirectory: folder, basename: 'job', ...query });
          assert.equal(read.status, NOTHING_WRITTEN.status, `${program} in ${folder}`);
          const evidence = await readFolderEvidence({ basename: 'job', directory: folder, program });
          assert.deepEqual(await evidence.outcome(query), NOTHING_WRITTEN);
          assert.equal(evidence.runInfo, undefined);
          assert.equal(evidence.newestSlurmId, undefined);
        }
      }
    }
  });

  it('reads a finished job once, then again only when its output or run_info.json changes', async () => {
    const folder = join(root, 'calcs', 'opt');
    await mkdir(folder, { recursive: true });
    const output = join(folder, 'opt.out');
    await cp(join(outputs, 'xtb/opt-ok/mol.out'), output);
    await writeRunInfo(folder, { ...newRunInfo(folder, 'opt', 'xtb'), status: 'succeeded', jobId: 501, exitCode: 0, slurmState: 'COMPLETED' });
    await writeFile(join(folder, 'slurm-501.out'), '');
    for (const file of [output, join(folder, 'run_info.json')]) await utimes(file, HOUR_AGO, HOUR_AGO);
    const jobs: RebuildJob[] = [{ basename: 'opt', directory: folder, program: 'xtb' }];
    const ledgerPath = join(root, '__ledger__.csv');
    const rebuild = async () => rebuildLedger({ ledgerPath, jobs, settled: await SettledEvidence.load(root, ledgerPath) });

    assert.equal((await rebuild()).ledger.rows[0]!.status, 'succeeded', 'first read: no ledger yet, nothing kept');
    assert.equal((await rebuild()).ledger.rows[0]!.status, 'succeeded', 'second read: the row is final, its evidence is kept');
    const kept = await readFile(settledEvidencePath(root, ledgerPath), 'utf8');
    assert.match(kept, /opt\.out: \* finished run on/);

    // The same size and mtime with other content: the kept evidence stands (nothing is read).
    const failed = await readFile(join(outputs, 'xtb/opt-fail/mol.out'));
    const size = (await stat(output)).size;
    const sameSize = Buffer.alloc(size, 0x20);
    failed.copy(sameSize, 0, 0, Math.min(size, failed.length));
    await writeFile(output, sameSize);
    await utimes(output, HOUR_AGO, HOUR_AGO);
    const fromKept = await rebuild();
    assert.equal(fromKept.ledger.rows[0]!.status, 'succeeded', 'an unchanged stamp is not read again');
    assert.equal(fromKept.runInfos[0]?.jobId, 501, "the kept run_info.json is handed on");

    // A new mtime: read again, and decided by what the output says now.
    await utimes(output, new Date(Date.now() - 1_800_000), new Date(Date.now() - 1_800_000));
    assert.equal((await rebuild()).ledger.rows[0]!.status, 'failed');
  });

  it('keeps nothing of files written a moment ago, nor of jobs not settled', async () => {
    const settled = SettledEvidence.inMemory();
    const entry = {
      program: 'xtb',
      jobId: 7,
      status: 'succeeded' as const,
      runInfoStamp: { size: 10, mtimeMs: Date.now() - 100 },
      outputStamp: { size: 10, mtimeMs: Date.now() - 3_600_000 },
      runInfo: null,
      newestSlurmId: 7,
      query: { jobId: 7 },
      outcome: { status: 'succeeded' as const },
    };
    settled.remember('a|a', entry);
    assert.equal(settled.lookup('a|a', { jobId: 7, status: 'succeeded' }, 'xtb'), undefined, 'a fresh run_info.json');
    settled.remember('a|a', { ...entry, runInfoStamp: null });
    assert.ok(settled.lookup('a|a', { jobId: 7, status: 'succeeded' }, 'xtb'));
    assert.equal(settled.lookup('a|a', { jobId: 8, status: 'succeeded' }, 'xtb'), undefined, 'the ledger row names another attempt');
    assert.equal(settled.lookup('a|a', { jobId: 7, status: 'failed' }, 'xtb'), undefined, 'the ledger row says otherwise');
    assert.equal(settled.lookup('a|a', { jobId: 7, status: 'succeeded' }, 'crest'), undefined, 'another program');
    settled.remember('a|a', { ...entry, runInfoStamp: null, status: 'running' });
    assert.equal(settled.lookup('a|a', { jobId: 7, status: 'running' }, 'xtb'), undefined, 'a running job is never kept');
  });
});
