// The cached node:fs DiskView forgets per path what file events made stale, and nothing else.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeDiskView } from '../../core/batchfile/index.js';

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'batchman-disk-forget-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A disk view on a clock that never moves: only forget() can make it read again. */
const frozenDisk = (): ReturnType<typeof createNodeDiskView> => createNodeDiskView(2000, () => 1_000_000);

describe('createNodeDiskView().forget', () => {
  it('a created or deleted path is read again, its folder listed again; other paths stay cached', async () => {
    const disk = frozenDisk();
    const folder = join(dir, 'created');
    await mkdir(folder);
    const input = join(folder, 'job.xyz');
    const other = join(folder, 'other.xyz');
    assert.equal(disk.kind(input), undefined);
    assert.equal(disk.kind(other), undefined);
    assert.deepEqual(disk.list(folder), []);
    await writeFile(input, '\n');
    await writeFile(other, '\n');
    disk.forget([{ path: input, type: 'created' }]);
    assert.equal(disk.kind(input), 'file');
    assert.deepEqual(disk.list(folder).map((entry) => entry.name).sort(), ['job.xyz', 'other.xyz']);
    assert.equal(disk.kind(other), undefined, 'a path no event named was read again');
    await rm(input);
    disk.forget([{ path: input, type: 'deleted' }]);
    assert.equal(disk.kind(input), undefined);
  });

  it('a content change forgets the file\'s head only: its kind and its folder\'s listing still hold', async () => {
    const disk = frozenDisk();
    const folder = join(dir, 'changed');
    await mkdir(folder);
    const script = join(folder, 'job.sh');
    await writeFile(script, 'crest a.xyz\n');
    assert.equal(disk.readHead!(script, 100), 'crest a.xyz\n');
    assert.equal(disk.kind(script), 'file');
    const listed = disk.list(folder);
    await writeFile(script, 'crest b.xyz\n');
    await writeFile(join(folder, 'unseen.xyz'), '\n');
    disk.forget([{ path: script, type: 'changed' }]);
    assert.equal(disk.readHead!(script, 100), 'crest b.xyz\n');
    assert.equal(disk.list(folder), listed, 'the listing was read again');
  });

  it('a deleted folder takes everything cached under it, however deep, and nothing beside it', async () => {
    const disk = frozenDisk();
    const mol = join(dir, 'mol');
    const beside = join(dir, 'mol2');
    await mkdir(join(mol, 'opt'), { recursive: true });
    await mkdir(beside);
    await writeFile(join(mol, 'opt', 'opt.xyz'), '\n');
    await writeFile(join(mol, 'opt', 'opt.sh'), 'xtb opt.xyz\n');
    assert.equal(disk.kind(join(mol, 'opt')), 'directory');
    assert.equal(disk.kind(join(mol, 'opt', 'opt.xyz')), 'file');
    assert.equal(disk.readHead!(join(mol, 'opt', 'opt.sh'), 100), 'xtb opt.xyz\n');
    assert.equal(disk.list(join(mol, 'opt')).length, 2);
    assert.equal(disk.kind(beside), 'directory');
    await rm(mol, { recursive: true });
    await rm(beside, { recursive: true });
    disk.forget([{ path: mol, type: 'deleted' }]);
    assert.equal(disk.kind(join(mol, 'opt')), undefined);
    assert.equal(disk.kind(join(mol, 'opt', 'opt.xyz')), undefined);
    assert.equal(disk.readHead!(join(mol, 'opt', 'opt.sh'), 100), undefined);
    assert.deepEqual(disk.list(join(mol, 'opt')), []);
    assert.equal(disk.kind(beside), 'directory', '`mol2` is beside `mol`, not under it');
  });

  it('a folder created whole (mkdir -p) is one event for the path that was missing: what was asked under it is read again', async () => {
    const disk = frozenDisk();
    const top = join(dir, 'deep');
    const job = join(top, 'a', 'b', 'job');
    assert.equal(disk.kind(job), undefined);
    await mkdir(job, { recursive: true });
    disk.forget([{ path: top, type: 'created' }]);
    assert.equal(disk.kind(job), 'directory');
  });
});
