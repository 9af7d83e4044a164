// SLURM command paths through the environment: what the extension hands on, what the CLI reads, and how `auto`
// picks SLURM from a named sbatch.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveExecutorKind } from '../../core/executors/chooseExecutor.js';
import { SLURM_COMMAND_ENV, commandExists, slurmCommandsEnv, slurmCommandsFromEnv } from '../../core/slurm/commandsEnv.js';

const dir = mkdtempSync(join(tmpdir(), 'batchman-commands-env-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('only commands that differ from the plain names are handed on, and read back the same', () => {
  const env = slurmCommandsEnv({ sbatch: '/opt/site/bin/site-sbatch', squeue: 'squeue', sacct: 'sacct-wrapper', scancel: 'scancel' });
  assert.deepEqual(env, { [SLURM_COMMAND_ENV.sbatch]: '/opt/site/bin/site-sbatch', [SLURM_COMMAND_ENV.sacct]: 'sacct-wrapper' });
  assert.deepEqual(slurmCommandsFromEnv(env), { sbatch: '/opt/site/bin/site-sbatch', sacct: 'sacct-wrapper' });
  assert.deepEqual(slurmCommandsFromEnv({ [SLURM_COMMAND_ENV.squeue]: '  ' }), {}, 'an empty value names nothing');
  assert.deepEqual(slurmCommandsEnv(undefined), {});
});

test('auto picks SLURM when the named sbatch runs, wherever it is', () => {
  const sbatch = join(dir, 'site-sbatch');
  writeFileSync(sbatch, '#!/bin/sh\nexit 0\n');
  chmodSync(sbatch, 0o755);
  const notExecutable = join(dir, 'not-executable');
  writeFileSync(notExecutable, '');
  assert.equal(commandExists(sbatch, '/nonexistent-dir'), true);
  assert.equal(commandExists(notExecutable), false);
  assert.equal(commandExists('site-sbatch', dir), true, 'a bare name is looked up on PATH');
  assert.equal(resolveExecutorKind('auto', { path: '/nonexistent-dir', sbatch }), 'slurm');
  assert.equal(resolveExecutorKind('auto', { path: '/nonexistent-dir', sbatch: join(dir, 'missing') }), 'local');
  assert.equal(resolveExecutorKind('local', { sbatch }), 'local', 'an explicit choice wins');
});
