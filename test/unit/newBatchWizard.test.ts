// What the "New Batch from Structures…" wizard asks and shows (core/newBatch/wizardSteps.ts): the pipelines offered,
// the charge question only for molecules whose comment line does not say, the flags an answer gives, the default
// batchfile, the preview, and which errors are the plan's refusals.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planNewBatch } from '../../core/newBatch/plan.js';
import { StructureError, moleculesOf, readStructures } from '../../core/newBatch/structures.js';
import {
  chargeFlags,
  chargeQuestion,
  defaultBatchfilePath,
  isPlanRefusal,
  parseChargeAnswer,
  pipelineChoices,
  previewLines,
  previewSummary,
  stepTitle,
} from '../../core/newBatch/wizardSteps.js';

const WATER = '3\nwater\nO 0 0 0.1193\nH 0 0.7632 -0.4770\nH 0 -0.7632 -0.4770\n';
const METHYL = '4\nmethyl radical charge=0 mult=2\nC 0 0 0\nH 1.079 0 0\nH -0.5395 0.9344 0\nH -0.5395 -0.9344 0\n';
const HYDROXIDE = '2\nhydroxide charge=-1\nO 0 0 0\nH 0 0 0.97\n';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'batchman-wizard-'));
  await mkdir(join(root, 'mols'));
  await writeFile(join(root, 'mols', 'water.xyz'), WATER);
  await writeFile(join(root, 'mols', 'methyl.xyz'), METHYL);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the wizard steps', () => {
  it('offers batchman.json pipelines first, then the built-ins it does not redefine, each with its steps', () => {
    const own = { 'xtb-opt-freq': { steps: [{ name: 'opt', program: 'xtb' as const, runType: 'opt' as const }] }, mine: { description: 'mine', steps: [{ name: 'sp', program: 'orca' as const, runType: 'sp' as const }] } };
    const choices = pipelineChoices(own);
    assert.deepEqual(choices.map((choice) => [choice.name, choice.source]), [
      ['xtb-opt-freq', 'batchman.json'],
      ['mine', 'batchman.json'],
      ['crest-xtb', 'built-in'],
      ['orca-opt-freq-sp', 'built-in'],
      ['gaussian-opt-freq', 'built-in'],
    ]);
    assert.equal(pipelineChoices({}).find((choice) => choice.name === 'xtb-opt-freq')?.steps, 'opt (xtb opt) → freq (xtb freq)');
  });

  it('asks charge and multiplicity only for the molecules whose comment line leaves one unsaid', () => {
    const water = moleculesOf(WATER, '/m/water.xyz');
    const methyl = moleculesOf(METHYL, '/m/methyl.xyz');
    const hydroxide = moleculesOf(HYDROXIDE, '/m/hydroxide.xyz');
    assert.equal(chargeQuestion(methyl), undefined);
    const question = chargeQuestion([...water, ...methyl, ...hydroxide]);
    assert.deepEqual(question?.molecules, ['water', 'hydroxide']);
    assert.equal(question?.value, '0 1');
    assert.match(question?.prompt ?? '', /^Charge and multiplicity of water, hydroxide \(their comment lines do not say/);
  });

  it('reads an answer, and gives flags only where they change no molecule whose comment line says otherwise', () => {
    assert.deepEqual(parseChargeAnswer('0 1'), { charge: 0, multiplicity: 1 });
    assert.deepEqual(parseChargeAnswer(' -1, 2 '), { charge: -1, multiplicity: 2 });
    assert.equal(typeof parseChargeAnswer('0'), 'string');
    assert.equal(typeof parseChargeAnswer('0 0'), 'string');
    const water = moleculesOf(WATER, '/m/water.xyz');
    const methyl = moleculesOf(METHYL, '/m/methyl.xyz');
    // The defaults are what the plan does anyway: no flags, so methyl keeps its mult=2.
    assert.deepEqual(chargeFlags([...water, ...methyl], { charge: 0, multiplicity: 1 }), {});
    assert.deepEqual(chargeFlags(water, { charge: 1, multiplicity: 2 }), { charge: 1, multiplicity: 2 });
    assert.deepEqual(chargeFlags(water, { charge: -1, multiplicity: 2 }), { charge: -1, multiplicity: 2 });
    // methyl says charge=0: a charge of 1 for the others would change it too.
    assert.match(String(chargeFlags([...water, ...methyl], { charge: 1, multiplicity: 2 })), /^methyl's comment line says charge=0/);
    // the same value as a comment line says changes nothing there.
    assert.deepEqual(chargeFlags(methyl, { charge: 0, multiplicity: 2 }), { multiplicity: 2 });
    // water's 10 electrons cannot be a doublet: refused in the box, naming it, before the plan is made.
    assert.match(String(chargeFlags(water, { charge: 0, multiplicity: 2 })), /^water: charge 0 and multiplicity 2 are impossible together/);
  });

  it('puts the batchfile beside the structures', () => {
    assert.equal(defaultBatchfilePath(['/w/mols/water.xyz', '/w/mols/methyl.xyz']), '/w/mols/batchfile.csv');
    assert.equal(defaultBatchfilePath(['/w/structures']), '/w/batchfile.csv');
  });

  it('previews the jobs, their folders and a sample input from the plan', async () => {
    const plan = await planNewBatch({ pipeline: 'xtb-opt-freq', structures: [join(root, 'mols')], batchfile: join(root, 'batchfile.csv') });
    assert.equal(previewSummary(plan), '2 molecules, 4 jobs (4 folders written); new batchfile.csv');
    const preview = previewLines(plan);
    assert.deepEqual(preview.jobs.map((line) => `${line.label}: ${line.description}`), [
      'methyl/opt: xtb · charge 0, mult 2 · new folder',
      'methyl/freq: xtb · coords{../opt,xtbopt.xyz} · charge 0, mult 2 · new folder',
      'water/opt: xtb · charge 0, mult 1 · new folder',
      'water/freq: xtb · coords{../opt,xtbopt.xyz} · charge 0, mult 1 · new folder',
    ]);
    assert.equal(preview.sampleTitle, 'methyl/opt/opt.xyz');
    assert.equal(preview.sample[0]?.label, '4');
    assert.match(preview.sample.at(-1)?.label ?? '', /^\{args\}: .*--uhf 1/);
    assert.equal(stepTitle(2, 4), 'New Batch (2/4)');
  });

  it('tells the plan’s refusals (shown as their message) from bugs', async () => {
    await writeFile(join(root, 'odd.xyz'), '1\nodd charge=0 mult=1\nH 0 0 0\n');
    const refusal = await readStructures([join(root, 'odd.xyz')]).catch((error: unknown) => error);
    assert.ok(refusal instanceof StructureError);
    assert.ok(isPlanRefusal(refusal));
    assert.match(refusal.message, /odd\.xyz \(molecule odd\): charge 0 and multiplicity 1 are impossible together/);
    const unknown = await planNewBatch({ pipeline: 'nope', structures: [join(root, 'mols')], batchfile: join(root, 'b.csv') }).catch((error: unknown) => error);
    assert.ok(isPlanRefusal(unknown));
    assert.ok(!isPlanRefusal(new TypeError('a bug')));
  });
});
