// The dashboard's dependency graph (the Graph tab): jobs as boxes coloured by status, pipes as arrows (orbitals
// dashed), drawn in SVG from core/dashboard/page/graph.ts's layout, with pan (drag), zoom (wheel, buttons, keys) and
// a legend. Big graphs stay responsive by drawing only what the viewport shows: up to DETAIL_BUDGET nodes as
// focusable elements, and beyond that (zoomed far out) a summary of a few long paths, one per status, hit-tested
// through the layout's spatial index. The layout is computed only while the view is visible, and again only when
// the set of jobs or pipes changed; status updates just recolour. A big batch of unpiped jobs (or of pipelines per
// molecule folder) shows as group boxes (core/dashboard/page/graphGroups.ts) that open onto their jobs.
import './pictures.css';
import './graphGroups.css';
import type { DashboardJob, DashboardLink } from '../../core/dashboard/protocol.js';
import { JOB_STATUSES } from '../../core/status.js';
import type { JobStatus } from '../../core/status.js';
import { GraphIndex, edgePath, layoutDependencyGraph, nodeLabel } from '../../core/dashboard/page/graph.js';
import type { GraphLayout, Rect } from '../../core/dashboard/page/graph.js';
import { GROUP_HEADER_HEIGHT, groupCounts, groupJobs, layoutGroupedGraph } from '../../core/dashboard/page/graphGroups.js';
import type { GroupBox, Grouping } from '../../core/dashboard/page/graphGroups.js';
import { statusLabel } from '../../core/dashboard/page/table.js';
import { el, setText } from './dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Most nodes drawn one element each; when the viewport holds more, the summary is drawn instead. */
const DETAIL_BUDGET = 1500;
/** Below this zoom, labels are too small to read: they are hidden. */
const LABEL_MIN_SCALE = 0.4;
/** Below this zoom an opened group's jobs are hard to read: the group is shown on its own instead of the whole. */
const READABLE_SCALE = 0.6;
const MAX_SCALE = 3;
const ZOOM_STEP = 1.25;
/** How far (log of the ratio) the canvas's aspect may drift from the layout's before a fitted graph is re-packed. */
const RESHAPE_RATIO = 0.2;
/** A press that moves less than this (px) is a click, not a drag. */
const DRAG_THRESHOLD = 4;
const EDGE_KINDS: readonly DashboardLink['kind'][] = ['coords', 'orbitals'];

let instances = 0;

export interface GraphViewOptions {
  /** A node was clicked or activated with Enter/Space. */
  /** A job was chosen, by key. */
  onSelect(key: string): void;
}

interface DrawnGroup {
  group: SVGGElement;
  head: SVGGElement;
  title: SVGTitleElement;
  counts: SVGTextElement;
  bar: SVGGElement;
  /** What was painted last (counts and selection), so an unchanged box is not touched. */
  painted: string;
}

interface DrawnNode {
  node: SVGGElement;
  title: SVGTitleElement;
  status: JobStatus;
}

export class GraphView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLDivElement;
  private readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly summaryLayer: SVGGElement;
  private readonly summaryNodes = new Map<JobStatus, SVGPathElement>();
  private readonly summaryEdges = new Map<DashboardLink['kind'], SVGPathElement>();
  private readonly groupLayer: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private readonly ring: SVGRectElement;
  private readonly empty: HTMLDivElement;
  private readonly zoomText: HTMLSpanElement;
  private readonly info: HTMLSpanElement;
  private readonly markerIds: Record<DashboardLink['kind'], string>;
  private readonly markers: SVGMarkerElement[] = [];
  private markerScale = 0;

  private jobs = new Map<string, DashboardJob>();
  private jobList: readonly DashboardJob[] = [];
  private links: readonly DashboardLink[] = [];
  private structure = '';
  private laidOut: string | null = null;
  /** The canvas's width / height the layout was packed for. */
  private layoutAspect = 0;
  private layout: GraphLayout | null = null;
  private index: GraphIndex | null = null;
  private nodeIndex = new Map<string, number>();
  private grouping: Grouping = { by: 'none', groups: [], loose: [] };
  /** The grouping's shape (group ids, and the jobs of opened groups): what a relayout depends on besides the jobs. */
  private groupShape = '';
  private readonly expanded = new Set<string>();
  private groups: GroupBox[] = [];
  private groupIndex: GraphIndex | null = null;
  /** Job key → the index (into this.groups) of its group. */
  private groupOfKey = new Map<string, number>();
  private readonly drawnGroups = new Map<number, DrawnGroup>();
  /** A group just opened or closed: its header stays where it was on screen. */
  private anchor: { id: string; x: number; y: number } | null = null;
  /** The group opened only to show a job chosen elsewhere: closed again when the next such job is in another group. */
  private autoOpened: string | null = null;
  /** A group's header toggled from the keyboard: focused again once redrawn. */
  private refocusGroup: string | null = null;

  private readonly drawnNodes = new Map<number, DrawnNode>();
  private readonly drawnEdges = new Map<number, SVGPathElement>();
  private mode: 'detail' | 'summary' | 'none' = 'none';
  private summaryStale = true;

  private scale = 1;
  private minScale = 0.05;
  private tx = 0;
  private ty = 0;
  private needsFit = true;
  /** The view is as the last fit left it: a resize fits again (until the user pans or zooms). */
  private fitted = false;
  private visible = false;
  private frame: number | null = null;
  private selected: string | null = null;
  private revealPending = false;
  private press: { x: number; y: number; tx: number; ty: number; pointer: number; dragging: boolean } | null = null;
  private suppressClick = false;

  constructor(private readonly options: GraphViewOptions) {
    const id = ++instances;
    this.markerIds = { coords: `graph-arrow-coords-${id}`, orbitals: `graph-arrow-orbitals-${id}` };

    this.svg = svgEl('svg', { class: 'graph-svg', role: 'group', 'aria-label': 'Dependency graph' });
    const defs = svgEl('defs');
    for (const kind of EDGE_KINDS) {
      const marker = svgEl('marker', { id: this.markerIds[kind], viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '8', markerHeight: '8', markerUnits: 'userSpaceOnUse', orient: 'auto' });
      marker.appendChild(svgEl('path', { d: 'M0,0L10,5L0,10z', class: `graph-arrow kind-${kind}` }));
      defs.appendChild(marker);
      this.markers.push(marker);
    }
    this.viewport = svgEl('g', { class: 'graph-viewport' });
    this.summaryLayer = svgEl('g', { class: 'graph-summary', 'aria-hidden': 'true' });
    for (const kind of EDGE_KINDS) {
      const path = svgEl('path', { class: `graph-summary-edges kind-${kind}` });
      this.summaryEdges.set(kind, path);
      this.summaryLayer.appendChild(path);
    }
    for (const status of JOB_STATUSES) {
      const path = svgEl('path', { class: `graph-summary-nodes status-${status}` });
      this.summaryNodes.set(status, path);
      this.summaryLayer.appendChild(path);
    }
    this.groupLayer = svgEl('g', { class: 'graph-groups' });
    this.edgeLayer = svgEl('g', { class: 'graph-edges', 'aria-hidden': 'true' });
    this.nodeLayer = svgEl('g', { class: 'graph-nodes' });
    this.ring = svgEl('rect', { class: 'graph-ring', rx: '6', 'aria-hidden': 'true' });
    this.ring.style.display = 'none';
    this.viewport.append(this.groupLayer, this.summaryLayer, this.edgeLayer, this.nodeLayer, this.ring);
    this.svg.append(defs, this.viewport);

    this.empty = el('div', { className: 'graph-empty', text: 'No jobs in this batch.' });
    this.empty.hidden = true;
    this.canvas = el('div', { className: 'graph-canvas' });
    this.canvas.append(this.svg, this.empty);

    this.zoomText = el('span', { className: 'graph-zoom', attrs: { 'aria-live': 'polite' } });
    this.info = el('span', { className: 'graph-info' });
    const toolbar = el(
      'div',
      { className: 'graph-toolbar' },
      this.button('+', 'Zoom in', () => this.zoomBy(ZOOM_STEP)),
      this.button('−', 'Zoom out', () => this.zoomBy(1 / ZOOM_STEP)),
      this.button('Fit', 'Fit the whole graph', () => this.fitNow()),
      this.zoomText,
      this.info,
      legend(),
    );
    this.element = el('section', { className: 'graph-view', attrs: { 'aria-label': 'Dependency graph' } }, toolbar, this.canvas);

    this.svg.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.svg.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.svg.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.svg.addEventListener('pointercancel', (event) => this.onPointerUp(event));
    this.svg.addEventListener('click', (event) => this.onClick(event));
    this.svg.addEventListener('keydown', (event) => this.onKey(event));
    this.svg.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.svg.addEventListener('focusin', (event) => this.keepInView(event.target));
    new ResizeObserver(() => {
      if (this.fitted) this.needsFit = true;
      this.schedule();
    }).observe(this.canvas);
  }

  /** A new list of jobs and pipes: relaid out (when visible) only if the jobs or pipes themselves changed. */
  setJobs(jobs: readonly DashboardJob[], links: readonly DashboardLink[]): void {
    this.jobs = new Map(jobs.map((job) => [job.key, job]));
    const structure = JSON.stringify([jobs.map((job) => [job.key, job.label]), links.map((link) => [link.from, link.to, link.kind])]);
    // the grouping by status reads the statuses, so the list is kept whatever changed
    this.jobList = jobs;
    if (structure !== this.structure) {
      this.structure = structure;
      this.links = links;
      this.needsFit = true;
      this.expanded.clear();
      this.autoOpened = null;
      this.regroup();
    } else {
      for (const [position, drawn] of this.drawnNodes) this.paintNode(drawn, this.layout!.nodes[position]!.key);
      if (this.regroup() && this.fitted) this.needsFit = true;
      this.paintGroups();
    }
    this.summaryStale = true;
    this.empty.hidden = jobs.length > 0;
    this.svg.style.display = jobs.length > 0 ? '' : 'none';
    setText(this.info, this.infoText());
    this.schedule();
  }

  /** Jobs whose status changed (same set of jobs): recolours their nodes, no relayout. */
  updateJobs(changed: readonly DashboardJob[]): void {
    let any = false;
    for (const job of changed) {
      if (!this.jobs.has(job.key)) continue;
      any = true;
      this.jobs.set(job.key, job);
      const position = this.layout && this.laidOut === this.layoutKey() ? this.nodeIndex.get(job.key) : undefined;
      const drawn = position === undefined ? undefined : this.drawnNodes.get(position);
      if (drawn) this.paintNode(drawn, job.key);
      this.summaryStale = true;
    }
    if (!any) return;
    // grouped by status, a job that changed status changes group: the boxes are laid out again (a fitted view refits)
    if (this.grouping.by === 'status') {
      this.jobList = this.jobList.map((job) => this.jobs.get(job.key) ?? job);
      if (this.regroup() && this.fitted) this.needsFit = true;
      setText(this.info, this.infoText());
    }
    this.paintGroups();
    this.schedule();
  }

  /** Highlights a job's node (null: none), and brings it into view if it is off screen. */
  select(key: string | null): void {
    if (key === this.selected) return;
    const previous = this.selected;
    this.selected = key;
    // a job chosen elsewhere (table, timeline, host) inside a closed group: the group opens to show it
    const group = key === null ? undefined : this.grouping.groups.find((candidate) => candidate.keys.includes(key));
    if (group && !this.expanded.has(group.id)) {
      if (this.autoOpened !== null) this.expanded.delete(this.autoOpened);
      this.expanded.add(group.id);
      this.autoOpened = group.id;
      this.regroup();
    }
    this.paintGroups();
    for (const name of [previous, key]) {
      const position = name === null ? undefined : this.nodeIndex.get(name);
      const drawn = position === undefined ? undefined : this.drawnNodes.get(position);
      drawn?.node.classList.toggle('selected', name === key);
    }
    for (const [position, path] of this.drawnEdges) {
      const edge = this.layout!.edges[position]!;
      path.classList.toggle('related', key !== null && (edge.from === key || edge.to === key));
    }
    this.revealPending = key !== null;
    this.schedule();
  }

  /** The tab is shown or hidden: nothing is laid out or drawn while hidden. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) this.schedule();
    else if (this.frame !== null) {
      cancelAnimationFrame(this.frame);
      this.frame = null;
    }
  }

  // ---------------------------------------------------------------- drawing

  private schedule(): void {
    if (!this.visible || this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  private render(): void {
    if (!this.visible) return;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0) return; // not laid out yet: the ResizeObserver calls again
    // a fitted view whose canvas changed shape a lot (the detail pane opened, the panel was resized) is packed again
    // for its new shape: component layouts are cached, so this is a cheap re-pack
    const reshaped = this.fitted && this.needsFit && Math.abs(Math.log(width / height / this.layoutAspect)) > RESHAPE_RATIO;
    if (this.laidOut !== this.layoutKey() || reshaped) this.relayout(width / height);
    const layout = this.layout;
    if (!layout || !this.index) return;
    if (this.needsFit) {
      this.fit(width, height);
      // a fitted view refits when a group opens; one opened box too small to read that way is shown on its own
      if (this.anchor && this.scale < READABLE_SCALE) this.showBox(this.anchor.id, width, height);
    } else if (this.anchor) this.keepAnchor(width, height);
    this.anchor = null;
    if (this.revealPending) this.reveal(width, height);

    this.viewport.setAttribute('transform', `translate(${round(this.tx)},${round(this.ty)}) scale(${this.scale})`);
    this.svg.classList.toggle('graph-small', this.scale < LABEL_MIN_SCALE);
    if (this.markerScale !== this.scale) {
      // arrowheads keep about 8 screen pixels at any zoom (markers ignore non-scaling strokes), but never outgrow a node
      this.markerScale = this.scale;
      const size = String(round(Math.min(12, 8 / this.scale)));
      for (const marker of this.markers) {
        marker.setAttribute('markerWidth', size);
        marker.setAttribute('markerHeight', size);
      }
    }
    setText(this.zoomText, `${Math.round(this.scale * 100)}%`);

    // what the viewport shows, plus a margin so a short pan shows no gap
    const view: Rect = { x: -this.tx / this.scale, y: -this.ty / this.scale, width: width / this.scale, height: height / this.scale };
    const margin = 0.25;
    const around: Rect = { x: view.x - view.width * margin, y: view.y - view.height * margin, width: view.width * (1 + 2 * margin), height: view.height * (1 + 2 * margin) };
    this.drawGroups(this.groupIndex ? this.groupIndex.nodesIn(around) : []);
    if (this.refocusGroup !== null) {
      const id = this.refocusGroup;
      this.refocusGroup = null;
      for (const drawn of this.drawnGroups.values()) if (drawn.head.getAttribute('data-group') === id) drawn.head.focus({ preventScroll: true });
    }
    const nodes = this.index.nodesIn(around);
    if (nodes.length > DETAIL_BUDGET) this.drawSummary(layout);
    else this.drawDetail(layout, nodes, this.index.edgesIn(around));
    this.placeRing(layout);
  }

  private relayout(aspectRatio: number): void {
    this.clearDetail();
    this.clearGroups();
    if (this.grouping.by === 'none') {
      this.layout = layoutDependencyGraph(this.jobList, this.links, { aspectRatio });
      this.groups = [];
    } else {
      const grouped = layoutGroupedGraph(this.jobList, this.links, this.grouping, this.expanded, { aspectRatio });
      this.layout = grouped.layout;
      this.groups = grouped.groups;
    }
    this.index = new GraphIndex(this.layout);
    this.groupIndex = this.groups.length > 0 ? new GraphIndex({ nodes: this.groups.map((box) => ({ key: box.id, label: box.name, x: box.x, y: box.y, width: box.width, height: box.height })), edges: [], width: this.layout.width, height: this.layout.height }) : null;
    this.groupOfKey = new Map(this.groups.flatMap((box, i) => box.keys.map((key) => [key, i] as const)));
    this.nodeIndex = new Map(this.layout.nodes.map((node, i) => [node.key, i]));
    this.laidOut = this.layoutKey();
    this.layoutAspect = aspectRatio;
    this.summaryStale = true;
    const d = new Map<DashboardLink['kind'], string[]>(EDGE_KINDS.map((kind) => [kind, []]));
    for (const edge of this.layout.edges) d.get(edge.kind)!.push(edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join(''));
    for (const [kind, path] of this.summaryEdges) path.setAttribute('d', d.get(kind)!.join(''));
  }

  private drawSummary(layout: GraphLayout): void {
    if (this.mode !== 'summary') {
      this.clearDetail();
      this.summaryLayer.style.display = '';
      this.mode = 'summary';
    }
    if (!this.summaryStale) return;
    const d = new Map<JobStatus, string[]>(JOB_STATUSES.map((status) => [status, []]));
    for (const node of layout.nodes) {
      const status = this.jobs.get(node.key)?.status ?? 'not_started';
      d.get(status)!.push(`M${round(node.x)},${round(node.y)}h${node.width}v${node.height}h${-node.width}z`);
    }
    for (const [status, path] of this.summaryNodes) path.setAttribute('d', d.get(status)!.join(''));
    this.summaryStale = false;
  }

  private drawDetail(layout: GraphLayout, nodes: readonly number[], edges: readonly number[]): void {
    if (this.mode !== 'detail') {
      this.summaryLayer.style.display = 'none';
      this.mode = 'detail';
    }
    const focused = this.svg.ownerDocument.activeElement;
    const wanted = new Set(nodes);
    for (const [position, drawn] of this.drawnNodes) {
      if (wanted.has(position) || drawn.node === focused) continue; // a focused node stays, or focus would be lost
      drawn.node.remove();
      this.drawnNodes.delete(position);
    }
    for (const position of nodes) if (!this.drawnNodes.has(position)) this.drawnNodes.set(position, this.createNode(layout, position));

    const wantedEdges = new Set(edges);
    for (const [position, path] of this.drawnEdges) {
      if (wantedEdges.has(position)) continue;
      path.remove();
      this.drawnEdges.delete(position);
    }
    for (const position of edges) {
      if (this.drawnEdges.has(position)) continue;
      const edge = layout.edges[position]!;
      const path = svgEl('path', { class: `graph-edge kind-${edge.kind}`, d: edgePath(edge.points), 'marker-end': `url(#${this.markerIds[edge.kind]})` });
      path.setAttribute('data-from', edge.from);
      path.setAttribute('data-to', edge.to);
      if (this.selected !== null && (edge.from === this.selected || edge.to === this.selected)) path.classList.add('related');
      this.edgeLayer.appendChild(path);
      this.drawnEdges.set(position, path);
    }
  }

  private createNode(layout: GraphLayout, position: number): DrawnNode {
    const { key, label: name, x, y, width, height } = layout.nodes[position]!;
    const node = svgEl('g', { transform: `translate(${round(x)},${round(y)})`, tabindex: '0', role: 'button' });
    // data-key is the job's identity the view reads back; data-job names it as shown
    node.setAttribute('data-key', key);
    node.setAttribute('data-job', name);
    const title = svgEl('title');
    const label = svgEl('text', { x: '10', y: String(height / 2), class: 'graph-label' });
    label.textContent = nodeLabel(name, width);
    node.append(title, svgEl('rect', { width: String(width), height: String(height), rx: '5', class: 'graph-box' }), label);
    const drawn: DrawnNode = { node, title, status: 'not_started' };
    this.paintNode(drawn, key, true);
    this.nodeLayer.appendChild(node);
    return drawn;
  }

  private paintNode(drawn: DrawnNode, key: string, fresh = false): void {
    const job = this.jobs.get(key);
    const status = job?.status ?? 'not_started';
    if (!fresh && drawn.status === status) return;
    drawn.status = status;
    const name = job?.label ?? key;
    drawn.node.setAttribute('class', `graph-node status-${status}${key === this.selected ? ' selected' : ''}`);
    drawn.node.setAttribute('aria-label', `job ${name}, ${statusLabel(status)}`);
    drawn.title.textContent = `${name} (${statusLabel(status)})`;
  }

  private clearDetail(): void {
    for (const drawn of this.drawnNodes.values()) drawn.node.remove();
    for (const path of this.drawnEdges.values()) path.remove();
    this.drawnNodes.clear();
    this.drawnEdges.clear();
    this.mode = 'none';
  }

  // ---------------------------------------------------------------- groups

  /** Groups the jobs again; true when the grouping's shape changed (the layout is then redone). */
  private regroup(): boolean {
    this.grouping = groupJobs(this.jobList, this.links);
    const ids = new Set(this.grouping.groups.map((group) => group.id));
    for (const id of this.expanded) if (!ids.has(id)) this.expanded.delete(id);
    const shape = JSON.stringify([this.grouping.by, this.grouping.groups.map((group) => (this.expanded.has(group.id) ? [group.id, group.keys] : group.id))]);
    const changed = shape !== this.groupShape;
    this.groupShape = shape;
    return changed;
  }

  private layoutKey(): string {
    return `${this.structure}\u0000${this.groupShape}`;
  }

  private infoText(): string {
    const jobs = this.jobList.length;
    const pipes = this.links.length;
    const base = `${jobs} ${jobs === 1 ? 'job' : 'jobs'} · ${pipes} ${pipes === 1 ? 'pipe' : 'pipes'}`;
    const groups = this.grouping.groups.length;
    if (this.grouping.by === 'folder') return `${base} · ${groups} ${groups === 1 ? 'folder' : 'folders'}`;
    if (this.grouping.by === 'status') return `${base} · unpiped jobs grouped by status`;
    return base;
  }

  /** Opens or closes a group; its header stays where it is on screen. */
  private toggleGroup(id: string): void {
    const box = this.groups.find((candidate) => candidate.id === id);
    if (box) this.anchor = { id, x: box.x * this.scale + this.tx, y: box.y * this.scale + this.ty };
    if (this.expanded.has(id)) this.expanded.delete(id);
    else this.expanded.add(id);
    if (this.autoOpened === id) this.autoOpened = null; // the user's choice now: left as it is
    this.regroup();
    // a view the user has not moved shows the whole drawing again; a moved one keeps the header under the pointer
    if (!this.fitted) this.needsFit = false;
    else this.needsFit = true;
    this.schedule();
  }

  /** After a group opened or closed: its header where it was, and as much of the opened box in view as fits. */
  private keepAnchor(width: number, height: number): void {
    const anchor = this.anchor!;
    const box = this.groups.find((candidate) => candidate.id === anchor.id);
    if (!box) return;
    this.tx = anchor.x - box.x * this.scale;
    this.ty = anchor.y - box.y * this.scale;
    if (!box.expanded) return;
    // an opened box too big for the view is shown whole (zoomed out), one that only sticks out is panned in
    if (box.width * this.scale > width - 16 || box.height * this.scale > height - 16) {
      this.showBox(box.id, width, height);
      return;
    }
    const right = (box.x + box.width) * this.scale + this.tx;
    const bottom = (box.y + box.height) * this.scale + this.ty;
    if (right > width - 8) this.tx -= right - (width - 8);
    if (bottom > height - 8) this.ty -= bottom - (height - 8);
  }

  /** One group's box, whole, as large as fits up to 100%, centred across and at the top. */
  private showBox(id: string, width: number, height: number): void {
    const box = this.groups.find((candidate) => candidate.id === id);
    if (!box || !box.expanded) return;
    this.scale = Math.max(this.minScale, Math.min(1, (width - 16) / box.width, (height - 16) / box.height));
    this.tx = (width - box.width * this.scale) / 2 - box.x * this.scale;
    this.ty = 8 - box.y * this.scale;
    this.fitted = false;
  }

  private drawGroups(wanted: readonly number[]): void {
    const keep = new Set(wanted);
    const focused = this.svg.ownerDocument.activeElement;
    for (const [position, drawn] of this.drawnGroups) {
      if (keep.has(position) || drawn.head === focused) continue;
      drawn.group.remove();
      this.drawnGroups.delete(position);
    }
    for (const position of wanted) {
      if (this.drawnGroups.has(position)) continue;
      const drawn = this.createGroup(this.groups[position]!);
      this.drawnGroups.set(position, drawn);
      this.paintGroup(drawn, this.groups[position]!);
    }
  }

  private createGroup(box: GroupBox): DrawnGroup {
    const group = svgEl('g', { class: `graph-group${box.expanded ? ' expanded' : ''}`, transform: `translate(${round(box.x)},${round(box.y)})` });
    group.setAttribute('data-group', box.id);
    const frame = svgEl('rect', { class: 'graph-group-box', width: String(box.width), height: String(box.height), rx: '6', 'aria-hidden': 'true' });
    const head = svgEl('g', { class: 'graph-group-head', role: 'button', tabindex: '0', 'aria-expanded': String(box.expanded) });
    head.setAttribute('data-group', box.id);
    const title = svgEl('title');
    const hit = svgEl('rect', { class: 'graph-group-hit', width: String(box.width), height: String(GROUP_HEADER_HEIGHT), rx: '6' });
    const toggle = svgEl('text', { class: 'graph-group-toggle', x: '10', y: '17' });
    toggle.textContent = box.expanded ? '▾' : '▸';
    const name = svgEl('text', { class: 'graph-group-name', x: '24', y: '17' });
    name.textContent = nodeLabel(box.name, box.width - 24); // a folder's name is the user's text: textContent only
    const counts = svgEl('text', { class: 'graph-group-counts', x: '10', y: '35' });
    const bar = svgEl('g', { class: 'graph-group-bar', transform: 'translate(10,44)', 'aria-hidden': 'true' });
    head.append(title, hit, toggle, name, counts, bar);
    group.append(frame, head);
    this.groupLayer.appendChild(group);
    return { group, head, title, counts, bar, painted: '' };
  }

  /** A group's counts, status bar and labels, from its jobs' statuses now. */
  private paintGroup(drawn: DrawnGroup, box: GroupBox): void {
    const counts = groupCounts(box.keys, (key) => this.jobs.get(key)?.status);
    const hasSelected = this.selected !== null && this.groupOfKey.get(this.selected) === this.groups.indexOf(box);
    const present = [...counts].filter(([, n]) => n > 0);
    const painted = JSON.stringify([present, hasSelected]);
    if (painted === drawn.painted) return;
    drawn.painted = painted;
    drawn.group.classList.toggle('has-selected', hasSelected && !box.expanded);
    const total = box.keys.length;
    const jobsText = `${total} ${total === 1 ? 'job' : 'jobs'}`;
    const describe = (list: readonly (readonly [JobStatus, number])[]): string =>
      list.length > 1 ? `${jobsText} · ${list.map(([status, n]) => `${n} ${statusLabel(status)}`).join(' · ')}` : list.length === 1 ? `${jobsText} · ${statusLabel(list[0]![0])}` : jobsText;
    // a status group's name already says its status: its counts line does not say it again
    const summary = box.id.startsWith('status:') ? jobsText : describe(present);
    // the box's own line says what needs attention first (failures, then what is under way); it is cut to the box
    const urgent = [...present].sort(([a], [b]) => ATTENTION.indexOf(a) - ATTENTION.indexOf(b));
    drawn.counts.textContent = cut(box.id.startsWith('status:') ? jobsText : describe(urgent), Math.floor((box.width - 20) / COUNTS_CHAR_WIDTH));
    drawn.title.textContent = `${box.name}: ${summary}`;
    drawn.head.setAttribute('aria-label', `group ${box.name}, ${summary}, ${box.expanded ? 'open' : 'closed'}`);
    const barWidth = Math.min(box.width, 208) - 20;
    const segments: SVGRectElement[] = [];
    let x = 0;
    for (const [status, n] of present) {
      const w = (n / Math.max(1, total)) * barWidth;
      segments.push(svgEl('rect', { class: `graph-group-segment status-${status}`, x: String(round(x)), y: '0', width: String(round(Math.max(w, 0.5))), height: '6' }));
      x += w;
    }
    drawn.bar.replaceChildren(...segments);
  }

  private paintGroups(): void {
    for (const [position, drawn] of this.drawnGroups) {
      const box = this.groups[position];
      if (box) this.paintGroup(drawn, box);
    }
  }

  private clearGroups(): void {
    for (const drawn of this.drawnGroups.values()) drawn.group.remove();
    this.drawnGroups.clear();
  }

  private placeRing(layout: GraphLayout): void {
    const position = this.selected === null ? undefined : this.nodeIndex.get(this.selected);
    if (position === undefined || this.mode !== 'summary') {
      this.ring.style.display = 'none';
      return;
    }
    const node = layout.nodes[position]!;
    const pad = 4 / this.scale;
    this.ring.setAttribute('x', String(node.x - pad));
    this.ring.setAttribute('y', String(node.y - pad));
    this.ring.setAttribute('width', String(node.width + 2 * pad));
    this.ring.setAttribute('height', String(node.height + 2 * pad));
    this.ring.style.display = '';
  }

  // ---------------------------------------------------------------- pan and zoom

  /** The whole graph in view, never magnified beyond 100%. */
  private fit(width: number, height: number): void {
    const layout = this.layout!;
    const scale = Math.min(1, width / layout.width, height / layout.height);
    this.scale = scale;
    this.minScale = Math.min(0.1, scale / 2);
    this.tx = (width - layout.width * scale) / 2;
    this.ty = Math.max(0, (height - layout.height * scale) / 2);
    this.needsFit = false;
    this.fitted = true;
  }

  private fitNow(): void {
    this.needsFit = true;
    this.schedule();
  }

  private zoomBy(factor: number, px = this.canvas.clientWidth / 2, py = this.canvas.clientHeight / 2): void {
    const scale = Math.min(MAX_SCALE, Math.max(this.minScale, this.scale * factor));
    this.tx = px - (px - this.tx) * (scale / this.scale);
    this.ty = py - (py - this.ty) * (scale / this.scale);
    this.scale = scale;
    this.needsFit = false;
    this.fitted = false;
    this.schedule();
  }

  private panBy(dx: number, dy: number): void {
    this.tx += dx;
    this.ty += dy;
    this.needsFit = false;
    this.fitted = false;
    this.schedule();
  }

  /** Centres the selected node when it is outside the viewport. */
  private reveal(width: number, height: number): void {
    this.revealPending = false;
    const position = this.selected === null ? undefined : this.nodeIndex.get(this.selected);
    if (position === undefined) return;
    const node = this.layout!.nodes[position]!;
    const left = node.x * this.scale + this.tx;
    const top = node.y * this.scale + this.ty;
    if (left >= 0 && top >= 0 && left + node.width * this.scale <= width && top + node.height * this.scale <= height) return;
    this.tx = width / 2 - (node.x + node.width / 2) * this.scale;
    this.ty = height / 2 - (node.y + node.height / 2) * this.scale;
    this.fitted = false;
  }

  /** Tabbing onto a node or a group's header half out of view pans it in (the canvas itself never scrolls). */
  private keepInView(target: EventTarget | null): void {
    const key = target instanceof Element ? target.getAttribute('data-key') : null;
    const groupId = target instanceof Element ? target.getAttribute('data-group') : null;
    const position = key === null ? undefined : this.nodeIndex.get(key);
    const box = groupId === null ? undefined : this.groups.find((candidate) => candidate.id === groupId);
    if (!this.layout) return;
    const node: Rect | undefined = position !== undefined ? this.layout.nodes[position]! : box ? { x: box.x, y: box.y, width: box.width, height: GROUP_HEADER_HEIGHT } : undefined;
    if (!node) return;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    const left = node.x * this.scale + this.tx;
    const top = node.y * this.scale + this.ty;
    const right = left + node.width * this.scale;
    const bottom = top + node.height * this.scale;
    const dx = left < 8 ? 8 - left : right > width - 8 ? width - 8 - right : 0;
    const dy = top < 8 ? 8 - top : bottom > height - 8 ? height - 8 - bottom : 0;
    if (dx !== 0 || dy !== 0) this.panBy(dx, dy);
  }

  // ---------------------------------------------------------------- input

  private onPointerDown(event: PointerEvent): void {
    this.suppressClick = false;
    if (event.button !== 0) return;
    this.press = { x: event.clientX, y: event.clientY, tx: this.tx, ty: this.ty, pointer: event.pointerId, dragging: false };
  }

  private onPointerMove(event: PointerEvent): void {
    const press = this.press;
    if (!press || event.pointerId !== press.pointer) return;
    const dx = event.clientX - press.x;
    const dy = event.clientY - press.y;
    if (!press.dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!press.dragging) {
      press.dragging = true;
      this.svg.setPointerCapture(press.pointer);
      this.svg.classList.add('graph-dragging');
    }
    this.tx = press.tx + dx;
    this.ty = press.ty + dy;
    this.needsFit = false;
    this.fitted = false;
    this.schedule();
  }

  private onPointerUp(event: PointerEvent): void {
    const press = this.press;
    if (!press || event.pointerId !== press.pointer) return;
    this.press = null;
    if (press.dragging) {
      this.suppressClick = true; // the click that ends a drag selects nothing
      if (this.svg.hasPointerCapture(press.pointer)) this.svg.releasePointerCapture(press.pointer);
      this.svg.classList.remove('graph-dragging');
    }
  }

  private onClick(event: MouseEvent): void {
    if (this.suppressClick) {
      this.suppressClick = false;
      return;
    }
    const head = (event.target as Element | null)?.closest?.('.graph-group-head');
    const groupId = head?.getAttribute('data-group') ?? null;
    if (groupId !== null) {
      this.toggleGroup(groupId);
      return;
    }
    const node = (event.target as Element | null)?.closest?.('.graph-node');
    let key = node?.getAttribute('data-key') ?? null;
    if (key === null && this.mode === 'summary' && this.index) {
      // the summary has no node elements: find the node under the pointer in the layout
      const box = this.svg.getBoundingClientRect();
      const found = this.index.nodeAt((event.clientX - box.left - this.tx) / this.scale, (event.clientY - box.top - this.ty) / this.scale);
      if (found >= 0) key = this.layout!.nodes[found]!.key;
    }
    if (key !== null) this.choose(key);
  }

  private onKey(event: KeyboardEvent): void {
    const node = (event.target as Element | null)?.closest?.('.graph-node');
    const key = node?.getAttribute('data-key') ?? null;
    const groupId = (event.target as Element | null)?.closest?.('.graph-group-head')?.getAttribute('data-group') ?? null;
    switch (event.key) {
      case 'Enter':
      case ' ':
        if (groupId !== null) {
          this.toggleGroup(groupId);
          this.refocusGroup = groupId;
          break;
        }
        if (key === null) return;
        this.choose(key);
        break;
      case '+':
      case '=':
        this.zoomBy(ZOOM_STEP);
        break;
      case '-':
        this.zoomBy(1 / ZOOM_STEP);
        break;
      case '0':
        this.fitNow();
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const box = this.svg.getBoundingClientRect();
    const delta = event.deltaMode === 1 ? event.deltaY * 20 : event.deltaY;
    this.zoomBy(Math.exp(-delta * 0.002), event.clientX - box.left, event.clientY - box.top);
  }

  private choose(key: string): void {
    this.select(key);
    this.options.onSelect(key);
  }

  private button(text: string, label: string, action: () => void): HTMLButtonElement {
    const button = el('button', { className: 'graph-button', text, attrs: { type: 'button', 'aria-label': label, title: label } });
    button.addEventListener('click', action);
    return button;
  }
}

/** The status colours and the two kinds of pipe. */
function legend(): HTMLUListElement {
  const list = el('ul', { className: 'graph-legend', attrs: { 'aria-label': 'Legend' } });
  for (const status of JOB_STATUSES) {
    list.appendChild(el('li', { className: 'graph-legend-item' }, el('span', { className: `graph-swatch status-${status}`, attrs: { 'aria-hidden': 'true' } }), statusLabel(status)));
  }
  for (const kind of EDGE_KINDS) {
    const sample = svgEl('svg', { class: 'graph-legend-line', width: '24', height: '8', 'aria-hidden': 'true' });
    sample.appendChild(svgEl('line', { x1: '0', y1: '4', x2: '24', y2: '4', class: `graph-legend-edge kind-${kind}` }));
    list.appendChild(el('li', { className: 'graph-legend-item' }, sample, kind === 'coords' ? 'coords pipe' : 'orbitals pipe'));
  }
  return list;
}

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** The order a group's counts line names statuses in: what needs attention first. */
const ATTENTION: readonly JobStatus[] = ['failed', 'broken_dependency', 'running', 'pending', 'cancelled', 'succeeded', 'not_started'];

/** Pixels a character of a group's counts line takes (11px text). */
const COUNTS_CHAR_WIDTH = 6.2;

/** `text`, cut with an ellipsis to `room` characters. */
function cut(text: string, room: number): string {
  const chars = Array.from(text);
  return chars.length <= room ? text : `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
