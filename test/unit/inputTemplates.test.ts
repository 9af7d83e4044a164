// Each program's input template, read back with Batchman's own input readers: geometry, charge, multiplicity and
// keywords come out as they went in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROGRAMS } from '../../core/programs/catalog.js';
import type { Atom } from '../../core/programs/geometry/atoms.js';
import { replaceGaussianGeometry } from '../../core/programs/geometry/gaussianInput.js';
import { orcaChargeMultiplicity, setOrcaXyzFile } from '../../core/programs/geometry/orcaInput.js';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import { gaussianStepsFromInput } from '../../core/programs/gaussianRoute.js';
import { orcaJobKind } from '../../core/programs/orcaKeywords.js';
import type { RunType, TemplateJob } from '../../core/programs/templates/types.js';
import { TemplateError } from '../../core/programs/templates/types.js';
import { chargeFromComment } from '../../core/newBatch/structures.js';

const METHYL: Atom[] = [
  { element: 'C', x: 0, y: 0, z: 0.012345678 },
  { element: 'H', x: 1.079, y: 0, z: 0 },
  { element: 'H', x: -0.5395, y: 0.934441, z: 0 },
  { element: 'H', x: -0.5395, y: -0.934441, z: -0.000001 },
];

function job(overrides: Partial<TemplateJob> = {}): TemplateJob {
  return { basename: 'opt', title: 'methyl opt', atoms: METHYL, charge: 0, multiplicity: 2, runType: 'opt', keywords: [], cores: 4, memoryMb: 8192, ...overrides };
}

/** Atoms as the 8-decimal text every template writes. */
function rounded(atoms: readonly Atom[]): Atom[] {
  const round = (value: number) => Number(value.toFixed(8));
  return atoms.map((atom) => ({ element: atom.element, x: round(atom.x), y: round(atom.y), z: round(atom.z) }));
}

describe('input templates', () => {
  it('xTB: the geometry is the input, charge and multiplicity in its comment and in the flags', () => {
    const rendered = PROGRAMS.xtb.template!.render(job({ method: 'gfn2', solvent: 'water', keywords: ['--cma'] }));
    assert.equal(rendered.files.length, 1);
    assert.equal(rendered.files[0]!.name, 'opt.xyz');
    const frame = parseXyz(rendered.files[0]!.text);
    assert.deepEqual(frame.atoms, rounded(METHYL));
    assert.deepEqual(chargeFromComment(frame.comment), { charge: 0, multiplicity: 2 });
    assert.deepEqual(rendered.args, ['--opt', '--chrg', '0', '--uhf', '1', '--alpb', 'water', '--gfn', '2', '--cma']);
    const kinds: [RunType, string][] = [['opt', '--opt'], ['freq', '--hess'], ['opt+freq', '--ohess'], ['sp', '--scc']];
    for (const [runType, flag] of kinds) assert.equal(PROGRAMS.xtb.template!.render(job({ runType })).args[0], flag);
    assert.deepEqual(PROGRAMS.xtb.template!.render(job({ method: 'GFN-FF', charge: -1, multiplicity: 1 })).args, ['--opt', '--chrg', '-1', '--uhf', '0', '--gfnff']);
    assert.throws(() => PROGRAMS.xtb.template!.render(job({ method: 'b3lyp' })), TemplateError);
    assert.throws(() => PROGRAMS.xtb.template!.render(job({ runType: 'ts' })), /xTB has no run type "ts"/);
  });

  it('CREST: the geometry and --gfn2, --chrg, --uhf, --alpb', () => {
    const rendered = PROGRAMS.crest.template!.render(job({ runType: 'conformers', charge: 1, multiplicity: 1, solvent: 'ch2cl2' }));
    assert.deepEqual(parseXyz(rendered.files[0]!.text).atoms, rounded(METHYL));
    assert.deepEqual(rendered.args, ['--gfn2', '--chrg', '1', '--uhf', '0', '--alpb', 'ch2cl2']);
    assert.throws(() => PROGRAMS.crest.template!.render(job({ runType: 'opt' })), /conformer searches/);
  });

  it('Gaussian: %nprocshared, %mem, %chk, the route, title, charge and multiplicity, the Cartesian geometry', () => {
    const rendered = PROGRAMS.gaussian.template!.render(job({ runType: 'opt+freq', method: 'B3LYP', basis: 'def2-SVP', dispersion: 'D3BJ', solvent: 'water', keywords: ['Int=Ultrafine'] }));
    const [input] = rendered.files;
    assert.equal(input!.name, 'opt.gjf');
    const text = input!.text;
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['%nprocshared=4', `%mem=${Math.floor(8192 * 0.8)}MB`, '%chk=opt.chk']);
    assert.equal(lines[3], '#p opt freq B3LYP/def2-SVP EmpiricalDispersion=GD3BJ SCRF=(SMD,Solvent=water) Int=Ultrafine');
    assert.deepEqual(lines.slice(4, 8), ['', 'methyl opt', '', '0 2']);
    // Our own reader of routes sees the job kind; replacing the geometry with the same atoms changes nothing, so
    // the geometry block is exactly those atoms, in Cartesian coordinates, ended by a blank line.
    const [step] = gaussianStepsFromInput(text);
    assert.deepEqual({ opt: step!.opt, freq: step!.freq, ts: step!.ts }, { opt: true, freq: true, ts: false });
    assert.equal(replaceGaussianGeometry(text, rounded(METHYL)), text);
    assert.ok(text.endsWith('\n\n'), 'a blank line ends the molecule specification');
    const ts = PROGRAMS.gaussian.template!.render(job({ runType: 'ts', method: 'B3LYP', basis: '6-31G(d)' })).files[0]!.text;
    assert.equal(gaussianStepsFromInput(ts)[0]!.ts, true);
    assert.throws(() => PROGRAMS.gaussian.template!.render(job({ method: undefined })), /needs a method/);
    assert.throws(() => PROGRAMS.gaussian.template!.render(job({ method: 'B3LYP\n#p sp' })), /one line/);
    assert.doesNotMatch(PROGRAMS.gaussian.template!.render(job({ method: 'B3LYP', memoryMb: undefined })).files[0]!.text, /%mem/);
  });

  it('ORCA: the ! line, %pal, %maxcore, * xyzfile naming the starting geometry written beside it', () => {
    const rendered = PROGRAMS.orca.template!.render(job({ runType: 'opt+freq', method: 'B3LYP', basis: 'def2-SVP', dispersion: 'D3BJ', solvent: 'water', keywords: ['TightSCF'] }));
    const [input, start] = rendered.files;
    assert.equal(input!.name, 'opt.inp');
    assert.equal(start!.name, 'opt_start.xyz');
    const text = input!.text;
    assert.match(text, /^! B3LYP def2-SVP D3BJ Opt Freq CPCM\(water\) TightSCF$/m);
    assert.match(text, /^%pal nprocs 4 end$/m);
    assert.match(text, new RegExp(`^%maxcore ${Math.floor((8192 * 0.75) / 4)}$`, 'm'));
    assert.deepEqual(orcaChargeMultiplicity(text), { charge: 0, multiplicity: 2 });
    assert.deepEqual(orcaJobKind(text), { opt: true, ts: false, freq: true });
    assert.equal(setOrcaXyzFile(text, 'opt_start.xyz'), text, 'the geometry line is already * xyzfile 0 2 opt_start.xyz');
    assert.deepEqual(PROGRAMS.orca.filesNamedByInput(text), ['opt_start.xyz']);
    assert.deepEqual(parseXyz(start!.text).atoms, rounded(METHYL));
    const ts = PROGRAMS.orca.template!.render(job({ runType: 'ts', method: 'B3LYP' })).files[0]!.text;
    assert.deepEqual(orcaJobKind(ts), { opt: true, ts: true, freq: true });
    assert.match(ts, /Calc_Hess true/);
  });

  it('every template renders each run type it claims, and no program without one is offered', () => {
    for (const program of Object.values(PROGRAMS)) {
      const template = program.template;
      if (!template) continue;
      for (const runType of template.runTypes) {
        const rendered = template.render(job({ runType, method: program.id === 'xtb' || program.id === 'crest' ? 'gfn2' : 'B3LYP' }));
        assert.equal(rendered.files[0]!.name, `opt${program.inputExtension}`, `${program.id} ${runType}`);
      }
    }
    assert.equal(PROGRAMS.shell.template, undefined);
    assert.equal(PROGRAMS.pyaroma.template, undefined);
  });
});
