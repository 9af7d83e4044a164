// The program registry, per-program file names, slurm-{id}.out listing, job kinds read from inputs, and the needle scanner.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PROGRAMS, PROGRAM_IDS, programById } from '../../core/programs/catalog.js';
import { countOccurrences, readHead, readTail, scanNeedles } from '../../core/programs/fileScan.js';
import { jobFiles, jobPaths, listSlurmOutputIds, slurmOutputName } from '../../core/programs/files.js';
import { gaussianStep, gaussianStepsFromInput, gaussianStepsFromLog } from '../../core/programs/gaussianRoute.js';
import { orcaIsOptimisation, orcaIsOptimisationFromOutput } from '../../core/programs/orcaKeywords.js';

const GRAMMAR = new URL('../../syntaxes/batchfile.tmLanguage.json', import.meta.url);

describe('program registry', () => {
  it('files each program under its own id and finds it by name, case-insensitively', () => {
    assert.deepEqual(Object.keys(PROGRAMS), [...PROGRAM_IDS]);
    for (const id of PROGRAM_IDS) {
      assert.equal(PROGRAMS[id].id, id);
      assert.equal(programById(` ${id.toUpperCase()} `), PROGRAMS[id]);
    }
    assert.equal(programById('g16'), undefined);
  });

  it('keeps what the batchfile rules read in step with what the runner does', () => {
    for (const id of PROGRAM_IDS) {
      const program = PROGRAMS[id];
      assert.equal(program.acceptsOrbitals, program.orbitalsPipe !== undefined, `${id}: acceptsOrbitals and orbitalsPipe`);
      // A program whose input is the geometry gets the piped frame as that input.
      if (program.inputIsGeometry) assert.equal(program.coordsPipe.fileName('mol', 'up/conf.xyz'), `mol${program.inputExtension}`, id);
    }
  });

  it('matches the grammar, whose program list is kept by hand in syntaxes/', () => {
    const grammar = readFileSync(GRAMMAR, 'utf8');
    const list = /\(\?i:((?:[a-z]+\|)+[a-z]+)\)/.exec(grammar)?.[1];
    assert.deepEqual(list?.split('|').sort(), [...PROGRAM_IDS].sort());
  });
});

describe('job files', () => {
  it('names input, output and submit script per program', () => {
    assert.deepEqual(jobFiles('gaussian', 'mol'), { input: 'mol.gjf', output: 'mol.log', submitScript: 'mol.sh' });
    assert.deepEqual(jobFiles('orca', 'mol'), { input: 'mol.inp', output: 'mol.out', submitScript: 'mol.sh' });
    assert.deepEqual(jobFiles('crest', 'mol'), { input: 'mol.xyz', output: 'mol.out', submitScript: 'mol.sh' });
    assert.deepEqual(jobFiles('xtb', 'mol'), { input: 'mol.xyz', output: 'mol.out', submitScript: 'mol.sh' });
    assert.deepEqual(jobFiles('pyaroma', 'mol'), { input: 'mol.py', output: 'mol.out', submitScript: 'mol.sh' });
    assert.deepEqual(jobFiles('shell', 'mol'), { input: 'mol.sh', output: 'mol.out', submitScript: 'mol.sh' });
    assert.equal(jobPaths('xtb', '/a/b', 'mol').output, '/a/b/mol.out');
    for (const id of PROGRAM_IDS) assert.equal(jobFiles(id, 'x').submitScript, 'x.sh');
  });

  it('lists slurm-{id}.out ids in ascending order, ignoring other files and missing folders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-programs-'));
    try {
      for (const name of ['slurm-900.out', 'slurm-1000.out', 'slurm-12_3.out', 'slurm-x.out', 'mol.out', slurmOutputName(95)]) {
        await writeFile(join(dir, name), '');
      }
      assert.deepEqual(await listSlurmOutputIds(dir), [95, 900, 1000]);
      assert.deepEqual(await listSlurmOutputIds(join(dir, 'absent')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('job kinds', () => {
  it('reads Gaussian routes: opt, freq, TS, multi-line routes and --Link1-- steps', () => {
    assert.deepEqual(
      gaussianStepsFromInput('%chk=a.chk\n#p B3LYP/6-31G(d)\n opt freq\n\ntitle\n\n0 1\nO 0 0 0\n\n').map(({ opt, freq, ts }) => [opt, freq, ts]),
      [[true, true, false]],
    );
    const linked = gaussianStepsFromInput('#p opt=(ts, calcfc) b3lyp/6-31g(d)\n\nt\n\n0 1\nH 0 0 0\n\n--Link1--\n%chk=a.chk\n# Freq Geom=Check\n\nt\n\n0 1\n\n');
    assert.deepEqual(
      linked.map(({ opt, freq, ts }) => [opt, freq, ts]),
      [
        [true, false, true],
        [false, true, false],
      ],
    );
    assert.equal(gaussianStep('#P SP B3LYP/def2SVP Pop=NBO').opt, false);
    assert.equal(gaussianStep('#p popt B3LYP').opt, false, 'keywords are whole tokens');
    assert.equal(gaussianStep('#Opt(QST2) Freq').ts, true);
    assert.equal(gaussianStep('#n Opt=(MaxCycles=200) Freq=NoRaman').freq, true);
    const log = ' %chk=a.chk\n --------------------------------------------------------------------\n #p B3LYP/6-31G(d) scrf=(smd,solvent=water) o\n pt freq\n --------------------------------------------------------------------\n';
    assert.deepEqual(gaussianStepsFromLog(log).map(({ opt, freq }) => [opt, freq]), [[true, true]], 'a wrapped route is joined');
    assert.deepEqual(gaussianStepsFromLog('no route here\n'), []);
  });

  it('reads ORCA optimisations from the input or its echo in the output', () => {
    assert.equal(orcaIsOptimisation('! B3LYP def2-SVP Opt Freq\n* xyz 0 1\n*'), true);
    assert.equal(orcaIsOptimisation('!B3LYP def2-SVP\n! TIGHTOPT\n'), true);
    assert.equal(orcaIsOptimisation('! B3LYP def2-SVP OptTS\n'), true);
    assert.equal(orcaIsOptimisation('! B3LYP def2-SVP TightSCF # Opt later\n%geom maxiter 5 end\n'), false);
    assert.equal(orcaIsOptimisation('! B3LYP Freq\n'), false);
    assert.equal(orcaIsOptimisationFromOutput('|  1> # water\n|  2> ! B3LYP def2-SVP Opt\n'), true);
    assert.equal(orcaIsOptimisationFromOutput('|  1> ! B3LYP def2-SVP\n'), false);
  });
});

describe('bounded reads and needle scanning', () => {
  it('reads a tail cut at a line start and a head cut at a line end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-programs-'));
    try {
      const path = join(dir, 'f.out');
      await writeFile(path, 'aaaa\nbbbb\ncccc\n');
      assert.deepEqual({ ...(await readTail(path, 7)), mtimeMs: 0 }, { text: 'cccc\n', size: 15, whole: false, mtimeMs: 0 });
      assert.equal((await readTail(path, 100)).whole, true);
      assert.equal((await readHead(path, 7)).text, 'aaaa\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts needles across 1 MiB chunk boundaries exactly like a whole-text count (property)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-programs-'));
    try {
      const path = join(dir, 'big.out');
      const needle = 'Normal termination of Gaussian';
      await fc.assert(
        fc.asyncProperty(fc.array(
            fc.oneof(
              // Straddling the first and second chunk boundaries, and inside the carried bytes.
              fc.integer({ min: 1024 * 1024 - 40, max: 1024 * 1024 + 4200 }),
              fc.integer({ min: 2 * 1024 * 1024 - 40, max: 2 * 1024 * 1024 + 5 }),
              fc.integer({ min: 0, max: 3 * 1024 * 1024 }),
            ),
            { maxLength: 6 },
          ), async (offsets) => {
          const size = 3 * 1024 * 1024 + 100;
          const buffer = Buffer.alloc(size, 'x');
          const placed: number[] = [];
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            if (placed.length > 0 && offset < placed.at(-1)! + needle.length + 1) continue;
            buffer.write(` ${needle}\n`, offset);
            placed.push(offset);
          }
          await writeFile(path, buffer);
          const [hit] = await scanNeedles(path, [needle]);
          assert.equal(hit!.count, countOccurrences(buffer.toString('latin1'), needle));
          assert.equal(hit!.count, placed.length);
        }),
        { numRuns: 25 },
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
