// Outcomes of real xTB runs (Debian's `xtb`): a water optimisation succeeds; one cut to 1 cycle fails.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { CAUSES } from '../../core/programs/markers.js';
import { readOutcome } from '../../core/programs/outcome.js';
import { xtbSkip } from '../support/xtb.js';

const WATER = '3\nwater\nO 0.000 0.000 0.000\nH 0.000 0.757 0.587\nH 0.000 -0.757 0.587\n';

const skip = await xtbSkip();

describe('real xTB', { skip }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-xtb-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string, extraArgs: string[]): Promise<number> {
    const jobDir = join(dir, name);
    await mkdir(jobDir);
    await writeFile(join(jobDir, 'h2o.xyz'), WATER);
    const result = await execa('xtb', ['h2o.xyz', '--opt', ...extraArgs], {
      cwd: jobDir,
      timeout: 120_000,
      reject: false,
      stdout: { file: join(jobDir, 'h2o.out') },
      env: { OMP_NUM_THREADS: '1' },
    });
    return result.exitCode ?? -1;
  }

  it('xtb h2o.xyz --opt > h2o.out: succeeded', async () => {
    const exitCode = await run('opt', []);
    assert.equal(exitCode, 0);
    const outcome = await readOutcome({ program: 'xtb', jobDirectory: join(dir, 'opt'), basename: 'h2o', exitCode });
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    assert.match(outcome.evidence!, /^h2o\.out: \* finished run on \d{4}\/\d\d\/\d\d/);
  });

  it('xtb h2o.xyz --opt --cycles 1: optimisation not converged, although xtb exits 0', async () => {
    const exitCode = await run('cut', ['--cycles', '1']);
    assert.equal(exitCode, 0, 'xtb itself reports success');
    const outcome = await readOutcome({ program: 'xtb', jobDirectory: join(dir, 'cut'), basename: 'h2o', exitCode });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.cause, CAUSES.optNotConverged);
  });
});
