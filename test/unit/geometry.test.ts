// Geometry files and input rewriting: XYZ frames, Gaussian geometry blocks, ORCA xyzfile/MORead, Gaussian log orientations.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GeometryError, elementSymbol } from '../../core/programs/geometry/atoms.js';
import type { Atom } from '../../core/programs/geometry/atoms.js';
import { replaceGaussianGeometry } from '../../core/programs/geometry/gaussianInput.js';
import { gaussianOrientations, lastGaussianGeometry, readLastGaussianGeometry } from '../../core/programs/geometry/gaussianLog.js';
import { addOrcaMoRead, orcaChargeMultiplicity, setOrcaXyzFile } from '../../core/programs/geometry/orcaInput.js';
import { formatXyz, parseXyz, parseXyzFrames } from '../../core/programs/geometry/xyz.js';

const inputs = new URL('../fixtures/inputs/', import.meta.url).pathname;
const fixture = (name: string): string => readFileSync(join(inputs, name), 'utf8');
const methanol = parseXyz(fixture('xyz/methanol-xtbopt.xyz')).atoms;
const water = parseXyz(fixture('xyz/water.xyz')).atoms;

function coordinates(atoms: readonly Atom[]): string[] {
  return atoms.map((atom) => `${atom.element} ${atom.x} ${atom.y} ${atom.z}`);
}

describe('XYZ files', () => {
  it('reads an xtbopt.xyz: count, the energy comment, symbols and coordinates', () => {
    const frame = parseXyz(fixture('xyz/methanol-xtbopt.xyz'));
    assert.equal(frame.comment, ' energy: -11.397697351538 gnorm: 0.000412345678 xtb: 6.5.1 (fef0646)');
    assert.equal(frame.atoms.length, 6);
    assert.deepEqual(frame.atoms[0], { element: 'C', x: -0.0483, y: 0.6625, z: -0.0001 });
    assert.deepEqual(frame.atoms[5], { element: 'H', x: 0.8612, y: -1.0746, z: 0 });
    assert.equal(frame.text, fixture('xyz/methanol-xtbopt.xyz'), 'a single frame is the whole file, verbatim');
  });

  it('reads every frame of a CREST ensemble, each frame verbatim', () => {
    const text = fixture('xyz/crest-conformers.xyz');
    const frames = parseXyzFrames(text);
    assert.equal(frames.length, 2);
    assert.equal(frames[0]!.comment, '        -5.07054519');
    assert.equal(frames[1]!.atoms[0]!.x, 0.1);
    assert.equal(frames[0]!.text + frames[1]!.text, text);
  });

  it('accepts atomic numbers, extra columns, Fortran exponents, CRLF and no final newline', () => {
    const frame = parseXyz('2\r\nextended\r\n8 0.0 0.0 1.0D-01 -0.8\r\n1 0 0.76 -0.47 0.4');
    assert.deepEqual(coordinates(frame.atoms), ['O 0 0 0.1', 'H 0 0.76 -0.47']);
    assert.equal(frame.comment, 'extended');
    assert.equal(elementSymbol(118), 'Og');
    assert.equal(elementSymbol(119), undefined);
  });

  it('names the line of what is not XYZ', () => {
    assert.throws(() => parseXyz(fixture('xyz/not-xyz.xyz'), 'g.log'), { name: 'GeometryError', message: 'g.log, line 1: expected the number of atoms, found "Entering Gaussian System, Link 0=g16"' });
    assert.throws(() => parseXyz('3\nc\nO 0 0 0\nH 0 0\nH 0 0 1\n', 'w.xyz'), { message: 'w.xyz, line 4: expected "ELEMENT X Y Z", found "H 0 0"' });
    assert.throws(() => parseXyz('3\nc\nO 0 0 0\n', 'w.xyz'), { message: 'w.xyz, line 1: 3 atoms announced, the file ends before them' });
    assert.throws(() => parseXyz('\n\n', 'w.xyz'), { message: 'w.xyz holds no geometry' });
    assert.throws(() => parseXyz('1\nc\n$(x) 0 0 0\n'), GeometryError);
  });

  it('drops a trajectory frame cut by a killed run only when asked, and only at the end', () => {
    const full = fixture('xyz/crest-conformers.xyz');
    const cut = `${full}3\n energy: -5.1\nO 0.0 0.0\n`;
    assert.throws(() => parseXyzFrames(cut), GeometryError);
    assert.equal(parseXyzFrames(cut, 'xtbopt.log', { truncatedTail: true }).length, 2);
    const brokenMiddle = full.replace('H          0.7830215860        0.0000000000        0.1955958064', 'H 0.78');
    assert.throws(() => parseXyzFrames(brokenMiddle, 'x', { truncatedTail: true }), GeometryError);
  });

  it('formats a frame that reads back the same', () => {
    const text = formatXyz(water, 'a\ncomment');
    assert.equal(text.split('\n')[1], 'a comment');
    assert.equal(text.split('\n')[2], ' O       0.00000000     0.00000000     0.11779000');
    assert.deepEqual(parseXyz(text).atoms, water);
    assert.equal(formatXyz([{ element: 'H', x: -1e-12, y: 0, z: 0 }]).split('\n')[2], ' H       0.00000000     0.00000000     0.00000000');
  });
});

describe('Gaussian input geometry', () => {
  it('replaces the geometry of the opt step, keeps Link 0, the two-line route and title, ModRedundant and the AllCheck step', () => {
    const result = replaceGaussianGeometry(fixture('gaussian/methanol-optfreq-link1.gjf'), methanol, 'methanol.gjf');
    assert.equal(result, fixture('gaussian/methanol-optfreq-link1.expected.gjf'));
  });

  it('is idempotent: replacing again with the same atoms changes nothing', () => {
    const once = replaceGaussianGeometry(fixture('gaussian/methanol-optfreq-link1.gjf'), methanol);
    assert.equal(replaceGaussianGeometry(once, methanol), once);
  });

  it('keeps CRLF line endings and the Gen basis section after the geometry', () => {
    const original = fixture('gaussian/water-gen-crlf.gjf');
    const moved = water.map((atom) => ({ ...atom, z: atom.z + 0.5 }));
    const result = replaceGaussianGeometry(original, moved);
    assert.ok(!/[^\r]\n/.test(result), 'every line ends in CRLF');
    const lines = result.split('\r\n');
    assert.deepEqual(lines.slice(0, 6), ['%chk=water.chk', '# PBE0/Gen SCF=Tight', '', 'water single point, mixed basis', '', '0 1']);
    assert.deepEqual(lines.slice(6, 9), [
      ' O       0.00000000     0.00000000     0.61779000',
      ' H       0.00000000     0.75545300     0.02883900',
      ' H       0.00000000    -0.75545300     0.02883900',
    ]);
    assert.equal(lines.slice(9).join('\r\n'), original.split('\r\n').slice(9).join('\r\n'), 'the basis section is untouched');
  });

  it('fills a template whose charge/multiplicity line ends the file, adding the blank line Gaussian needs', () => {
    const result = replaceGaussianGeometry(fixture('gaussian/template-no-geometry.gjf'), water);
    assert.equal(
      result,
      '%mem=2GB\n# HF/3-21G Freq\n\ngeometry comes from the upstream optimisation\n\n-1 2\n' +
        ' O       0.00000000     0.00000000     0.11779000\n' +
        ' H       0.00000000     0.75545300    -0.47116100\n' +
        ' H       0.00000000    -0.75545300    -0.47116100\n\n',
    );
  });

  it('refuses a Z-matrix, QST2, a missing charge line, and an input that reads everything from the checkpoint', () => {
    assert.throws(() => replaceGaussianGeometry(fixture('gaussian/water-zmatrix.gjf'), water, 'w.gjf'), {
      message: 'w.gjf, step 1, "O": the geometry is not in Cartesian coordinates (a Z-matrix?); a coords pipe can only replace Cartesian coordinates',
    });
    assert.throws(() => replaceGaussianGeometry(fixture('gaussian/qst2.gjf'), water, 'q.gjf'), { message: /q\.gjf, step 1: Opt=QST2\/QST3 takes several geometries/ });
    assert.throws(() => replaceGaussianGeometry('# HF/3-21G\n\ntitle\n\nO 0 0 0\n\n', water, 'c.gjf'), { message: 'c.gjf, step 1: expected the charge and multiplicity line after the title' });
    assert.throws(() => replaceGaussianGeometry('%chk=a.chk\n# HF/3-21G Geom=Check Guess=Read\n\nt\n\n0 1\n\n', water, 'k.gjf'), { message: /k\.gjf: no step has a molecule specification/ });
  });

  it('accepts Cartesian lines with freeze codes, fragments and commas', () => {
    const gjf = '# PM6 Opt\n\nt\n\n0 1 0 1 0 1\nC(Fragment=1) 0 0.0 0.0 0.0\nO,-1,1.2,0.0,0.0\n\n';
    const result = replaceGaussianGeometry(gjf, water.slice(0, 2));
    assert.equal(result.split('\n')[4], '0 1 0 1 0 1');
    assert.equal(result.split('\n')[6], ' H       0.00000000     0.75545300    -0.47116100');
  });
});

describe('ORCA input geometry and orbitals', () => {
  it('turns an inline * xyz block into * xyzfile with the same charge and multiplicity, keeping %pal/%maxcore/%geom', () => {
    const result = setOrcaXyzFile(fixture('orca/methanol-opt-pal.inp'), 'opt.xyz', 'sp.inp');
    assert.equal(result, fixture('orca/methanol-opt-pal.coords.expected.inp'));
    assert.equal(setOrcaXyzFile(result, 'opt.xyz'), result, 'idempotent');
  });

  it('adds MORead and %moinp after the keywords, once, keeping the keyword line comment', () => {
    const withCoords = setOrcaXyzFile(fixture('orca/methanol-opt-pal.inp'), 'opt.xyz');
    const result = addOrcaMoRead(withCoords, 'guess.gbw');
    assert.equal(result, fixture('orca/methanol-opt-pal.both.expected.inp'));
    assert.equal(addOrcaMoRead(result, 'guess.gbw'), result, 'idempotent');
  });

  it('replaces an existing xyzfile line of the first step only, keeping the anion charge, and an existing %moinp', () => {
    const original = fixture('orca/anion-xyzfile-newjob.inp');
    assert.deepEqual(orcaChargeMultiplicity(original), { charge: -1, multiplicity: 2 });
    const result = addOrcaMoRead(setOrcaXyzFile(original, 'opt.xyz'), 'guess.gbw');
    assert.equal(
      result,
      '!PBE0 def2-TZVP\n! RIJCOSX def2/J MORead\n%maxcore 3000\n%moinp "guess.gbw"\n* xyzfile -1 2 opt.xyz\n\n$new_job\n! PBE0 def2-TZVP Freq\n%maxcore 3000\n* xyzfile -1 2 old.xyz\n',
    );
  });

  it('does not add MORead twice when a keyword line already has it', () => {
    const result = addOrcaMoRead('! B3LYP def2-SVP\n! moread\n* xyz 0 1\nH 0 0 0\nH 0 0 0.74\n*\n', 'g.gbw');
    assert.equal(result, '! B3LYP def2-SVP\n! moread\n%moinp "g.gbw"\n* xyz 0 1\nH 0 0 0\nH 0 0 0.74\n*\n');
  });

  it('refuses %coords blocks, inputs without charge/multiplicity, unclosed blocks and unreadable names', () => {
    assert.throws(() => setOrcaXyzFile(fixture('orca/coords-block.inp'), 'a.xyz', 'c.inp'), { message: /c\.inp, line 2: the geometry is a %coords block/ });
    assert.throws(() => setOrcaXyzFile(fixture('orca/no-geometry.inp'), 'a.xyz', 'n.inp'), {
      message: 'n.inp: no "* xyz CHARGE MULT" or "* xyzfile CHARGE MULT FILE" line, so Batchman cannot tell the charge and multiplicity',
    });
    assert.throws(() => setOrcaXyzFile('! HF\n* xyz 0\nH 0 0 0\n*\n', 'a.xyz', 'm.inp'), { message: 'm.inp, line 2: expected "* xyz CHARGE MULTIPLICITY"' });
    assert.throws(() => setOrcaXyzFile('! HF\n* xyz 0 1\nH 0 0 0\n', 'a.xyz', 'u.inp'), { message: /has no closing "\*" line/ });
    assert.throws(() => setOrcaXyzFile(fixture('orca/methanol-opt-pal.inp'), 'a b.xyz'), GeometryError);
    assert.throws(() => addOrcaMoRead('%pal nprocs 2 end\n', 'g.gbw', 'k.inp'), { message: 'k.inp: no "!" keyword line to add MORead to' });
  });

  it('replaces * int and * gzmt internal-coordinate blocks too', () => {
    const result = setOrcaXyzFile('! HF\n*int 0 1\nO 0 0 0 0 0 0\nH 1 0 0 0.96 0 0\n*\n%scf end\n', 'o.xyz');
    assert.equal(result, '! HF\n* xyzfile 0 1 o.xyz\n%scf end\n');
  });
});

describe('Gaussian log orientations', () => {
  it('takes the last complete input orientation, skipping the table a killed run cut off', () => {
    const log = fixture('gaussian/water-opt-killed.log');
    assert.deepEqual(
      gaussianOrientations(log).map((block) => block.kind),
      ['input', 'standard', 'input', 'standard'],
    );
    assert.deepEqual(coordinates(lastGaussianGeometry(log)!), ['O 0 0 0.119262', 'H 0 0.763239 -0.477047', 'H 0 -0.763239 -0.477047']);
  });

  it('uses the standard orientation when the log has no other, with element symbols from atomic numbers', () => {
    assert.deepEqual(coordinates(lastGaussianGeometry(fixture('gaussian/brcl-standard-only.log'))!), ['Cl 0 0 1', 'Br 0 0 -1.2']);
    assert.equal(lastGaussianGeometry(' Normal termination of Gaussian 16\n'), undefined);
  });

  it('reads a multi-megabyte log from its end, growing the window until an orientation is found', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-geometry-'));
    try {
      const path = join(dir, 'big.log');
      const filler = ' Harmonic frequencies (cm**-1), IR intensities (KM/Mole), Raman scattering\n'.repeat(60_000); // ~4.6 MB
      await writeFile(path, fixture('gaussian/water-opt-killed.log').replace(/ Step number {3}2[\s\S]*$/, '') + filler);
      assert.deepEqual(coordinates((await readLastGaussianGeometry(path))!), ['O 0 0 0.119262', 'H 0 0.763239 -0.477047', 'H 0 -0.763239 -0.477047']);
      // The last standard table alone in the first window: its input twin just before it still wins.
      const split = fixture('gaussian/water-opt-killed.log').replace(/ Step number {3}2[\s\S]*$/, '');
      const standardAt = split.lastIndexOf('                         Standard orientation:');
      await writeFile(path, split.slice(0, standardAt) + filler + split.slice(standardAt).replace(/ SCF Done[\s\S]*$/, '') + ' '.repeat(100) + '\n');
      assert.ok((await readLastGaussianGeometry(path))![1]!.y === 0.763239);
      await writeFile(path, filler);
      assert.equal(await readLastGaussianGeometry(path), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
