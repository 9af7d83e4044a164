// `batchman new`'s core: pipelines from batchman.json, sweeps and their names, structures with their charge and
// multiplicity (impossible ones refused, nothing written), the plan, idempotence, and per-job flags reaching the
// generated submit script.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBatchModel } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import { BUILTIN_PIPELINES, validatePipelines } from '../../core/newBatch/pipelines.js';
import { planNewBatch } from '../../core/newBatch/plan.js';
import { StructureError, chargeFromComment, moleculesOf, spinProblem } from '../../core/newBatch/structures.js';
import { expandPipeline, nameSlug } from '../../core/newBatch/sweep.js';
import { writePlan } from '../../core/newBatch/write.js';
import { BatchSettingsError, defaultBatchSettings, parseBatchSettings } from '../../core/runner/batchSettings.js';
import { archiveAttempt } from '../../core/runner/restart.js';
import { SubmitScriptError, prepareSubmitScript } from '../../core/runner/submitScript.js';

const WATER = '3\nwater\nO 0 0 0.1193\nH 0 0.7632 -0.4770\nH 0 -0.7632 -0.4770\n';
const METHYL = '4\nmethyl radical charge=0 mult=2\nC 0 0 0\nH 1.079 0 0\nH -0.5395 0.9344 0\nH -0.5395 -0.9344 0\n';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'batchman-new-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort();
}

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, 'mols'), { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, 'mols', file), text);
  return dir;
}

describe('pipelines', () => {
  it('the built-ins are valid pipelines, as batchman.json would give them', () => {
    assert.deepEqual(Object.keys(BUILTIN_PIPELINES).sort(), ['crest-xtb', 'gaussian-opt-freq', 'orca-opt-freq-sp', 'xtb-opt-freq']);
    const again = validatePipelines(JSON.parse(JSON.stringify(BUILTIN_PIPELINES)), (key, problem) => assert.fail(`${key}: ${problem}`));
    assert.deepEqual(again, BUILTIN_PIPELINES);
    assert.deepEqual(expandPipeline(BUILTIN_PIPELINES['crest-xtb']!).map((job) => [job.name, job.coords?.file]), [['crest', undefined], ['opt', 'crest_best.xyz']]);
    assert.deepEqual(expandPipeline(BUILTIN_PIPELINES['orca-opt-freq-sp']!).map((job) => job.coords?.file), [undefined, 'optfreq.xyz']);
  });

  it('batchman.json problems name the key', () => {
    const problem = (pipelines: unknown) => {
      try {
        parseBatchSettings(JSON.stringify({ pipelines }));
      } catch (error) {
        assert.ok(error instanceof BatchSettingsError);
        return error.message;
      }
      return assert.fail('accepted');
    };
    const step = { name: 'opt', program: 'xtb', runType: 'opt' };
    assert.equal(problem({ p: { steps: [step, { ...step, name: 'f', coordsFrom: 'op' }] } }), 'batchman.json: pipelines.p.steps[1].coordsFrom: "op" is not an earlier step (opt)');
    assert.equal(problem({ p: { steps: [{ ...step, runType: 'conformers' }] } }), 'batchman.json: pipelines.p.steps[0].runType: xtb runs opt, freq, opt+freq, sp, not "conformers"');
    assert.equal(problem({ p: { steps: [{ ...step, program: 'shell' }] } }), 'batchman.json: pipelines.p.steps[0].program: Batchman writes no shell inputs; a pipeline step is one of gaussian, orca, crest, xtb');
    assert.equal(problem({ p: { steps: [{ ...step, basis: [] }] } }), 'batchman.json: pipelines.p.steps[0].basis: a sweep needs at least one value');
    assert.equal(problem({ p: { steps: [{ ...step, memroy: '8G' }] } }).startsWith('batchman.json: pipelines.p.steps[0].memroy: unknown key'), true);
    assert.equal(problem({ p: { steps: [{ ...step, runType: 'sp' }, { ...step, name: 'f', coordsFrom: 'opt' }] } }), 'batchman.json: pipelines.p.steps[1].coordsFrom: step "opt" (sp) ends with no new geometry; take it from an optimisation, or name the file with coordsFile');
    assert.equal(
      problem({ p: { steps: [{ name: 'a', program: 'orca', runType: 'opt', method: 'x' }, { name: 'b', program: 'orca', runType: 'sp', method: 'x', orbitalsFrom: 'a' }] } }),
      'batchman.json: pipelines.p.steps[1].orbitalsFrom: "a" must be coordsFrom\'s step or one it takes its geometry from, so each job gets its own molecule\'s orbitals',
    );
  });

  it('sweeps: one job per combination, named by the swept values; downstream jobs follow each upstream job and its settings', () => {
    const settings = parseBatchSettings(
      JSON.stringify({
        pipelines: {
          bench: {
            steps: [
              { name: 'opt', program: 'orca', runType: 'opt', method: ['B3LYP', 'PBE0'], basis: ['def2-SVP', '6-31G(d)'], dispersion: 'D3BJ' },
              { name: 'sp', program: 'orca', runType: 'sp', basis: 'def2-TZVP', coordsFrom: 'opt', orbitalsFrom: 'opt' },
            ],
          },
        },
      }),
    );
    const jobs = expandPipeline(settings.pipelines['bench']!);
    assert.deepEqual(
      jobs.map((job) => job.name),
      ['opt_b3lyp_def2-svp', 'opt_b3lyp_6-31g-d', 'opt_pbe0_def2-svp', 'opt_pbe0_6-31g-d', 'sp_b3lyp_def2-svp', 'sp_b3lyp_6-31g-d', 'sp_pbe0_def2-svp', 'sp_pbe0_6-31g-d'],
    );
    const sp = jobs.find((job) => job.name === 'sp_pbe0_6-31g-d')!;
    assert.deepEqual(sp.settings, { method: 'PBE0', basis: 'def2-TZVP', dispersion: 'D3BJ' }, 'method and dispersion from its opt job, its own basis');
    assert.deepEqual(sp.coords, { from: 'opt_pbe0_6-31g-d', file: 'opt_pbe0_6-31g-d.xyz' });
    assert.deepEqual(sp.orbitals, { from: 'opt_pbe0_6-31g-d', file: 'opt_pbe0_6-31g-d.gbw' });
    assert.equal(nameSlug('6-31+G(d,p)'), '6-31+g-d-p');
    assert.equal(nameSlug('ωB97X-D'), 'b97x-d');
    const clash = { steps: [{ name: 'opt', program: 'xtb', runType: 'opt', method: ['gfn2', 'GFN2'] }] };
    const [pipeline] = Object.values(validatePipelines({ clash }, (key, p) => assert.fail(`${key}: ${p}`)));
    assert.throws(() => expandPipeline(pipeline!), /two jobs would be named "opt_gfn2"/);
  });
});

describe('structures', () => {
  it('charge and multiplicity: flags, else the comment, else 0 and 1; impossible pairs refused, naming the structure', () => {
    assert.deepEqual(chargeFromComment('charge=1 mult=2'), { charge: 1, multiplicity: 2 });
    assert.deepEqual(chargeFromComment('E=-5.07 Charge: -1, Multiplicity: 1'), { charge: -1, multiplicity: 1 });
    assert.deepEqual(chargeFromComment('energy: -5.07 gnorm: 0.0001'), {});
    const [methyl] = moleculesOf(METHYL, 'mols/methyl.xyz');
    assert.deepEqual([methyl!.name, methyl!.charge, methyl!.multiplicity, methyl!.multiplicityFrom], ['methyl', 0, 2, 'comment']);
    const [cation] = moleculesOf(METHYL, 'mols/methyl.xyz', { charge: 1, multiplicity: 1 });
    assert.deepEqual([cation!.charge, cation!.multiplicity, cation!.chargeFrom], [1, 1, 'flag']);
    assert.throws(() => moleculesOf(WATER, 'mols/water.xyz', { multiplicity: 2 }), (error: Error) => error instanceof StructureError && /mols\/water\.xyz \(molecule water\): charge 0 and multiplicity 2 are impossible together: 10 electrons/.test(error.message));
    assert.equal(spinProblem([{ element: 'H', x: 0, y: 0, z: 0 }], 0, 3), 'multiplicity 3 needs 2 unpaired electrons, it has 1 electrons');
    assert.equal(spinProblem([{ element: 'Xx', x: 0, y: 0, z: 0 }], 0, 1), '"Xx" is not an element');
    assert.equal(spinProblem([{ element: 'Cl1', x: 0, y: 0, z: 0 }], -1, 1), undefined);
  });

  it('a multi-frame file is an ensemble: one molecule per frame, NAME_1, NAME_2…', () => {
    const molecules = moleculesOf(`${WATER}${WATER.replace('water', 'water charge=1 mult=2')}`, 'confs.xyz');
    assert.deepEqual(molecules.map((m) => [m.name, m.frame, m.charge, m.multiplicity]), [['confs_1', 1, 0, 1], ['confs_2', 2, 1, 2]]);
  });
});

describe('planNewBatch and writePlan', () => {
  it('an impossible structure is refused before anything is written', async () => {
    const dir = await folder('refused', { 'water.xyz': WATER, 'bad.xyz': WATER.replace('water', 'charge=1') });
    const before = await tree(dir);
    await assert.rejects(planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir }), /bad\.xyz \(molecule bad\): charge 1 and multiplicity 1 are impossible/);
    assert.deepEqual(await tree(dir), before);
  });

  it('writes one folder per molecule and step, job_config.json in CCBatchMan\'s shape, the batchfile; again: nothing changes', async () => {
    const dir = await folder('make', { 'water.xyz': WATER, 'methyl.xyz': METHYL });
    const plan = await planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir });
    assert.deepEqual(plan.jobs.map((job) => [job.folder, job.state]), [['methyl/opt', 'new'], ['methyl/freq', 'new'], ['water/opt', 'new'], ['water/freq', 'new']]);
    const summary = await writePlan(plan);
    assert.equal(summary.written.length, 4);
    assert.equal(
      await readFile(join(dir, 'batchfile.csv'), 'utf8'),
      [
        'root_directory=.',
        'job_basename|job_directory|program|pipe|cores|memory|walltime|partition',
        'opt|methyl/opt|xtb|||||',
        'freq|methyl/freq|xtb|coords{../opt,xtbopt.xyz}||||',
        'opt|water/opt|xtb|||||',
        'freq|water/freq|xtb|coords{../opt,xtbopt.xyz}||||',
        '',
      ].join('\n'),
    );
    const config = JSON.parse(await readFile(join(dir, 'methyl', 'freq', 'job_config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config['job_basename'], 'freq');
    assert.equal(config['spin_multiplicity'], 2);
    assert.equal(config['charge'], 0);
    assert.equal(config['!coords_from'], '../opt');
    assert.equal(config['!xyz_file'], 'xtbopt.xyz');
    assert.deepEqual((config['batchman'] as { args: string[] }).args, ['--hess', '--chrg', '0', '--uhf', '1', '--gfn', '2']);

    // Again: every folder is as planned, no row is added, nothing is written.
    const again = await planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir });
    assert.deepEqual(again.jobs.map((job) => [job.state, job.inBatchfile]), Array(4).fill(['same', true]));
    assert.equal(again.addedRows, 0);

    // A folder that holds output is never touched; more structures add rows.
    await writeFile(join(dir, 'water', 'opt', 'opt.out'), 'xtb output\n');
    await writeFile(join(dir, 'water', 'opt', 'opt.xyz'), 'edited by hand\n');
    await writeFile(join(dir, 'mols', 'ammonia.xyz'), '4\n\nN 0 0 0.1\nH 0 0.94 -0.27\nH 0.81 -0.47 -0.27\nH -0.81 -0.47 -0.27\n');
    const more = await planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir });
    assert.equal(more.jobs.find((job) => job.folder === 'water/opt')!.state, 'kept');
    const written = await writePlan(more);
    assert.deepEqual(written.written.map((job) => job.folder), ['ammonia/opt', 'ammonia/freq']);
    assert.equal(await readFile(join(dir, 'water', 'opt', 'opt.xyz'), 'utf8'), 'edited by hand\n');
    const rows = (await readFile(join(dir, 'batchfile.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(rows.length, 2 + 6);
    assert.deepEqual(rows.slice(-2), ['opt|ammonia/opt|xtb|||||', 'freq|ammonia/freq|xtb|coords{../opt,xtbopt.xyz}||||']);
  });

  it('an existing batchfile with another root is refused', async () => {
    const dir = await folder('otherroot', { 'water.xyz': WATER });
    await writeFile(join(dir, 'batchfile.csv'), 'root_directory=calcs\njob_basename|job_directory|program|pipe\n');
    await assert.rejects(planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir, root: 'elsewhere' }), /already has root_directory=calcs/);
    const plan = await planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir });
    assert.equal(plan.jobs[0]!.path, join(dir, 'calcs', 'water', 'opt'));
    assert.match(plan.batchfileText, /\nopt\|water\/opt\|xtb\|\n/, 'rows follow the existing header');
  });

  it('the job folder\'s arguments reach the generated command through {args}; a command without {args} is refused', async () => {
    const dir = await folder('script', { 'methyl.xyz': METHYL });
    await writePlan(await planNewBatch({ pipeline: 'xtb-opt-freq', structures: ['mols'], cwd: dir }));
    const model = buildBatchModel(parseBatchfile(await readFile(join(dir, 'batchfile.csv'), 'utf8')), join(dir, 'batchfile.csv'));
    const freq = model.jobs.find((job) => job.directory === 'methyl/freq')!;
    const prepared = await prepareSubmitScript(model, freq, defaultBatchSettings());
    assert.match(await readFile(prepared.scriptPath, 'utf8'), /^xtb 'freq\.xyz' --hess --chrg 0 --uhf 1 --gfn 2 > 'freq\.out' 2>&1$/m);
    // A restart's fresh folder keeps job_config.json, so the restarted radical still runs with --uhf 1.
    await writeFile(join(freq.path, 'freq.out'), 'abnormal termination of xtb\n');
    await archiveAttempt(freq.path, { basename: 'freq', program: 'xtb', pipes: freq.pipes });
    assert.deepEqual((await readdir(freq.path)).sort(), ['freq.xyz', 'job_config.json']);
    await prepareSubmitScript(model, freq, defaultBatchSettings(), 1);
    assert.match(await readFile(prepared.scriptPath, 'utf8'), /^xtb 'freq\.xyz' --hess --chrg 0 --uhf 1 --gfn 2 > 'freq\.out' 2>&1$/m);
    const custom = parseBatchSettings(JSON.stringify({ programs: { xtb: { command: '/opt/xtb/bin/xtb {input} --opt > {output}' } } }));
    await assert.rejects(prepareSubmitScript(model, freq, custom), (error: Error) => error instanceof SubmitScriptError && /has no \{args\}/.test(error.message));
  });
});
