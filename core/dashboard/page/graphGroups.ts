// The dependency graph's groups: when most of a big batch's jobs have no pipe, or its pipes stay inside molecule
// folders, the graph shows one box per folder (or, all jobs in one folder, per status) instead of a wall of job boxes;
// a box opens onto its jobs. Which jobs go together (groupJobs) and where boxes and opened jobs sit (layoutGroupedGraph).
// Pure, deterministic and DOM-free, like graph.ts, whose layout it uses for the boxes and for each opened box's jobs.
import { JOB_STATUSES } from '../../status.js';
import type { JobStatus } from '../../status.js';
import type { DashboardLink } from '../protocol.js';
import { layoutDependencyGraph } from './graph.js';
import type { GraphEdge, GraphLayout, GraphLayoutOptions, GraphNode } from './graph.js';

export interface GroupableJob {
  readonly key: string;
  readonly label: string;
  /** The job's folder (absolute, as the host sends it). */
  readonly directory: string;
  readonly status: JobStatus;
}

export type GroupingKind = 'folder' | 'status' | 'none';

export interface JobGroup {
  /** `folder:<name>` or `status:<status>`: stable while the folder or status is. */
  id: string;
  /** The folder relative to the jobs' common folder (`mol1`, `set2/mol7`, `./` for that folder itself), or a status. */
  name: string;
  /** Job keys, in batchfile order. */
  keys: string[];
}

export interface Grouping {
  by: GroupingKind;
  groups: JobGroup[];
  /** Jobs in no group, drawn as today (by status: the jobs with pipes), in batchfile order. */
  loose: string[];
}

export interface GroupingOptions {
  /** Batches smaller than this are never grouped: their boxes fit. */
  minJobs?: number;
}

/** Below this many jobs the plain graph is no wall. */
export const GROUP_MIN_JOBS = 40;
/** Folder groups are kept when at most this share of the pipes runs between folders (molecule pipelines stay inside). */
const CROSSING_SHARE = 0.1;

/**
 * How the graph groups a batch. Folder groups when the jobs sit in several folders of two or more jobs on average and
 * either most jobs have no pipe or the pipes stay within folders (opt → freq per molecule: one box per molecule).
 * Otherwise, when most jobs have no pipe, those jobs are grouped by status and the piped ones keep their own layout.
 * Otherwise (small batches, pipelines across folders, a chain) nothing is grouped.
 */
export function groupJobs(jobs: readonly GroupableJob[], links: readonly DashboardLink[], options: GroupingOptions = {}): Grouping {
  const unique = uniqueJobs(jobs);
  const none: Grouping = { by: 'none', groups: [], loose: unique.map((job) => job.key) };
  if (unique.length < (options.minJobs ?? GROUP_MIN_JOBS)) return none;

  const known = new Set(unique.map((job) => job.key));
  const pipes = links.filter((link) => link.from !== link.to && known.has(link.from) && known.has(link.to));
  const piped = new Set<string>();
  for (const link of pipes) piped.add(link.from).add(link.to);
  const mostlyLoners = unique.length - piped.size >= unique.length / 2;

  const folders = folderNames(unique.map((job) => job.directory));
  const folderOf = new Map(unique.map((job, i) => [job.key, folders[i]!]));
  const distinct = new Set(folders).size;
  if (distinct >= 2 && distinct <= unique.length / 2) {
    const crossing = pipes.filter((link) => folderOf.get(link.from) !== folderOf.get(link.to)).length;
    if (mostlyLoners || crossing <= pipes.length * CROSSING_SHARE) {
      return { by: 'folder', groups: collect(unique, (job) => folderOf.get(job.key)!, (name) => `folder:${name}`), loose: [] };
    }
  }
  if (!mostlyLoners) return none;
  const loners = unique.filter((job) => !piped.has(job.key));
  const groups = collect(loners, (job) => job.status, (status) => `status:${status}`);
  const rank = new Map<string, number>(JOB_STATUSES.map((status, i) => [`status:${status}`, i]));
  groups.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  for (const group of groups) group.name = group.name.replace('_', ' ');
  return { by: 'status', groups, loose: unique.filter((job) => piped.has(job.key)).map((job) => job.key) };
}

function uniqueJobs(jobs: readonly GroupableJob[]): GroupableJob[] {
  const seen = new Set<string>();
  return jobs.filter((job) => !seen.has(job.key) && seen.add(job.key));
}

function collect(jobs: readonly GroupableJob[], nameOf: (job: GroupableJob) => string, idOf: (name: string) => string): JobGroup[] {
  const byName = new Map<string, JobGroup>();
  for (const job of jobs) {
    const name = nameOf(job);
    let group = byName.get(name);
    if (!group) byName.set(name, (group = { id: idOf(name), name, keys: [] }));
    group.keys.push(job.key);
  }
  return [...byName.values()];
}

/**
 * Each job's molecule folder: the folder holding the job's own folder (a folder holds one job), relative to the
 * folder all of them share, `./` for that shared folder itself. Windows separators count as `/`.
 */
export function folderNames(directories: readonly string[]): string[] {
  const parents = directories.map((directory) => {
    const parts = directory.replace(/\\/g, '/').split('/');
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    parts.pop();
    return parts;
  });
  let common = parents[0]?.length ?? 0;
  for (const parts of parents) {
    common = Math.min(common, parts.length);
    for (let i = 0; i < common; i++) {
      if (parts[i] !== parents[0]![i]) {
        common = i;
        break;
      }
    }
  }
  return parents.map((parts) => (parts.length > common ? parts.slice(common).join('/') : './'));
}

/** How many of a group's jobs are in each status, in JOB_STATUSES order, leaving out none. */
export function groupCounts(keys: readonly string[], statusOf: (key: string) => JobStatus | undefined): Map<JobStatus, number> {
  const counts = new Map<JobStatus, number>(JOB_STATUSES.map((status) => [status, 0]));
  for (const key of keys) {
    const status = statusOf(key) ?? 'not_started';
    counts.set(status, counts.get(status)! + 1);
  }
  return counts;
}

// ------------------------------------------------------------------ layout

/** A closed box: its name, its counts and a status bar; an opened box is as wide as its jobs' layout. */
export const GROUP_WIDTH = 224;
export const GROUP_HEADER_HEIGHT = 56;
/** Around an opened box's jobs (left, right and below; the header is above). */
export const GROUP_PADDING = 10;

export interface GroupBox {
  id: string;
  name: string;
  keys: readonly string[];
  expanded: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GroupedLayout {
  /**
   * The job boxes on show (loose jobs and the jobs of opened groups) and the pipes: between shown jobs by job key, and
   * between groups (a pipe from or to a job of a group, drawn box to box; `from`/`to` are then group ids).
   */
  layout: GraphLayout;
  /** In the grouping's order. */
  groups: GroupBox[];
}

/** Keys for the groups' boxes in the outer layout: a NUL never occurs in a job key (folder and basename). */
const boxKey = (index: number): string => `\u0000group${index}`;

/**
 * Lays the groups out as boxes (opened ones sized for their jobs) with the loose jobs, through graph.ts's layout (pipes
 * between groups become pipes between boxes, so groups connected by pipes get dagre's ranks), then each opened box's
 * jobs inside it: their own pipes by dagre, those without in a grid.
 */
export function layoutGroupedGraph(jobs: readonly { readonly key: string; readonly label: string }[], links: readonly DashboardLink[], grouping: Grouping, expanded: ReadonlySet<string>, options: GraphLayoutOptions = {}): GroupedLayout {
  if (grouping.by === 'none') return { layout: layoutDependencyGraph(jobs, links, options), groups: [] };
  const labelOf = new Map(jobs.map((job) => [job.key, job.label]));
  const groupIndex = new Map<string, number>();
  grouping.groups.forEach((group, i) => group.keys.forEach((key) => groupIndex.set(key, i)));

  // what opened groups hold, laid out on their own
  const inner = grouping.groups.map((group, i) => {
    if (!expanded.has(group.id)) return null;
    const inside = links.filter((link) => groupIndex.get(link.from) === i && groupIndex.get(link.to) === i);
    return layoutDependencyGraph(
      group.keys.map((key) => ({ key, label: labelOf.get(key) ?? key })),
      inside,
      { ...options, margin: 0 },
    );
  });
  const boxSize = (i: number): { width: number; height: number } => {
    const layout = inner[i];
    if (!layout) return { width: GROUP_WIDTH, height: GROUP_HEADER_HEIGHT };
    return { width: Math.max(GROUP_WIDTH, layout.width + 2 * GROUP_PADDING), height: GROUP_HEADER_HEIGHT + layout.height + GROUP_PADDING };
  };

  // the outer drawing: a box per group where its first job stands in the batchfile, loose jobs as they are
  const items: { key: string; label: string; width?: number; height?: number }[] = [];
  const placed = new Set<number>();
  for (const job of jobs) {
    const i = groupIndex.get(job.key);
    if (i === undefined) items.push({ key: job.key, label: job.label });
    else if (!placed.has(i)) {
      placed.add(i);
      items.push({ key: boxKey(i), label: grouping.groups[i]!.name, ...boxSize(i) });
    }
  }
  const endOf = (key: string): string => {
    const i = groupIndex.get(key);
    return i === undefined ? key : boxKey(i);
  };
  const outerLinks = links.map((link) => ({ from: endOf(link.from), to: endOf(link.to), kind: link.kind }));
  const outer = layoutDependencyGraph(items, outerLinks, options);

  const boxAt = new Map<string, GraphNode>();
  const nodes: GraphNode[] = [];
  for (const node of outer.nodes) {
    if (node.key.startsWith('\u0000group')) boxAt.set(node.key, node);
    else nodes.push(node);
  }
  const groups: GroupBox[] = grouping.groups.map((group, i) => {
    const box = boxAt.get(boxKey(i))!;
    return { id: group.id, name: group.name, keys: group.keys, expanded: inner[i] !== null, x: box.x, y: box.y, width: box.width, height: box.height };
  });
  const idOfBox = new Map(grouping.groups.map((group, i) => [boxKey(i), group.id]));
  const edges: GraphEdge[] = outer.edges.map((edge) => ({ ...edge, from: idOfBox.get(edge.from) ?? edge.from, to: idOfBox.get(edge.to) ?? edge.to }));
  inner.forEach((layout, i) => {
    if (!layout) return;
    const dx = groups[i]!.x + GROUP_PADDING;
    const dy = groups[i]!.y + GROUP_HEADER_HEIGHT;
    for (const node of layout.nodes) nodes.push({ ...node, x: node.x + dx, y: node.y + dy });
    for (const edge of layout.edges) edges.push({ ...edge, points: edge.points.map((point) => ({ x: point.x + dx, y: point.y + dy })) });
  });
  return { layout: { nodes, edges, width: outer.width, height: outer.height }, groups };
}
