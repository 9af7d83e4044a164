// A Gaussian optimisation's final geometry reaches the next job on the local executor: the "Gaussian" run prints a
// real Gaussian 16 optimisation log (cclib's regression data), the runner writes opt.xyz from its last orientation
// as CCBatchMan does, and the downstream job's coords{../opt,} pipe reads it — in each molecule folder of a batch in
// CCBatchMan's layout (the same step names in every molecule).
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readLedgerIfExists } from '../../core/ledger/ledger.js';
import { cleanupSandboxes, runBatchman, sandbox } from '../support/runner.js';

after(cleanupSandboxes);

const cclib = new URL('../fixtures/outputs/cclib/gaussian/', import.meta.url).pathname;

test('a successful Gaussian optimisation leaves {basename}.xyz and the pipe below it takes it, in every molecule folder', async () => {
  const box = await sandbox();
  const molecules = ['mol1', 'mol2'];
  const rows = molecules.flatMap((mol) => [`opt|${mol}/opt|gaussian|`, `check|${mol}/check|shell|coords{../opt,}`]);
  await writeFile(box.batchfile, ['root_directory=.', 'job_basename|job_directory|program|pipe', ...rows, ''].join('\n'));
  // Gaussian itself is not installed: its run prints the real log of a finished optimisation.
  await writeFile(join(box.dir, 'batchman.json'), JSON.stringify({ programs: { gaussian: { command: `cat '${join(cclib, 'g16-dvb_gopt.log')}' > {output}` } } }));
  for (const mol of molecules) {
    await mkdir(join(box.dir, mol, 'opt'), { recursive: true });
    await copyFile(join(cclib, 'g16-dvb_gopt.gjf'), join(box.dir, mol, 'opt/opt.gjf'));
    await mkdir(join(box.dir, mol, 'check'), { recursive: true });
    await writeFile(join(box.dir, mol, 'check/check.sh'), '#!/usr/bin/env bash\nset -e\nhead -2 opt.xyz\ntest "$(head -1 opt.xyz)" = 20\n');
  }

  const result = await runBatchman(box, ['-j', '2'], { timeoutMs: 120_000 });
  const ledger = (await readLedgerIfExists(box.ledger))?.rows ?? [];
  assert.equal(result.exitCode, 0, `${result.stderr}\n${JSON.stringify(ledger)}`);
  assert.equal(ledger.length, 4);
  assert.ok(ledger.every((row) => row.status === 'succeeded'), JSON.stringify(ledger));

  for (const mol of molecules) {
    const xyz = (await readFile(join(box.dir, mol, 'opt/opt.xyz'), 'utf8')).split('\n');
    assert.deepEqual(xyz.slice(0, 3), ['20', 'Final coordinates from opt optimization', 'C  0.269445  1.410118  0.000000']);
    assert.equal(await readFile(join(box.dir, mol, 'check/opt.xyz'), 'utf8'), xyz.join('\n'), 'the pipe copied it down');
  }
});
