// A failed job's output and slurm-*.out copied into fail_output/ under the root, in CCBatchMan's layout:
// the job folder relative to the root with / as __ (`__mol__opt` for `mol/opt` under a root written without a trailing /).
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { PROGRAMS } from '../../core/programs/catalog.js';
import { copyFailureOutput, failOutputDirectory, failOutputName } from '../../core/runner/failures.js';

describe('copyFailureOutput', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-fail-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("copies the program's output and the attempt's slurm-{id}.out, replacing an earlier copy", async () => {
    const path = join(root, 'mol', 'opt');
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'opt.log'), ' Error termination via Lnk1e\n');
    await writeFile(join(path, 'slurm-41.out'), 'old attempt\n');
    await writeFile(join(path, 'slurm-42.out'), 'slurmstepd: error: *** JOB 42 CANCELLED AT ... DUE TO TIME LIMIT ***\n');
    await writeFile(join(path, 'opt.gjf'), 'input, not copied');
    const target = join(root, 'fail_output', '__mol__opt');
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'opt.log'), 'from an earlier failure');

    const copied = await copyFailureOutput(root, { basename: 'opt', path, program: PROGRAMS.gaussian }, 42);
    assert.deepEqual(copied, [join(target, 'opt.log'), join(target, 'slurm-42.out')]);
    assert.deepEqual((await readdir(target)).sort(), ['opt.log', 'slurm-42.out']);
    assert.equal(await readFile(join(target, 'opt.log'), 'utf8'), ' Error termination via Lnk1e\n');
  });

  it('copies every slurm-*.out when the job id is unknown, and skips files that do not exist', async () => {
    const path = join(root, 'sh');
    await mkdir(path);
    await writeFile(join(path, 'slurm-7.out'), 'a');
    await writeFile(join(path, 'slurm-12.out'), 'b');
    const copied = await copyFailureOutput(root, { basename: 'sh', path, program: PROGRAMS.shell });
    assert.deepEqual(copied, [join(root, 'fail_output/__sh/slurm-7.out'), join(root, 'fail_output/__sh/slurm-12.out')]);
    assert.deepEqual(await copyFailureOutput(root, { basename: 'none', path: join(root, 'missing'), program: PROGRAMS.xtb }, 3), []);
    assert.deepEqual((await readdir(join(root, 'fail_output'))).sort(), ['__sh'], 'no empty folder for a job with nothing to copy');
  });

  it('gives two jobs of the same name in two folders two places, as CCBatchMan does', async () => {
    for (const molecule of ['mol1', 'mol2']) {
      const path = join(root, molecule, 'opt');
      await mkdir(path, { recursive: true });
      await writeFile(join(path, 'opt.out'), `${molecule}\n`);
      await copyFailureOutput({ path: root, written: root }, { basename: 'opt', path, program: PROGRAMS.xtb });
    }
    assert.deepEqual((await readdir(join(root, 'fail_output'))).sort(), ['__mol1__opt', '__mol2__opt']);
    assert.equal(await readFile(join(root, 'fail_output', '__mol2__opt', 'opt.out'), 'utf8'), 'mol2\n');
  });

  it("names the folder as CCBatchMan's run_jobs_update_ledger does: the root's text cut off, / as __", () => {
    // os.path.commonprefix(['/calcs', '/calcs/mol1/opt']) is '/calcs': the '/' after it stays.
    assert.equal(failOutputName({ path: '/calcs', written: '/calcs' }, '/calcs/mol1/opt'), '__mol1__opt');
    // A root written with a trailing slash keeps it in the prefix.
    assert.equal(failOutputName({ path: '/calcs', written: '/calcs/' }, '/calcs/mol1/opt'), 'mol1__opt');
    assert.equal(failOutputName({ path: '/b', written: '.' }, '/b/water/broken'), '__water__broken');
    assert.equal(failOutputName({ path: '/b', written: './' }, '/b/water/broken'), 'water__broken');
    assert.equal(failOutputName({ path: '/calcs', written: '/calcs' }, '/calcs'), '__', 'a job in the root itself');
    assert.equal(failOutputDirectory('/calcs', '/calcs/mol1/opt'), '/calcs/fail_output/__mol1__opt');
  });

  it('keeps every job inside fail_output, whatever its folder is called', () => {
    // CCBatchMan would write a folder outside the root to a place outside it; Batchman names it by its whole path.
    assert.equal(failOutputDirectory('/r', '/scratch/other/opt'), '/r/fail_output/__scratch__other__opt');
    assert.equal(failOutputDirectory('/r', '/r2/x'), '/r/fail_output/__r2__x');
    assert.equal(failOutputDirectory('/r', '/r/a\nb'), '/r/fail_output/__a_b');
    assert.equal(failOutputDirectory('/r', '/r/$(touch pwned)'), '/r/fail_output/__$(touch pwned)');
    assert.equal(failOutputDirectory({ path: '/r', written: '/r/' }, '/r/..x/y'), '/r/fail_output/..x__y');
  });
});
