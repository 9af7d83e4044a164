// run_info.json: CCBatchMan's files (Python floats and NaN), unknown fields kept, atomic writes, corrupt files.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunInfoCorruptError } from '../../core/ledger/errors.js';
import { RUN_INFO_NAME, newRunInfo, parseRunInfo, readRunInfo, serializeRunInfo, writeRunInfo } from '../../core/ledger/runInfo.js';

const fixtures = new URL('../fixtures/ledger/run_info/', import.meta.url);
const fixture = (name: string): Promise<string> => readFile(new URL(name, fixtures), 'utf8');

describe('run_info.json', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-runinfo-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads CCBatchMan's file and keeps its unknown `ruleset` field", async () => {
    const info = parseRunInfo(await fixture('ccbatchman.json'));
    assert.deepEqual(info, {
      directory: '/scratch/me/calcs/mol1/opt',
      jobName: 'opt',
      status: 'succeeded',
      jobId: 4242,
      restart: true,
      extra: { ruleset: '/gpfs/home/me/code/batch-manager/rules/xtb_rules.dat' },
    });
    const text = serializeRunInfo(info);
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['directory', 'job_name', 'status', 'job_id', 'restart', 'ruleset']);
    assert.deepEqual(parseRunInfo(text), info);
  });

  it("reads Python's bare NaN as no job id, but not inside strings", async () => {
    const info = parseRunInfo(await fixture('ccbatchman-nan.json'));
    assert.equal(info.jobId, -1);
    assert.equal(JSON.parse(serializeRunInfo(info)).job_id, null, 'written as null, as CCBatchMan writes None');
    const quoted = parseRunInfo('{"job_name": "NaN Infinity", "status": "pending", "job_id": Infinity, "note": "-Infinity \\" NaN"}');
    assert.equal(quoted.jobName, 'NaN Infinity');
    assert.equal(quoted.jobId, -1);
    assert.deepEqual(quoted.extra, { note: '-Infinity " NaN' });
  });

  it('writes its own fields in snake_case after the others and reads them back', async () => {
    const info = {
      ...newRunInfo(join(dir, 'opt'), 'opt', 'xtb'),
      status: 'failed' as const,
      jobId: 9001,
      submittedAt: '2024-04-28T10:00:00.000Z',
      endedAt: '2024-04-28T11:00:00.000Z',
      exitCode: 0,
      cause: 'TIMEOUT',
      restarts: 2,
      slurmState: 'TIMEOUT',
      extra: { ruleset: 'x', nested: { a: [1, 2] } },
    };
    const disk = JSON.parse(serializeRunInfo(info)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(disk), [
      'directory',
      'job_name',
      'status',
      'job_id',
      'restart',
      'ruleset',
      'nested',
      'program',
      'submitted_at',
      'ended_at',
      'exit_code',
      'cause',
      'restarts',
      'slurm_state',
    ]);
    assert.deepEqual(parseRunInfo(serializeRunInfo(info)), info);
  });

  it('writes atomically and only when changed', async () => {
    const jobDir = join(dir, 'sp');
    await mkdir(jobDir);
    assert.equal(await readRunInfo(jobDir), undefined);
    const info = newRunInfo(jobDir, 'sp', 'orca');
    assert.equal(await writeRunInfo(jobDir, info), true);
    const before = (await stat(join(jobDir, RUN_INFO_NAME))).mtimeMs;
    assert.equal(await writeRunInfo(jobDir, { ...info }), false);
    assert.equal((await stat(join(jobDir, RUN_INFO_NAME))).mtimeMs, before);
    assert.equal(await writeRunInfo(jobDir, { ...info, status: 'pending', jobId: 5 }), true);
    assert.deepEqual(await readRunInfo(jobDir), { ...info, status: 'pending', jobId: 5 });
    assert.deepEqual(await readdir(jobDir), [RUN_INFO_NAME]);
  });

  it('a corrupt file is a RunInfoCorruptError, not a crash', async () => {
    const jobDir = await mkdtemp(join(tmpdir(), 'batchman-runinfo-'));
    try {
      await writeFile(join(jobDir, RUN_INFO_NAME), await fixture('corrupt-cut.json'));
      await assert.rejects(readRunInfo(jobDir), (error: unknown) => {
        assert.ok(error instanceof RunInfoCorruptError);
        assert.match(error.reason, /not valid JSON/);
        assert.equal(error.line, 1);
        return true;
      });
    } finally {
      await rm(jobDir, { recursive: true, force: true });
    }
    const bad: [string, RegExp][] = [
      ['', /empty file/],
      ['[1, 2]', /not a JSON object/],
      ['{"job_name": "a", "status": "exploded"}', /unknown status "exploded"/],
      ['{"status": "pending"}', /job_name is missing/],
      ['{"job_name": "a", "status": "pending", "job_id": "abc"}', /job_id "abc" is not a job id/],
      ['{"job_name": "a", "status": "pending", "exit_code": "1"}', /exit_code is not an integer/],
      ['{\n "job_name": "a",\n "status": "pending",\n}', /not valid JSON/],
    ];
    for (const [text, reason] of bad) {
      assert.throws(() => parseRunInfo(text, '/x/run_info.json'), (error: unknown) => error instanceof RunInfoCorruptError && reason.test(error.reason), text);
    }
    assert.throws(() => parseRunInfo('{\n "job_name": "a",\n "status": "pending",\n}'), { line: 4 });
  });
});
