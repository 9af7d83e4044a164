// batchman.json's JSON schema: the file VS Code reads is the schema in core, the manifest contributes it, and the
// schema and the CLI's checks agree — what one refuses the other refuses at the same key, what one takes the other takes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_PIPELINES } from '../../core/newBatch/pipelines.js';
import { BatchSettingsError, validateBatchSettings } from '../../core/runner/batchSettings.js';
import { BATCHMAN_SCHEMA, schemaProblem } from '../../core/runner/settingsSchema.js';
import { REPO_ROOT } from '../support/build.js';

const step = { name: 'opt', program: 'xtb', runType: 'opt' };

/** Values both must refuse, each with the key its message names. */
const BAD: [string, unknown, string][] = [
  ['a top-level typo', { slurmm: {} }, 'slurmm'],
  ['an unknown program', { programs: { fortran: {} } }, 'programs.fortran'],
  ['a program key typo', { programs: { orca: { comand: 'orca' } } }, 'programs.orca.comand'],
  ['zero cores', { slurm: { cores: 0 } }, 'slurm.cores'],
  ['fractional cores', { slurm: { cores: 1.5 } }, 'slurm.cores'],
  ['bad memory', { programs: { gaussian: { slurm: { memory: 'lots' } } } }, 'programs.gaussian.slurm.memory'],
  ['bad walltime', { slurm: { walltime: '1 day' } }, 'slurm.walltime'],
  ['a bad partition', { slurm: { partition: 'a;b' } }, 'slurm.partition'],
  ['coresAs', { slurm: { coresAs: 'threads' } }, 'slurm.coresAs'],
  ['an extra arg that is no option', { slurm: { extraArgs: ['--account=a', 'short'] } }, 'slurm.extraArgs[1]'],
  ['a job without match', { jobs: [{ command: 'x' }] }, 'jobs[0].match'],
  ['a job of an unknown program', { jobs: [{ match: '*', program: 'fortran' }] }, 'jobs[0].program'],
  ['maxRestarts too high', { maxRestarts: 101 }, 'maxRestarts'],
  ['modules not a list', { programs: { xtb: { modules: 'xtb/6' } } }, 'programs.xtb.modules'],
  ['a pipeline without steps', { pipelines: { p: {} } }, 'pipelines.p.steps'],
  ['no steps', { pipelines: { p: { steps: [] } } }, 'pipelines.p.steps'],
  ['a step key typo', { pipelines: { p: { steps: [{ ...step, methdo: 'gfn2' }] } } }, 'pipelines.p.steps[0].methdo'],
  ['a step without runType', { pipelines: { p: { steps: [{ name: 'opt', program: 'xtb' }] } } }, 'pipelines.p.steps[0].runType'],
  ['an unknown run type', { pipelines: { p: { steps: [{ ...step, runType: 'md' }] } } }, 'pipelines.p.steps[0].runType'],
  ['a program without a template', { pipelines: { p: { steps: [{ ...step, program: 'shell' }] } } }, 'pipelines.p.steps[0].program'],
  ['a step name with a slash', { pipelines: { p: { steps: [{ ...step, name: 'a/b' }] } } }, 'pipelines.p.steps[0].name'],
  ['an empty sweep', { pipelines: { p: { steps: [{ ...step, solvent: [] }] } } }, 'pipelines.p.steps[0].solvent'],
  ['a sweep of numbers', { pipelines: { p: { steps: [{ ...step, method: [2] }] } } }, 'pipelines.p.steps[0].method'],
  ['step memory', { pipelines: { p: { steps: [{ ...step, memory: 'lots' }] } } }, 'pipelines.p.steps[0].memory'],
  ['step cores', { pipelines: { p: { steps: [{ ...step, cores: 0 }] } } }, 'pipelines.p.steps[0].cores'],
];

describe('batchman.json schema', () => {
  it('schemas/batchman.schema.json is the schema in core/runner/settingsSchema.ts, contributed for batchman.json and packaged', async () => {
    const file = JSON.parse(await readFile(join(REPO_ROOT, 'schemas', 'batchman.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(file, JSON.parse(JSON.stringify(BATCHMAN_SCHEMA)), 'write JSON.stringify(BATCHMAN_SCHEMA, null, 2) to schemas/batchman.schema.json');
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation?: unknown } };
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: 'batchman.json', url: './schemas/batchman.schema.json' }]);
    assert.match(await readFile(join(REPO_ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/batchman\.schema\.json$/m);
  });

  for (const [what, value, key] of BAD) {
    it(`refuses ${what} at ${key}, in the schema and in the CLI`, () => {
      assert.equal(schemaProblem(value)?.key, key, JSON.stringify(schemaProblem(value)));
      // A list's item may be named by the CLI (`method[0]`) where the schema names the list.
      assert.throws(() => validateBatchSettings(value), (error: Error) => error instanceof BatchSettingsError && (error.key === key || error.key.startsWith(`${key}[`)));
    });
  }

  it('takes the examples\' batchman.json files and the built-in pipelines, as the CLI does', async () => {
    const good: unknown[] = [
      {},
      { $schema: './schemas/batchman.schema.json', comment: 'x', maxRestarts: 0 },
      { slurm: { memory: 4000, walltime: '2-00:00:00', cores: 8, coresAs: 'ntasks', extraArgs: ['--qos=short'] } },
      { pipelines: JSON.parse(JSON.stringify(BUILTIN_PIPELINES)) as unknown },
      { pipelines: { p: { description: 'd', steps: [{ ...step, method: ['gfn1', 'gfn2'], keywords: ['--cma'], memory: '2G', walltime: '30', partition: 'short', modules: ['xtb'], setup: ['ulimit -s unlimited'] }] } } },
    ];
    for (const example of ['xtb-water', 'new-from-structures']) good.push(JSON.parse(await readFile(join(REPO_ROOT, 'examples', example, 'batchman.json'), 'utf8')));
    for (const value of good) {
      assert.equal(schemaProblem(value), undefined, JSON.stringify(value));
      assert.doesNotThrow(() => validateBatchSettings(value));
    }
  });
});
