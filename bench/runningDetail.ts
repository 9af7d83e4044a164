// The dashboard's detail of a running job beside a 200 MB Gaussian log: the CPU of the first read, of a refresh with
// the log unchanged, of a refresh after the log grew by 1 MB (what every poll tick costs while the job runs), of one
// once the re-parse window has passed, and of the final read when the job ends.
import { appendFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DETAIL_RESULTS_MIN_INTERVAL_MS, DETAIL_RESULTS_PARSE_FACTOR, DetailResultsCache } from '../core/dashboard/detailResultsCache.js';
import type { DashboardJobResults } from '../core/dashboard/jobResultsMessage.js';
import { readJobDetail } from '../core/dashboard/jobDetail.js';
import { jobViewFromRow } from '../core/view/jobView.js';
import { report, reportLoad } from './parseFixture.js';
import { writeLargeLog } from './results.js';

const CCLIB = join(new URL('..', import.meta.url).pathname, 'test/fixtures/outputs/cclib');

/** About 1 MB of optimisation steps, the ones writeLargeLog repeats. */
async function stepsOfOneMegabyte(): Promise<string> {
  const lines = (await readFile(join(CCLIB, 'gaussian/g16-dvb_gopt.log'), 'latin1')).split('\n');
  const starts = lines.flatMap((line, index) => (line.includes('Input orientation:') ? [index] : []));
  const step = `${lines.slice(starts[1], starts[2]).join('\n')}\n`;
  return step.repeat(Math.ceil(2 ** 20 / Buffer.byteLength(step)));
}

async function cpuOf<T>(work: () => Promise<T>): Promise<{ cpuMs: number; wallMs: number; value: T }> {
  const before = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, value };
}

export async function runRunningDetailBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'batchman-bench-detail-'));
  try {
    const directory = join(dir, 'opt');
    await mkdir(directory);
    const log = join(directory, 'opt.log');
    await writeLargeLog(log);
    const grow = await stepsOfOneMegabyte();
    const row = { basename: 'opt', directory, program: 'gaussian', jobId: 7 };
    const running = jobViewFromRow({ ...row, status: 'running' } as Parameters<typeof jobViewFromRow>[0]);
    const ended = jobViewFromRow({ ...row, status: 'succeeded' } as Parameters<typeof jobViewFromRow>[0]);
    // The dashboards' cache, on a clock the bench can move past the re-parse window.
    let skew = 0;
    const results = new DetailResultsCache<DashboardJobResults | null>({ clock: () => Date.now() + skew });
    const read = (job: typeof running) => cpuOf(() => readJobDetail(job, { results }));
    const note = (timed: Awaited<ReturnType<typeof read>>): string => {
      const detail = timed.value;
      const age = detail.resultsAt ? `, results as of ${detail.resultsAt}` : ', results current';
      return `cpu; wall ${timed.wallMs.toFixed(0)} ms, ${detail.results?.trajectory?.total ?? 0} geometries${age}`;
    };
    reportLoad('before');
    const first = await read(running);
    report('running job, first read of its detail', first.cpuMs, 'ms', undefined, note(first));
    const same = await read(running);
    report('running job, refresh with the log unchanged', same.cpuMs, 'ms', 50, note(same));
    await appendFile(log, grow);
    const grown = await read(running);
    report('running job, refresh after the log grew by 1 MB', grown.cpuMs, 'ms', 50, note(grown));
    skew += Math.max(DETAIL_RESULTS_MIN_INTERVAL_MS, DETAIL_RESULTS_PARSE_FACTOR * first.wallMs);
    await appendFile(log, grow);
    const later = await read(running);
    report('running job, refresh after the log grew again, the re-parse window passed', later.cpuMs, 'ms', undefined, note(later));
    await appendFile(log, grow);
    const final = await read(ended);
    report('the job ended: the final read of its detail', final.cpuMs, 'ms', undefined, note(final));
    reportLoad('after');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
