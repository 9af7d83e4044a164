// examples/xtb-water with the real xtb on the local executor: every job succeeds, the frequency jobs'
// generated scripts run `--hess`, and their input geometry is the optimised one handed down by the pipe.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { findOnPath } from '../../core/slurm/detect.js';
import { cleanupSandboxes, history, ledgerRows, ledgerStatuses, runBatchman, sandbox } from '../support/runner.js';

const xtb = findOnPath('xtb');
const skip = xtb === undefined && process.env['CI'] !== 'true' ? 'xtb is not on PATH (CI installs it; here the test is skipped)' : false;
const MOLECULES = ['water', 'ammonia', 'methane'];

/** Element symbols and coordinates of an .xyz file (its comment line aside). */
function atoms(xyz: string): { element: string; xyz: number[] }[] {
  const lines = xyz.split('\n');
  const count = Number(lines[0]?.trim());
  assert.ok(Number.isInteger(count) && count > 0, `an atom count on line 1: ${lines[0]}`);
  return lines.slice(2, 2 + count).map((line) => {
    const [element = '', ...numbers] = line.trim().split(/\s+/);
    return { element, xyz: numbers.slice(0, 3).map(Number) };
  });
}

describe('the xTB pipeline on the local executor', { skip }, () => {
  after(cleanupSandboxes);

  test('all 6 jobs succeed; the freq jobs run --hess on the upstream xtbopt.xyz', async () => {
    const box = await sandbox('xtb-water');
    const result = await runBatchman(box, [], { timeoutMs: 120_000 });
    assert.equal(result.exitCode, 0, `${result.stderr}\n${result.stdout}`);
    const statuses = await ledgerStatuses(box);
    assert.deepEqual(statuses, Object.fromEntries(MOLECULES.flatMap((m) => [[`${m}_opt`, 'succeeded'], [`${m}_freq`, 'succeeded']])));
    const rows = await ledgerRows(box);

    for (const molecule of MOLECULES) {
      const opt = join(box.dir, molecule, 'opt');
      const freq = join(box.dir, molecule, 'freq');
      const freqScript = await readFile(join(freq, `${molecule}_freq.sh`), 'utf8');
      assert.match(freqScript, /^# batchman:generated/m, 'the script was generated');
      assert.match(freqScript, new RegExp(`^xtb '${molecule}_freq\\.xyz' --hess > '${molecule}_freq\\.out' 2>&1$`, 'm'));
      const optScript = await readFile(join(opt, `${molecule}_opt.sh`), 'utf8');
      assert.doesNotMatch(optScript, /--hess/, 'batchman.json only changes the *_freq jobs');
      assert.match(optScript, /--opt/);

      // the freq job's input is exactly the optimised geometry, not the starting one
      const optimised = atoms(await readFile(join(opt, 'xtbopt.xyz'), 'utf8'));
      const start = atoms(await readFile(join(opt, `${molecule}_opt.xyz`), 'utf8'));
      const input = atoms(await readFile(join(freq, `${molecule}_freq.xyz`), 'utf8'));
      assert.deepEqual(input, optimised, `${molecule}_freq.xyz is ${molecule}/opt/xtbopt.xyz`);
      assert.notDeepEqual(optimised, start, 'xtb moved the atoms (so the check above means something)');

      // and xtb really computed frequencies there
      const output = await readFile(join(freq, `${molecule}_freq.out`), 'utf8');
      assert.match(output, /\* finished run on/);
      assert.match(output, /vibrational frequencies/i);
      assert.ok((rows.get(`${molecule}_freq`)?.jobId ?? 0) > (rows.get(`${molecule}_opt`)?.jobId ?? Infinity), 'freq was submitted after its opt');
    }
    const [record] = await history(box);
    assert.equal(record?.status, 'completed');
    assert.equal(record?.counts?.['succeeded'], 6);
  });
});
