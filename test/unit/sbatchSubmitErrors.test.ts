// How SlurmScheduler.submit classifies a failed sbatch into the error's refusal, so the runner never parses text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SchedulerError } from '../../core/slurm/scheduler.js';
import { SlurmScheduler } from '../../core/slurm/slurmScheduler.js';
import type { CommandResult } from '../../core/slurm/commandRunner.js';
import { scriptedRunner } from '../support/slurm/scriptedRunner.js';

async function submitError(answer: Partial<CommandResult>): Promise<SchedulerError> {
  const runner = scriptedRunner(() => answer);
  try {
    await new SlurmScheduler({ runner: runner.run, timeouts: { submit: 1234 } }).submit('/x.sh', { cwd: '/' });
  } catch (error) {
    assert.ok(error instanceof SchedulerError);
    return error;
  }
  assert.fail('submit did not fail');
}

describe('SlurmScheduler.submit: the refusal in the error', () => {
  test('a submit limit is for now, with its reason and SLURM words', async () => {
    const error = await submitError({
      exitCode: 1,
      stderr: "sbatch: error: QOSMaxSubmitJobPerUserLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)\n",
    });
    assert.equal(error.kind, 'failed');
    assert.deepEqual(error.refusal, {
      kind: 'for-now',
      reason: 'submit limit',
      message: "QOSMaxSubmitJobPerUserLimit; Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
    });
  });

  test('an unreachable controller is for now', async () => {
    const error = await submitError({ exitCode: 1, stderr: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n' });
    assert.equal(error.refusal?.kind, 'for-now');
    assert.equal(error.refusal?.kind === 'for-now' ? error.refusal.reason : undefined, 'controller unreachable');
  });

  test('an invalid partition is for good, with SLURM words', async () => {
    const error = await submitError({ exitCode: 1, stderr: 'sbatch: error: Batch job submission failed: Invalid partition name specified\n' });
    assert.deepEqual(error.refusal, { kind: 'for-good', message: 'Batch job submission failed: Invalid partition name specified' });
  });

  test('a timeout is in doubt: the controller may have queued the job', async () => {
    const error = await submitError({ exitCode: -1, timedOut: true });
    assert.equal(error.kind, 'timeout');
    assert.deepEqual(error.refusal, { kind: 'in-doubt', message: 'sbatch timed out after 1234 ms' });
  });

  test('an answer without a job id is in doubt', async () => {
    const error = await submitError({ stdout: 'Submitted batch job 12\n' });
    assert.equal(error.kind, 'garbled');
    assert.equal(error.refusal?.kind, 'in-doubt');
  });

  test('sbatch killed by a signal is in doubt', async () => {
    const error = await submitError({ exitCode: -1, error: 'killed by SIGKILL' });
    assert.equal(error.refusal?.kind, 'in-doubt');
  });

  test('an sbatch that cannot start has no refusal: nothing was submitted, the runner decides', async () => {
    const error = await submitError({ exitCode: -1, error: 'ENOENT' });
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.refusal, undefined);
  });
});
