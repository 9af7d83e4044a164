// The dashboard's pictures on a chain-heavy synthetic batch (molecules × opt → freq / sp, orbitals, conformer fan-outs,
// lone jobs): the dependency graph's layout at 300, 2,000 and 10,000 jobs (median of a few runs), what one dagre run
// over the whole graph would cost instead, one big connected component, the grouped graph of unpiped jobs, and the
// timeline's rows.
import { performance } from 'node:perf_hooks';
import dagre from '@dagrejs/dagre';
import type { DashboardLink } from '../core/dashboard/protocol.js';
import { clearLayoutCache, estimateNodeWidth, layoutDependencyGraph } from '../core/dashboard/page/graph.js';
import { groupJobs, layoutGroupedGraph } from '../core/dashboard/page/graphGroups.js';
import { TimelineRows, timelineBars } from '../core/dashboard/page/timeline.js';
import { pipelineBatch } from '../test/unit/pictureFixtures.js';

const SIZES = [300, 2000, 10_000] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(runs: number, work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** The naive alternative: every job and pipe in one dagre graph (dagre's types come through as `any`; see core/dashboard/page/graph.ts). */
function wholeGraphDagre(jobs: readonly { key: string; label: string }[], links: readonly DashboardLink[]): void {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 12, ranksep: 48 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const job of jobs) graph.setNode(job.key, { width: estimateNodeWidth(job.label), height: 28 });
  for (const link of links) graph.setEdge(link.from, link.to, {}, link.kind);
  dagre.layout(graph);
}

export async function benchPictures(): Promise<void> {
  console.log('dependency graph layout (components laid out apart, same shapes shared, packed; median of 5):');
  for (const size of SIZES) {
    const batch = pipelineBatch(size);
    const cold = time(5, () => {
      clearLayoutCache();
      layoutDependencyGraph(batch.jobs, batch.links, { aspectRatio: 16 / 9 });
    });
    // what the view pays when the canvas changes shape or a snapshot repeats the shapes: a re-pack from the cache
    const warm = time(5, () => layoutDependencyGraph(batch.jobs, batch.links, { aspectRatio: 4 / 3 }));
    const layout = layoutDependencyGraph(batch.jobs, batch.links, { aspectRatio: 16 / 9 });
    console.log(`  ${String(size).padStart(6)} jobs, ${String(batch.links.length).padStart(5)} pipes: ${cold.toFixed(1).padStart(7)} ms cold, ${warm.toFixed(1).padStart(6)} ms re-pack  (${Math.round(layout.width)} × ${Math.round(layout.height)} px)`);
  }
  console.log('one dagre run over the whole graph instead (for comparison; 10,000 jobs not tried: seconds):');
  for (const size of [300, 2000]) {
    const batch = pipelineBatch(size);
    console.log(`  ${String(size).padStart(6)} jobs: ${time(3, () => wholeGraphDagre(batch.jobs, batch.links)).toFixed(1).padStart(7)} ms`);
  }
  // the worst case for the component split: everything hangs off one job (one crest run → 1,000 × opt → sp)
  const jobs = [{ key: 'crest', label: 'crest' }];
  const links: DashboardLink[] = [];
  for (let i = 0; i < 1000; i++) {
    jobs.push({ key: `conf${i}_opt`, label: `conf${i}_opt` }, { key: `conf${i}_sp`, label: `conf${i}_sp` });
    links.push({ from: 'crest', to: `conf${i}_opt`, kind: 'coords' }, { from: `conf${i}_opt`, to: `conf${i}_sp`, kind: 'coords' });
  }
  const big = time(3, () => {
    clearLayoutCache();
    layoutDependencyGraph(jobs, links);
  });
  console.log(`one connected component of 2,001 jobs (crest → 1,000 × opt → sp; crossing minimisation skipped above 500): ${big.toFixed(1)} ms cold (median of 3)`);

  benchGroups();

  console.log('timeline rows (median of 5):');
  for (const size of SIZES) {
    const batch = pipelineBatch(size);
    const rows = new TimelineRows();
    const setMs = time(5, () => rows.setJobs(batch.jobs));
    let round = 0;
    const changeMs = time(5, () => {
      round++;
      rows.applyChanges(batch.jobs.slice(0, 100).map((job) => ({ ...job, status: round % 2 === 0 ? 'failed' : 'succeeded' })));
    });
    const now = Date.now();
    let drawn = 0; // summed so the work cannot be optimised away
    const barsMs = time(5, () => {
      for (let i = 0; i < rows.length; i++) drawn += timelineBars(rows.at(i)!, now).pending?.end ?? 0;
    });
    if (drawn === 0 && rows.length > 0) throw new Error('no bars');
    console.log(`  ${String(size).padStart(6)} jobs: set ${setMs.toFixed(1)} ms, 100 status changes ${changeMs.toFixed(2)} ms, every row's bars ${barsMs.toFixed(2)} ms`);
  }
}

/** The grouped graph (unpiped jobs, 10 to a molecule folder, or all in one folder): grouping, and laying the boxes out. */
function benchGroups(): void {
  console.log('grouped graph, unpiped jobs (median of 5; goals: grouping by status ≤ 16 ms, a frame, since a status change regroups it; boxes laid out ≤ 100 ms):');
  for (const size of SIZES) {
    const { jobs } = pipelineBatch(size);
    const foldered = jobs.map((job, i) => ({ ...job, directory: `/scratch/calcs/mol${Math.floor(i / 10)}/step${i % 10}` }));
    for (const [shape, batch] of [['10 to a folder', foldered], ['one folder', jobs]] as const) {
      const groupMs = time(5, () => groupJobs(batch, []));
      const grouping = groupJobs(batch, []);
      const first = grouping.groups[0]?.id;
      const layoutMs = time(5, () => {
        clearLayoutCache();
        layoutGroupedGraph(batch, [], grouping, new Set());
      });
      const openMs = time(5, () => layoutGroupedGraph(batch, [], grouping, new Set(first ? [first] : [])));
      console.log(`  ${String(size).padStart(6)} jobs, ${shape.padEnd(14)} ${String(grouping.groups.length).padStart(5)} ${grouping.by} groups: grouping ${groupMs.toFixed(1).padStart(5)} ms, boxes ${layoutMs.toFixed(1).padStart(6)} ms, one opened ${openMs.toFixed(1).padStart(6)} ms`);
    }
  }
}
