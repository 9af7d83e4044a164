// A synthetic, chain-heavy batch for the dashboard's graph and timeline (unit tests, Chromium test, bench): molecules
// with opt → freq and opt → sp pipes (coords), some sp reading a guess job's orbitals, a conformer fan-out now and
// then (crest → 4 × opt → sp), and a few jobs with no pipe at all. Statuses and times follow the pipeline.
import type { DashboardJob, DashboardLink } from '../../core/dashboard/protocol.js';
import type { JobStatus } from '../../core/status.js';

export interface PictureBatch {
  jobs: DashboardJob[];
  links: DashboardLink[];
}

const STATUS_CYCLE: readonly JobStatus[] = ['succeeded', 'succeeded', 'running', 'pending', 'failed', 'not_started', 'broken_dependency', 'cancelled'];

/**
 * `count` jobs (exactly), in batchfile order. Times are minutes after `base` (ms since the epoch); jobs that are
 * not_started or broken_dependency were never submitted, pending ones never started, running ones have not ended.
 */
export function pipelineBatch(count: number, base = Date.UTC(2025, 0, 1, 8, 0, 0)): PictureBatch {
  const jobs: DashboardJob[] = [];
  const links: DashboardLink[] = [];
  const add = (basename: string, program: string): void => {
    if (jobs.length < count) jobs.push(pictureJob(basename, program, STATUS_CYCLE[jobs.length % STATUS_CYCLE.length]!, base, jobs.length));
  };
  const pipe = (from: string, to: string, kind: DashboardLink['kind'] = 'coords'): void => {
    links.push({ from, to, kind });
  };
  for (let mol = 0; jobs.length < count; mol++) {
    const m = `mol${mol}`;
    if (mol % 10 === 9) {
      add(`${m}_single`, 'shell');
    } else if (mol % 25 === 0) {
      add(`${m}_crest`, 'crest');
      for (let k = 0; k < 4; k++) {
        add(`${m}_c${k}_opt`, 'xtb');
        add(`${m}_c${k}_sp`, 'orca');
        pipe(`${m}_crest`, `${m}_c${k}_opt`);
        pipe(`${m}_c${k}_opt`, `${m}_c${k}_sp`);
      }
    } else {
      if (mol % 4 === 0) add(`${m}_guess`, 'orca');
      add(`${m}_opt`, 'xtb');
      add(`${m}_freq`, 'xtb');
      add(`${m}_sp`, 'orca');
      pipe(`${m}_opt`, `${m}_freq`);
      pipe(`${m}_opt`, `${m}_sp`);
      if (mol % 4 === 0) pipe(`${m}_guess`, `${m}_sp`, 'orbitals');
    }
  }
  const names = new Set(jobs.map((job) => job.basename));
  return { jobs, links: links.filter((link) => names.has(link.from) && names.has(link.to)) };
}

/** A job in `status` with times that fit it: submitted at base + i minutes, waiting 1–5 min, running 3–30 min. */
export function pictureJob(basename: string, program: string, status: JobStatus, base: number, i: number): DashboardJob {
  const submitted = status === 'not_started' || status === 'broken_dependency' ? null : base + i * 60_000;
  const started = submitted !== null && status !== 'pending' ? submitted + (1 + (i % 5)) * 60_000 : null;
  const ended = started !== null && status !== 'running' ? started + (3 + (i % 28)) * 60_000 : null;
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const last = ended ?? started ?? submitted;
  return {
    basename,
    directory: `/scratch/calcs/${basename}`,
    program,
    status,
    jobId: submitted !== null ? String(700_000 + i) : null,
    slurmState: status === 'running' ? 'RUNNING' : status === 'pending' ? 'PENDING' : null,
    reason: status === 'pending' ? 'Priority' : null,
    lastEvent: last !== null ? { status, at: iso(last)! } : null,
    submittedAt: iso(submitted),
    startedAt: iso(started),
    endedAt: iso(ended),
    elapsed: null,
    exitCode: status === 'succeeded' ? 0 : status === 'failed' ? 1 : null,
    cause: status === 'failed' ? 'OUT_OF_MEMORY' : null,
    restarts: 0,
    // the page treats keys as opaque; here a job's key and label are its name
    key: basename,
    label: basename,
  };
}
