// A Gaussian optimisation's final geometry reaches the next job on the local executor: the "Gaussian" run prints a
// real Gaussian 16 optimisation log (cclib's regression data), the runner writes opt.xyz from its last orientation
// as CCBatchMan does, and the downstream job's coords{../opt,} pipe reads it.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanupSandboxes, ledgerRows, runBatchman, sandbox } from '../support/runner.js';

after(cleanupSandboxes);

const cclib = new URL('../fixtures/outputs/cclib/gaussian/', import.meta.url).pathname;

test('a successful Gaussian optimisation leaves {basename}.xyz and the pipe below it takes it', async () => {
  const box = await sandbox();
  await writeFile(box.batchfile, ['root_directory=.', 'job_basename|job_directory|program|pipe', 'opt|mol1/opt|gaussian|', 'check|mol1/check|shell|coords{../opt,}', ''].join('\n'));
  // Gaussian itself is not installed: its run prints the real log of a finished optimisation.
  await writeFile(join(box.dir, 'batchman.json'), JSON.stringify({ programs: { gaussian: { command: `cat '${join(cclib, 'g16-dvb_gopt.log')}' > {output}` } } }));
  await mkdir(join(box.dir, 'mol1/opt'), { recursive: true });
  await copyFile(join(cclib, 'g16-dvb_gopt.gjf'), join(box.dir, 'mol1/opt/opt.gjf'));
  await mkdir(join(box.dir, 'mol1/check'), { recursive: true });
  await writeFile(join(box.dir, 'mol1/check/check.sh'), '#!/usr/bin/env bash\nset -e\nhead -2 opt.xyz\ntest "$(head -1 opt.xyz)" = 20\n');

  const result = await runBatchman(box, ['-j', '2'], { timeoutMs: 120_000 });
  const rows = await ledgerRows(box);
  assert.equal(result.exitCode, 0, `${result.stderr}\n${JSON.stringify([...rows.values()])}`);
  assert.equal(rows.get('opt')?.status, 'succeeded');
  assert.equal(rows.get('check')?.status, 'succeeded');

  const xyz = (await readFile(join(box.dir, 'mol1/opt/opt.xyz'), 'utf8')).split('\n');
  assert.deepEqual(xyz.slice(0, 3), ['20', 'Final coordinates from opt optimization', 'C  0.269445  1.410118  0.000000']);
  assert.equal(await readFile(join(box.dir, 'mol1/check/opt.xyz'), 'utf8'), xyz.join('\n'), 'the pipe copied it down');
});
