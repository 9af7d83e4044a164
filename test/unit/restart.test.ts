// Restarts: the plan by cause, SLURM units doubled, history folders, and the last geometry put back into the input.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { PROGRAMS } from '../../core/programs/catalog.js';
import { CAUSES, exitCodeCause } from '../../core/programs/markers.js';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import {
  DEFAULT_MEMORY,
  applyRestartGeometry,
  archiveAttempt,
  filesNamedByInput,
  findLastGeometry,
  historyDirectory,
  listHistory,
  planRestart,
} from '../../core/runner/restart.js';
import { GENERATED_MARKER } from '../../core/runner/submitScript.js';
import { doubleMemory, doubleWalltime, formatWalltime, parseMemory, parseWalltime, slurmMemory } from '../../core/runner/slurmUnits.js';

const inputs = new URL('../fixtures/inputs/', import.meta.url).pathname;
const fixture = (name: string): string => readFileSync(join(inputs, name), 'utf8');

describe('SLURM units', () => {
  it('parses and doubles time limits in every SLURM format, keeping the style', () => {
    assert.equal(parseWalltime('30'), 1800);
    assert.equal(parseWalltime('30:15'), 1815);
    assert.equal(parseWalltime('01:00:00'), 3600);
    assert.equal(parseWalltime('2-12'), 216_000);
    assert.equal(parseWalltime('1-00:30'), 88_200);
    assert.equal(parseWalltime('1-00:00:00'), 86_400);
    assert.equal(parseWalltime('01:60:00'), undefined);
    assert.equal(parseWalltime('UNLIMITED'), undefined);
    assert.equal(doubleWalltime('01:00:00'), '02:00:00');
    assert.equal(doubleWalltime('12:00:00'), '24:00:00');
    assert.equal(doubleWalltime('36:30:00'), '73:00:00');
    assert.equal(doubleWalltime('1-12:00:00'), '3-00:00:00');
    assert.equal(doubleWalltime('0-00:45:30'), '0-01:31:00');
    assert.equal(doubleWalltime('90'), '03:00:00');
    assert.equal(formatWalltime(90_061, true), '1-01:01:01');
  });

  it('parses memory as users write it, doubles it in its own unit, and gives sbatch whole numbers', () => {
    assert.deepEqual(parseMemory('4GB'), { amount: 4, unit: 'G', suffix: 'GB' });
    assert.deepEqual(parseMemory('4000'), { amount: 4000, unit: 'M', suffix: '' });
    assert.equal(parseMemory('0G'), undefined);
    assert.equal(parseMemory('4 PB'), undefined);
    assert.equal(doubleMemory('4GB'), '8GB');
    assert.equal(doubleMemory('4000'), '8000');
    assert.equal(doubleMemory('1.5g'), '3g');
    assert.equal(doubleMemory('750M'), '1500M');
    assert.equal(slurmMemory(parseMemory('1.5G')!), '1536M');
    assert.equal(slurmMemory(parseMemory('16GB')!), '16G');
    assert.equal(slurmMemory(parseMemory('2.2 gb')!), '2253M');
  });
});

describe('planRestart', () => {
  const base = { attempt: 0, maxRestarts: 2 };

  it('TIMEOUT doubles the walltime (or the elapsed time, or the default) and continues from the last geometry', () => {
    assert.deepEqual(planRestart({ ...base, cause: CAUSES.timeout, walltime: '1-00:00:00', program: 'gaussian' }), {
      restart: true,
      walltime: '2-00:00:00',
      fromLastGeometry: true,
      reason: 'TIMEOUT: walltime 1-00:00:00 → 2-00:00:00',
    });
    assert.equal((planRestart({ ...base, cause: CAUSES.timeout, elapsed: '00:30:00' }) as { walltime: string }).walltime, '01:00:00');
    assert.equal((planRestart({ ...base, cause: CAUSES.timeout }) as { walltime: string }).walltime, '02:00:00');
    assert.equal((planRestart({ ...base, cause: CAUSES.timeout, program: 'crest' }) as { fromLastGeometry: boolean }).fromLastGeometry, false);
  });

  it('OUT_OF_MEMORY doubles the memory in its unit', () => {
    assert.deepEqual(planRestart({ ...base, cause: CAUSES.outOfMemory, memory: '16GB', program: 'orca' }), {
      restart: true,
      memory: '32GB',
      fromLastGeometry: true,
      reason: 'OUT_OF_MEMORY: memory 16GB → 32GB',
    });
    assert.equal((planRestart({ ...base, cause: CAUSES.outOfMemory }) as { memory: string }).memory, doubleMemory(DEFAULT_MEMORY));
  });

  it('NODE_FAIL and PREEMPTED resubmit as is', () => {
    for (const cause of [CAUSES.nodeFail, CAUSES.preempted]) {
      assert.deepEqual(planRestart({ ...base, cause, walltime: '01:00:00', program: 'xtb' }), { restart: true, fromLastGeometry: false, reason: `${cause}: resubmitted as is` });
    }
  });

  it('a program that stopped early restarts from its last geometry where the program allows it', () => {
    for (const program of ['xtb', 'ORCA', 'gaussian']) {
      const plan = planRestart({ ...base, cause: CAUSES.optNotConverged, program });
      assert.deepEqual(plan, { restart: true, fromLastGeometry: true, reason: 'optimisation not converged: restarted from the last geometry' });
    }
    assert.deepEqual(planRestart({ ...base, cause: CAUSES.notFinished, program: 'pyaroma' }), {
      restart: true,
      fromLastGeometry: false,
      reason: 'program did not finish: resubmitted (pyaroma cannot continue from a geometry)',
    });
  });

  it('causes that would fail the same way are not restarted', () => {
    for (const cause of [exitCodeCause(3), CAUSES.imaginaryFrequency, CAUSES.scfNotConverged, CAUSES.errorTermination, CAUSES.cancelled]) {
      assert.deepEqual(planRestart({ ...base, cause }), { restart: false, reason: `${cause}: a restart would fail the same way` });
    }
  });

  it('stops at maxRestarts', () => {
    assert.equal(planRestart({ cause: CAUSES.timeout, attempt: 1, maxRestarts: 2 }).restart, true);
    assert.deepEqual(planRestart({ cause: CAUSES.timeout, attempt: 2, maxRestarts: 2 }), { restart: false, reason: 'TIMEOUT: already restarted 2 time(s), maxRestarts is 2' });
    assert.equal(planRestart({ cause: CAUSES.nodeFail, attempt: 0, maxRestarts: 0 }).restart, false);
  });
});

describe('history folders and the last geometry', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-restart-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('archiveAttempt keeps the attempt as _history_N and leaves only the inputs, ready to resubmit', async () => {
    const dir = join(root, 'mol', 'sp');
    await mkdir(dir, { recursive: true });
    const inp = addMoinp(setXyzFile(fixture('orca/methanol-opt-pal.inp')));
    const files: Record<string, string> = {
      'sp.inp': inp,
      'opt.xyz': fixture('xyz/methanol-xtbopt.xyz'),
      'guess.gbw': 'orbitals',
      'sp.sh': `#!/bin/bash\n${GENERATED_MARKER} by Batchman\n`,
      'sp.out': 'ORCA output',
      'sp.gbw': 'own orbitals',
      'sp.xyz': 'ORCA current geometry',
      'slurm-17.out': 'slurm',
      'run_info.json': '{}',
      'notes.txt': 'mine',
    };
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await mkdir(join(root, 'mol', 'sp_history_1')); // taken: the next free number is used

    const history = await archiveAttempt(`${dir}/`, {
      basename: 'sp',
      program: PROGRAMS.orca,
      pipes: [
        { kind: 'coords', noTransfer: false, fileName: 'opt.xyz' },
        { kind: 'orbitals', noTransfer: false, fileName: 'guess.gbw' },
      ],
      keep: ['notes.txt', '../escape'],
    });
    assert.equal(history, historyDirectory(dir, 2));
    assert.deepEqual((await readdir(history)).sort(), Object.keys(files).sort());
    assert.deepEqual((await readdir(dir)).sort(), ['guess.gbw', 'notes.txt', 'opt.xyz', 'sp.inp']);
    assert.equal(await readFile(join(dir, 'sp.inp'), 'utf8'), inp);
    assert.deepEqual(await listHistory(dir), [1, 2]);
    assert.deepEqual((await readdir(join(root, 'mol'))).sort(), ['sp', 'sp_history_1', 'sp_history_2'], 'no temporary folder left');
  });

  it("archiveAttempt keeps a user's own script, xTB's .CHRG/.UHF, and files the input names", async () => {
    const dir = join(root, 'x');
    await mkdir(dir);
    for (const name of ['x.xyz', 'x.sh', '.CHRG', '.UHF', 'x.out', 'xtbopt.xyz', 'xtbrestart', 'charges']) await writeFile(join(dir, name), name);
    await archiveAttempt(dir, { basename: 'x', program: 'xtb' });
    assert.deepEqual((await readdir(dir)).sort(), ['.CHRG', '.UHF', 'x.sh', 'x.xyz']);
    assert.deepEqual(filesNamedByInput('gaussian', '%oldchk=prev.chk\n%chk=new.chk\n# B3LYP/Gen\n\nt\n\n0 1\nH 0 0 0\n\n@basis.gbs/N\n'), ['prev.chk', 'basis.gbs']);
    assert.deepEqual(await listHistory(join(root, 'nothing')), []);
  });

  it('finds xTB\'s last geometry in xtblast.xyz, xtbopt.xyz, else the last complete frame of xtbopt.log', async () => {
    const dir = join(root, 'xtb');
    await mkdir(dir);
    assert.equal(await findLastGeometry('xtb', dir, 'h2o'), undefined);
    const frames = fixture('xyz/crest-conformers.xyz');
    await writeFile(join(dir, 'xtbopt.log'), `${frames}  3\n energy: -5.1\nO 0.0 0.0\n`);
    const fromLog = await findLastGeometry('xtb', dir, 'h2o');
    assert.equal(fromLog!.source, join(dir, 'xtbopt.log'));
    assert.equal(fromLog!.atoms[0]!.x, 0.1, 'the last complete frame, not the cut one');
    await writeFile(join(dir, 'xtbopt.xyz'), fixture('xyz/water.xyz'));
    assert.equal((await findLastGeometry('xtb', dir, 'h2o'))!.source, join(dir, 'xtbopt.xyz'));
    await writeFile(join(dir, 'xtblast.xyz'), fixture('xyz/methanol-xtbopt.xyz'));
    assert.equal((await findLastGeometry('xtb', dir, 'h2o'))!.atoms.length, 6);
  });

  it('applyRestartGeometry: Gaussian gets the log\'s last orientation in its .gjf', async () => {
    const history = join(root, 'w_history_1');
    const fresh = join(root, 'w');
    await mkdir(history);
    await mkdir(fresh);
    await copyFile(join(inputs, 'gaussian/water-opt-killed.log'), join(history, 'w.log'));
    await copyFile(join(inputs, 'gaussian/water-gen-crlf.gjf'), join(fresh, 'w.gjf'));
    const result = await applyRestartGeometry({ basename: 'w', path: fresh, program: PROGRAMS.gaussian }, history);
    assert.deepEqual(result, { applied: true, source: join(history, 'w.log'), written: ['w.gjf'] });
    const lines = (await readFile(join(fresh, 'w.gjf'), 'utf8')).split('\r\n');
    assert.deepEqual(lines.slice(5, 10), ['0 1', ' O       0.00000000     0.00000000     0.11926200', ' H       0.00000000     0.76323900    -0.47704700', ' H       0.00000000    -0.76323900    -0.47704700', '']);
  });

  it('applyRestartGeometry: ORCA reads {basename}_restart.xyz through * xyzfile, from {basename}.xyz or the trajectory', async () => {
    const history = join(root, 'o_history_1');
    const fresh = join(root, 'o');
    await mkdir(history);
    await mkdir(fresh);
    await writeFile(join(history, 'o_trj.xyz'), fixture('xyz/crest-conformers.xyz'));
    await copyFile(join(inputs, 'orca/methanol-opt-pal.inp'), join(fresh, 'o.inp'));
    const result = await applyRestartGeometry({ basename: 'o', path: fresh, program: PROGRAMS.orca }, history);
    assert.deepEqual(result, { applied: true, source: join(history, 'o_trj.xyz'), written: ['o_restart.xyz', 'o.inp'] });
    assert.match(await readFile(join(fresh, 'o.inp'), 'utf8'), /^\* xyzfile 0 1 o_restart\.xyz$/m);
    const written = parseXyz(await readFile(join(fresh, 'o_restart.xyz'), 'utf8'));
    assert.equal(written.comment, '        -5.07054100', 'the trajectory frame, verbatim');
    assert.equal(written.atoms[0]!.x, 0.1);
  });

  it('applyRestartGeometry leaves the inputs alone when there is no geometry or the program cannot use one', async () => {
    const fresh = join(root, 'f');
    await mkdir(fresh);
    await writeFile(join(fresh, 'f.xyz'), fixture('xyz/water.xyz'));
    assert.deepEqual(await applyRestartGeometry({ basename: 'f', path: fresh, program: PROGRAMS.xtb }, root), { applied: false, reason: `no geometry found in ${root}` });
    assert.equal(await readFile(join(fresh, 'f.xyz'), 'utf8'), fixture('xyz/water.xyz'));
    assert.deepEqual(await applyRestartGeometry({ basename: 'f', path: fresh, program: PROGRAMS.crest }, root), { applied: false, reason: 'crest cannot continue from a geometry' });
    const zmat = join(root, 'z');
    await mkdir(zmat);
    await copyFile(join(inputs, 'gaussian/water-zmatrix.gjf'), join(zmat, 'z.gjf'));
    await copyFile(join(inputs, 'gaussian/water-opt-killed.log'), join(root, 'z.log'));
    const refused = await applyRestartGeometry({ basename: 'z', path: zmat, program: PROGRAMS.gaussian }, root);
    assert.equal(refused.applied, false);
    assert.match((refused as { reason: string }).reason, /not in Cartesian coordinates/);
  });
});

function setXyzFile(inp: string): string {
  return inp.replace(/\* xyz 0 1[\s\S]*?\n\*\n/, '* xyzfile 0 1 opt.xyz\n');
}

function addMoinp(inp: string): string {
  return inp.replace('Opt Freq', 'Opt Freq MORead').replace('%pal', '%moinp "guess.gbw"\n%pal');
}
