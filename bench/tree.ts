// The Batches tree model on a 10,000-job batch: building it (goal ≤ 50 ms) and the refresh after 100 jobs change
// (goal ≤ 10 ms), in batchfile order and grouped by status. Prints the figures; `runTreeBench()` returns them.
import { performance } from 'node:perf_hooks';
import { BatchTree, batchNodeId } from '../core/view/batchTree.js';
import type { BatchView } from '../core/view/batchTree.js';
import { notStartedJob } from '../core/view/jobView.js';
import type { JobView } from '../core/view/jobView.js';
import type { JobStatus } from '../core/status.js';

export interface TreeBenchFigures {
  jobs: number;
  /** Median ms: setBatch on an empty tree plus the batch's children, as the view asks for them. */
  buildMs: number;
  /** Median ms: updateJobs with 100 changed jobs (statuses move on). */
  refresh100Ms: number;
  groupedBuildMs: number;
  groupedRefresh100Ms: number;
  /** Median ms: setBatch with the whole job list again, 100 of them changed (what a ledger re-read does). */
  resetWith100ChangesMs: number;
}

const STATUSES: readonly JobStatus[] = ['succeeded', 'running', 'pending', 'not_started', 'failed'];

export function syntheticBatch(count: number, id = '/scratch/bench/batchfile.csv'): BatchView {
  const jobs: JobView[] = [];
  for (let i = 0; i < count; i++) {
    const status = STATUSES[i % STATUSES.length]!;
    const job = notStartedJob({ basename: `job${i}`, directory: `/scratch/bench/mol${i}/opt`, program: 'xtb' });
    jobs.push(status === 'not_started' ? job : { ...job, status, jobId: String(100_000 + i), slurmState: status.toUpperCase(), elapsed: status === 'running' ? '0:42' : null, reason: status === 'pending' ? 'Priority' : null });
  }
  return { id, label: 'bench/batchfile.csv', batchfilePath: id, rootPath: '/scratch/bench', ledgerPath: null, record: null, live: 'poller', stale: null, error: null, jobs };
}

/** 100 jobs spread over the batch, each one step further (pending → running → succeeded…). */
export function hundredChanges(view: BatchView, round: number): JobView[] {
  const step = Math.floor(view.jobs.length / 100);
  const changes: JobView[] = [];
  for (let k = 0; k < 100; k++) {
    const job = view.jobs[(k * step + round) % view.jobs.length]!;
    changes.push({ ...job, status: job.status === 'running' ? 'succeeded' : 'running', elapsed: `0:${String(round % 60).padStart(2, '0')}`, jobId: job.jobId ?? String(900_000 + k) });
  }
  return changes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeBuild(view: BatchView, grouped: boolean): { ms: number; tree: BatchTree } {
  const started = performance.now();
  const tree = new BatchTree({ groupByStatus: grouped });
  tree.setBatch(view);
  const children = tree.children(batchNodeId(view.id));
  if (grouped) for (const group of children) tree.children(group.id);
  return { ms: performance.now() - started, tree };
}

function timeRefresh(tree: BatchTree, view: BatchView, round: number): number {
  const changes = hundredChanges(view, round);
  const started = performance.now();
  const diff = tree.updateJobs(view.id, changes);
  // what the view then asks again: the changed nodes, and the children of regrouped ones
  for (const id of diff.changed) tree.node(id);
  for (const id of diff.childrenChanged) tree.children(id);
  return performance.now() - started;
}

export async function runTreeBench(jobs = 10_000, rounds = 15): Promise<TreeBenchFigures> {
  const view = syntheticBatch(jobs);
  const build: number[] = [];
  const groupedBuild: number[] = [];
  const refresh: number[] = [];
  const groupedRefresh: number[] = [];
  const reset: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const flat = timeBuild(view, false);
    build.push(flat.ms);
    refresh.push(timeRefresh(flat.tree, view, round));
    const grouped = timeBuild(view, true);
    groupedBuild.push(grouped.ms);
    groupedRefresh.push(timeRefresh(grouped.tree, view, round));
    const changed = new Map(hundredChanges(view, round + 1).map((job) => [job.basename, job]));
    const next = { ...view, jobs: view.jobs.map((job) => changed.get(job.basename) ?? job) };
    const started = performance.now();
    flat.tree.setBatch(next);
    reset.push(performance.now() - started);
  }
  const figures: TreeBenchFigures = {
    jobs,
    buildMs: median(build),
    refresh100Ms: median(refresh),
    groupedBuildMs: median(groupedBuild),
    groupedRefresh100Ms: median(groupedRefresh),
    resetWith100ChangesMs: median(reset),
  };
  const f = (ms: number): string => `${ms.toFixed(2)} ms`;
  console.log(`tree of ${jobs.toLocaleString('en')} jobs, median of ${rounds}:`);
  console.log(`  build (batchfile order)            ${f(figures.buildMs)}   goal ≤ 50 ms`);
  console.log(`  refresh after 100 changes          ${f(figures.refresh100Ms)}   goal ≤ 10 ms`);
  console.log(`  build (grouped by status)          ${f(figures.groupedBuildMs)}`);
  console.log(`  refresh after 100 changes, grouped ${f(figures.groupedRefresh100Ms)}`);
  console.log(`  ledger re-read, 100 changed        ${f(figures.resetWith100ChangesMs)}`);
  return figures;
}
