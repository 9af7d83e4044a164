// batchman.json: defaults, layering, and validation errors that name the offending key.
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_COMMANDS,
  DEFAULT_MAX_RESTARTS,
  commandTemplateProblem,
  defaultBatchSettings,
  globMatches,
  parseBatchSettings,
  readBatchSettings,
  settingsForJob,
} from '../../core/runner/batchSettings.js';

describe('readBatchSettings', () => {
  it('gives the defaults without a batchman.json, and reads the one beside the batchfile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-settings-'));
    try {
      const batchfile = join(dir, 'batchfile.csv');
      const defaults = await readBatchSettings(batchfile);
      assert.deepEqual(defaults, defaultBatchSettings());
      assert.equal(defaults.file, undefined);
      assert.equal(defaults.maxRestarts, DEFAULT_MAX_RESTARTS);
      assert.equal(defaults.programs.xtb.command, DEFAULT_COMMANDS.xtb);
      assert.equal(defaults.programs.shell.command, undefined);
      assert.equal(defaults.programs.orca.slurm?.coresAs, 'ntasks');

      await writeFile(join(dir, 'batchman.json'), '\uFEFF{"maxRestarts": 0, "slurm": {"cores": 2}, "programs": {"xtb": {"modules": ["xtb/6.6"]}}}');
      const read = await readBatchSettings(batchfile);
      assert.equal(read.file, join(dir, 'batchman.json'));
      assert.equal(read.maxRestarts, 0);
      assert.deepEqual(read.slurm, { cores: 2, coresAs: 'cpus-per-task', extraArgs: [] });
      assert.equal(read.programs.xtb.command, DEFAULT_COMMANDS.xtb, 'the default command stays when only modules are set');
      assert.deepEqual(read.programs.xtb.modules, ['xtb/6.6']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('layers global < program < matching jobs entries in order', () => {
    const settings = parseBatchSettings(
      JSON.stringify({
        slurm: { memory: '1G', extraArgs: ['--account=a'] },
        programs: { crest: { env: { A: '1' }, slurm: { memory: '2G', cores: 4 } } },
        jobs: [
          { match: 'conf_*', env: { B: '2' }, slurm: { walltime: '5-00:00:00', extraArgs: ['--qos=long'] } },
          { match: 'conf_big', slurm: { memory: '64G' } },
          { match: '*', program: 'xtb', command: 'never {input}' },
        ],
      }),
    );
    assert.deepEqual(settingsForJob(settings, 'crest', 'conf_big'), {
      command: DEFAULT_COMMANDS.crest,
      modules: [],
      setup: [],
      env: { A: '1', B: '2' },
      slurm: { cores: 4, coresAs: 'cpus-per-task', memory: '64G', walltime: '5-00:00:00', extraArgs: ['--account=a', '--qos=long'] },
    });
    assert.equal(settingsForJob(settings, 'crest', 'other').slurm.memory, '2G');
    assert.equal(settingsForJob(settings, 'xtb', 'x').command, 'never {input}');
    assert.equal(settingsForJob(settings, 'orca', 'x').slurm.coresAs, 'ntasks');
  });

  it('matches basenames with * and ? only, everything else literally', () => {
    assert.equal(globMatches('freq_*', 'freq_12'), true);
    assert.equal(globMatches('freq_?', 'freq_12'), false);
    assert.equal(globMatches('a.b', 'axb'), false);
    assert.equal(globMatches('(x)+', '(x)+'), true);
  });

  const cases: [string, unknown, string][] = [
    ['not JSON', '{"slurm": ', /^batchman\.json: not valid JSON \(/.source],
    ['a top-level typo', { slurmm: {} }, 'batchman.json: slurmm: unknown key; expected programs, slurm, jobs, maxRestarts, pipelines, comment'],
    ['an unknown program', { programs: { fortran: {} } }, 'batchman.json: programs.fortran: unknown key; expected gaussian, orca, crest, xtb, pyaroma, shell'],
    ['a program key typo', { programs: { orca: { comand: 'orca' } } }, 'batchman.json: programs.orca.comand: unknown key; expected command, modules, setup, env, slurm'],
    ['zero cores', { slurm: { cores: 0 } }, 'batchman.json: slurm.cores: must be a whole number of at least 1'],
    ['bad memory', { programs: { gaussian: { slurm: { memory: 'lots' } } } }, 'batchman.json: programs.gaussian.slurm.memory: "lots" is not memory like 4G, 4000M or 4000 (MB)'],
    ['bad walltime', { slurm: { walltime: '1 day' } }, 'batchman.json: slurm.walltime: "1 day" is not a time limit like HH:MM:SS or D-HH:MM:SS'],
    ['a bad partition', { slurm: { partition: 'a;b' } }, 'batchman.json: slurm.partition: must be a partition name (letters, digits, _, -, .)'],
    ['coresAs', { slurm: { coresAs: 'threads' } }, 'batchman.json: slurm.coresAs: must be "cpus-per-task" or "ntasks"'],
    ['an extra arg that is no option', { slurm: { extraArgs: ['--account=a', 'short'] } }, 'batchman.json: slurm.extraArgs[1]: "short" is not an option; write one "--name=value" per element'],
    ['a quoted placeholder', { programs: { xtb: { command: 'xtb "{input}"' } } }, 'batchman.json: programs.xtb.command: write {input} without quotes around it: Batchman quotes it'],
    ['an unknown placeholder', { programs: { xtb: { command: 'xtb {inputs}' } } }, /programs\.xtb\.command: unknown placeholder \{inputs\}; known: \{basename\}, \{input\}/.source],
    ['a two-line command', { programs: { xtb: { command: 'a\nb' } } }, 'batchman.json: programs.xtb.command: must be one line (use "setup" for lines before it)'],
    ['a shell command', { programs: { shell: { command: 'bash {input}' } } }, /programs\.shell\.command: a shell job is its own script/.source],
    ['modules not strings', { programs: { orca: { modules: ['orca', 5] } } }, 'batchman.json: programs.orca.modules[1]: must be a string'],
    ['a bad env name', { programs: { orca: { env: { 'A-B': '1' } } } }, 'batchman.json: programs.orca.env.A-B: is not a valid environment variable name'],
    ['a jobs entry without match', { jobs: [{ command: 'x' }] }, 'batchman.json: jobs[0].match: must be a string'],
    ['a jobs entry with an unknown program', { jobs: [{ match: '*' }, { match: 'a', program: 'Fortran' }] }, 'batchman.json: jobs[1].program: unknown program "fortran"; expected one of gaussian, orca, crest, xtb, pyaroma, shell'],
    ['jobs not an array', { jobs: {} }, 'batchman.json: jobs: must be an array'],
    ['negative maxRestarts', { maxRestarts: -1 }, 'batchman.json: maxRestarts: must be a whole number from 0 to 100'],
    ['not an object', [], 'batchman.json: must be an object'],
  ];
  for (const [name, value, message] of cases) {
    it(`refuses ${name}, naming the key`, () => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      assert.throws(() => parseBatchSettings(text, 'batchman.json'), (error: Error) => {
        assert.equal(error.name, 'BatchSettingsError');
        if (message.startsWith('batchman.json: ')) assert.equal(error.message, message);
        else assert.match(error.message, new RegExp(message));
        return true;
      });
    });
  }

  it('checks command templates', () => {
    assert.equal(commandTemplateProblem('xtb {input} --opt > {output} 2>&1'), undefined);
    assert.equal(commandTemplateProblem('echo ${HOME} {jobDir}'), undefined);
    assert.match(commandTemplateProblem("xtb '{input}'")!, /without quotes/);
  });
});
