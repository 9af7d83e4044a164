// A chaos run on the real cluster: 40 jobs in pipelines while the runner is killed with `kill -9` at random moments
// (and started again), the controller restarts and sbatch cannot reach it for a while. At the end every job
// succeeded, each ran exactly once, and the ledger and the batch record agree. What was injected is printed.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ResultPromise } from 'execa';
import { listBatchRecords } from '../../core/runner/records.js';
import { ensureBuilt } from '../support/build.js';
import { faultWrapper, prepareCluster, removeTempDirs, sharedDir } from '../support/slurm/cluster.js';
import { restartController, startController } from '../support/slurm/controller.js';
import { batchDir, cancelLeftovers, ledgerRows, startRunner } from './runnerHarness.js';

const cluster = await prepareCluster();
const skip = cluster.skip || (process.getuid?.() !== 0 && 'restarting the controller needs root');
const roots: string[] = [];
after(async () => {
  try {
    await startController();
    for (const root of roots) await cancelLeftovers(root);
  } finally {
    await removeTempDirs();
  }
});

const CHAINS = 10;
const STEPS = 4;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded generator, so a failing run can be told apart from the next by its seed. */
function random(seed: number): (low: number, high: number) => number {
  let state = seed >>> 0 || 1;
  return (low, high) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return low + (state / 2 ** 32) * (high - low);
  };
}

/** CHAINS pipelines of STEPS shell jobs; each step reads its upstream's geometry, writes its own and leaves a marker. */
async function pipelines(root: string): Promise<string[]> {
  const rows: string[] = [];
  for (let c = 1; c <= CHAINS; c++) {
    for (let s = 1; s <= STEPS; s++) {
      const name = `c${c}s${s}`;
      const upstream = `c${c}s${s - 1}`;
      const read = s === 1 ? "printf '1\\nstart\\nH 0 0 0\\n' > in.xyz" : `test -s ${upstream}.xyz && cp ${upstream}.xyz in.xyz`;
      const folder = join(root, `chain${c}`, `s${s}`);
      await mkdir(folder, { recursive: true });
      const body = `set -e\necho "${name} $SLURM_JOB_ID" >> ${root}/markers.txt\n${read}\nsleep 2\nsed '2s/.*/${name}/' in.xyz > ${name}.xyz`;
      await writeFile(join(folder, `${name}.sh`), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
      rows.push(`${name}|chain${c}/s${s}|shell|${s === 1 ? '' : `coords{../s${s - 1},${upstream}.xyz}`}`);
    }
  }
  await writeFile(join(root, 'batchfile.csv'), `root_directory=.\njob_basename|job_directory|program|pipe\n${rows.join('\n')}\n`);
  await writeFile(join(root, 'markers.txt'), '');
  return rows.map((row) => row.split('|')[0]!);
}

test(`chaos: ${CHAINS * STEPS} jobs in pipelines through kill -9, controller restarts and a failing sbatch`, { skip, timeout: 330_000 }, async () => {
  await ensureBuilt();
  const root = await batchDir();
  roots.push(root);
  const names = await pipelines(root);
  const batchfile = join(root, 'batchfile.csv');
  const fault = await faultWrapper(await sharedDir(), 'sbatch');
  const env = { ...process.env, BATCHMAN_SBATCH: fault.path };

  const seed = Number(process.env.BATCHMAN_CHAOS_SEED ?? Date.now() % 1_000_000);
  const between = random(seed);
  const started = Date.now();
  const injected: string[] = [];
  const note = (what: string) => injected.push(`+${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);

  let runner: ResultPromise<{ reject: false }> = startRunner(batchfile, ['-j', '10'], { env, timeoutMs: 300_000 });
  const runners = [runner];
  let ended = false;
  const watch = (child: typeof runner) => void child.finally(() => child === runner && (ended = true));
  watch(runner);
  let runs = 1;

  // Each kind at least twice, in an order the seed decides; stop when the batch is done.
  const kinds = ['kill', 'kill', 'kill', 'controller', 'controller', 'sbatch', 'sbatch'];
  kinds.sort(() => between(-1, 1));
  for (const kind of kinds) {
    await sleep(between(3_000, 9_000));
    if (ended) break;
    if (kind === 'kill') {
      const pid = runner.pid;
      runner.kill('SIGKILL');
      await runner;
      const pause = Math.round(between(200, 2_000));
      await sleep(pause);
      runner = startRunner(batchfile, ['-j', '10'], { env, timeoutMs: 300_000 });
      runners.push(runner);
      ended = false;
      watch(runner);
      runs++;
      note(`kill -9 of the runner (pid ${pid}); a new runner ${pause} ms later`);
    } else if (kind === 'controller') {
      const down = Math.round(between(3_000, 8_000));
      note(`controller shut down for ${down} ms`);
      await restartController(down);
    } else {
      const down = Math.round(between(3_000, 8_000));
      note(`sbatch cannot reach the controller for ${down} ms`);
      await fault.set('no-controller');
      await sleep(down);
      await fault.set('none');
    }
  }
  const last = await runner;
  console.log(`chaos seed ${seed}, ${runs} runner(s), injected:\n  ${injected.join('\n  ')}`);

  const rows = await ledgerRows(root);
  const statuses = names.map((name) => `${name}: ${rows.get(name)?.status} ${rows.get(name)?.cause ?? ''}`.trim());
  assert.equal(last.exitCode, 0, `${statuses.join('\n')}\n${String(last.stderr)}`);
  for (const name of names) assert.equal(rows.get(name)?.status, 'succeeded', statuses.join('\n'));
  const marks = (await readFile(join(root, 'markers.txt'), 'utf8')).split('\n').filter((line) => line !== '');
  for (const name of names) assert.equal(marks.filter((line) => line.startsWith(`${name} `)).length, 1, `${name} ran once:\n${marks.join('\n')}`);
  assert.equal(new Set(names.map((name) => rows.get(name)?.jobId)).size, names.length, 'one SLURM job each');

  // The record closed by the last runner says what the ledger says.
  const records = await listBatchRecords(root, batchfile);
  const closed = records.find((record) => record.status === 'completed');
  assert.ok(closed, `a completed record (${records.map((record) => record.status).join(', ')})`);
  assert.deepEqual(
    { total: closed.counts?.total, succeeded: closed.counts?.succeeded, failed: closed.counts?.failed },
    { total: names.length, succeeded: names.length, failed: 0 },
  );
  assert.ok(!records.some((record) => record.status === 'in_progress' || record.status === 'internal_error'), 'no launch left open or failed');

  // No runner, killed or not, showed a stack trace or an internal error through all of it.
  for (const each of runners) {
    const traces = String((await each).stderr).split('\n').filter((line) => /^\s+at\s|internal error|SchedulerError/.test(line));
    assert.deepEqual(traces, [], 'no stack trace or internal error on stderr');
  }
});
