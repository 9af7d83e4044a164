// A failed job's output and slurm-*.out copied into fail_output/<basename>/ under the root.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { PROGRAMS } from '../../core/programs/catalog.js';
import { copyFailureOutput, failOutputDirectory } from '../../core/runner/failures.js';

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
    const target = join(root, 'fail_output', 'opt');
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
    assert.deepEqual(copied, [join(root, 'fail_output/sh/slurm-7.out'), join(root, 'fail_output/sh/slurm-12.out')]);
    assert.deepEqual(await copyFailureOutput(root, { basename: 'none', path: join(root, 'missing'), program: PROGRAMS.xtb }, 3), []);
    assert.deepEqual((await readdir(join(root, 'fail_output'))).sort(), ['sh'], 'no empty folder for a job with nothing to copy');
  });

  it('keeps hostile basenames inside fail_output', () => {
    assert.equal(failOutputDirectory('/r', '../../etc'), '/r/fail_output/.._.._etc');
    assert.equal(failOutputDirectory('/r', '..'), '/r/fail_output/_..');
    assert.equal(failOutputDirectory('/r', 'a\nb'), '/r/fail_output/a_b');
    assert.equal(failOutputDirectory('/r', '$(touch pwned)'), '/r/fail_output/$(touch pwned)');
  });
});
