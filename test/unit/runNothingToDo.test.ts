// `batchman run` on a batch whose jobs have all ended, with nothing asked to restart: it says "nothing to do", writes
// no launch record, and exits as the batch stands (0 when every job succeeded, 1 when one failed).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../../core/cli/run.js';
import { nothingToDo, nothingToDoOf } from '../../core/cli/nothingToDo.js';
import { buildBatchModel, parseBatchfile } from '../../core/batchfile/index.js';
import { createBatchRecord } from '../../core/runner/records.js';
import { readFileSync } from 'node:fs';
import { writeLedger } from '../../core/ledger/ledger.js';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import type { JobStatus } from '../../core/status.js';

const scratch = mkdtempSync(join(tmpdir(), 'batchman-nothing-to-do-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
async function batchWith(statuses: Record<'a' | 'b', JobStatus>): Promise<{ dir: string; batchfile: string }> {
  const dir = join(scratch, `batch${++counter}`);
  for (const name of ['a', 'b'] as const) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, `${name}.sh`), 'echo hi\n');
  }
  const batchfile = join(dir, 'batchfile.csv');
  writeFileSync(batchfile, 'root_directory=.\njob_basename|job_directory|program|pipe\na|a|shell|\nb|b|shell|\n');
  const row = (name: 'a' | 'b', id: number): LedgerRow => ({ jobId: id, basename: name, directory: join(dir, name), status: statuses[name], program: 'shell', ...(statuses[name] === 'failed' ? { cause: 'exit code 3', exitCode: 3 } : {}) });
  await writeLedger(join(dir, '__ledger__.csv'), { rows: [row('a', 11), row('b', 12)], extraColumns: [] });
  return { dir, batchfile };
}

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = '';
  let out = '';
  const code = await runCli(['run', ...args], { out: (text) => void (out += `${text}\n`), err: (text) => void (err += `${text}\n`) });
  return { code, err, out };
}

describe('run: nothing to do', () => {
  test('every job succeeded: says so, records no launch, exit 0', async () => {
    const { dir, batchfile } = await batchWith({ a: 'succeeded', b: 'succeeded' });
    const result = await run([batchfile]);
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, /nothing to do: 2\/2 already succeeded/);
    assert.equal(existsSync(join(dir, '.batchman', 'batches')), false, 'no launch record');
  });

  test('a failed job stays failed: the counts and how to restart, no record, exit 1 (also detached)', async () => {
    const { dir, batchfile } = await batchWith({ a: 'succeeded', b: 'failed' });
    for (const args of [[batchfile], [batchfile, '--detach']]) {
      const result = await run(args);
      assert.equal(result.code, 1, result.err);
      assert.match(result.err, /nothing to do: 1\/2 succeeded, 1 failed; a failed job stays failed/);
      assert.match(result.err, /batchman run -r /);
      assert.equal(existsSync(join(dir, '.batchman', 'batches')), false, 'no launch record');
    }
  });

  test('a launch left open by a dead runner is let through: resuming it closes its record', async () => {
    const { dir, batchfile } = await batchWith({ a: 'succeeded', b: 'succeeded' });
    const model = buildBatchModel(parseBatchfile(readFileSync(batchfile, 'utf8')), batchfile);
    const ledger = join(dir, '__ledger__.csv');
    assert.ok(await nothingToDo(model, ledger, batchfile, { restartFailed: false }));
    await createBatchRecord({ rootPath: dir, batchfilePath: batchfile, name: 'open-launch', git: null, pid: 2 ** 22 + 777 });
    assert.equal(await nothingToDo(model, ledger, batchfile, { restartFailed: false }), undefined);
  });

  test('work is left: a job not ended, or a failure to restart with -r', () => {
    assert.equal(nothingToDoOf(['succeeded', 'pending'], false), undefined);
    assert.equal(nothingToDoOf(['succeeded', 'not_started'], false), undefined);
    assert.equal(nothingToDoOf(['succeeded', 'failed'], true), undefined);
    assert.equal(nothingToDoOf(['succeeded', 'broken_dependency'], true)?.message, 'nothing to do: 1/2 succeeded, 1 broken dependency');
  });
});
