// `batchman new` as users run it: the built CLI's plan (--dry-run writes nothing), a sweep from batchman.json, the
// files it writes for each program, refusals (exit 1, nothing written) and bad usage (exit 2).
import assert from 'node:assert/strict';
import { cp, readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';
import { tempDirs } from '../support/tempDir.js';

const BIN = join(REPO_ROOT, 'bin/batchman');

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort();
}

describe('batchman new', () => {
  let dir: string;
  const tempDir = tempDirs();
  const run = (...args: string[]) => execa(BIN, ['new', ...args], { reject: false, cwd: dir, timeout: 30_000 });

  before(async () => {
    await ensureBuilt();
    dir = tempDir('batchman-new-cli-');
    await cp(join(REPO_ROOT, 'examples', 'new-from-structures'), dir, { recursive: true });
  });

  it('--dry-run prints the molecules, the jobs, their folders and a sample input, and writes nothing', async () => {
    const before = await tree(dir);
    const result = await run('--pipeline', 'xtb-solvents', '--structures', 'structures', '--dry-run');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^pipeline xtb-solvents: opt \(xtb opt\) → freq \(xtb freq\)$/m);
    assert.match(result.stdout, /3 molecules, 12 jobs; new batchfile batchfile\.csv \(root_directory=\.\)/);
    assert.match(result.stdout, /^methyl\s+4\s+0 \(comment\)\s+2 \(comment\)\s+structures\/methyl\.xyz$/m);
    assert.match(result.stdout, /^freq_toluene\s+water\/freq_toluene\s+xtb\s+coords\{\.\.\/opt_toluene,xtbopt\.xyz\}\s+new$/m);
    assert.match(result.stdout, /^\{args\} of its command: --opt --chrg 0 --uhf 0 --alpb water --gfn 2$/m);
    assert.match(result.stdout, /nothing written \(--dry-run\)/);
    assert.deepEqual(await tree(dir), before);
  });

  it('writes Gaussian and ORCA inputs, job_config.json and the SLURM columns of the steps', async () => {
    const gaussian = await run('--pipeline', 'gaussian-opt-freq', '--structures', 'structures/methyl.xyz', '-o', 'g16/batchfile.csv');
    assert.equal(gaussian.exitCode, 0, gaussian.stderr);
    const gjf = await readFile(join(dir, 'g16', 'methyl', 'optfreq', 'optfreq.gjf'), 'utf8');
    assert.match(gjf, /^%nprocshared=4\n%mem=6553MB\n%chk=optfreq\.chk\n#p opt freq B3LYP\/6-31G\(d\) EmpiricalDispersion=GD3BJ\n\nmethyl optfreq\n\n0 2\n C /);
    assert.match(await readFile(join(dir, 'g16', 'batchfile.csv'), 'utf8'), /^optfreq\|methyl\/optfreq\|gaussian\|\|4\|8G\|24:00:00\|$/m);

    const orca = await run('--pipeline', 'orca-opt-freq-sp', '--structures', 'structures/water.xyz', '-o', 'orca/batchfile.csv', '--charge', '0', '--multiplicity', '1');
    assert.equal(orca.exitCode, 0, orca.stderr);
    assert.deepEqual((await readdir(join(dir, 'orca', 'water', 'sp'))).sort(), ['job_config.json', 'sp.inp', 'sp_start.xyz']);
    assert.match(await readFile(join(dir, 'orca', 'water', 'sp', 'sp.inp'), 'utf8'), /^! B3LYP def2-TZVP D3BJ SP\n%pal nprocs 4 end\n%maxcore 1536\n\* xyzfile 0 1 sp_start\.xyz$/m);
    assert.match(await readFile(join(dir, 'orca', 'batchfile.csv'), 'utf8'), /^sp\|water\/sp\|orca\|coords\{\.\.\/optfreq,optfreq\.xyz\}\|4\|8G\|12:00:00\|$/m);
    const validated = await execa(BIN, ['validate', join(dir, 'orca', 'batchfile.csv')], { reject: false });
    assert.equal(validated.exitCode, 0, validated.stdout);
  });

  it('refuses an impossible charge and multiplicity (exit 1, nothing written); bad usage is exit 2', async () => {
    const before = await tree(dir);
    const refused = await run('--pipeline', 'xtb-opt-freq', '--structures', 'structures', '--multiplicity', '2', '-o', 'refused.csv');
    assert.equal(refused.exitCode, 1);
    assert.match(refused.stderr, /structures\/methane\.xyz \(molecule methane\): charge 0 and multiplicity 2 are impossible together: 10 electrons/);
    assert.match(refused.stderr, /nothing written/);
    assert.equal((await run('--pipeline', 'nope', '--structures', 'structures')).exitCode, 2);
    assert.equal((await run('--pipeline', 'xtb-opt-freq', '--structures', 'missing.xyz')).exitCode, 2);
    assert.equal((await run('--pipeline', 'xtb-opt-freq')).exitCode, 2);
    assert.equal((await run('--pipeline', 'xtb-opt-freq', '--structures', 'structures', '--charge', 'one')).exitCode, 2);
    assert.deepEqual(await tree(dir), before);
  });
});
