// `-j auto` and the site's limits: sacctmgr's answers as the test cluster gives them (fixtures captured from its
// real commands), the submit limits a job meets, and the room left beside the user's queued jobs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { CommandResult, CommandRunner } from '../../core/slurm/commandRunner.js';
import { SACCTMGR_ENV, sacctmgrFromEnv } from '../../core/slurm/commandsEnv.js';
import { SacctmgrParseError, parseQos, parseUserAssociations, qosArgs, submitLimits, userAssocArgs } from '../../core/slurm/sacctmgr.js';
import { AUTO_JOBS_CAP, describeSiteRoom, siteRoom } from '../../core/slurm/sacctmgrRoom.js';
import type { QueueEntry } from '../../core/slurm/squeue.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/sacctmgr/${name}`, import.meta.url), 'utf8');
// `sacctmgr -n -P show user <user> withassoc format=…` and `sacctmgr -n -P show qos format=…`, as printed
const LIMITED_ASSOC = fixture('user-withassoc-batchlimit.txt');
const FREE_ASSOC = fixture('user-withassoc-batchuser.txt');
const QOS = fixture('qos.txt');

test('the real answers parse: the limited user, the free user, every QOS', () => {
  const [limited] = parseUserAssociations(LIMITED_ASSOC);
  assert.deepEqual(limited, {
    user: 'batchlimit',
    defaultAccount: 'chem',
    cluster: 'localcluster',
    account: 'chem',
    partition: '',
    maxSubmit: undefined,
    maxJobs: undefined,
    grpSubmit: undefined,
    grpJobs: undefined,
    defaultQos: 'limited',
    qos: ['limited'],
  });
  assert.deepEqual(parseUserAssociations(FREE_ASSOC).map((a) => [a.user, a.defaultQos, a.qos]), [['batchuser', 'normal', ['normal']]]);
  const qos = new Map(parseQos(QOS).map((q) => [q.name, q]));
  assert.equal(qos.get('limited')?.maxSubmitJobsPerUser, 3);
  assert.deepEqual(Object.values(qos.get('normal') ?? {}).filter((v) => v !== undefined), ['normal'], 'normal has no job limit');
});

test('the limits a job submitted without --account or --qos meets', () => {
  const qos = parseQos(QOS);
  assert.deepEqual(submitLimits(parseUserAssociations(LIMITED_ASSOC), qos), [{ limit: 3, source: 'QOS limited MaxSubmitJobsPerUser' }]);
  assert.deepEqual(submitLimits(parseUserAssociations(FREE_ASSOC), qos), []);
  // An association limit and a QOS limit: the strictest first. Another account's association is not the job's.
  const assoc = parseUserAssociations(
    ['u|chem|c1|chem||50|10|400||limited|limited,normal', 'u|chem|c1|other||1||||normal|normal', ''].join('\n'),
  );
  assert.deepEqual(submitLimits(assoc, qos), [
    { limit: 3, source: 'QOS limited MaxSubmitJobsPerUser' },
    { limit: 50, source: 'association chem MaxSubmitJobs' },
    { limit: 400, source: 'association chem GrpSubmitJobs' },
  ]);
  // No DefaultQOS: SLURM's own choice, the only QOS allowed.
  assert.deepEqual(submitLimits(parseUserAssociations('u|chem|c1|chem|||||||limited\n'), qos), [{ limit: 3, source: 'QOS limited MaxSubmitJobsPerUser' }]);
});

test('an answer in another shape is an error, never a guess', () => {
  assert.throws(() => parseUserAssociations('garbage that is not sacctmgr output\n'), SacctmgrParseError);
  assert.throws(() => parseQos('normal|lots||||||\n'), SacctmgrParseError);
});

function entry(id: string, state: string, workDir: string): QueueEntry {
  return { id, state, reason: 'None', elapsed: '0:00', elapsedSeconds: 0, workDir, name: id };
}

function answers(byFirstWord: Record<'user' | 'qos', Partial<CommandResult>>): { runner: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    const answer = byFirstWord[args[3] === 'qos' ? 'qos' : 'user'];
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...answer };
  };
  return { runner, calls };
}

test('the room: the limit less the live jobs outside this batch, at least 1, at most the cap', async () => {
  const { runner, calls } = answers({ user: { stdout: LIMITED_ASSOC }, qos: { stdout: QOS } });
  const queue = async () => [
    entry('1', 'PENDING', '/elsewhere/a'),
    entry('2', 'COMPLETED', '/elsewhere/b'),
    entry('3', 'RUNNING', '/batch/job1'),
  ];
  const room = await siteRoom({ runner, sacctmgr: '/site/sacctmgr', user: 'batchlimit', queue, batchFolders: new Set(['/batch/job1']) });
  assert.deepEqual(room, { jobs: 2, limit: { limit: 3, source: 'QOS limited MaxSubmitJobsPerUser' }, queuedElsewhere: 1 });
  assert.deepEqual(calls.map((call) => call[0]), ['/site/sacctmgr', '/site/sacctmgr']);
  assert.deepEqual(calls.map((call) => call.slice(1)), [userAssocArgs('batchlimit'), qosArgs()]);
  assert.equal(describeSiteRoom(room), '-j auto = 2: QOS limited MaxSubmitJobsPerUser = 3, 1 job(s) already queued');

  const full = await siteRoom({ runner, user: 'batchlimit', queue: async () => [1, 2, 3, 4].map((i) => entry(String(i), 'PENDING', '/x')), batchFolders: new Set() });
  assert.equal(full.jobs, 1, 'a full queue still gets one slot: SLURM refuses for now and the runner waits');

  const free = await siteRoom({ runner: answers({ user: { stdout: FREE_ASSOC }, qos: { stdout: QOS } }).runner, user: 'batchuser', queue: async () => [], batchFolders: new Set() });
  assert.deepEqual(free, { jobs: AUTO_JOBS_CAP, queuedElsewhere: 0 });
});

test('no accounting, no sacctmgr, a hung or garbled one: no limit known, the cap, and why', async () => {
  const queue = async () => [];
  const cases: [Partial<CommandResult>, RegExp][] = [
    [{ exitCode: 1, stderr: fixture('no-accounting.txt') }, /sacctmgr exited with 1/],
    [{ exitCode: -1, error: 'ENOENT' }, /sacctmgr could not run: ENOENT/],
    [{ exitCode: -1, timedOut: true }, /sacctmgr timed out after 10000 ms/],
    [{ stdout: 'garbage that is not sacctmgr output\n' }, /sacctmgr answered something unexpected/],
  ];
  for (const [answer, why] of cases) {
    const room = await siteRoom({ runner: answers({ user: answer, qos: { stdout: QOS } }).runner, user: 'u', queue, batchFolders: new Set() });
    assert.equal(room.jobs, AUTO_JOBS_CAP);
    assert.match(room.unknown ?? '', why);
    assert.match(describeSiteRoom(room), /^-j auto = 200: no submit limit known \(sacctmgr/);
  }
  // squeue failing: the limit alone decides
  const { runner } = answers({ user: { stdout: LIMITED_ASSOC }, qos: { stdout: QOS } });
  const room = await siteRoom({ runner, user: 'u', queue: () => Promise.reject(new Error('squeue timed out after 10000 ms')), batchFolders: new Set() });
  assert.equal(room.jobs, 3);
  assert.match(room.unknown ?? '', /^squeue: squeue timed out/);
});

test('BATCHMAN_SACCTMGR names the command; empty names nothing', () => {
  assert.equal(sacctmgrFromEnv({ [SACCTMGR_ENV]: '/opt/site/sacctmgr' }), '/opt/site/sacctmgr');
  assert.equal(sacctmgrFromEnv({ [SACCTMGR_ENV]: '  ' }), undefined);
  assert.equal(sacctmgrFromEnv({}), undefined);
});
