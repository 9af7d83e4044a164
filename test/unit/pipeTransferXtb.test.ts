// Real xTB (Debian's `xtb`): water optimised, its geometry piped into a --hess job whose rewritten input runs.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { buildBatchModel } from '../../core/batchfile/model.js';
import type { BatchModel } from '../../core/batchfile/model.js';
import { parseBatchfile } from '../../core/batchfile/parser.js';
import { parseXyz } from '../../core/programs/geometry/xyz.js';
import { readOutcome } from '../../core/programs/outcome.js';
import { applyPipes } from '../../core/programs/pipeTransfer.js';
import { parseBatchSettings } from '../../core/runner/batchSettings.js';
import { prepareSubmitScript } from '../../core/runner/submitScript.js';
import { xtbSkip } from '../support/xtb.js';

const WATER = '3\nwater, bent by hand\nO 0.000 0.000 0.000\nH 0.000 0.757 0.587\nH 0.000 -0.757 0.587\n';

const skip = await xtbSkip();

describe('real xTB: opt → coords pipe → --hess', { skip }, () => {
  let root: string;
  let model: BatchModel;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'batchman-xtb-pipe-'));
    const text = [`root_directory=${root}`, 'job_basename|job_directory|program|pipe', 'opt|water/opt|xtb|', 'freq|water/freq|xtb|coords{../opt,xtbopt.xyz}'].join('\n');
    model = buildBatchModel(parseBatchfile(text), join(root, 'batchfile.csv'));
    for (const job of model.jobs) await mkdir(job.path, { recursive: true });
    await writeFile(join(model.jobs[0]!.path, 'opt.xyz'), WATER);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('the freq job runs on the optimised geometry and succeeds', async () => {
    const settings = parseBatchSettings(JSON.stringify({ jobs: [{ match: 'freq', command: 'xtb {input} --hess > {output} 2>&1' }] }));
    const [opt, freq] = model.jobs as [(typeof model.jobs)[0], (typeof model.jobs)[0]];

    const optScript = await prepareSubmitScript(model, opt, settings);
    const optRun = await execa('bash', [optScript.scriptPath], { cwd: opt.path, timeout: 120_000, reject: false });
    assert.equal(optRun.exitCode, 0);
    const optOutcome = await readOutcome({ program: 'xtb', jobDirectory: opt.path, basename: 'opt', exitCode: optRun.exitCode });
    assert.equal(optOutcome.status, 'succeeded', JSON.stringify(optOutcome));

    const piped = await applyPipes(model, freq);
    assert.deepEqual(piped, { ok: true, transferred: ['freq.xyz'], rewritten: [] });
    const optimised = await readFile(join(opt.path, 'xtbopt.xyz'), 'utf8');
    assert.equal(await readFile(join(freq.path, 'freq.xyz'), 'utf8'), optimised);
    assert.notDeepEqual(parseXyz(optimised).atoms, parseXyz(WATER).atoms, 'the optimisation moved the atoms');

    const freqScript = await prepareSubmitScript(model, freq, settings);
    assert.match(await readFile(freqScript.scriptPath, 'utf8'), /^xtb 'freq\.xyz' --hess > 'freq\.out' 2>&1$/m);
    const freqRun = await execa('bash', [freqScript.scriptPath], { cwd: freq.path, timeout: 120_000, reject: false });
    assert.equal(freqRun.exitCode, 0);
    const freqOutcome = await readOutcome({ program: 'xtb', jobDirectory: freq.path, basename: 'freq', exitCode: freqRun.exitCode });
    assert.equal(freqOutcome.status, 'succeeded', JSON.stringify(freqOutcome));
    const output = await readFile(join(freq.path, 'freq.out'), 'utf8');
    assert.match(output, /vibrational frequencies/i);
    // At the optimised geometry water has no imaginary mode: every frequency after the six zeros is positive.
    const lines = output.slice(output.lastIndexOf('projected vibrational frequencies')).split('\n').slice(1);
    const eigval = lines.slice(0, lines.findIndex((line) => !line.startsWith('eigval')));
    const frequencies = eigval.flatMap((line) => line.replace(/^eigval\s*:/, '').trim().split(/\s+/).map(Number));
    assert.equal(frequencies.length, 9, eigval.join('\n'));
    assert.ok(frequencies.slice(6).every((value) => value > 1000), `three real modes: ${frequencies.join(' ')}`);
  });
});
