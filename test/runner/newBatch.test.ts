// `batchman new` end to end with the real xtb on the local executor: examples/new-from-structures' molecules (one a
// radical) → validate clean → run; every job succeeds, each freq job started from its own molecule's xtbopt.xyz,
// the radical ran with one unpaired electron, and `new` again changes nothing.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import { readLedgerIfExists } from '../../core/ledger/ledger.js';
import { findOnPath } from '../../core/slurm/detect.js';
import { batchman, cleanupSandboxes, runBatchman, sandbox } from '../support/runner.js';

const xtb = findOnPath('xtb');
const skip = xtb === undefined && process.env['CI'] !== 'true' ? 'xtb is not on PATH (CI installs it; here the test is skipped)' : false;
const MOLECULES = ['methane', 'methyl', 'water'];

describe('batchman new → validate → run, real xTB', { skip }, () => {
  after(cleanupSandboxes);

  test('xtb-opt-freq on three molecules, one a radical', async () => {
    const box = await sandbox('new-from-structures');
    const made = await batchman(box, ['new', '--pipeline', 'xtb-opt-freq', '--structures', join(box.dir, 'structures'), '-o', box.batchfile]);
    assert.equal(made.exitCode, 0, made.stderr);
    assert.match(made.stdout, /3 molecules, pipeline xtb-opt-freq; 6 job folders written, 6 rows added/);

    const validated = await batchman(box, ['validate', box.batchfile, '--json']);
    assert.equal(validated.exitCode, 0, validated.stdout);
    assert.deepEqual((JSON.parse(validated.stdout) as { diagnostics: unknown[] }).diagnostics, [], 'validate is clean');

    const run = await runBatchman(box, ['-j', '2'], { timeoutMs: 120_000 });
    assert.equal(run.exitCode, 0, `${run.stderr}\n${run.stdout}`);
    const ledger = await readLedgerIfExists(box.ledger);
    const statuses = Object.fromEntries((ledger?.rows ?? []).map((row) => [`${relative(box.dir, row.directory)}/${row.basename}`, row.status]));
    assert.deepEqual(statuses, Object.fromEntries(MOLECULES.flatMap((m) => [[`${m}/opt/opt`, 'succeeded'], [`${m}/freq/freq`, 'succeeded']])));

    const optimised = new Map<string, string>();
    for (const molecule of MOLECULES) {
      const dir = join(box.dir, molecule);
      const best = parseXyz(await readFile(join(dir, 'opt', 'xtbopt.xyz'), 'utf8')).atoms;
      const start = parseXyz(await readFile(join(box.dir, 'structures', `${molecule}.xyz`), 'utf8')).atoms;
      const input = parseXyz(await readFile(join(dir, 'freq', 'freq.xyz'), 'utf8')).atoms;
      assert.deepEqual(input, best, `${molecule}/freq/freq.xyz is ${molecule}'s own xtbopt.xyz`);
      assert.notDeepEqual(best, start, `xtb moved ${molecule}'s atoms (so the check above means something)`);
      optimised.set(molecule, JSON.stringify(best));
      const freqOutput = await readFile(join(dir, 'freq', 'freq.out'), 'utf8');
      assert.match(freqOutput, /vibrational frequencies/i, `${molecule}: xtb computed frequencies`);
      assert.match(await readFile(join(dir, 'freq', 'freq.sh'), 'utf8'), /^xtb 'freq\.xyz' --hess --chrg 0 --uhf \d --gfn 2 > 'freq\.out' 2>&1$/m);
    }
    assert.equal(new Set(optimised.values()).size, MOLECULES.length, 'each molecule has its own geometry');

    // The radical: xtb was told one unpaired electron, counted 7 electrons and left one orbital singly occupied.
    for (const step of ['opt', 'freq']) {
      const output = await readFile(join(box.dir, 'methyl', step, `${step}.out`), 'utf8');
      assert.match(output, /program call\s+:.*--uhf 1\b/, `methyl ${step}: --uhf 1`);
      assert.match(output, /# electrons\s+7\b/, `methyl ${step}: 7 electrons`);
      assert.match(output, /^\s+\d+\s+1\.0000\s+\S+\s+\S+ \(HOMO\)$/m, `methyl ${step}: a singly occupied HOMO`);
    }
    const water = await readFile(join(box.dir, 'water', 'opt', 'opt.out'), 'utf8');
    assert.match(water, /^\s+\d+\s+2\.0000\s+\S+\s+\S+ \(HOMO\)$/m, 'water: a doubly occupied HOMO');

    // Again with the same structures: nothing is rewritten, no row added.
    const batchfileBefore = await readFile(box.batchfile, 'utf8');
    const again = await batchman(box, ['new', '--pipeline', 'xtb-opt-freq', '--structures', join(box.dir, 'structures'), '-o', box.batchfile]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /0 job folders written, 0 rows added/);
    assert.match(again.stdout, /6 kept as they are \(they hold output\)/);
    assert.equal(await readFile(box.batchfile, 'utf8'), batchfileBefore);
  });
});
