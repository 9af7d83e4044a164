// Stamps and folder listings come back in the order asked, across chunk boundaries, each as stat and readdir say.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listFolders, stampFiles } from '../../core/ledger/fileStamps.js';

describe('file stamps', () => {
  let root: string;
  const paths: string[] = [];
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-stamps-'));
    // 700 paths: more than two chunks; every third one missing, sizes all different.
    for (let i = 0; i < 700; i++) {
      const folder = join(root, `f${i % 7}`);
      await mkdir(folder, { recursive: true });
      const path = join(folder, `file${i}`);
      if (i % 3 !== 0) await writeFile(path, 'x'.repeat(i));
      paths.push(path);
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("gives each path's size and mtime as stat does, null for a missing one, in order", async () => {
    const stamps = await stampFiles(paths);
    assert.equal(stamps.length, paths.length);
    for (let i = 0; i < paths.length; i++) {
      if (i % 3 === 0) {
        assert.equal(stamps[i], null, paths[i]);
        continue;
      }
      const stats = await stat(paths[i]!);
      assert.deepEqual(stamps[i], { size: stats.size, mtimeMs: stats.mtimeMs }, paths[i]);
    }
  });

  it('lists each folder as readdir does, and says why one cannot be listed', async () => {
    const folders = [...Array.from({ length: 300 }, (_, i) => join(root, `f${i % 7}`)), join(root, 'missing')];
    const listed = await listFolders(folders);
    for (let i = 0; i < 300; i++) assert.deepEqual([...(listed[i] as string[])].sort(), (await readdir(folders[i]!)).sort());
    assert.equal(((listed[300] as { error: NodeJS.ErrnoException }).error).code, 'ENOENT');
  });
});
