// The dashboard webview in Chromium (the production bundle, a stub host, as test/webview does): first render of a
// 10,000-job batch (snapshot posted → rows painted) over fresh page loads, applying 100 changed jobs, and the size of
// the bundle the panel loads.
import { JobsChangedMessage, SnapshotMessage, message } from '../core/dashboard/protocol.js';
import type { DashboardJob, DashboardLink } from '../core/dashboard/protocol.js';
import type { JobStatus } from '../core/status.js';
import { openDashboard } from '../test/webview/harness.js';
import { median, preparePageBench } from './pageBench.js';
import { scratchBatch } from '../test/webview/batchFixture.js';

const JOBS = 10_000;
const LOADS = 5;
const UPDATES = 20;
const STATUSES: JobStatus[] = ['running', 'pending', 'succeeded', 'not_started', 'failed'];

function job(i: number): DashboardJob {
  const status = STATUSES[i % STATUSES.length]!;
  const at = status === 'not_started' ? null : new Date(Date.UTC(2026, 0, 1, 8, 0, i % 3600)).toISOString();
  return {
    basename: `mol${String(Math.floor(i / 3)).padStart(4, '0')}_${['opt', 'freq', 'sp'][i % 3]}`,
    directory: `/scratch/calcs/mol${Math.floor(i / 3)}/${['opt', 'freq', 'sp'][i % 3]}`,
    program: i % 3 === 0 ? 'xtb' : 'orca',
    status,
    jobId: at ? String(700_000 + i) : null,
    slurmState: status === 'running' ? 'RUNNING' : status === 'pending' ? 'PENDING' : null,
    reason: status === 'pending' ? 'Priority' : null,
    lastEvent: at ? { status, at } : null,
    submittedAt: at,
    startedAt: status === 'running' || status === 'succeeded' || status === 'failed' ? at : null,
    endedAt: status === 'succeeded' || status === 'failed' ? at : null,
    elapsed: at ? '1:02:03' : null,
    exitCode: status === 'failed' ? 1 : null,
    cause: status === 'failed' ? 'SCF not converged' : null,
    restarts: 0,
    key: `mol${String(Math.floor(i / 3)).padStart(4, '0')}_${['opt', 'freq', 'sp'][i % 3]}`,
    label: `mol${String(Math.floor(i / 3)).padStart(4, '0')}_${['opt', 'freq', 'sp'][i % 3]}`,
  };
}

const BATCH = scratchBatch();

interface PageTest {
  sendAndTime(message: unknown, doneSelector: string, doneText?: string): Promise<number>;
}

export async function runDashboardBench(): Promise<void> {
  if (!(await preparePageBench(['dist/webview.js', 'dist/webview.css']))) return;
  const jobs = Array.from({ length: JOBS }, (_, i) => job(i));
  const links: DashboardLink[] = [];
  for (let i = 0; i + 2 < JOBS; i += 3) {
    links.push({ from: jobs[i]!.basename, to: jobs[i + 1]!.basename, kind: 'coords' }, { from: jobs[i]!.basename, to: jobs[i + 2]!.basename, kind: 'coords' });
  }
  const snapshot = message(SnapshotMessage, { batch: BATCH, jobs, links, history: [], at: new Date().toISOString() });
  const dashboard = await openDashboard();
  try {
    const { page } = dashboard;
    const send = (value: unknown, selector: string, text?: string) =>
      page.evaluate(([m, s, t]) => (globalThis as unknown as { __test: PageTest }).__test.sendAndTime(m, s as string, t as string | undefined), [value, selector, text] as const);
    const renders: number[] = [];
    for (let load = 0; load < LOADS; load++) {
      await page.goto(dashboard.url);
      await page.waitForFunction(() => (globalThis as unknown as { __test: { posted: unknown[] } }).__test.posted.length > 0);
      renders.push(await send(snapshot, '[data-testid="shown-count"]', `${JOBS} jobs`));
    }
    console.log(`first render of ${JOBS} jobs: median ${median(renders).toFixed(0)} ms over ${LOADS} fresh pages (${renders.map((ms) => ms.toFixed(0)).join(', ')}; goal ≤ 300 ms)`);

    const updates: number[] = [];
    for (let round = 0; round < UPDATES; round++) {
      const changed = jobs.slice(0, 100).map((row) => ({ ...row, status: 'failed' as const, cause: `round ${round}`, lastEvent: { status: 'failed' as const, at: new Date().toISOString() } }));
      updates.push(await send(message(JobsChangedMessage, { jobs: changed, at: new Date().toISOString() }), '.job-row .col-cause', `round ${round}`));
    }
    console.log(`applying 100 changed jobs: median ${median(updates).toFixed(1)} ms, worst ${Math.max(...updates).toFixed(1)} ms over ${UPDATES} updates (posted → painted; goal ≤ 16 ms)`);
  } finally {
    await dashboard.close();
  }
}
