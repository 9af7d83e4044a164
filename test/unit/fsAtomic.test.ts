// writeFileAtomic at each durability: the whole content lands, permission bits are kept, no temp file is left.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic, writeFileAtomicIfChanged } from '../../core/fsAtomic.js';
import type { Durability } from '../../core/fsAtomic.js';

for (const [durability, blocking] of [['durable', false], ['durable', true], ['data', false], ['data', true], ['rebuildable', false]] as [Durability, boolean][]) {
  test(`${durability}${blocking ? ', blocking' : ''}: writes a new file, replaces an old one keeping its mode, leaves no temp file`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-atomic-'));
    try {
      const path = join(dir, 'run_info.json');
      await writeFileAtomic(path, 'first', { durability, blocking });
      assert.equal(await readFile(path, 'utf8'), 'first');
      await chmod(path, 0o664); // a bit the usual umask (022) would take: kept by an explicit chmod
      await writeFileAtomic(path, new TextEncoder().encode('é'.repeat(70_000)), { durability, blocking });
      assert.equal(await readFile(path, 'utf8'), 'é'.repeat(70_000));
      assert.equal((await stat(path)).mode & 0o777, 0o664);
      assert.deepEqual(await readdir(dir), ['run_info.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('a write into a folder that is gone fails and leaves nothing behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-atomic-'));
  await rm(dir, { recursive: true });
  for (const durability of ['durable', 'rebuildable'] as Durability[]) {
    await assert.rejects(writeFileAtomic(join(dir, 'x.json'), 'x', { durability }), { code: 'ENOENT' });
    await assert.rejects(writeFileAtomic(join(dir, 'x.json'), 'x', { durability, blocking: true }), { code: 'ENOENT' });
  }
});

test('a rename that fails removes the temp file (the target is a folder)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-atomic-'));
  try {
    await writeFile(join(dir, 'keep'), '');
    const target = join(dir, 'target');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(target, 'inside'), { recursive: true }));
    for (const blocking of [false, true]) for (const durability of ['durable', 'rebuildable'] as Durability[]) await assert.rejects(writeFileAtomic(target, 'x', { durability, blocking }));
    assert.deepEqual((await readdir(dir)).sort(), ['keep', 'target']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeFileAtomicIfChanged skips identical content and passes the durability on', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-atomic-'));
  try {
    const path = join(dir, 'a.json');
    assert.equal(await writeFileAtomicIfChanged(path, 'x', { durability: 'data' }), true);
    assert.equal(await writeFileAtomicIfChanged(path, 'x', { durability: 'data' }), false);
    assert.equal(await writeFileAtomicIfChanged(path, 'y', { durability: 'rebuildable' }), true);
    assert.equal(await readFile(path, 'utf8'), 'y');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
