// What a rerun takes with it: the chosen jobs and everything reachable from them by pipes (however far down, each once,
// in the batchfile's order), the count the confirmation states, and its wording.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { keyOfModelJob } from '../../core/ledger/jobKey.js';
import { downstreamCount, rerunClosure, rerunQuestion } from '../../core/runner/rerun.js';
import { runArgs } from '../../core/view/launchOptions.js';

// opt(mol1) → freq(mol1) → sp(mol1); opt(mol1) → sp2(mol1) → sp(mol1) (a diamond); opt(mol2) → freq(mol2) is apart.
const TEXT = [
  'root_directory=.',
  'job_basename|job_directory|program|pipe',
  'opt|mol1/opt|shell|',
  'freq|mol1/freq|shell|coords{../opt,opt.xyz}',
  'sp2|mol1/sp2|shell|coords{../opt,opt.xyz}',
  'sp|mol1/sp|shell|coords{../freq,freq.xyz} coords{../sp2,sp2.xyz}',
  'opt|mol2/opt|shell|',
  'freq|mol2/freq|shell|coords{../opt,opt.xyz}',
  '',
].join('\n');

const model = buildBatchModel(parseBatchfile(TEXT), join(tmpdir(), 'rerun-batch', 'batchfile.csv'));
const keyOf = (directory: string) => keyOfModelJob(model.jobs.find((job) => job.directory === directory)!);
const names = (keys: Set<string>) => rerunClosure(model, keys).map((job) => job.directory);

test('a job with pipes below it: its whole downstream, a diamond counted once, in batchfile order', () => {
  const chosen = new Set([keyOf('mol1/opt')]);
  assert.deepEqual(names(chosen), ['mol1/opt', 'mol1/freq', 'mol1/sp2', 'mol1/sp']);
  assert.equal(downstreamCount(model, chosen), 3);
});

test('a job in the middle takes only what is below it; a last job takes nothing else', () => {
  assert.deepEqual(names(new Set([keyOf('mol1/freq')])), ['mol1/freq', 'mol1/sp']);
  assert.equal(downstreamCount(model, new Set([keyOf('mol1/sp')])), 0);
});

test('two chosen jobs, one below the other: the lower one is chosen, not counted as downstream', () => {
  const chosen = new Set([keyOf('mol1/opt'), keyOf('mol1/sp')]);
  assert.equal(downstreamCount(model, chosen), 2);
  assert.deepEqual(names(new Set([keyOf('mol2/opt')])), ['mol2/opt', 'mol2/freq'], 'another molecule is its own graph');
});

test('the confirmation says how many depend on the job', () => {
  assert.equal(rerunQuestion('opt · mol1/opt', 'batch A', 3), 'Rerun opt · mol1/opt of batch A and the 3 jobs that depend on it?');
  assert.equal(rerunQuestion('sp', 'batch A', 1), 'Rerun sp of batch A and the 1 job that depends on it?');
  assert.equal(rerunQuestion('sp', 'batch A', 0), 'Rerun sp of batch A?');
});

test('a rerun from VS Code asks the CLI for --rerun NAME (the name as one argument, whatever it holds)', () => {
  const args = runArgs('/b/batchfile.csv', { executor: 'local', jobs: 'auto', restartFailed: false, rerunJobs: ['mol1/opt', '-$(x)'], tags: [] });
  assert.deepEqual(args.filter((arg) => arg.startsWith('--rerun')), ['--rerun=mol1/opt', '--rerun=-$(x)']);
  assert.equal(args.includes('-r'), false, 'a rerun is not a restart by cause');
});
