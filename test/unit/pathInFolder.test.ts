// pathInFolder joins a folder and a file name by concatenation only where path.join would change nothing: checked
// against path.join itself over folders and names built from every piece join rewrites.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathInFolder } from '../../core/ledger/folderEvidence.js';

const PIECES = ['a', '.', '..', '', '.b', '..c', 'd.', 'e..', 'x y', '…'];

test('pathInFolder equals path.join for every folder of up to three pieces and every name', () => {
  const folders: string[] = ['/', '//', ''];
  for (const p of PIECES) for (const q of PIECES) for (const r of ['', ...PIECES]) {
    folders.push(`/${p}/${q}${r === '' ? '' : `/${r}`}`, `${p}/${q}`, `/${p}/${q}/`);
  }
  const names = [...PIECES, 'run_info.json', 'mol.out', 'a/b', '/x', 'x/', '../y'];
  let checked = 0;
  for (const folder of folders) {
    for (const name of names) {
      assert.equal(pathInFolder(folder, name), join(folder, name), `${JSON.stringify(folder)} + ${JSON.stringify(name)}`);
      checked++;
    }
  }
  assert.ok(checked > 10_000);
});
