// The default command runner over execa: exit codes, output, timeouts and missing commands, no shell.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeFailure, execaRunner } from '../../core/slurm/commandRunner.js';

const node = process.execPath;

describe('execaRunner', () => {
  test('returns the exit code and both outputs without rejecting', async () => {
    const result = await execaRunner(node, ['-e', 'process.stdout.write("out\\n"); process.stderr.write("err"); process.exit(3)'], {
      timeoutMs: 10_000,
    });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'out\n', 'output kept exactly, final newline included');
    assert.equal(result.stderr, 'err');
    assert.equal(result.timedOut, false);
    assert.equal(describeFailure('x', result), 'x exited with 3: err');
  });

  test('arguments are never interpreted by a shell', async () => {
    const tricky = 'a|b; echo "$(id)" `x` > /dev/null';
    const result = await execaRunner(node, ['-e', 'process.stdout.write(process.argv[1])', tricky], { timeoutMs: 10_000 });
    assert.equal(result.stdout, tricky);
  });

  test('a command past its timeout is killed and reported as timed out', async () => {
    const started = Date.now();
    const result = await execaRunner(node, ['-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, -1);
    assert.ok(Date.now() - started < 10_000);
    assert.match(describeFailure('squeue', result, 300), /squeue timed out after 300 ms/);
  });

  test('a missing command resolves with an error instead of throwing', async () => {
    const result = await execaRunner('/nonexistent/squeue', [], { timeoutMs: 5_000 });
    assert.equal(result.exitCode, -1);
    assert.equal(result.timedOut, false);
    assert.ok(result.error, 'says why it could not run');
  });

  test('cwd and extra environment are passed', async () => {
    const result = await execaRunner(node, ['-e', 'process.stdout.write(process.cwd() + " " + process.env.BM_X)'], {
      timeoutMs: 10_000,
      cwd: '/tmp',
      env: { BM_X: 'yes' },
    });
    assert.equal(result.stdout, '/tmp yes');
  });
});
