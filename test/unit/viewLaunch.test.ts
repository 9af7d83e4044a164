// What a launch from VS Code asks of the CLI: the arguments the quick picks make are the ones `batchman run` and
// `batchman cancel` parse back to the same options; the job files the tree opens.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { after, describe, test } from 'node:test';
import { parseRunOptions } from '../../core/cli/runOptions.js';
import { jobInputFile, jobOutputFile } from '../../core/view/jobFiles.js';
import { cancelArgs, parseJobs, parseTags, previousLaunchOptions, runArgs } from '../../core/view/launchOptions.js';

describe('launch options', () => {
  test('run arguments parse back to the options picked, always detached', () => {
    const args = runArgs('/w/batchfile.csv', { executor: 'local', jobs: 4, restartFailed: true, name: ' water ', message: '-x first try', tags: ['opt', '-xtb'], ledgerName: 'my.csv' });
    assert.equal(args[0], 'run');
    const options = parseRunOptions(args.slice(1));
    assert.deepEqual(
      { ...options },
      { file: '/w/batchfile.csv', jobs: 4, restartFailed: true, restartJobs: [], rerunJobs: [], executor: 'local', name: 'water', message: '-x first try', tags: ['opt', '-xtb'], detach: true, ledger: 'my.csv' },
    );
    // "Restart Job": only the named job, whatever its name looks like
    const one = parseRunOptions(runArgs('/w/b.csv', { executor: 'local', jobs: 'auto', restartFailed: true, restartJobs: ['--odd name'], tags: [] }).slice(1));
    assert.deepEqual(one.restartJobs, ['--odd name']);
    assert.equal(one.restartFailed, true);
    // "Restart Job" on a succeeded job: a rerun of it, no restart by cause
    const rerun = parseRunOptions(runArgs('/w/b.csv', { executor: 'local', jobs: 'auto', restartFailed: false, rerunJobs: ['--odd name'], tags: [] }).slice(1));
    assert.deepEqual([rerun.rerunJobs, rerun.restartFailed], [['--odd name'], false]);
    const defaults = parseRunOptions(runArgs('/w/b.csv', { executor: 'auto', jobs: 'auto', restartFailed: false, name: '', message: '', tags: [], ledgerName: '__ledger__.csv' }).slice(1));
    assert.deepEqual({ ...defaults }, { file: '/w/b.csv', jobs: 'auto', restartFailed: false, restartJobs: [], rerunJobs: [], executor: 'auto', tags: [], detach: true });
  });

  test('cancel arguments: every job or the named ones', () => {
    const parse = (args: string[]) => parseArgs({ args: args.slice(1), options: { job: { type: 'string', multiple: true, default: [] }, ledger: { type: 'string', short: 'l' } }, allowPositionals: true });
    assert.deepEqual(parse(cancelArgs('/w/b.csv')).values.job, []);
    const named = parse(cancelArgs('/w/b.csv', ['relax', '--weird'], 'l.csv'));
    assert.deepEqual(named.values.job, ['relax', '--weird']);
    assert.equal(named.values.ledger, 'l.csv');
    assert.deepEqual(named.positionals, ['/w/b.csv']);
  });

  test('typed answers', () => {
    assert.deepEqual(parseTags(' a, b  c,,a '), ['a', 'b', 'c']);
    assert.equal(parseJobs(''), 'auto');
    assert.equal(parseJobs('12'), 12);
    assert.equal(parseJobs('0'), undefined);
    assert.equal(parseJobs('1.5'), undefined);
    assert.deepEqual(previousLaunchOptions({ executor: 'slurm', jobs: 50 }), { executor: 'slurm', jobs: 50 });
    assert.deepEqual(previousLaunchOptions({ executor: 'nope', jobs: 'auto' }), { executor: 'auto', jobs: 'auto' });
  });
});

describe('job files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batchman-view-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the program\'s output, else this attempt\'s slurm output, else the newest; the program\'s input', () => {
    const folder = join(dir, 'opt');
    mkdirSync(folder);
    const job = { basename: 'opt', directory: folder, program: 'ORCA', jobId: '12' };
    assert.deepEqual(jobOutputFile(job), { path: join(folder, 'opt.out'), exists: false });
    writeFileSync(join(folder, 'slurm-9.out'), '');
    writeFileSync(join(folder, 'slurm-11.out'), '');
    utimesSync(join(folder, 'slurm-9.out'), new Date(), new Date(Date.now() + 10_000));
    assert.equal(jobOutputFile(job).path, join(folder, 'slurm-9.out'), 'the newest');
    writeFileSync(join(folder, 'slurm-12.out'), '');
    assert.equal(jobOutputFile(job).path, join(folder, 'slurm-12.out'), 'this attempt\'s');
    writeFileSync(join(folder, 'opt.out'), '');
    assert.deepEqual(jobOutputFile(job), { path: join(folder, 'opt.out'), exists: true });
    assert.deepEqual(jobInputFile(job), { path: join(folder, 'opt.inp'), exists: false });
    assert.equal(jobInputFile({ ...job, program: 'gaussian' }).path, join(folder, 'opt.gjf'));
  });
});
