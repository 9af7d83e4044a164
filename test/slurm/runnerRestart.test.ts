// `batchman run -r` on the real cluster: a real TIMEOUT restarted with twice the walltime, a real
// OUT_OF_MEMORY restarted with twice the memory, each failed attempt kept as `<dir>_history_1`.
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LedgerRow } from '../../core/ledger/ledger.js';
import { listBatchRecords } from '../../core/runner/records.js';
import { ensureBuilt } from '../support/build.js';
import { expireSoon, prepareCluster, removeTempDirs, waitFor } from '../support/slurm/cluster.js';
import { batchDir, cancelLeftovers, ledgerRows, readJson, sacctJobs, scontrolJob, shellJob, startRunner } from './runnerHarness.js';

const cluster = await prepareCluster();
let root: string | undefined;
after(async () => {
  if (root) await cancelLeftovers(root);
  await removeTempDirs();
});

const OOM_SKIP = cluster.oomKills
  ? false
  : 'SLURM does not enforce --mem here (cgroup.conf has no ConstrainRAMSpace=yes): no real OUT_OF_MEMORY to restart';

describe('restarts on SLURM with -r', { skip: cluster.skip }, () => {
  let exitCode: number | undefined;
  let stderr = '';
  let rows: Map<string, LedgerRow>;
  let firstSlowId = -1;

  before(async () => {
    await ensureBuilt();
    root = await batchDir();
    const dir = root;
    // The second attempt finds the first one's history folder and ends at once.
    await shellJob(dir, 'slow', 'if [ -d "${PWD}_history_1" ]; then echo "second attempt"; exit 0; fi\nexec sleep 600');
    // bash keeps the whole command substitution in memory: ~300 MB against 64 MB. With the doubled
    // memory (SLURM_MEM_PER_NODE is --mem in MB) the attempt allocates a little and ends well.
    await shellJob(
      dir,
      'hungry',
      'if [ "${SLURM_MEM_PER_NODE:-0}" -ge 128 ]; then x=$(head -c 10000000 /dev/zero | tr "\\0" "x"); echo "enough memory: ${SLURM_MEM_PER_NODE}M, ${#x} bytes"; exit 0; fi\n' +
        'x=$(head -c 300000000 /dev/zero | tr "\\0" "x")\necho "survived ${#x}"',
    );
    const jobs = ['slow|slow|shell||00:01:00|', ...(OOM_SKIP ? [] : ['hungry|hungry|shell|||64M'])];
    await writeFile(join(dir, 'batchfile.csv'), `root_directory=.\njob_basename|job_directory|program|pipe|walltime|memory\n${jobs.join('\n')}\n`);

    const runner = startRunner(join(dir, 'batchfile.csv'), ['-r', '-j', '2'], { timeoutMs: 170_000 });
    // The job id comes from the ledger; SLURM's time limits are whole minutes, so the test moves
    // the running job's end time a few seconds ahead and SLURM itself ends it with TIMEOUT.
    firstSlowId = await waitFor(
      'slow to be running',
      async () => {
        const id = (await ledgerRows(dir)).get('slow')?.jobId ?? -1;
        if (id < 0) return undefined;
        return (await scontrolJob(id)).get('JobState') === 'RUNNING' ? id : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    await expireSoon(String(firstSlowId));
    const result = await runner;
    exitCode = result.exitCode;
    stderr = String(result.stderr);
    rows = await ledgerRows(dir);
  });

  test('the batch ends with every job succeeded on its second attempt, exit 0', () => {
    assert.equal(exitCode, 0, stderr);
    for (const [name, r] of rows) {
      assert.equal(r.status, 'succeeded', `${name}: ${r.status} ${r.cause ?? ''}`);
      assert.equal(r.restarts, 1, `${name} was restarted once`);
    }
  });

  test('TIMEOUT: the first attempt timed out at 1 minute, the restart asked for 2 minutes', async () => {
    const dir = root!;
    const first = await scontrolJob(firstSlowId);
    assert.equal(first.get('JobState'), 'TIMEOUT');
    assert.equal(first.get('TimeLimit'), '00:01:00');
    const slow = rows.get('slow')!;
    assert.notEqual(slow.jobId, firstSlowId, 'a new SLURM job');
    const second = await scontrolJob(slow.jobId);
    assert.equal(second.get('TimeLimit'), '00:02:00');
    assert.equal(second.get('JobState'), 'COMPLETED');
    if (cluster.accounting) {
      const acct = await sacctJobs([firstSlowId, slow.jobId]);
      assert.equal(acct.get(String(firstSlowId))?.['State'], 'TIMEOUT');
      assert.equal(acct.get(String(slow.jobId))?.['Timelimit'], '00:02:00');
    }
    assert.match(await readFile(join(dir, 'slow', `slurm-${slow.jobId}.out`), 'utf8'), /second attempt/);
  });

  test('TIMEOUT: the failed attempt is kept as slow_history_1 and the restart is recorded', async () => {
    const dir = root!;
    const history = join(dir, 'slow_history_1');
    const kept = await readdir(history);
    assert.ok(kept.includes(`slurm-${firstSlowId}.out`), `history holds the first attempt's output: ${kept.join(', ')}`);
    assert.equal((await readJson(join(history, 'run_info.json')))['job_id'], firstSlowId);
    const info = await readJson(join(dir, 'slow', 'run_info.json'));
    assert.equal(info['restarts'], 1);
    assert.equal(info['restart'], true);
    assert.match(String(info['restart_reason']), /TIMEOUT: walltime 00:01:00 → 00:02:00/);
    assert.equal(info['restarted_from'], history);
    assert.ok((await readdir(join(dir, 'fail_output'))).includes('__slow'), 'the failed attempt went to fail_output/');
    const records = await listBatchRecords(dir, join(dir, 'batchfile.csv'));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'completed');
    assert.equal(records[0]!.computed_options['restartFailed'], true);
  });

  test('OUT_OF_MEMORY: the first attempt was killed at 64M, the restart asked for 128M and ended well', { skip: OOM_SKIP }, async () => {
    const dir = root!;
    const history = join(dir, 'hungry_history_1');
    const firstId = Number((await readJson(join(history, 'run_info.json')))['job_id']);
    assert.ok(firstId > 0, 'the history folder names the first attempt');
    const first = await scontrolJob(firstId);
    assert.equal(first.get('JobState'), 'OUT_OF_MEMORY');
    assert.equal(first.get('MinMemoryNode'), '64M');
    const hungry = rows.get('hungry')!;
    assert.notEqual(hungry.jobId, firstId);
    const second = await scontrolJob(hungry.jobId);
    assert.equal(second.get('MinMemoryNode'), '128M');
    assert.equal(second.get('JobState'), 'COMPLETED');
    if (cluster.accounting) assert.equal((await sacctJobs([firstId])).get(String(firstId))?.['State'], 'OUT_OF_MEMORY');
    assert.match(await readFile(join(dir, 'hungry', `slurm-${hungry.jobId}.out`), 'utf8'), /enough memory: 128M/);
    const info = await readJson(join(dir, 'hungry', 'run_info.json'));
    assert.equal(info['restarts'], 1);
    assert.match(String(info['restart_reason']), /OUT_OF_MEMORY: memory 64M → 128M/);
  });
});
