// Real xTB: an optimisation cut to one cycle fails, is archived and restarted from its last geometry, and succeeds.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { buildBatchModel } from '../../core/batchfile/model.js';
import type { BatchModel } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import { CAUSES } from '../../core/programs/markers.js';
import { readOutcome } from '../../core/programs/outcome.js';
import { defaultBatchSettings, parseBatchSettings } from '../../core/runner/batchSettings.js';
import { copyFailureOutput } from '../../core/runner/failures.js';
import { applyRestartGeometry, archiveAttempt, planRestart } from '../../core/runner/restart.js';
import { prepareSubmitScript } from '../../core/runner/submitScript.js';
import { xtbSkip } from '../support/xtb.js';

const WATER = '3\nwater, bent by hand\nO 0.000 0.000 0.000\nH 0.000 0.757 0.587\nH 0.000 -0.757 0.587\n';

const skip = await xtbSkip();

describe('real xTB: restart from the last geometry', { skip }, () => {
  let root: string;
  let model: BatchModel;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-xtb-restart-'));
    const text = [`root_directory=${root}`, 'job_basename|job_directory|program|pipe', 'opt|water/opt|xtb|'].join('\n');
    model = buildBatchModel(parseBatchfile(text), join(root, 'batchfile.csv'));
    await mkdir(model.jobs[0]!.path, { recursive: true });
    await writeFile(join(model.jobs[0]!.path, 'opt.xyz'), WATER);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function run(scriptPath: string, cwd: string): Promise<number> {
    const result = await execa('bash', [scriptPath], { cwd, timeout: 120_000, reject: false });
    return result.exitCode ?? -1;
  }

  it('fails with one cycle, restarts from xtbopt.xyz in a fresh folder, then succeeds', async () => {
    const job = model.jobs[0]!;
    const cut = parseBatchSettings(JSON.stringify({ programs: { xtb: { command: 'xtb {input} --opt --cycles 1 > {output} 2>&1' } } }));
    const first = await prepareSubmitScript(model, job, cut);
    const exitCode = await run(first.scriptPath, job.path);
    const outcome = await readOutcome({ program: 'xtb', jobDirectory: job.path, basename: 'opt', exitCode });
    assert.equal(outcome.cause, CAUSES.optNotConverged, JSON.stringify(outcome));
    assert.deepEqual(await copyFailureOutput(root, job), [join(root, 'fail_output', '__water__opt', 'opt.out')]);

    const plan = planRestart({ cause: outcome.cause!, attempt: 0, maxRestarts: 2, program: 'xtb' });
    assert.deepEqual(plan, { restart: true, fromLastGeometry: true, reason: 'optimisation not converged: restarted from the last geometry' });

    const history = await archiveAttempt(job.path, job);
    assert.equal(history, `${job.path}_history_1`);
    assert.deepEqual(await readdir(job.path), ['opt.xyz'], 'the fresh folder holds the input only (the generated script is regenerated)');
    assert.equal(await readFile(join(job.path, 'opt.xyz'), 'utf8'), WATER);
    const applied = await applyRestartGeometry(job, history);
    assert.deepEqual(applied, { applied: true, source: join(history, 'xtbopt.xyz'), written: ['opt.xyz'] });
    const lastGeometry = parseXyz(await readFile(join(history, 'xtbopt.xyz'), 'utf8')).atoms;
    assert.deepEqual(parseXyz(await readFile(join(job.path, 'opt.xyz'), 'utf8')).atoms, lastGeometry);
    assert.notDeepEqual(lastGeometry, parseXyz(WATER).atoms, 'the one cycle moved the atoms');

    const second = await prepareSubmitScript(model, job, defaultBatchSettings(), { restarts: 1 });
    assert.match(await readFile(second.scriptPath, 'utf8'), /, restart 1\./);
    const secondExit = await run(second.scriptPath, job.path);
    const final = await readOutcome({ program: 'xtb', jobDirectory: job.path, basename: 'opt', exitCode: secondExit });
    assert.equal(final.status, 'succeeded', JSON.stringify(final));
    assert.match(await readFile(join(history, 'opt.out'), 'utf8'), /FAILED TO CONVERGE GEOMETRY OPTIMIZATION/, 'the failed attempt is kept');
  });
});
