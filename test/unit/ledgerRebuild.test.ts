// Rebuilding a corrupt or lost ledger from the job folders: ids and statuses recovered, the bad file kept aside.
import { strict as assert } from 'node:assert';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { findRow, readLedger, serializeLedger } from '../../core/ledger/ledger.js';
import { rebuildLedger } from '../../core/ledger/rebuild.js';
import type { RebuildJob } from '../../core/ledger/rebuild.js';
import { newRunInfo, writeRunInfo } from '../../core/ledger/runInfo.js';
import { CAUSES } from '../../core/programs/markers.js';

const outputs = new URL('../fixtures/outputs/', import.meta.url).pathname;

describe('rebuildLedger', () => {
  let root: string;
  let jobs: RebuildJob[];
  const ledgerPath = (): string => join(root, '__ledger__.csv');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-rebuild-'));
    const job = async (basename: string, program: string, extra: Partial<RebuildJob> = {}): Promise<string> => {
      const directory = join(root, 'calcs', basename);
      await mkdir(directory, { recursive: true });
      jobs.push({ basename, directory, program, ...extra });
      return directory;
    };
    jobs = [];
    // Succeeded: output, run_info and slurm file agree.
    const opt = await job('opt', 'xtb');
    await cp(join(outputs, 'xtb/opt-ok/mol.out'), join(opt, 'opt.out'));
    await writeRunInfo(opt, { ...newRunInfo(opt, 'opt', 'xtb'), status: 'running', jobId: 501 });
    await writeFile(join(opt, 'slurm-501.out'), '');
    // Still running: the output has no end marker, run_info says running.
    const freq = await job('freq', 'xtb', { coordsFrom: '../opt', xyzFilename: 'xtbopt.xyz' });
    await cp(join(outputs, 'xtb/running/mol.out'), join(freq, 'freq.out'));
    await writeRunInfo(freq, { ...newRunInfo(freq, 'freq', 'xtb'), status: 'running', jobId: 502 });
    // Never submitted.
    await job('sp', 'ORCA', { coordsFrom: '../opt', xyzFilename: 'xtbopt.xyz', orbitalsFrom: '../guess', gbwFilename: 'guess.gbw' });
    // Failed, known only from its output; its id only from slurm-600.out (a CCBatchMan folder without run_info).
    const bad = await job('bad', 'gaussian');
    await cp(join(outputs, 'gaussian/scf-fail/mol.log'), join(bad, 'bad.log'));
    await writeFile(join(bad, 'slurm-600.out'), '');
    // Killed at the time limit: no output, SLURM says why; an older attempt's slurm file beside it.
    const slow = await job('slow', 'gaussian');
    await writeRunInfo(slow, { ...newRunInfo(slow, 'slow', 'gaussian'), status: 'running', jobId: 700 });
    await cp(join(outputs, 'slurm/timeout/slurm-4251.out'), join(slow, 'slurm-700.out'));
    await writeFile(join(slow, 'slurm-650.out'), 'first attempt\n');
    // A shell job whose exit code Batchman recorded in run_info.json.
    const sh = await job('sh', 'shell');
    await writeFile(join(sh, 'sh.out'), 'done\n');
    await writeRunInfo(sh, { ...newRunInfo(sh, 'sh', 'shell'), status: 'running', jobId: 800, exitCode: 0 });
    // Statuses the output cannot tell, known from the old ledger only.
    await job('stopped', 'xtb');
    await cp(join(outputs, 'xtb/running/mol.out'), join(root, 'calcs/stopped/stopped.out'));
    await job('downstream', 'xtb', { coordsFrom: '../bad', xyzFilename: 'bad.xyz' });
    // A corrupt run_info.json does not stop the rebuild.
    const odd = await job('odd', 'crest');
    await writeFile(join(odd, 'run_info.json'), '{"job_name": "odd", "sta');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('rebuilds a ledger cut mid-line: rows salvaged, folders read, the corrupt file kept aside', async () => {
    const corrupt =
      'job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename|reviewer\n' +
      `901|stopped|${root}/calcs/stopped|cancelled|xtb|||||anna\n` +
      `-1|downstream|${root}/calcs/downstream|broken_dependency|xtb|../bad|bad.xyz|||\n` +
      `333|removed|${root}/calcs/removed|succeeded|xtb|||||bob\n` +
      `501|opt|${root}/calcs/opt|runn`;
    await writeFile(ledgerPath(), corrupt);
    const result = await rebuildLedger({ ledgerPath: ledgerPath(), jobs, now: () => new Date('2024-04-28T12:00:00.000Z') });

    assert.equal(result.keptAsidePath, `${ledgerPath()}.corrupt-2024-04-28T12-00-00-000Z`);
    assert.equal(await readFile(result.keptAsidePath!, 'utf8'), corrupt, 'the corrupt file is kept byte for byte');
    assert.equal(result.corruption?.line, 5);
    assert.equal(result.written, true);

    const ledger = await readLedger(ledgerPath());
    assert.deepEqual(ledger, result.ledger);
    const summary = Object.fromEntries(ledger.rows.map((row) => [row.basename, [row.jobId, row.status, row.cause ?? null]]));
    assert.deepEqual(summary, {
      opt: [501, 'succeeded', null],
      freq: [502, 'running', null],
      sp: [-1, 'not_started', null],
      bad: [600, 'failed', CAUSES.scfNotConverged],
      slow: [700, 'failed', CAUSES.timeout],
      sh: [800, 'succeeded', null],
      stopped: [901, 'cancelled', null],
      downstream: [-1, 'broken_dependency', null],
      odd: [-1, 'not_started', null],
      removed: [333, 'succeeded', null],
    });
    assert.equal(result.orphanRows, 1, 'a row for a job no longer in the batch is kept, not dropped');
    assert.deepEqual(ledger.extraColumns, ['reviewer']);
    const sp = findRow(ledger, 'sp')!;
    assert.deepEqual([sp.program, sp.orbitalsFrom, sp.gbwFilename], ['ORCA', '../guess', 'guess.gbw']);
    assert.deepEqual(findRow(ledger, 'stopped')!.extra, { reviewer: 'anna' }, 'salvaged unknown cells ride along');
    const report = Object.fromEntries(result.recovered.map((entry) => [entry.basename, entry.sources]));
    assert.ok(report['bad']!.includes('job id from slurm-600.out'));
    assert.ok(report['slow']!.some((source) => source.includes('DUE TO TIME LIMIT')));
    assert.ok(report['odd']!.includes('run_info.json unreadable'));

    // Rebuilding again changes nothing and writes nothing.
    const again = await rebuildLedger({ ledgerPath: ledgerPath(), jobs });
    assert.equal(again.written, false);
    assert.equal(again.keptAsidePath, undefined);
    assert.equal(serializeLedger(again.ledger), serializeLedger(ledger));
  });

  it('rebuilds a deleted ledger from the folders alone', async () => {
    const result = await rebuildLedger({ ledgerPath: ledgerPath(), jobs });
    assert.equal(result.keptAsidePath, undefined);
    assert.equal(result.written, true);
    const ledger = await readLedger(ledgerPath());
    assert.equal(ledger.rows.length, jobs.length);
    assert.deepEqual(findRow(ledger, 'opt')!.status, 'succeeded');
    assert.deepEqual(findRow(ledger, 'stopped')!.status, 'not_started', 'nothing on disk says it was submitted');
    assert.deepEqual(
      (await readdir(root)).filter((name) => name.includes('corrupt')),
      [],
    );
  });

  it('rebuilds binary junk the same way, keeping it aside', async () => {
    await writeFile(ledgerPath(), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x89, 0x50, 0x4e, 0x47]));
    const result = await rebuildLedger({ ledgerPath: ledgerPath(), jobs });
    assert.match(result.corruption!.reason, /binary/);
    assert.deepEqual(await readFile(result.keptAsidePath!), Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x89, 0x50, 0x4e, 0x47]));
    assert.equal((await readLedger(ledgerPath())).rows.length, jobs.length);
  });
});
