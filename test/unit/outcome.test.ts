// Job outcomes from realistic program outputs (success and each failure cause), SLURM end states and slurm-{id}.out.
import { strict as assert } from 'node:assert';
import { cp, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CAUSES } from '../../core/programs/markers.js';
import { normaliseSlurmState, readOutcome } from '../../core/programs/outcome.js';
import type { Outcome } from '../../core/programs/outcome.js';
import { readSlurmEvidence } from '../../core/programs/slurmOutput.js';

const outputs = new URL('../fixtures/outputs/', import.meta.url).pathname;
const folder = (program: string, name: string): string => join(outputs, program, name);

// [program, fixture folder, expected status, expected cause, evidence pattern]
const cases: [string, string, Outcome['status'], string | undefined, RegExp][] = [
  ['gaussian', 'sp-ok', 'succeeded', undefined, /mol\.log: Normal termination of Gaussian 16 at Sun Apr 28 10:12:01 2024\./],
  ['gaussian', 'optfreq-ok', 'succeeded', undefined, /10:12:09/],
  ['gaussian', 'optfreq-no-input', 'succeeded', undefined, /Normal termination/],
  ['gaussian', 'optfreq-ts-ok', 'succeeded', undefined, /Normal termination/],
  ['gaussian', 'optfreq-imaginary', 'failed', '1 imaginary frequency (-412 cm⁻¹)', /mol\.log: Frequencies --\s+-412\.3301/],
  ['gaussian', 'optfreq-freq-running', 'unfinished', undefined, /"Normal termination of Gaussian" found 1 time\(s\), 2 needed \(opt\+freq\)/],
  ['gaussian', 'opt-no-stationary', 'failed', CAUSES.optNotConverged, /"Stationary point found" found 0 time\(s\), 1 needed \(opt\)/],
  ['gaussian', 'scf-fail', 'failed', CAUSES.scfNotConverged, /Convergence failure -- run terminated\./],
  ['gaussian', 'opt-fail', 'failed', CAUSES.optNotConverged, /Optimization stopped\./],
  ['gaussian', 'running', 'unfinished', undefined, /SCF Done|NFock/],
  ['orca', 'sp-ok', 'succeeded', undefined, /\*\*\*\*ORCA TERMINATED NORMALLY\*\*\*\*/],
  ['orca', 'opt-ok', 'succeeded', undefined, /ORCA TERMINATED NORMALLY/],
  ['orca', 'opt-not-done', 'failed', CAUSES.optNotConverged, /OPTIMIZATION RUN DONE \*\*\*" found 0 time\(s\), 1 needed \(optimisation\)/],
  ['orca', 'opt-no-input', 'failed', CAUSES.optNotConverged, /optimisation/],
  ['orca', 'opt-nonconv', 'failed', CAUSES.optNotConverged, /The optimization did not converge/],
  ['orca', 'scf-fail', 'failed', CAUSES.scfNotConverged, /SCF NOT CONVERGED AFTER 125 CYCLES/],
  ['orca', 'running', 'unfinished', undefined, /FINAL SINGLE POINT ENERGY|-----/],
  ['crest', 'ok', 'succeeded', undefined, /CREST terminated normally\./],
  ['crest', 'running', 'unfinished', undefined, /Estimated runtime/],
  ['xtb', 'opt-ok', 'succeeded', undefined, /mol\.out: \* finished run on/],
  ['xtb', 'opt-fail', 'failed', CAUSES.optNotConverged, /FAILED TO CONVERGE GEOMETRY OPTIMIZATION IN 1 ITERATIONS/],
  ['xtb', 'scc-fail', 'failed', CAUSES.scfNotConverged, /Self consistent charge iterator did not converge/],
  ['xtb', 'running', 'unfinished', undefined, /./],
  ['pyaroma', 'ok', 'succeeded', undefined, /pyAroma terminated normally/],
  ['pyaroma', 'running', 'unfinished', undefined, /PDI/],
];

describe('outcome from program output', () => {
  for (const [program, name, status, cause, evidence] of cases) {
    it(`${program}/${name}: ${status}${cause ? ` (${cause})` : ''}`, async () => {
      const outcome = await readOutcome({ program, jobDirectory: folder(program, name), basename: 'mol' });
      assert.equal(outcome.status, status, JSON.stringify(outcome));
      assert.equal(outcome.cause, cause);
      assert.match(outcome.evidence ?? '', evidence);
    });
  }

  it('program names are case-insensitive; unknown ones are refused', async () => {
    assert.equal((await readOutcome({ program: 'XTB', jobDirectory: folder('xtb', 'opt-ok'), basename: 'mol' })).status, 'succeeded');
    await assert.rejects(readOutcome({ program: 'nwchem', jobDirectory: outputs, basename: 'mol' }), RangeError);
  });

  it('no output file: no_output while nothing says the job ended, then "program did not finish"', async () => {
    const dir = folder('xtb', 'opt-ok');
    assert.deepEqual(await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'absent' }), {
      status: 'no_output',
      evidence: 'absent.out does not exist',
    });
    assert.deepEqual(await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'absent', slurmEndState: 'COMPLETED', exitCode: 0 }), {
      status: 'failed',
      cause: CAUSES.notFinished,
      evidence: 'absent.out does not exist',
    });
  });

  it('an unfinished output of a job that ended is "program did not finish"', async () => {
    const outcome = await readOutcome({ program: 'gaussian', jobDirectory: folder('gaussian', 'optfreq-freq-running'), basename: 'mol', slurmEndState: 'COMPLETED' });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.cause, CAUSES.notFinished);
    assert.match(outcome.evidence!, /found 1 time\(s\), 2 needed/);
  });

  it('an output older than this attempt does not count', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-outcome-'));
    try {
      await cp(folder('xtb', 'opt-ok'), dir, { recursive: true });
      const past = new Date(Date.now() - 3_600_000);
      await utimes(join(dir, 'mol.out'), past, past);
      const outcome = await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'mol', notBefore: Date.now() - 60_000 });
      assert.deepEqual(outcome, { status: 'no_output', evidence: 'mol.out is from an earlier attempt' });
      // An earlier attempt's time limit does not fail the new attempt either.
      await cp(join(outputs, 'slurm/timeout/slurm-4251.out'), join(dir, 'slurm-4251.out'));
      await utimes(join(dir, 'slurm-4251.out'), past, past);
      assert.equal((await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'mol', notBefore: Date.now() - 60_000 })).status, 'no_output');
      assert.equal((await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'gone' })).cause, CAUSES.timeout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('outcome with SLURM end states and exit codes', () => {
  const ok = folder('xtb', 'opt-ok');
  for (const [state, cause] of [
    ['TIMEOUT', CAUSES.timeout],
    ['OUT_OF_MEMORY', CAUSES.outOfMemory],
    ['NODE_FAIL', CAUSES.nodeFail],
    ['CANCELLED by 1000', CAUSES.cancelled],
    ['CANCELLED+', CAUSES.cancelled],
  ] as const) {
    it(`${state} is a failure with cause ${cause}, even after normal termination`, async () => {
      const outcome = await readOutcome({ program: 'xtb', jobDirectory: ok, basename: 'mol', slurmEndState: state });
      assert.equal(outcome.status, 'failed');
      assert.equal(outcome.cause, cause);
    });
  }

  it('COMPLETED with success markers succeeds; RUNNING with none is unfinished', async () => {
    assert.equal((await readOutcome({ program: 'xtb', jobDirectory: ok, basename: 'mol', slurmEndState: 'COMPLETED', exitCode: 0 })).status, 'succeeded');
    const running = await readOutcome({ program: 'xtb', jobDirectory: folder('xtb', 'running'), basename: 'mol', slurmEndState: 'RUNNING' });
    assert.equal(running.status, 'unfinished');
  });

  it('a non-zero exit fails a job whose output looks fine; a specific program cause beats it', async () => {
    assert.deepEqual(
      { ...(await readOutcome({ program: 'xtb', jobDirectory: ok, basename: 'mol', exitCode: 3 })), evidence: undefined },
      { status: 'failed', cause: 'exit code 3', evidence: undefined },
    );
    const scf = await readOutcome({ program: 'xtb', jobDirectory: folder('xtb', 'scc-fail'), basename: 'mol', slurmEndState: 'FAILED', exitCode: 1 });
    assert.equal(scf.cause, CAUSES.scfNotConverged);
    const failedState = await readOutcome({ program: 'crest', jobDirectory: folder('crest', 'ok'), basename: 'mol', slurmEndState: 'FAILED' });
    assert.deepEqual(failedState, { status: 'failed', cause: 'FAILED', evidence: 'SLURM state FAILED' });
  });

  it('shell jobs: exit code 0 succeeds, anything else fails, unknown stays open', async () => {
    const shell = (name: string, extra: { exitCode?: number; slurmEndState?: string }) =>
      readOutcome({ program: 'shell', jobDirectory: folder('shell', name), basename: 'mol', ...extra });
    assert.deepEqual(await shell('ok', { exitCode: 0 }), { status: 'succeeded', evidence: 'exit code 0' });
    assert.equal((await shell('ok', { slurmEndState: 'COMPLETED' })).status, 'succeeded');
    const failed = await shell('failed', { exitCode: 2 });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.cause, 'exit code 2');
    assert.match(failed.evidence!, /cannot stat/);
    assert.equal((await shell('ok', {})).status, 'unfinished');
    assert.equal((await shell('absent', {})).status, 'no_output');
    assert.equal((await shell('ok', { slurmEndState: 'TIMEOUT', exitCode: 0 })).cause, CAUSES.timeout);
  });
});

describe('slurm-{id}.out evidence', () => {
  for (const [name, id, cause, text] of [
    ['timeout', 4251, CAUSES.timeout, /DUE TO TIME LIMIT/],
    ['oom', 4252, CAUSES.outOfMemory, /oom-kill/],
    ['cancelled', 4253, CAUSES.cancelled, /CANCELLED AT 2024-04-28T12:04:11/],
    ['node-fail', 4254, CAUSES.nodeFail, /DUE TO NODE FAILURE/],
  ] as const) {
    it(`${name}: ${cause} read from slurm-${id}.out`, async () => {
      const dir = folder('slurm', name);
      const evidence = await readSlurmEvidence(dir);
      assert.equal(evidence?.cause, cause);
      assert.equal(evidence?.file, `slurm-${id}.out`);
      assert.match(evidence!.evidence, text);
      // The program left no output: SLURM's message explains why.
      const outcome = await readOutcome({ program: 'gaussian', jobDirectory: dir, basename: 'mol' });
      assert.deepEqual(outcome, { status: 'failed', cause, evidence: evidence!.evidence });
    });
  }

  it('reads the file of the given job id, and ignores SLURM messages once the program succeeded', async () => {
    assert.equal(await readSlurmEvidence(folder('slurm', 'timeout'), 4100), undefined, 'the older attempt ended well');
    assert.equal(await readSlurmEvidence(folder('slurm', 'timeout'), 1), undefined, 'no such file');
    const dir = await mkdtemp(join(tmpdir(), 'batchman-outcome-'));
    try {
      await cp(folder('xtb', 'opt-ok'), dir, { recursive: true });
      await writeFile(join(dir, 'slurm-77.out'), 'slurmstepd: error: Detected 1 oom-kill event(s) in StepId=77.0.\n');
      assert.equal((await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'mol', jobId: 77 })).status, 'succeeded');
      assert.equal((await readOutcome({ program: 'xtb', jobDirectory: dir, basename: 'mol', jobId: 77, slurmEndState: 'OUT_OF_MEMORY' })).cause, CAUSES.outOfMemory);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('normalises sacct states', () => {
    assert.equal(normaliseSlurmState('CANCELLED by 0'), 'CANCELLED');
    assert.equal(normaliseSlurmState(' timeout '), 'TIMEOUT');
    assert.equal(normaliseSlurmState(''), undefined);
    assert.equal(normaliseSlurmState(undefined), undefined);
  });
});
