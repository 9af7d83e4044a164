// The dashboard's dependency graph as geometry: jobs as boxes and pipes as routed edges, left to right by dependency
// rank (dagre), one connected component at a time, packed in batchfile order, with the jobs that have no pipe in a grid
// block beside them. Pure, deterministic and DOM-free; statuses play no part, so recolouring never needs a relayout.
import dagre from '@dagrejs/dagre';
import type { DashboardLink } from '../protocol.js';

export interface GraphNode {
  /** The job's key (`DashboardJob.key`): what links and the page's selection name. */
  key: string;
  /** What the box shows: the job's label. */
  label: string;
  /** Top-left corner, in layout pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: DashboardLink['kind'];
  /** The route from the border of `from` to the border of `to`, in layout pixels. */
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  /** In batchfile order (first occurrence of a key). */
  nodes: GraphNode[];
  /** The links whose two ends are distinct jobs of the batch, duplicates dropped, in the links' order. */
  edges: GraphEdge[];
  width: number;
  height: number;
}

/** What is laid out: a job, or (for graphGroups.ts) a group's box, whose size is given instead of read from its label. */
export interface GraphItem {
  readonly key: string;
  readonly label: string;
  readonly width?: number;
  readonly height?: number;
}

export interface GraphLayoutOptions {
  /** A node's width for its label; the default is estimateNodeWidth. */
  nodeWidth?: (label: string) => number;
  nodeHeight?: number;
  /** Between nodes of one rank, and between ranks (dagre's nodesep and ranksep). */
  nodeSep?: number;
  rankSep?: number;
  /** Between packed components, and between the cells of the grid of unlinked jobs. */
  gap?: number;
  /** Around the whole drawing. */
  margin?: number;
  /** Width / height the packing aims at (the viewport's, ideally). */
  aspectRatio?: number;
}

/** Pixels a character of a node label takes, at the view's font size; labels longer than the box are cut. */
export const NODE_CHAR_WIDTH = 7;
/** Horizontal padding inside a node, both sides together. */
export const NODE_PADDING = 20;
const MIN_NODE_WIDTH = 72;
const MAX_NODE_WIDTH = 220;
/** Widths are rounded up to this, so components of the same shape get the same cached layout. */
const WIDTH_STEP = 16;

// dagre's declaration files import their siblings without extensions, which node16 resolution cannot follow, so its
// graph and layout come through as `any`: this is the part of them used here, typed.
interface DagreGraph {
  setGraph(label: { rankdir: 'LR'; nodesep: number; ranksep: number; marginx: number; marginy: number }): void;
  setDefaultEdgeLabel(label: () => object): void;
  setNode(id: string, label: { width: number; height: number }): void;
  setEdge(from: string, to: string, label: object, name: string): void;
  node(id: string): { x: number; y: number };
  edge(edge: { v: string; w: string; name: string }): { points?: { x: number; y: number }[] };
}
const DagreGraph = dagre.graphlib.Graph as new (options: { multigraph: boolean }) => DagreGraph;
const dagreRun = dagre.layout as (graph: DagreGraph, options?: { disableOptimalOrderHeuristic?: boolean }) => void;

/** Components bigger than this skip dagre's crossing-minimisation sweeps: 3,000 nodes take 1.5 s instead of 4.7 s. */
const QUICK_ORDER_ABOVE = 500;

/**
 * Component layouts by shape (node widths, pipes, spacing), kept across calls: a re-pack for another aspect ratio or a
 * snapshot with one more job re-runs dagre only for new shapes. Output depends only on the input, so the function
 * stays pure; the cache is dropped whole when it grows past SHAPE_CACHE_LIMIT.
 */
const shapeCache = new Map<string, LocalLayout>();
const SHAPE_CACHE_LIMIT = 20_000;

/** Forgets the cached component layouts (benchmarks measure cold layouts with it). */
export function clearLayoutCache(): void {
  shapeCache.clear();
}

const DEFAULTS = { nodeHeight: 28, nodeSep: 12, rankSep: 48, gap: 24, margin: 16, aspectRatio: 16 / 9 };

/** A node's width for a name: room for the name, within bounds, on a coarse step (see WIDTH_STEP). */
export function estimateNodeWidth(label: string): number {
  const wanted = label.length * NODE_CHAR_WIDTH + NODE_PADDING;
  return Math.ceil(Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, wanted)) / WIDTH_STEP) * WIDTH_STEP;
}

/** The label a node of `width` shows: the name, cut with an ellipsis when it does not fit. */
export function nodeLabel(label: string, width: number): string {
  const room = Math.max(1, Math.floor((width - NODE_PADDING) / NODE_CHAR_WIDTH));
  const chars = Array.from(label);
  return chars.length <= room ? label : `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}

/** An SVG path through an edge's route: straight for two points, a B-spline (as d3's curveBasis) for more. */
export function edgePath(points: readonly { x: number; y: number }[]): string {
  const p = points.map(({ x, y }) => [round(x), round(y)] as const);
  if (p.length === 0) return '';
  if (p.length <= 2) return p.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x},${y}`).join('');
  let d = `M${p[0]![0]},${p[0]![1]}L${round((5 * p[0]![0] + p[1]![0]) / 6)},${round((5 * p[0]![1] + p[1]![1]) / 6)}`;
  for (let i = 1; i < p.length - 1; i++) {
    const [x0, y0] = p[i - 1]!;
    const [x1, y1] = p[i]!;
    const [x2, y2] = p[i + 1]!;
    d += `C${round((2 * x0 + x1) / 3)},${round((2 * y0 + y1) / 3)},${round((x0 + 2 * x1) / 3)},${round((y0 + 2 * y1) / 3)},${round((x0 + 4 * x1 + x2) / 6)},${round((y0 + 4 * y1 + y2) / 6)}`;
  }
  const [xa, ya] = p[p.length - 2]!;
  const [xb, yb] = p[p.length - 1]!;
  d += `C${round((2 * xa + xb) / 3)},${round((2 * ya + yb) / 3)},${round((xa + 5 * xb) / 6)},${round((ya + 5 * yb) / 6)},${xb},${yb}`;
  return d;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

interface LocalLayout {
  width: number;
  height: number;
  /** Top-left corners, by the component's local node index. */
  nodes: { x: number; y: number }[];
  /** Routes, by the component's local edge index (edges sorted canonically). */
  edges: { x: number; y: number }[][];
}

interface Placed {
  width: number;
  height: number;
  place(dx: number, dy: number): void;
}

/**
 * Lays out the jobs and their pipes. Each connected component gets its own dagre layout (left to right), and
 * components of the same shape share one (a batch of 3,000 molecules × opt → freq → sp costs a handful of dagre runs);
 * components are shelf-packed in batchfile order; jobs without a pipe form a grid block beside them.
 */
export function layoutDependencyGraph(jobs: readonly GraphItem[], links: readonly DashboardLink[], options: GraphLayoutOptions = {}): GraphLayout {
  const nodeHeight = options.nodeHeight ?? DEFAULTS.nodeHeight;
  const gap = options.gap ?? DEFAULTS.gap;
  const margin = options.margin ?? DEFAULTS.margin;
  const aspect = options.aspectRatio && options.aspectRatio > 0 ? options.aspectRatio : DEFAULTS.aspectRatio;
  const widthOf = options.nodeWidth ?? estimateNodeWidth;

  const index = new Map<string, number>();
  const nodes: GraphNode[] = [];
  for (const job of jobs) {
    if (index.has(job.key)) continue;
    index.set(job.key, nodes.length);
    nodes.push({ key: job.key, label: job.label, x: 0, y: 0, width: Math.max(1, job.width ?? widthOf(job.label)), height: Math.max(1, job.height ?? nodeHeight) });
  }

  const edges: GraphEdge[] = [];
  const edgeEnds: [number, number][] = [];
  const seen = new Set<string>();
  for (const link of links) {
    const from = index.get(link.from);
    const to = index.get(link.to);
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}>${to}>${link.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from: link.from, to: link.to, kind: link.kind, points: [] });
    edgeEnds.push([from, to]);
  }

  const components = connectedComponents(nodes.length, edgeEnds);
  const edgesOf = new Map<number, number[]>(); // component root → its edge indices
  for (let e = 0; e < edgeEnds.length; e++) {
    const root = components.rootOf[edgeEnds[e]![0]]!;
    let list = edgesOf.get(root);
    if (!list) edgesOf.set(root, (list = []));
    list.push(e);
  }

  if (shapeCache.size > SHAPE_CACHE_LIMIT) shapeCache.clear();
  const spacing = `${options.nodeSep ?? DEFAULTS.nodeSep},${options.rankSep ?? DEFAULTS.rankSep},${nodeHeight}`;
  const blocks: Placed[] = [];
  const loners: number[] = [];
  for (const members of components.groups) {
    if (members.length === 1) {
      loners.push(members[0]!);
      continue;
    }
    blocks.push(placeComponent(members, edgesOf.get(components.rootOf[members[0]!]!) ?? [], nodes, edges, edgeEnds, spacing, options));
  }

  const packed = shelfPack(blocks, gap, aspect);
  const gridBlock = loners.length > 0 ? grid(loners, nodes, gap, aspect, packed.height) : null;
  const left = margin;
  const top = margin;
  for (const item of packed.items) item.block.place(left + item.x, top + item.y);
  let width = packed.width;
  let height = packed.height;
  if (gridBlock) {
    const dx = packed.width > 0 ? packed.width + gap * 2 : 0;
    gridBlock.place(left + dx, top);
    width = dx + gridBlock.width;
    height = Math.max(height, gridBlock.height);
  }
  return { nodes, edges, width: width + 2 * margin, height: height + 2 * margin };
}

/** Union-find; groups in order of their first member, members in index order. */
function connectedComponents(count: number, ends: readonly [number, number][]): { groups: number[][]; rootOf: number[] } {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const [a, b] of ends) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); // the root is the smallest index: stable order
  }
  const rootOf = parent.map((_, i) => find(i));
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const root = rootOf[i]!;
    let group = byRoot.get(root);
    if (!group) byRoot.set(root, (group = []));
    group.push(i);
  }
  return { groups: [...byRoot.values()], rootOf };
}

function placeComponent(
  members: readonly number[],
  edgeIndices: readonly number[],
  nodes: GraphNode[],
  edges: GraphEdge[],
  edgeEnds: readonly [number, number][],
  spacing: string,
  options: GraphLayoutOptions,
): Placed {
  const local = new Map<number, number>(members.map((node, i) => [node, i]));
  // canonical edge order, so the cache key (and dagre's input) does not depend on the links' order
  const localEdges = edgeIndices
    .map((e) => ({ e, from: local.get(edgeEnds[e]![0])!, to: local.get(edgeEnds[e]![1])!, kind: edges[e]!.kind }))
    .sort((a, b) => a.from - b.from || a.to - b.to || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const key = `${spacing}|${members.map((node) => `${nodes[node]!.width}x${nodes[node]!.height}`).join(',')}|${localEdges.map((edge) => `${edge.from}>${edge.to}${edge.kind[0]}`).join(',')}`;
  let layout = shapeCache.get(key);
  if (!layout) {
    layout = dagreLayout(members.map((node) => nodes[node]!), localEdges, options);
    shapeCache.set(key, layout);
  }
  const shape = layout;
  return {
    width: shape.width,
    height: shape.height,
    place(dx, dy) {
      members.forEach((node, i) => {
        nodes[node]!.x = shape.nodes[i]!.x + dx;
        nodes[node]!.y = shape.nodes[i]!.y + dy;
      });
      localEdges.forEach((edge, i) => {
        edges[edge.e]!.points = shape.edges[i]!.map((point) => ({ x: point.x + dx, y: point.y + dy }));
      });
    },
  };
}

function dagreLayout(members: readonly GraphNode[], localEdges: readonly { from: number; to: number; kind: string }[], options: GraphLayoutOptions): LocalLayout {
  const graph = new DagreGraph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: options.nodeSep ?? DEFAULTS.nodeSep, ranksep: options.rankSep ?? DEFAULTS.rankSep, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  members.forEach((node, i) => graph.setNode(String(i), { width: node.width, height: node.height }));
  for (const edge of localEdges) graph.setEdge(String(edge.from), String(edge.to), {}, edge.kind);
  dagreRun(graph, { disableOptimalOrderHeuristic: members.length > QUICK_ORDER_ABOVE });

  const centres = members.map((_, i) => graph.node(String(i)));
  const routes = localEdges.map((edge) => (graph.edge({ v: String(edge.from), w: String(edge.to), name: edge.kind }).points ?? []).map(({ x, y }) => ({ x, y })));
  // normalise to a bounding box at (0, 0): dagre's own width/height include its margins and rank spacing quirks
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  members.forEach((node, i) => {
    const { x, y } = centres[i]!;
    minX = Math.min(minX, x - node.width / 2);
    minY = Math.min(minY, y - node.height / 2);
    maxX = Math.max(maxX, x + node.width / 2);
    maxY = Math.max(maxY, y + node.height / 2);
  });
  for (const route of routes) {
    for (const { x, y } of route) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return {
    width: maxX - minX,
    height: maxY - minY,
    nodes: members.map((node, i) => ({ x: centres[i]!.x - node.width / 2 - minX, y: centres[i]!.y - node.height / 2 - minY })),
    edges: routes.map((route) => route.map(({ x, y }) => ({ x: x - minX, y: y - minY }))),
  };
}

/**
 * Rows of blocks, left to right, a new row when the next one would pass a chosen width. The width starts from the
 * area and the aspect ratio, then is corrected a few times, since rows are as tall as their tallest block.
 */
function shelfPack(blocks: readonly Placed[], gap: number, aspect: number): { items: { block: Placed; x: number; y: number }[]; width: number; height: number } {
  if (blocks.length === 0) return { items: [], width: 0, height: 0 };
  let area = 0;
  let widest = 0;
  for (const block of blocks) {
    area += (block.width + gap) * (block.height + gap);
    widest = Math.max(widest, block.width);
  }
  let rowWidth = Math.max(widest, Math.sqrt(area * aspect));
  let best = shelves(blocks, gap, rowWidth);
  for (let round = 0; round < 4; round++) {
    const actual = best.width / Math.max(1, best.height);
    if (Math.abs(Math.log(actual / aspect)) < 0.1 || actual > aspect) break;
    rowWidth *= Math.sqrt(aspect / actual);
    const next = shelves(blocks, gap, rowWidth);
    if (Math.abs(Math.log(next.width / Math.max(1, next.height) / aspect)) >= Math.abs(Math.log(actual / aspect))) break;
    best = next;
  }
  return best;
}

function shelves(blocks: readonly Placed[], gap: number, rowWidth: number): { items: { block: Placed; x: number; y: number }[]; width: number; height: number } {
  const items: { block: Placed; x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const block of blocks) {
    if (x > 0 && x + block.width > rowWidth) {
      y += rowHeight + gap;
      x = 0;
      rowHeight = 0;
    }
    items.push({ block, x, y });
    width = Math.max(width, x + block.width);
    x += block.width + gap;
    rowHeight = Math.max(rowHeight, block.height);
  }
  return { items, width, height: y + rowHeight };
}

/** The unlinked jobs as a grid, column-major in batchfile order: near the aspect ratio, at least as tall as `besideHeight`. */
function grid(members: readonly number[], nodes: GraphNode[], gap: number, aspect: number, besideHeight: number): Placed {
  let cellWidth = 0;
  let cellHeight = 0;
  let shortest = Infinity;
  for (const node of members) {
    cellWidth = Math.max(cellWidth, nodes[node]!.width);
    cellHeight = Math.max(cellHeight, nodes[node]!.height);
    shortest = Math.min(shortest, nodes[node]!.height);
  }
  // boxes of unequal heights (an opened group among closed ones) in rows of their own sizes: one grid cell as big as
  // the biggest box would spread the small ones far apart
  if (shortest < cellHeight) return shelfRows(members, nodes, gap, aspect);
  const rowGap = Math.round(gap / 2);
  const stepX = cellWidth + gap;
  const stepY = cellHeight + rowGap;
  const squareRows = Math.ceil(Math.sqrt((members.length * stepX) / (stepY * aspect)));
  const besideRows = Math.floor((besideHeight + rowGap) / stepY);
  const rows = Math.max(1, Math.min(members.length, Math.max(squareRows, besideRows)));
  const columns = Math.ceil(members.length / rows);
  return {
    width: columns * stepX - gap,
    height: Math.min(rows, members.length) * stepY - rowGap,
    place(dx, dy) {
      members.forEach((node, i) => {
        nodes[node]!.x = dx + Math.floor(i / rows) * stepX;
        nodes[node]!.y = dy + (i % rows) * stepY;
      });
    },
  };
}

/** Boxes of unequal sizes, shelf-packed in batchfile order near the aspect ratio. */
function shelfRows(members: readonly number[], nodes: GraphNode[], gap: number, aspect: number): Placed {
  const blocks: Placed[] = members.map((node) => ({
    width: nodes[node]!.width,
    height: nodes[node]!.height,
    place(dx, dy) {
      nodes[node]!.x = dx;
      nodes[node]!.y = dy;
    },
  }));
  const packed = shelfPack(blocks, gap, aspect);
  return {
    width: packed.width,
    height: packed.height,
    place(dx, dy) {
      for (const item of packed.items) item.block.place(dx + item.x, dy + item.y);
    },
  };
}

// ------------------------------------------------------------------ spatial index

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Buckets of the layout's nodes and edges on a coarse grid, so the view can find what is in its viewport (and what is
 * under the pointer) without walking 10,000 nodes per frame.
 */
export class GraphIndex {
  private readonly nodeCells = new Map<number, number[]>();
  private readonly edgeCells = new Map<number, number[]>();
  private readonly columns: number;
  private readonly rows: number;
  private readonly edgeBounds: Rect[];

  constructor(
    readonly layout: GraphLayout,
    private readonly cellSize = 256,
  ) {
    this.columns = Math.max(1, Math.ceil(layout.width / cellSize) + 1);
    this.rows = Math.max(1, Math.ceil(layout.height / cellSize) + 1);
    this.edgeBounds = layout.edges.map((edge) => boundsOf(edge.points));
    layout.nodes.forEach((node, i) => this.add(this.nodeCells, node, i));
    this.edgeBounds.forEach((bounds, i) => this.add(this.edgeCells, bounds, i));
  }

  /** Indices (into layout.nodes) of the nodes that meet `rect`, ascending. */
  nodesIn(rect: Rect): number[] {
    return this.query(this.nodeCells, rect, (i) => intersects(this.layout.nodes[i]!, rect));
  }

  /** Indices (into layout.edges) of the edges whose bounding box meets `rect`, ascending. */
  edgesIn(rect: Rect): number[] {
    return this.query(this.edgeCells, rect, (i) => intersects(this.edgeBounds[i]!, rect));
  }

  /** The node under a layout point, or -1. */
  nodeAt(x: number, y: number): number {
    const found = this.nodesIn({ x, y, width: 0, height: 0 });
    return found.length > 0 ? found[0]! : -1;
  }

  private cellRange(rect: Rect): { c0: number; c1: number; r0: number; r1: number } {
    const s = this.cellSize;
    return {
      c0: Math.max(0, Math.floor(rect.x / s)),
      c1: Math.min(this.columns - 1, Math.floor((rect.x + rect.width) / s)),
      r0: Math.max(0, Math.floor(rect.y / s)),
      r1: Math.min(this.rows - 1, Math.floor((rect.y + rect.height) / s)),
    };
  }

  private add(cells: Map<number, number[]>, rect: Rect, item: number): void {
    const { c0, c1, r0, r1 } = this.cellRange(rect);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const key = r * this.columns + c;
        let list = cells.get(key);
        if (!list) cells.set(key, (list = []));
        list.push(item);
      }
    }
  }

  private query(cells: Map<number, number[]>, rect: Rect, keep: (item: number) => boolean): number[] {
    const { c0, c1, r0, r1 } = this.cellRange(rect);
    const found = new Set<number>();
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        for (const item of cells.get(r * this.columns + c) ?? []) if (!found.has(item) && keep(item)) found.add(item);
      }
    }
    return [...found].sort((a, b) => a - b);
  }
}

function boundsOf(points: readonly { x: number; y: number }[]): Rect {
  if (points.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const { x, y } of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.width && b.x <= a.x + a.width && a.y <= b.y + b.height && b.y <= a.y + a.height;
}
