// Real jobs on the real local SLURM cluster, as root and as a normal user: what the adapter and poller report.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Clock } from '../../core/slurm/clock.js';
import { Poller } from '../../core/slurm/poller.js';
import type { JobObservation, JobsChangedEvent } from '../../core/slurm/poller.js';
import { SlurmScheduler } from '../../core/slurm/slurmScheduler.js';
import {
  TEST_USER,
  countingWrapper,
  expireSoon,
  idsOf,
  prepareCluster,
  removeTempDirs,
  runnerAs,
  sharedDir,
  tempDirFor,
  waitFor,
  writeScript,
} from '../support/slurm/cluster.js';

const cluster = await prepareCluster();
after(removeTempDirs);

// The poller is driven by pollNow() here, so every poll can be checked for its calls: no timers.
const drivenClock: Clock = { now: () => Date.now(), setTimeout: () => undefined, clearTimeout: () => undefined };

const WEIRD_NAME = 'weird | "name" $(id) `x` ü';

interface Scenario {
  user: string;
  uid: number;
  dir: string;
  ids: Record<string, string>;
  poller: Poller;
  scheduler: SlurmScheduler;
  polls: { squeue: number; sacct: number }[];
  events: JobsChangedEvent[];
}

function skipFor(user: string): false | string {
  if (cluster.skip) return cluster.skip;
  if (user !== 'root' && !cluster.testUser) return `the test user ${TEST_USER} does not exist (run as root; the start script creates it)`;
  return false;
}

for (const user of ['root', TEST_USER]) {
  describe(`real SLURM jobs submitted as ${user}`, { skip: skipFor(user) }, () => {
    let s: Scenario;
    const get = (key: string): JobObservation => {
      const id = s.ids[key];
      assert.ok(id, `job ${key} was submitted`);
      const observation = s.poller.get(id);
      assert.ok(observation, `job ${key} (${id}) was observed`);
      return observation;
    };

    before(async () => {
      const dir = await tempDirFor(user);
      const wrapDir = await sharedDir();
      const squeue = await countingWrapper(wrapDir, 'squeue');
      const sacct = await countingWrapper(wrapDir, 'sacct');
      const scheduler = new SlurmScheduler({
        runner: runnerAs(user),
        commands: { squeue: squeue.path, sacct: sacct.path },
      });
      const poller = new Poller({ scheduler, clock: drivenClock });
      const events: JobsChangedEvent[] = [];
      poller.onDidChangeJobs((event) => events.push(event));
      s = { user, uid: (await idsOf(user)).uid, dir, ids: {}, poller, scheduler, polls: [], events };

      const submit = async (key: string, body: string, extraArgs: string[] = [], jobName = `bm-${key}`) => {
        const script = await writeScript(dir, `${key}.sh`, body, user);
        const { jobId } = await scheduler.submit(script, { cwd: dir, jobName, extraArgs });
        assert.match(jobId, /^\d+$/);
        s.ids[key] = jobId;
      };
      // quick jobs first: the node has 2 cores and the long ones hold them
      await submit('ok', 'echo "hello from $(id -un)"\nexit 0');
      await submit('exit3', 'echo failing on purpose\nexit 3');
      await submit('name', 'exit 0', [], WEIRD_NAME);
      if (cluster.oomKills) {
        // bash keeps the whole command substitution in memory: ~300 MB against a 64 MB limit
        await submit('oom', 'x=$(head -c 300000000 /dev/zero | tr "\\0" "x")\necho "survived ${#x}"', ['--mem=64M']);
      }
      await submit('timeout', 'exec sleep 300', ['--time=1']);
      await submit('cancelRunning', 'exec sleep 300');
      await submit('cancelPending', 'exit 0', ['--begin=now+3600']);
      poller.watch(`batch-${user}`, Object.values(s.ids));

      const poll = async () => {
        const before = { squeue: await squeue.count(), sacct: await sacct.count() };
        await poller.pollNow();
        s.polls.push({ squeue: (await squeue.count()) - before.squeue, sacct: (await sacct.count()) - before.sacct });
      };
      const isEnded = (key: string) => {
        const o = s.ids[key] !== undefined ? poller.get(s.ids[key] ?? '') : undefined;
        return o !== undefined && o.final && (!cluster.accounting || o.source === 'sacct');
      };
      const status = (key: string) => poller.get(s.ids[key] ?? '')?.status;
      let cancelledRunning = false;
      let cancelledPending = false;
      let expired = false;
      await waitFor(
        'every job to reach its end state',
        async () => {
          await poll();
          if (!cancelledPending && status('cancelPending') === 'pending') {
            await scheduler.cancel([s.ids.cancelPending ?? '']);
            cancelledPending = true;
          }
          if (!cancelledRunning && status('cancelRunning') === 'running') {
            await scheduler.cancel([s.ids.cancelRunning ?? '']);
            cancelledRunning = true;
          }
          if (!expired && status('timeout') === 'running') {
            await expireSoon(s.ids.timeout ?? '');
            expired = true;
          }
          return Object.keys(s.ids).every(isEnded);
        },
        { timeoutMs: 150_000, intervalMs: 500 },
      );
    });

    after(async () => {
      if (!s) return;
      s.poller.dispose();
      await s.scheduler.cancel(Object.values(s.ids)).catch(() => undefined);
    });

    test('every poll made exactly ONE squeue call and at most ONE sacct call', () => {
      assert.ok(s.polls.length >= 3, `polled ${s.polls.length} times`);
      for (const [i, poll] of s.polls.entries()) {
        assert.equal(poll.squeue, 1, `poll ${i}: squeue calls`);
        assert.ok(poll.sacct <= 1, `poll ${i}: ${poll.sacct} sacct calls`);
      }
      assert.equal(s.poller.stats.squeueCalls, s.polls.length);
    });

    test('a script that exits 0 is COMPLETED: succeeded as far as SLURM can tell, exit code 0', () => {
      const job = get('ok');
      assert.equal(job.status, 'succeeded');
      assert.equal(job.slurmState, 'COMPLETED');
      assert.equal(job.cause, undefined);
      assert.equal(job.workDir, s.dir);
      assert.equal(job.name, 'bm-ok');
      if (cluster.accounting) assert.equal(job.exitCode, 0);
    });

    test('a script that exits 3 is FAILED with exit code 3', () => {
      const job = get('exit3');
      assert.equal(job.status, 'failed');
      assert.equal(job.final, true);
      if (cluster.accounting) {
        assert.equal(job.slurmState, 'FAILED');
        assert.equal(job.exitCode, 3);
        assert.equal(job.signal, 0);
        assert.equal(job.cause, 'exit code 3');
      } else {
        assert.equal(job.cause, 'FAILED');
      }
    });

    test('a job past its time limit is failed with cause TIMEOUT', () => {
      const job = get('timeout');
      assert.equal(job.status, 'failed');
      assert.equal(job.cause, 'TIMEOUT');
      assert.match(job.slurmState ?? '', /^TIMEOUT/);
    });

    test('a running job cancelled through the adapter is cancelled (CANCELLED by its uid)', () => {
      const job = get('cancelRunning');
      assert.equal(job.status, 'cancelled');
      assert.equal(job.cause, 'CANCELLED');
      if (cluster.accounting) {
        assert.match(job.slurmState ?? '', /^CANCELLED by \d+$/);
        assert.equal(job.cancelledBy, String(s.uid));
      }
    });

    test('a pending job cancelled through the adapter is cancelled', () => {
      const job = get('cancelPending');
      assert.equal(job.status, 'cancelled');
      assert.equal(job.cause, 'CANCELLED');
      const sawPending = s.events.some((e) =>
        e.changes.some((c) => c.jobId === s.ids.cancelPending && c.current.status === 'pending' && c.current.reason === 'BeginTime'),
      );
      assert.ok(sawPending, 'it was seen pending (reason BeginTime) first');
    });

    test('a job name with |, quotes, $() and backticks comes back intact', () => {
      const job = get('name');
      assert.equal(job.name, WEIRD_NAME);
      assert.equal(job.status, 'succeeded');
    });

    test('a job over its --mem ends OUT_OF_MEMORY', { skip: !cluster.oomKills && 'this cluster does not enforce memory with cgroups' }, () => {
      const job = get('oom');
      assert.equal(job.status, 'failed');
      assert.equal(job.cause, 'OUT_OF_MEMORY');
    });

    test('statuses went through pending/running before ending, and each change was emitted once', () => {
      const seen = new Map<string, string[]>();
      for (const event of s.events) {
        for (const change of event.changes) {
          const list = seen.get(change.jobId) ?? [];
          const c = change.current;
          list.push(`${c.status}:${c.slurmState}:${c.reason}:${c.source}:${c.exitCode}:${c.inQueue}`);
          seen.set(change.jobId, list);
        }
      }
      for (const [jobId, list] of seen) {
        for (let i = 1; i < list.length; i++) assert.notEqual(list[i], list[i - 1], `job ${jobId} emitted an unchanged state: ${list.join(' → ')}`);
      }
      const okStatuses = seen.get(s.ids.cancelRunning ?? '') ?? [];
      assert.ok(okStatuses.some((entry) => entry.startsWith('running')), `cancelRunning: ${okStatuses.join(' → ')}`);
    });
  });
}

describe('a job absent from squeue gets its fate from sacct, never a guessed failure', { skip: skipFor(TEST_USER) || (!cluster.accounting && 'no accounting') }, () => {
  test(`root's squeue --me does not list ${TEST_USER}'s job; root's sacct tells how it ended`, async () => {
    const dir = await tempDirFor(TEST_USER);
    const userScheduler = new SlurmScheduler({ runner: runnerAs(TEST_USER) });
    const script = await writeScript(dir, 'exit5.sh', 'exit 5', TEST_USER);
    const { jobId } = await userScheduler.submit(script, { cwd: dir, jobName: 'bm-absent' });

    const rootPoller = new Poller({ scheduler: new SlurmScheduler(), clock: drivenClock });
    rootPoller.watch('b', [jobId]);
    await rootPoller.pollNow();
    const first = rootPoller.get(jobId);
    assert.ok(first);
    assert.equal(first.inQueue, false);
    assert.notEqual(first.status, 'failed', 'absent from squeue is not a failure');
    const ended = await waitFor(
      'sacct to report the end',
      async () => {
        await rootPoller.pollNow();
        const o = rootPoller.get(jobId);
        return o?.source === 'sacct' ? o : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    assert.equal(ended.status, 'failed');
    assert.equal(ended.exitCode, 5);
    assert.equal(ended.cause, 'exit code 5');
    assert.equal(ended.inQueue, false);
    rootPoller.dispose();
  });
});

describe('the poller on its own timer', { skip: cluster.skip }, () => {
  test('after a submit and a nudge it reports the end without being driven', async () => {
    const dir = await tempDirFor('root');
    const scheduler = new SlurmScheduler();
    const poller = new Poller({ scheduler, floorMs: 500, ceilingMs: 2_000, nudgeGapMs: 100 });
    const script = await writeScript(dir, 'quick.sh', 'sleep 1\nexit 0');
    const { jobId } = await scheduler.submit(script, { cwd: dir, jobName: 'bm-timer' });
    const statuses: string[] = [];
    const done = new Promise<JobObservation>((resolve) => {
      poller.onDidChangeJobs((event) => {
        for (const change of event.changes) {
          statuses.push(change.current.status);
          if (change.current.final && (!cluster.accounting || change.current.source === 'sacct')) resolve(change.current);
        }
      });
    });
    poller.watch('b', [jobId]);
    poller.nudge();
    // the poller's timers are unref'ed (they never keep a process alive): this one holds the test open
    let deadlineTimer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      deadlineTimer = setTimeout(() => reject(new Error(`no end seen; statuses ${statuses.join(',')}`)), 60_000);
    });
    const end = await Promise.race([done, deadline]).finally(() => clearTimeout(deadlineTimer));
    assert.equal(end.status, 'succeeded');
    assert.equal(poller.stats.squeueCalls, poller.stats.ticks, 'one squeue per tick');
    assert.ok(poller.stats.sacctCalls <= poller.stats.ticks);
    poller.dispose();
  });
});
