// `batchman history` as users run it: the built CLI over real batch records, its table, its JSON and exit codes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { execa } from 'execa';
import { batchRecordPath, batchRecordsDir, closeBatchRecord, createBatchRecord, heartbeat } from '../../core/runner/records.js';
import type { BatchRecord } from '../../core/runner/records.js';
import { summarise } from '../../core/truth/summary.js';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';
import { tempDirs } from '../support/tempDir.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const run = (...args: string[]) => execa(BIN, args, { reject: false, cwd: REPO_ROOT, timeout: 30_000 });

const HOUR = 3_600_000;
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

describe('batchman history', () => {
  let root: string;
  let batchfile: string;
  let empty: string;
  const created: BatchRecord[] = [];
  const tempDir = tempDirs();

  before(async () => {
    await ensureBuilt();
    root = tempDir('batchman-history-');
    batchfile = join(root, 'batchfile.csv');
    writeFileSync(batchfile, 'root_directory=.\njob_basename|job_directory|program|pipe\nopt|opt|shell|\n');
    const other = join(root, 'other.batchfile');
    writeFileSync(other, 'root_directory=.\njob_basename|job_directory|program|pipe\n');
    empty = join(tempDir('batchman-history-empty-'), 'batchfile.csv');
    writeFileSync(empty, 'root_directory=.\njob_basename|job_directory|program|pipe\n');

    const start = Date.now() - 5 * HOUR;
    const base = { rootPath: root, batchfilePath: batchfile, createdBy: 'marie', host: hostname() };
    // run 1: completed, with a failure and its broken downstream, from a dirty tree
    const first = await createBatchRecord({
      ...base,
      now: start,
      name: 'brave-orbital',
      message: 'first scan',
      tags: ['dft', 'scan'],
      git: { repository: root, remote: null, branch: 'main', commit: COMMIT, dirty: true },
      commandOptions: { jobs: 'auto' },
      computedOptions: { jobs: 4 },
    });
    created.push(await closeBatchRecord(batchRecordPath(root, first.id), { status: 'completed', counts: summarise(['succeeded', 'succeeded', 'failed', 'broken_dependency']), now: start + HOUR + 2 * 60_000 }));
    // run 2: the runner crashed inside (internal error)
    const second = await createBatchRecord({ ...base, now: start + 2 * HOUR, name: 'calm-ligand', git: null });
    created.push(await closeBatchRecord(batchRecordPath(root, second.id), { status: 'internal_error', counts: null, error: 'sbatch vanished', now: start + 2 * HOUR + 5000 }));
    // run 3: its runner died without closing it (a pid that cannot exist) → lost
    created.push(await createBatchRecord({ ...base, now: start + 3 * HOUR, name: 'quiet-proton', message: 'evil \x1b[31mred\x1b[0m\nsecond line', git: null, pid: 2 ** 22 + 777 }));
    // run 4: running now, by this (live) test process
    const running = await createBatchRecord({ ...base, now: Date.now() - 90_000, name: 'swift-carbene', git: null });
    created.push(await heartbeat(batchRecordPath(root, running.id)));
    // another batchfile in the same root, and a damaged record
    await createBatchRecord({ rootPath: root, batchfilePath: other, name: 'not-mine', git: null });
    writeFileSync(join(batchRecordsDir(root), '1_broken.json'), '{"status": ');
  });

  it('lists the launches newest first, with lost derived, counts, commit, message and tags', async () => {
    const result = await run('history', batchfile);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `${batchfile}: 4 launches, newest first`);
    assert.match(lines[2]!, /^RUN\s+NAME\s+STATUS\s+STARTED\s+ENDED\s+DURATION\s+JOBS\s+COMMIT\s+MESSAGE$/);
    const rows = lines.slice(3);
    assert.equal(rows.length, 4, result.stdout);
    assert.match(rows[0]!, /^4\s+swift-carbene\s+in_progress\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+-\s+1m \d\ds\s+-\s+-$/);
    assert.match(rows[1]!, /^3\s+quiet-proton\s+lost\s+\S+ \S+\s+-\s+0s\s+-\s+-\s+evil \?\[31mred\?\[0m\?second line$/);
    assert.match(rows[2]!, /^2\s+calm-ligand\s+internal_error\s+\S+ \S+\s+\S+ \S+\s+5s\s+-\s+-\s+error: sbatch vanished$/);
    assert.match(rows[3]!, /^1\s+brave-orbital\s+completed\s+\S+ \S+\s+\S+ \S+\s+1h 02m\s+2\/4 ok, 1 failed, 1 broken dependency\s+01234567\*\s+first scan \[dft, scan\]$/);
    assert.ok(!result.stdout.includes('not-mine'), 'another batchfile’s launch is not listed');
    assert.ok(!result.stdout.includes('\x1b'), 'no escape sequence from a message reaches the terminal');
    assert.match(result.stderr, /skipped .*1_broken\.json: not valid JSON/);
  });

  it('--json prints the records, newest first, with the derived status', async () => {
    const result = await run('history', batchfile, '--json');
    assert.equal(result.exitCode, 0, result.stderr);
    const records = JSON.parse(result.stdout) as (Omit<BatchRecord, 'status'> & { status: string })[];
    assert.deepEqual(records.map((r) => [r.run_number, r.name, r.status]), [
      [4, 'swift-carbene', 'in_progress'],
      [3, 'quiet-proton', 'lost'],
      [2, 'calm-ligand', 'internal_error'],
      [1, 'brave-orbital', 'completed'],
    ]);
    const first = records[3]!;
    const written = created[0]!;
    assert.deepEqual(first, { ...written, status: 'completed' });
    assert.equal(first.git?.commit, COMMIT);
    assert.deepEqual(first.command_options, { jobs: 'auto' });
    assert.deepEqual(first.computed_options, { jobs: 4 });
    assert.equal(records[2]!.error_msg, 'sbatch vanished');
  });

  it('says there is no launch yet, and exits 0', async () => {
    const text = await run('history', empty);
    assert.equal(text.exitCode, 0, text.stderr);
    assert.equal(text.stdout.trim(), `${empty}: no launches yet (start one with: batchman run ${empty})`);
    const json = await run('history', empty, '--json');
    assert.equal(json.exitCode, 0);
    assert.deepEqual(JSON.parse(json.stdout), []);
  });

  it('exits 2 on bad usage', async () => {
    for (const args of [['history'], ['history', batchfile, batchfile], ['history', batchfile, '--nope'], ['history', join(root, 'missing.csv')]]) {
      const result = await run(...args);
      assert.equal(result.exitCode, 2, `batchman ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /Usage: batchman/);
    }
  });

  it('is in the usage text', async () => {
    const result = await run('help');
    assert.match(result.stdout, /history FILE \[--json\]/);
  });
});
