// The dependency graph's layout: pipes point left to right (a link's target sits in a later rank), no two nodes
// overlap, every job appears once (unlinked jobs in a grid block, not one 2,000-wide rank), the result is
// deterministic, bad links are dropped, and the spatial index finds exactly what a brute-force scan finds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphIndex, edgePath, estimateNodeWidth, layoutDependencyGraph, nodeLabel } from '../../core/dashboard/page/graph.js';
import type { GraphLayout, GraphNode, Rect } from '../../core/dashboard/page/graph.js';
import type { DashboardLink } from '../../core/dashboard/protocol.js';
import { pipelineBatch } from './pictureFixtures.js';

const named = (...names: string[]) => names.map((name) => ({ key: name, label: name, status: 'not_started' as const }));

function nodeMap(layout: GraphLayout): Map<string, GraphNode> {
  return new Map(layout.nodes.map((node) => [node.key, node]));
}

function onBorder(point: { x: number; y: number }, node: GraphNode): boolean {
  const near = (a: number, b: number) => Math.abs(a - b) < 0.5;
  const inX = point.x >= node.x - 0.5 && point.x <= node.x + node.width + 0.5;
  const inY = point.y >= node.y - 0.5 && point.y <= node.y + node.height + 0.5;
  return inX && inY && (near(point.x, node.x) || near(point.x, node.x + node.width) || near(point.y, node.y) || near(point.y, node.y + node.height));
}

/** Every link's target starts right of where its source ends (LR: a later rank). */
function assertLeftToRight(layout: GraphLayout): void {
  const nodes = nodeMap(layout);
  for (const edge of layout.edges) {
    const from = nodes.get(edge.from)!;
    const to = nodes.get(edge.to)!;
    assert.ok(to.x >= from.x + from.width, `${edge.from} (x ${from.x}..${from.x + from.width}) → ${edge.to} (x ${to.x})`);
  }
}

/** No two node boxes share any area (sweep over x, so 10,000 nodes stay cheap). */
function assertNoOverlap(layout: GraphLayout): void {
  const sorted = [...layout.nodes].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i]!;
    for (let j = i + 1; j < sorted.length && sorted[j]!.x < a.x + a.width; j++) {
      const b = sorted[j]!;
      const overlapY = a.y < b.y + b.height && b.y < a.y + a.height;
      assert.ok(!overlapY, `${a.key} and ${b.key} overlap`);
    }
  }
}

function assertInside(layout: GraphLayout): void {
  for (const node of layout.nodes) {
    assert.ok(node.x >= 0 && node.y >= 0 && node.x + node.width <= layout.width && node.y + node.height <= layout.height, `${node.key} inside`);
  }
  for (const edge of layout.edges) {
    for (const point of edge.points) assert.ok(point.x >= 0 && point.y >= 0 && point.x <= layout.width && point.y <= layout.height, `${edge.from}→${edge.to} inside`);
  }
}

describe('layoutDependencyGraph', () => {
  it('lays a pipeline out left to right, edges from border to border', () => {
    const links: DashboardLink[] = [
      { from: 'opt', to: 'freq', kind: 'coords' },
      { from: 'opt', to: 'sp', kind: 'coords' },
      { from: 'guess', to: 'sp', kind: 'orbitals' },
      { from: 'sp', to: 'nmr', kind: 'coords' },
      { from: 'freq', to: 'nmr', kind: 'orbitals' },
    ];
    const layout = layoutDependencyGraph(named('opt', 'freq', 'guess', 'sp', 'nmr'), links);
    assert.equal(layout.nodes.length, 5);
    assert.equal(layout.edges.length, 5);
    assertLeftToRight(layout);
    assertNoOverlap(layout);
    assertInside(layout);
    const nodes = nodeMap(layout);
    // the longest chain opt → sp → nmr takes three ranks
    assert.ok(nodes.get('nmr')!.x > nodes.get('sp')!.x && nodes.get('sp')!.x > nodes.get('opt')!.x);
    for (const edge of layout.edges) {
      const from = nodes.get(edge.from)!;
      const to = nodes.get(edge.to)!;
      const first = edge.points[0]!;
      const last = edge.points.at(-1)!;
      assert.ok(edge.points.length >= 2);
      assert.ok(onBorder(first, from), `${edge.from}→${edge.to} leaves from the source's border`);
      assert.ok(onBorder(last, to), `${edge.from}→${edge.to} ends on the target's border`);
      assert.ok(first.x > from.x + from.width / 2 && last.x < to.x + to.width / 2, `${edge.from}→${edge.to} leaves rightwards, arrives from the left`);
      assert.equal(edge.kind, links.find((link) => link.from === edge.from && link.to === edge.to)!.kind);
    }
  });

  it('lays out a 300-job batch of pipelines: every job once, ranks left to right, no overlap', () => {
    const batch = pipelineBatch(300);
    const layout = layoutDependencyGraph(batch.jobs, batch.links);
    assert.deepEqual(
      layout.nodes.map((node) => node.key),
      batch.jobs.map((job) => job.key),
    );
    assert.equal(layout.edges.length, batch.links.length);
    assertLeftToRight(layout);
    assertNoOverlap(layout);
    assertInside(layout);
    const ratio = layout.width / layout.height;
    assert.ok(ratio > 0.5 && ratio < 4, `aspect ${ratio.toFixed(2)}`);
  });

  it('puts jobs without a pipe in a grid block beside the connected ones', () => {
    const batch = pipelineBatch(300);
    const linked = new Set(batch.links.flatMap((link) => [link.from, link.to]));
    const layout = layoutDependencyGraph(batch.jobs, batch.links);
    const loners = layout.nodes.filter((node) => !linked.has(node.key));
    const others = layout.nodes.filter((node) => linked.has(node.key));
    assert.ok(loners.length >= 9);
    const rightmost = Math.max(...others.map((node) => node.x + node.width));
    for (const node of loners) assert.ok(node.x > rightmost, `${node.key} is beside the connected components`);
    // as tall as the connected block allows: here one column, in batchfile order
    assert.deepEqual(
      loners.map((node) => node.y),
      [...loners.map((node) => node.y)].sort((a, b) => a - b),
    );
    assertNoOverlap(layout);

    // many loners beside a few pipelines: a block of several columns and rows
    const jobs = named(...Array.from({ length: 20 }, (_, i) => `p${i}`), ...Array.from({ length: 400 }, (_, i) => `lone${i}`));
    const pairs: DashboardLink[] = Array.from({ length: 10 }, (_, i) => ({ from: `p${2 * i}`, to: `p${2 * i + 1}`, kind: 'coords' }));
    const mixed = layoutDependencyGraph(jobs, pairs);
    const lone = mixed.nodes.filter((node) => node.key.startsWith('lone'));
    const pipelineRight = Math.max(...mixed.nodes.filter((node) => node.key.startsWith('p')).map((node) => node.x + node.width));
    assert.ok(lone.every((node) => node.x > pipelineRight));
    assert.ok(new Set(lone.map((node) => node.x)).size > 5, 'several columns');
    assert.ok(new Set(lone.map((node) => node.y)).size > 5, 'several rows');
    assertNoOverlap(mixed);
    assertInside(mixed);
  });

  it('packs 2,000 independent jobs as a block, not one 2,000-wide rank', () => {
    const jobs = named(...Array.from({ length: 2000 }, (_, i) => `job${i}`));
    const layout = layoutDependencyGraph(jobs, [], { aspectRatio: 16 / 9 });
    assert.equal(layout.nodes.length, 2000);
    assertNoOverlap(layout);
    assertInside(layout);
    const ratio = layout.width / layout.height;
    assert.ok(ratio > 1 && ratio < 3.5, `aspect ${ratio.toFixed(2)}`);
    // batchfile order reads down the columns
    const nodes = nodeMap(layout);
    assert.equal(nodes.get('job0')!.x, nodes.get('job1')!.x);
    assert.ok(nodes.get('job1')!.y > nodes.get('job0')!.y);
  });

  it('is deterministic, whatever the order of the links', () => {
    const batch = pipelineBatch(500);
    const a = layoutDependencyGraph(batch.jobs, batch.links);
    const b = layoutDependencyGraph(batch.jobs, batch.links);
    assert.deepEqual(a, b);
    const reversed = layoutDependencyGraph(batch.jobs, [...batch.links].reverse());
    assert.deepEqual(reversed.nodes, a.nodes);
    const routes = (layout: GraphLayout) => new Map(layout.edges.map((edge) => [`${edge.from}>${edge.to}>${edge.kind}`, edge.points]));
    assert.deepEqual(routes(reversed), routes(a));
  });

  it('gives components of the same shape the same layout at their own place', () => {
    const links: DashboardLink[] = [
      { from: 'a_opt', to: 'a_sp', kind: 'coords' },
      { from: 'b_opt', to: 'b_sp', kind: 'coords' },
    ];
    const layout = layoutDependencyGraph(named('a_opt', 'a_sp', 'b_opt', 'b_sp'), links);
    const nodes = nodeMap(layout);
    const offset = (name: string, other: string) => ({ x: nodes.get(other)!.x - nodes.get(name)!.x, y: nodes.get(other)!.y - nodes.get(name)!.y });
    assert.deepEqual(offset('a_opt', 'a_sp'), offset('b_opt', 'b_sp'));
    assert.notDeepEqual(nodes.get('a_opt'), { ...nodes.get('b_opt'), key: 'a_opt', label: 'a_opt' });
    for (const edge of layout.edges) {
      const from = nodes.get(edge.from)!;
      const to = nodes.get(edge.to)!;
      for (const point of edge.points) assert.ok(point.x >= from.x && point.x <= to.x + to.width && point.y >= Math.min(from.y, to.y) - 1 && point.y <= Math.max(from.y + from.height, to.y + to.height) + 1, `${edge.from}→${edge.to} stays with its own nodes`);
    }
    assertNoOverlap(layout);
  });

  it('drops links to unknown jobs, self links and duplicates; keeps coords and orbitals of one pair apart', () => {
    const links: DashboardLink[] = [
      { from: 'opt', to: 'sp', kind: 'coords' },
      { from: 'opt', to: 'sp', kind: 'coords' },
      { from: 'opt', to: 'sp', kind: 'orbitals' },
      { from: 'opt', to: 'opt', kind: 'coords' },
      { from: 'ghost', to: 'sp', kind: 'coords' },
      { from: 'sp', to: 'ghost', kind: 'orbitals' },
    ];
    const layout = layoutDependencyGraph(named('opt', 'sp', 'opt'), links);
    assert.deepEqual(
      layout.nodes.map((node) => node.key),
      ['opt', 'sp'],
    );
    assert.deepEqual(
      layout.edges.map((edge) => `${edge.from}>${edge.to}:${edge.kind}`),
      ['opt>sp:coords', 'opt>sp:orbitals'],
    );
    assert.notDeepEqual(layout.edges[0]!.points, layout.edges[1]!.points, 'the two pipes take different routes');
    assertLeftToRight(layout);
  });

  it('lays out nothing as an empty drawing', () => {
    const layout = layoutDependencyGraph([], [], { margin: 10 });
    assert.deepEqual(layout, { nodes: [], edges: [], width: 20, height: 20 });
  });

  it('lays out 10,000 jobs correctly in reasonable time', () => {
    const batch = pipelineBatch(10_000);
    const started = performance.now();
    const layout = layoutDependencyGraph(batch.jobs, batch.links);
    const ms = performance.now() - started;
    console.log(`# 10,000 jobs, ${batch.links.length} pipes: layout ${ms.toFixed(0)} ms`);
    assert.equal(layout.nodes.length, 10_000);
    assert.equal(layout.edges.length, batch.links.length);
    assertLeftToRight(layout);
    assertNoOverlap(layout);
    assertInside(layout);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  });
});

describe('GraphIndex', () => {
  const batch = pipelineBatch(2000);
  const layout = layoutDependencyGraph(batch.jobs, batch.links);
  const index = new GraphIndex(layout, 200);
  const meets = (a: Rect, b: Rect) => a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
  const boundsOf = (points: { x: number; y: number }[]): Rect => {
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
  };

  it('finds exactly the nodes and edges in a rectangle', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 50; k++) {
      const rect = { x: random() * layout.width - 200, y: random() * layout.height - 200, width: random() * 1500, height: random() * 900 };
      const nodes = layout.nodes.flatMap((node, i) => (meets(node, rect) ? [i] : []));
      const edges = layout.edges.flatMap((edge, i) => (meets(boundsOf(edge.points), rect) ? [i] : []));
      assert.deepEqual(index.nodesIn(rect), nodes);
      assert.deepEqual(index.edgesIn(rect), edges);
    }
    assert.equal(index.nodesIn({ x: 0, y: 0, width: layout.width, height: layout.height }).length, layout.nodes.length);
  });

  it('finds the node under a point, or none', () => {
    const node = layout.nodes[1234]!;
    assert.equal(index.nodeAt(node.x + node.width / 2, node.y + node.height / 2), 1234);
    assert.equal(index.nodeAt(-50, -50), -1);
  });
});

describe('node labels and edge paths', () => {
  it('sizes nodes for their names within bounds, on a coarse step', () => {
    assert.equal(estimateNodeWidth('a'), 80);
    assert.equal(estimateNodeWidth('mol12_opt') % 16, 0);
    assert.ok(estimateNodeWidth('x'.repeat(200)) <= 224);
  });

  it('cuts a long name with an ellipsis, leaves a short one alone', () => {
    assert.equal(nodeLabel('opt', 80), 'opt');
    const cut = nodeLabel('a_very_long_job_name_that_goes_on_and_on', 120);
    assert.ok(cut.endsWith('…'));
    assert.ok(cut.length <= Math.floor((120 - 20) / 7));
    assert.equal(nodeLabel('<img src=x onerror=alert(1)>', 400), '<img src=x onerror=alert(1)>');
  });

  it('draws two points straight and more as a curve through the ends', () => {
    assert.equal(edgePath([{ x: 0, y: 0 }, { x: 10, y: 5 }]), 'M0,0L10,5');
    const d = edgePath([{ x: 0, y: 0 }, { x: 10, y: 10 }, { x: 20, y: 0 }]);
    assert.match(d, /^M0,0L[\d.]+,[\d.]+C.*C.*,20,0$/);
    assert.equal(edgePath([]), '');
  });
});
