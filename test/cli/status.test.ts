// `batchman status` as users run it, without a cluster: a corrupt CCBatchMan ledger rebuilt from the job
// folders, errors in the batchfile, bad usage. SLURM is kept off PATH so only the disk speaks.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { readLedger } from '../../core/ledger/ledger.js';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const FIXTURES = join(REPO_ROOT, 'test/fixtures');
const JOB_KEYS = ['basename', 'directory', 'program', 'status', 'jobId', 'slurmState', 'reason', 'elapsed', 'exitCode', 'cause', 'lastEvent'];
const SUMMARY_KEYS = ['total', 'succeeded', 'failed', 'running', 'pending', 'not_started', 'broken_dependency', 'cancelled'];

interface StatusJson {
  batch: unknown;
  summary: Record<string, number>;
  jobs: Record<string, unknown>[];
  stale?: string;
  recoveredLedger?: { reason: string; keptAsidePath?: string };
}

let scratch: string;
/** A PATH with node and nothing else: no squeue, so status works from the disk alone. */
let nodeOnlyPath: string;
const run = (...args: string[]) => execa(BIN, args, { reject: false, cwd: scratch, timeout: 30_000, env: { PATH: nodeOnlyPath }, extendEnv: false });

before(async () => {
  await ensureBuilt();
  scratch = await mkdtemp(join(tmpdir(), 'batchman-cli-status-'));
  nodeOnlyPath = join(scratch, 'path');
  await mkdir(nodeOnlyPath);
  await symlink(process.execPath, join(nodeOnlyPath, 'node'));
});
after(() => rm(scratch, { recursive: true, force: true }));

describe('batchman status with a corrupt CCBatchMan ledger', () => {
  let dir: string;
  let batchfile: string;
  let ledgerPath: string;
  const corruptLedger = (root: string) =>
    [
      'job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename',
      `4242.0|opt|${root}/mol1/opt|running|xtb||||`,
      // the write was cut off mid-line (a full disk, a killed process)
      `4243.0|freq|${root}/mol1/freq|runn`,
    ].join('\n');

  before(async () => {
    dir = await mkdtemp(join(scratch, 'batch-'));
    batchfile = join(dir, 'batchfile.csv');
    ledgerPath = join(dir, '__ledger__.csv');
    await writeFile(
      batchfile,
      [
        'root_directory=.',
        'job_basename|job_directory|program|pipe',
        'opt|mol1/opt|xtb|',
        'freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}',
        'sp|mol1/sp|shell|coords{../freq,}',
        'idle|mol2/idle|shell|',
        '',
      ].join('\n'),
    );
    for (const sub of ['mol1/opt', 'mol1/freq', 'mol1/sp', 'mol2/idle']) await mkdir(join(dir, sub), { recursive: true });
    // opt finished: xTB's real output with its end marker, and CCBatchMan's run_info.json still saying running
    await copyFile(join(FIXTURES, 'outputs/xtb/opt-ok/mol.out'), join(dir, 'mol1/opt/opt.out'));
    await writeFile(join(dir, 'mol1/opt/opt.xyz'), '1\n\nH 0 0 0\n');
    await writeFile(join(dir, 'mol1/opt/run_info.json'), JSON.stringify({ directory: `${dir}/mol1/opt`, job_name: 'opt', status: 'running', job_id: 4242.0, restart: false }));
    // freq hit its time limit: only SLURM's own line in slurm-4243.out says so (its ledger line is the cut one)
    await writeFile(join(dir, 'mol1/freq/freq.xyz'), '1\n\nH 0 0 0\n');
    await writeFile(join(dir, 'mol1/freq/slurm-4243.out'), 'step 1 done\nslurmstepd: error: *** JOB 4243 ON vm CANCELLED AT 2026-01-01T12:00:03 DUE TO TIME LIMIT ***\n');
    await writeFile(join(dir, 'mol1/sp/sp.sh'), '#!/bin/bash\ntrue\n');
    await writeFile(join(dir, 'mol2/idle/idle.sh'), '#!/bin/bash\ntrue\n');
    await writeFile(ledgerPath, corruptLedger(dir));
  });

  it('rebuilds from the job folders, keeps the corrupt file aside and says so in the JSON', async () => {
    const result = await run('status', batchfile, '--json');
    assert.equal(result.exitCode, 1, `a failed job: exit 1 (stderr: ${result.stderr})`);
    const json = JSON.parse(result.stdout) as StatusJson;
    assert.deepEqual(Object.keys(json.summary), SUMMARY_KEYS);
    for (const job of json.jobs) assert.deepEqual(Object.keys(job), JOB_KEYS);
    assert.equal(json.batch, null, 'no batch record: CCBatchMan launched it');
    assert.equal(json.stale, undefined, 'no scheduler was asked, nothing is stale');

    assert.ok(json.recoveredLedger, 'the JSON says the ledger was recovered');
    assert.ok(json.recoveredLedger.reason.length > 0);
    const aside = json.recoveredLedger.keptAsidePath;
    assert.ok(aside !== undefined && aside.startsWith(`${ledgerPath}.corrupt-`), `kept aside beside the ledger: ${aside}`);
    assert.equal(await readFile(aside, 'utf8'), corruptLedger(dir), 'the corrupt file is kept byte for byte');

    const byName = new Map(json.jobs.map((job) => [job.basename, job]));
    const pick = (name: string) => {
      const job = byName.get(name)!;
      return { status: job.status, jobId: job.jobId, cause: job.cause };
    };
    assert.deepEqual(pick('opt'), { status: 'succeeded', jobId: '4242', cause: null });
    assert.deepEqual(pick('freq'), { status: 'failed', jobId: '4243', cause: 'TIMEOUT' });
    assert.deepEqual(pick('sp'), { status: 'broken_dependency', jobId: null, cause: 'upstream freq failed' });
    assert.deepEqual(pick('idle'), { status: 'not_started', jobId: null, cause: null });
    assert.deepEqual(json.summary, { total: 4, succeeded: 1, failed: 1, running: 0, pending: 0, not_started: 1, broken_dependency: 1, cancelled: 0 });

    // The new ledger is whole again, CCBatchMan's columns first.
    const text = await readFile(ledgerPath, 'utf8');
    assert.ok(text.startsWith('job_id|job_basename|job_directory|job_status|program|coords_from|xyz_filename|orbitals_from|gbw_filename'), text);
    const ledger = await readLedger(ledgerPath);
    assert.deepEqual(
      ledger.rows.map((row) => [row.basename, row.jobId, row.status]),
      [
        ['opt', 4242, 'succeeded'],
        ['freq', 4243, 'failed'],
        ['sp', -1, 'broken_dependency'],
        ['idle', -1, 'not_started'],
      ],
    );
  });

  it('read again, the rebuilt ledger is used as it is: nothing recovered, nothing more kept aside', async () => {
    const result = await run('status', batchfile, '--json');
    assert.equal(result.exitCode, 1);
    const json = JSON.parse(result.stdout) as StatusJson;
    assert.equal(json.recoveredLedger, undefined);
    assert.deepEqual(
      json.jobs.map((job) => job.status),
      ['succeeded', 'failed', 'broken_dependency', 'not_started'],
    );
    const asides = (await readdir(dir)).filter((name) => name.startsWith('__ledger__.csv.corrupt-'));
    assert.equal(asides.length, 1, asides.join(', '));
  });

  it('the table says the ledger was rebuilt, and shows each cause', async () => {
    await writeFile(ledgerPath, corruptLedger(dir));
    const result = await run('status', batchfile);
    assert.equal(result.exitCode, 1);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `${batchfile}: 1/4 succeeded, 1 failed, 1 broken dependency, 1 not started`);
    assert.match(lines[1] ?? '', /^ledger was unreadable \(.+\); rebuilt from the job folders$/);
    assert.ok(lines.some((line) => /^freq\s+failed\s+4243\s+-\s+-\s+TIMEOUT$/.test(line)), result.stdout);
    assert.ok(lines.some((line) => /^sp\s+broken_dependency\s+-\s+-\s+-\s+upstream freq failed$/.test(line)), result.stdout);
  });

  it('-l names another ledger beside the batchfile', async () => {
    const result = await run('status', batchfile, '--json', '-l', 'other-ledger.csv');
    assert.equal(result.exitCode, 1, result.stderr);
    const other = await readLedger(join(dir, 'other-ledger.csv'));
    assert.deepEqual(
      other.rows.map((row) => [row.basename, row.status]),
      [
        ['opt', 'succeeded'],
        ['freq', 'failed'],
        ['sp', 'broken_dependency'],
        ['idle', 'not_started'],
      ],
      'rebuilt from the job folders alone',
    );
  });
});

describe('batchman status with a batchfile that has errors', () => {
  let broken: string;
  before(async () => {
    const dir = await mkdtemp(join(scratch, 'broken-'));
    broken = join(dir, 'batchfile.csv');
    await writeFile(broken, 'root_directory=.\njob_basename|job_directory|program|pipe\nopt|opt|xtbb|\nfreq|freq|xtb|coords{../opt,xtbopt.xyz\n');
  });

  // The issue changed this: status only reads, so findings about the file no longer stop it (run still refuses).
  for (const json of [false, true]) {
    it(`reports the jobs it can, sums up the findings on stderr, skips the row that is no job, exits 1 and writes nothing${json ? ' (--json too)' : ''}`, async () => {
      const status = await run('status', broken, ...(json ? ['--json'] : []));
      assert.equal(status.exitCode, 1, 'the file has errors');
      if (json) {
        const parsed = JSON.parse(status.stdout) as StatusJson;
        assert.deepEqual(parsed.jobs.map((job) => [job.basename, job.status]), [['freq', 'not_started']]);
      } else {
        assert.match(status.stdout, /^freq +not_started/m);
        assert.doesNotMatch(status.stdout, /^opt /m);
      }
      assert.match(status.stderr, /: 2 errors in the file \(1 program-unknown, 1 pipe-missing-bracket\); batchman validate .* lists them\./);
      // The job folders are missing, but looking for them is validate's work, not status's (a stat per folder).
      assert.doesNotMatch(status.stderr, /job-folder-missing/);
      assert.ok(status.stderr.includes(`${broken}:3: skipped: unknown program \`xtbb\``), status.stderr);
      assert.deepEqual(await readdir(join(broken, '..')), ['batchfile.csv'], 'no ledger written for a file with errors');
    });
  }

  it('still refuses when no row can be placed: no root line', async () => {
    const dir = await mkdtemp(join(scratch, 'rootless-'));
    const file = join(dir, 'batchfile.csv');
    await writeFile(file, 'job_basename|job_directory|program|pipe\nopt|opt|xtb|\n');
    const status = await run('status', file);
    assert.equal(status.exitCode, 1);
    assert.equal(status.stdout, '');
    assert.match(status.stderr, /\[root-missing\]/);
    assert.deepEqual(await readdir(dir), ['batchfile.csv']);
  });
});

describe('batchman status on batches in CCBatchMan\'s shapes', () => {
  it('a batch moved from another machine: pipes to folders not here are summed up, every job is reported', async () => {
    const dir = await mkdtemp(join(scratch, 'moved-'));
    const file = join(dir, 'batchfile.csv');
    const rows = ['root_directory=.', 'job_directory|job_basename|program|pipe'];
    for (let i = 1; i <= 64; i++) {
      rows.push(`mol${i}/sp|sp|shell|coords{../../../elsewhere/mol${i}/opt,opt.xyz}`);
      await mkdir(join(dir, `mol${i}/sp`), { recursive: true });
      await writeFile(join(dir, `mol${i}/sp/sp.sh`), '#!/bin/bash\ntrue\n');
    }
    await writeFile(file, `${rows.join('\n')}\n`);
    const status = await run('status', file, '--json');
    assert.equal(status.exitCode, 1, 'errors in the file (as the disk here sees it)');
    const parsed = JSON.parse(status.stdout) as StatusJson;
    assert.equal(parsed.summary.total, 64, 'the same step name in 64 molecule folders: 64 jobs');
    assert.equal(new Set(parsed.jobs.map((job) => job.directory)).size, 64);
    assert.deepEqual(status.stderr.trim().split('\n'), [`${file}: 64 errors in the file (64 pipe-upstream-missing); batchman validate ${file} lists them.`]);
    const validate = await run('validate', file, '--no-disk', '--json');
    assert.equal(validate.exitCode, 0, 'without the disk nothing is an error');
  });

  it('a CCBatchMan generator\'s batch with its own scripts: no finding, no error, exit 0', async () => {
    const dir = await mkdtemp(join(scratch, 'generated-'));
    const file = join(dir, 'batchfile.csv');
    const rows = [`root_directory=${dir}`, 'job_directory|job_basename|program|pipe'];
    for (const mol of ['h2o2', 'oh']) {
      rows.push(`${dir}/${mol}/crest|crest|CREST|`, `${dir}/${mol}/opt|opt|XTB|coords{../crest,crest_best.xyz}`);
      await mkdir(join(dir, mol, 'crest'), { recursive: true });
      await mkdir(join(dir, mol, 'opt'), { recursive: true });
      await writeFile(join(dir, mol, 'crest/crest.sh'), `#!/bin/bash\n/opt/crest/crest ${mol}.xyz > crest.out --gfn2 --T 12\n`);
      await writeFile(join(dir, mol, `crest/${mol}.xyz`), '1\n\nO 0 0 0\n');
    }
    await writeFile(file, `${rows.join('\n')}\n`);
    const validate = await run('validate', file, '--json');
    assert.deepEqual((JSON.parse(validate.stdout) as { diagnostics: unknown[] }).diagnostics, []);
    const status = await run('status', file, '--json');
    assert.equal(status.exitCode, 0, status.stderr);
    assert.equal(status.stderr, '');
    assert.deepEqual((JSON.parse(status.stdout) as StatusJson).jobs.map((job) => [job.basename, job.status]), [
      ['crest', 'not_started'],
      ['opt', 'not_started'],
      ['crest', 'not_started'],
      ['opt', 'not_started'],
    ]);
  });
});

describe('batchman status usage', () => {
  it('exits 2 with the usage text on bad usage', async () => {
    const file = join(scratch, 'usage.csv');
    await writeFile(file, 'root_directory=.\njob_basename|job_directory|program|pipe\n');
    const cases = [
      ['status'],
      ['status', file, file],
      ['status', file, '--nope'],
      ['status', file, '-l'],
      ['status', file, '--json=yes'],
      ['status', join(scratch, 'missing', 'batchfile.csv')],
    ];
    for (const args of cases) {
      const result = await run(...args);
      assert.equal(result.exitCode, 2, `batchman ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^batchman status: /, `batchman ${args.join(' ')}`);
      assert.match(result.stderr, /Usage: batchman/);
      assert.equal(result.stdout, '');
    }
  });

  it('an empty batch is fine: exit 0', async () => {
    const dir = await mkdtemp(join(scratch, 'empty-'));
    await writeFile(join(dir, 'batchfile.csv'), 'root_directory=.\njob_basename|job_directory|program|pipe\n');
    const result = await run('status', join(dir, 'batchfile.csv'), '--json');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as StatusJson).summary.total, 0);
  });
});
