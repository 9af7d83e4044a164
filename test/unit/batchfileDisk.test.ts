// The cached node:fs DiskView: right answers, kept for the TTL only, across clock jumps and long sessions; file heads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeDiskView } from '../../core/batchfile/index.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'batchman-disk-'));
  await mkdir(join(dir, 'folder'));
  await writeFile(join(dir, 'folder', 'input.inp'), '\n');
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createNodeDiskView', () => {
  it('tells folders, files and missing paths apart', () => {
    const disk = createNodeDiskView();
    assert.equal(disk.kind(join(dir, 'folder')), 'directory');
    assert.equal(disk.kind(join(dir, 'folder', 'input.inp')), 'file');
    assert.equal(disk.kind(join(dir, 'nothing')), undefined);
    assert.deepEqual(disk.list(join(dir, 'folder')), [{ name: 'input.inp', kind: 'file' }]);
  });

  it('answers from the cache within the TTL, from the disk after it, and after clear()', async () => {
    let clock = 1_000_000;
    const disk = createNodeDiskView(2000, () => clock);
    const late = join(dir, 'late.xyz');
    assert.equal(disk.kind(late), undefined);
    await writeFile(late, '\n');
    clock += 1999;
    assert.equal(disk.kind(late), undefined, 'still cached');
    clock += 1;
    assert.equal(disk.kind(late), 'file', 'expired, read again');
    await rm(late);
    assert.equal(disk.kind(late), 'file', 'cached again');
    disk.clear();
    assert.equal(disk.kind(late), undefined, 'cleared');
  });

  it('reads the head of a file, cached for the TTL like every answer; nothing for folders and missing files', async () => {
    let clock = 1_000_000;
    const disk = createNodeDiskView(2000, () => clock);
    const script = join(dir, 'folder', 'job.sh');
    await writeFile(script, '#!/bin/bash\ncrest h2o2.xyz > job.out\n');
    assert.equal(disk.readHead!(script, 1024), '#!/bin/bash\ncrest h2o2.xyz > job.out\n');
    assert.equal(disk.readHead!(script, 11), '#!/bin/bash', 'only the bytes asked for');
    await writeFile(script, 'xtb mol.xyz --opt\n');
    assert.equal(disk.readHead!(script, 11), '#!/bin/bash', 'still cached');
    clock += 2000;
    assert.equal(disk.readHead!(script, 11), 'xtb mol.xyz');
    assert.equal(disk.readHead!(join(dir, 'folder'), 1024), undefined);
    assert.equal(disk.readHead!(join(dir, 'nothing.sh'), 1024), undefined);
  });

  it('stays right across long idle gaps (expired entries are pruned), a clock going back, and days of uptime', async () => {
    let clock = 5_000;
    const disk = createNodeDiskView(2000, () => clock);
    const paths = Array.from({ length: 50 }, (_, i) => join(dir, `p${i}`));
    for (const path of paths) assert.equal(disk.kind(path), undefined);
    const made = join(dir, 'p7');
    await writeFile(made, '\n');
    // Long after: the next question prunes every expired entry, and answers from the disk.
    clock += 60_000;
    assert.equal(disk.kind(made), 'file');
    assert.equal(disk.kind(paths[8]!), undefined);
    // The clock steps back (NTP): nothing is served from a future it no longer believes in.
    await rm(made);
    clock -= 30_000;
    assert.equal(disk.kind(made), undefined);
    // Days later, past the cache's epoch span: answers stay right.
    await writeFile(made, '\n');
    for (const step of [1, 2, 3]) {
      clock += step * 40_000_000;
      assert.equal(disk.kind(made), 'file');
      assert.equal(disk.kind(join(dir, 'folder')), 'directory');
    }
    await rm(made);
  });
});
