// The table of sbatch refusals, against SLURM's own words: the stderr sbatch prints for each refusal.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifySbatchRefusal, sbatchMessage } from '../../core/slurm/sbatchAnswers.js';

const failed = (...lines: string[]) => lines.map((line) => `sbatch: error: ${line}`).join('\n') + '\n';
const POLICY = "Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)";

describe('sbatch refusals that clear by themselves: the job waits and is submitted again', () => {
  const cases: [string, string, string][] = [
    ['a per-user QOS submit limit', failed('QOSMaxSubmitJobPerUserLimit', POLICY), 'submit limit'],
    ['an association submit limit', failed('AssocMaxSubmitJobLimit', POLICY), 'submit limit'],
    ['a group submit limit', failed('AssocGrpSubmitJobsLimit', POLICY), 'submit limit'],
    ['the policy sentence alone', failed(POLICY), 'submit limit'],
    ['the controller down', failed('Batch job submission failed: Unable to contact slurm controller (connect failure)'), 'controller unreachable'],
    ['a busy controller', failed('Batch job submission failed: Resource temporarily unavailable'), 'controller busy'],
    ['sbatch giving up its own retries', 'sbatch: error: Slurm temporarily unable to accept job, sleeping and retrying\n' + failed('Batch job submission failed: Resource temporarily unavailable'), 'controller busy'],
    ['the controller rate-limiting RPCs', failed('Batch job submission failed: Rate limit exceeded, please retry momentarily'), 'rate limit'],
  ];
  for (const [name, stderr, reason] of cases) {
    test(name, () => {
      const refusal = classifySbatchRefusal(stderr);
      assert.equal(refusal.kind, 'for-now');
      assert.equal(refusal.kind === 'for-now' ? refusal.reason : undefined, reason);
    });
  }
});

describe('sbatch refusals that never clear: the job fails with SLURM message', () => {
  const cases: [string, string][] = [
    ['an unknown partition', failed('Batch job submission failed: Invalid partition name specified')],
    ['an unknown account', failed('Batch job submission failed: Invalid account or account/partition combination specified')],
    ['an unknown QOS', failed('Batch job submission failed: Invalid qos specification')],
    ['more than a node has', failed('Batch job submission failed: Requested node configuration is not available')],
    ['over the partition time limit', failed('Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)')],
    ['too many CPUs for the QOS, in the same policy sentence as a full queue', failed('QOSMaxCpuPerJobLimit', POLICY)],
    ['too long for the QOS', failed('QOSMaxWallDurationPerJobLimit', POLICY)],
    ['memory no node has', failed('Batch job submission failed: Memory required by task is not available')],
    ['a message no rule knows', failed('Batch job submission failed: Something nobody has seen')],
  ];
  for (const [name, stderr] of cases) {
    test(name, () => {
      const refusal = classifySbatchRefusal(stderr);
      assert.equal(refusal.kind, 'for-good');
      assert.equal(refusal.message, sbatchMessage(stderr), 'the message is SLURM own words');
    });
  }
});

describe('sbatch answers lost on the way back: the next squeue decides whether the job exists', () => {
  for (const [name, stderr] of [
    ['a send/recv timeout', failed('Batch job submission failed: Socket timed out on send/recv operation')],
    ['an empty answer', failed('Batch job submission failed: Zero Bytes were transmitted or received')],
  ] as const) {
    test(name, () => assert.equal(classifySbatchRefusal(stderr).kind, 'in-doubt'));
  }
});

test("the message is SLURM's lines without sbatch's prefixes", () => {
  assert.equal(sbatchMessage(failed('QOSMaxSubmitJobPerUserLimit', POLICY)), `QOSMaxSubmitJobPerUserLimit; ${POLICY}`);
  assert.equal(classifySbatchRefusal('').message, 'sbatch refused the job without a message');
});
