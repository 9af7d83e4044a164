// Batch records on disk: creation, updates, heartbeat, close, listing (newest first, damaged files), `lost`.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BATCH_NAME_COUNT, generateBatchName } from '../../core/runner/batchNames.js';
import { STALE_AFTER_MS } from '../../core/runner/lock.js';
import {
  batchRecordPath,
  batchRecordsDir,
  closeBatchRecord,
  createBatchRecord,
  effectiveStatus,
  heartbeat,
  latestBatchRecord,
  listBatchRecords,
  newBatchRecordId,
  packageVersion,
  readBatchRecord,
  readBatchRecords,
  reopenBatchRecord,
  updateBatchRecord,
} from '../../core/runner/records.js';
import type { CreateBatchRecordOptions } from '../../core/runner/records.js';
import { summarise } from '../../core/truth/summary.js';
import { tempDirs } from '../support/tempDir.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const tempDir = tempDirs();

function tempRoot(): { root: string; batchfile: string } {
  const dir = tempDir('batchman-records-');
  const batchfile = join(dir, 'batchfile.csv');
  writeFileSync(batchfile, 'root_directory=.\njob_basename|job_directory|program|pipe\n');
  return { root: dir, batchfile };
}

function options(root: string, batchfile: string, extra: Partial<CreateBatchRecordOptions> = {}): CreateBatchRecordOptions {
  return { rootPath: root, batchfilePath: batchfile, now: T0, host: 'login1', pid: 4242, createdBy: 'marie', git: null, ...extra };
}

const KEYS = [
  'batchfile', 'command_options', 'computed_options', 'counts', 'created_by', 'end_time', 'error_msg', 'git', 'id', 'message',
  'metadata', 'name', 'resumes', 'run_number', 'runner', 'start_time', 'status', 'tags', 'version',
].sort();

describe('batch records', () => {
  it('creates `<unix-ms>_<random>.json` under .batchman/batches with every field, snake_case, ISO times', async () => {
    const { root, batchfile } = tempRoot();
    const record = await createBatchRecord(
      options(root, batchfile, {
        name: 'first-try',
        message: 'B3LYP scan',
        tags: ['dft', 'scan'],
        metadata: { project: 'aza' },
        commandOptions: { jobs: 'auto', executor: 'auto' },
        computedOptions: { jobs: 8, executor: 'local' },
      }),
    );
    assert.match(record.id, new RegExp(`^${T0}_[0-9a-f]{8}$`));
    const path = batchRecordPath(root, record.id);
    assert.equal(path, join(root, '.batchman', 'batches', `${record.id}.json`));
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(onDisk).sort(), KEYS);
    assert.deepEqual(onDisk, {
      id: record.id,
      name: 'first-try',
      message: 'B3LYP scan',
      tags: ['dft', 'scan'],
      metadata: { project: 'aza' },
      status: 'in_progress',
      start_time: '2025-03-01T10:00:00.000Z',
      end_time: null,
      error_msg: null,
      created_by: 'marie',
      git: null,
      version: packageVersion(),
      batchfile,
      command_options: { jobs: 'auto', executor: 'auto' },
      computed_options: { jobs: 8, executor: 'local' },
      runner: { host: 'login1', pid: 4242, heartbeat: '2025-03-01T10:00:00.000Z' },
      counts: null,
      run_number: 1,
      resumes: [],
    });
    assert.deepEqual(await readBatchRecord(path), record);
    // written atomically: no temporary file is left behind
    assert.deepEqual(readdirSync(batchRecordsDir(root)), [`${record.id}.json`]);
  });

  it('takes the version from package.json and the user from the OS by default', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(packageVersion(), pkg.version);
    const { root, batchfile } = tempRoot();
    const record = await createBatchRecord({ rootPath: root, batchfilePath: batchfile, git: null });
    assert.equal(record.version, pkg.version);
    assert.ok(record.created_by.length > 0);
    assert.equal(record.runner.pid, process.pid);
    assert.equal(record.runner.host, hostname());
  });

  it('generates an adjective-noun name when none is given (and for a blank one)', async () => {
    const { root, batchfile } = tempRoot();
    const a = await createBatchRecord(options(root, batchfile));
    const b = await createBatchRecord(options(root, batchfile, { name: '   ' }));
    for (const record of [a, b]) assert.match(record.name, /^[a-z]+-[a-z]+$/);
    assert.equal(generateBatchName(() => 0), 'amber-aldehyde');
    assert.equal(generateBatchName(() => 0.999999), 'zesty-zwitterion');
    const seen = new Set(Array.from({ length: 2000 }, () => generateBatchName()));
    assert.ok(seen.size > 1000, `only ${seen.size} distinct names in 2000 (of ${BATCH_NAME_COUNT})`);
  });

  it('numbers the launches of one batchfile 1, 2, 3 and keeps another batchfile in the same root apart', async () => {
    const { root, batchfile } = tempRoot();
    const other = join(root, 'other.batchfile');
    writeFileSync(other, 'root_directory=.\n');
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await createBatchRecord(options(root, batchfile, { now: T0 + i * 1000 })));
    const foreign = await createBatchRecord(options(root, other, { now: T0 + 500 }));
    assert.deepEqual(runs.map((r) => r.run_number), [1, 2, 3]);
    assert.equal(foreign.run_number, 1);
    assert.deepEqual((await listBatchRecords(root, batchfile)).map((r) => r.id), [runs[2]!.id, runs[1]!.id, runs[0]!.id]);
    assert.deepEqual((await listBatchRecords(root, other)).map((r) => r.id), [foreign.id]);
    assert.equal((await listBatchRecords(root)).length, 4);
    assert.equal((await latestBatchRecord(root, batchfile))?.id, runs[2]!.id);
  });

  it('lists newest first by start time, even when ids would sort otherwise, and attaches each path', async () => {
    const { root, batchfile } = tempRoot();
    const older = await createBatchRecord(options(root, batchfile, { id: '9999999999999_ffffffff', now: T0 }));
    const newer = await createBatchRecord(options(root, batchfile, { id: '1000000000000_00000000', now: T0 + 60_000 }));
    const listed = await listBatchRecords(root, batchfile);
    assert.deepEqual(listed.map((r) => r.id), [newer.id, older.id]);
    assert.equal(listed[0]!.path, batchRecordPath(root, newer.id));
  });

  it('matches a batchfile reached through a symlinked folder', async () => {
    const { root, batchfile } = tempRoot();
    const link = join(tempDir('batchman-link-'), 'calcs');
    symlinkSync(root, link);
    const record = await createBatchRecord(options(root, batchfile));
    assert.deepEqual((await listBatchRecords(link, join(link, 'batchfile.csv'))).map((r) => r.id), [record.id]);
  });

  it('skips damaged files with a warning and never throws', async () => {
    const { root, batchfile } = tempRoot();
    assert.deepEqual(await readBatchRecords(root, batchfile), { records: [], warnings: [] }); // no folder yet
    const good = await createBatchRecord(options(root, batchfile));
    const dir = batchRecordsDir(root);
    writeFileSync(join(dir, '1_truncated.json'), '{"id": "1_truncated", "status": "in_pro');
    writeFileSync(join(dir, '2_array.json'), '[]');
    writeFileSync(join(dir, '3_status.json'), JSON.stringify({ status: 'exploded', start_time: '2025-01-01T00:00:00Z' }));
    writeFileSync(join(dir, '4_empty.json'), '');
    mkdirSync(join(dir, '5_folder.json'));
    writeFileSync(join(dir, '.6_temp.json.123.tmp'), 'half');
    writeFileSync(join(dir, 'notes.txt'), 'not a record');
    const { records, warnings } = await readBatchRecords(root, batchfile);
    assert.deepEqual(records.map((r) => r.id), [good.id]);
    assert.deepEqual(warnings.map((w) => w.path.replace(/^.*\//, '')).sort(), ['1_truncated.json', '2_array.json', '3_status.json', '4_empty.json', '5_folder.json']);
    assert.match(warnings.find((w) => w.path.endsWith('1_truncated.json'))!.reason, /not valid JSON/);
    assert.match(warnings.find((w) => w.path.endsWith('3_status.json'))!.reason, /unknown status "exploded"/);
    assert.deepEqual((await listBatchRecords(root, batchfile)).map((r) => r.id), [good.id]);
  });

  it('reads a minimal record written by something else, filling defaults', async () => {
    const { root, batchfile } = tempRoot();
    mkdirSync(batchRecordsDir(root), { recursive: true });
    writeFileSync(join(batchRecordsDir(root), '1700000000000_abc.json'), JSON.stringify({ status: 'completed', start_time: '2023-11-14T22:13:20Z', batchfile, extra: 1 }));
    const [record] = await listBatchRecords(root, batchfile);
    assert.equal(record!.id, '1700000000000_abc');
    assert.deepEqual(record!.tags, []);
    assert.equal(record!.end_time, null);
    assert.equal(record!.git, null);
    assert.equal((record as unknown as { extra: number }).extra, 1, 'unknown fields are kept');
  });

  it('updates, heartbeats and closes atomically, keeping id and run number', async () => {
    const { root, batchfile } = tempRoot();
    const record = await createBatchRecord(options(root, batchfile, { commandOptions: { jobs: 'auto' } }));
    const path = batchRecordPath(root, record.id);
    const updated = await updateBatchRecord(path, { computed_options: { jobs: 4 }, runner: { pid: 99 } });
    assert.deepEqual(updated.computed_options, { jobs: 4 });
    assert.deepEqual(updated.runner, { host: 'login1', pid: 99, heartbeat: record.runner.heartbeat });
    const beat = await heartbeat(path, T0 + 10_000);
    assert.equal(beat.runner.heartbeat, '2025-03-01T10:00:10.000Z');
    const counts = summarise(['succeeded', 'succeeded', 'failed', 'broken_dependency']);
    const closed = await closeBatchRecord(path, { status: 'completed', counts, now: T0 + 65_000 });
    assert.equal(closed.status, 'completed');
    assert.equal(closed.end_time, '2025-03-01T10:01:05.000Z');
    assert.deepEqual(closed.counts, counts);
    assert.equal(closed.error_msg, null);
    assert.deepEqual(closed.command_options, { jobs: 'auto' });
    assert.equal(closed.id, record.id);
    assert.equal(closed.run_number, 1);
    assert.deepEqual(await readBatchRecord(path), closed);
    const failed = await closeBatchRecord(path, { status: 'internal_error', counts: null, error: 'sbatch vanished', now: T0 + 70_000 });
    assert.equal(failed.error_msg, 'sbatch vanished');
    assert.deepEqual(readdirSync(batchRecordsDir(root)), [`${record.id}.json`]);
  });

  it('serialises concurrent updates of one record in a process (a heartbeat never undoes an update)', async () => {
    const { root, batchfile } = tempRoot();
    const record = await createBatchRecord(options(root, batchfile));
    const path = batchRecordPath(root, record.id);
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => heartbeat(path, T0 + i)),
      updateBatchRecord(path, { computed_options: { jobs: 3 } }),
      updateBatchRecord(path, { metadata: { note: 'x' } }),
      updateBatchRecord(path, { tags: ['late'] }),
    ]);
    const final = await readBatchRecord(path);
    assert.deepEqual(final.computed_options, { jobs: 3 });
    assert.deepEqual(final.metadata, { note: 'x' });
    assert.deepEqual(final.tags, ['late']);
    assert.equal(final.runner.heartbeat, new Date(T0 + 19).toISOString());
  });

  it('reopens a lost launch under a new runner and notes the resume', async () => {
    const { root, batchfile } = tempRoot();
    const record = await createBatchRecord(options(root, batchfile));
    const path = batchRecordPath(root, record.id);
    const reopened = await reopenBatchRecord(path, { now: T0 + 600_000, host: 'login2', pid: 77 });
    assert.equal(reopened.status, 'in_progress');
    assert.deepEqual(reopened.runner, { host: 'login2', pid: 77, heartbeat: '2025-03-01T10:10:00.000Z' });
    assert.deepEqual(reopened.resumes, [{ at: '2025-03-01T10:10:00.000Z', host: 'login2', pid: 77 }]);
    assert.equal(reopened.run_number, 1);
  });

  it('refuses an id that would escape the records folder', async () => {
    const { root, batchfile } = tempRoot();
    await assert.rejects(createBatchRecord(options(root, batchfile, { id: '../../evil' })), /invalid batch record id/);
    assert.match(newBatchRecordId(T0), /^1740823200000_[0-9a-f]{8}$/);
  });
});

describe('effectiveStatus', () => {
  const here = hostname();
  const record = (status: 'in_progress' | 'completed', host: string, heartbeatAt: number) => ({
    status,
    runner: { host, pid: 1234, heartbeat: new Date(heartbeatAt).toISOString() },
  });
  const alive = () => true;
  const dead = () => false;

  it('keeps closed statuses as written, whatever the runner', () => {
    assert.equal(effectiveStatus(record('completed', here, 0), T0, dead), 'completed');
  });

  it('on this host: lost when the pid is dead, even with a fresh heartbeat', () => {
    assert.equal(effectiveStatus(record('in_progress', here, T0), T0 + 1000, alive), 'in_progress');
    assert.equal(effectiveStatus(record('in_progress', here, T0), T0 + 1000, dead), 'lost');
  });

  it('lost when the heartbeat is older than the staleness limit (fake clock), on any host', () => {
    const r = record('in_progress', 'other-node', T0);
    assert.equal(effectiveStatus(r, T0 + STALE_AFTER_MS, dead), 'in_progress', 'another host: its pid is not ours to check');
    assert.equal(effectiveStatus(r, T0 + STALE_AFTER_MS + 1, alive), 'lost');
    assert.equal(effectiveStatus(record('in_progress', here, T0), T0 + STALE_AFTER_MS + 1, alive), 'lost');
    assert.equal(effectiveStatus(r, T0 + 5000, alive, { staleAfterMs: 4000 }), 'lost');
  });

  it('uses the real pid check by default', () => {
    assert.equal(effectiveStatus({ status: 'in_progress', runner: { host: here, pid: process.pid, heartbeat: new Date().toISOString() } }, Date.now()), 'in_progress');
    assert.equal(effectiveStatus({ status: 'in_progress', runner: { host: here, pid: 2 ** 22 + 12345, heartbeat: new Date().toISOString() } }, Date.now()), 'lost');
  });
});
