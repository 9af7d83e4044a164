// The graph's groups: independent jobs in many folders go one box per folder, in one folder one box per status (piped
// jobs kept apart), molecule pipelines one box per molecule with their pipes inside, while a chain or a small batch is
// laid out exactly as without groups; boxes never overlap, an opened box holds its jobs, and names are folders
// relative to the jobs' common folder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutDependencyGraph } from '../../core/dashboard/page/graph.js';
import type { Rect } from '../../core/dashboard/page/graph.js';
import { GROUP_HEADER_HEIGHT, folderNames, groupCounts, groupJobs, layoutGroupedGraph } from '../../core/dashboard/page/graphGroups.js';
import type { GroupableJob } from '../../core/dashboard/page/graphGroups.js';
import type { DashboardLink } from '../../core/dashboard/protocol.js';
import { JOB_STATUSES } from '../../core/status.js';
import type { JobStatus } from '../../core/status.js';
import { pipelineBatch } from './pictureFixtures.js';

const CYCLE: readonly JobStatus[] = ['succeeded', 'failed', 'running', 'pending', 'not_started', 'succeeded', 'cancelled'];

function job(key: string, directory: string, i: number): GroupableJob {
  return { key, label: key, directory, status: CYCLE[i % CYCLE.length]! };
}

/** `count` jobs, `perFolder` to a folder: /scratch/calcs/molK/stepJ. */
function foldered(count: number, perFolder: number): GroupableJob[] {
  return Array.from({ length: count }, (_, i) => job(`mol${Math.floor(i / perFolder)}/step${i % perFolder}`, `/scratch/calcs/mol${Math.floor(i / perFolder)}/step${i % perFolder}`, i));
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function inside(inner: Rect, outer: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

describe('groupJobs', () => {
  it('groups 300 independent jobs in 30 folders by folder, with their counts', () => {
    const jobs = foldered(300, 10);
    const grouping = groupJobs(jobs, []);
    assert.equal(grouping.by, 'folder');
    assert.deepEqual(grouping.groups.map((group) => group.name), Array.from({ length: 30 }, (_, k) => `mol${k}`));
    assert.deepEqual(grouping.loose, []);
    const statusOf = new Map(jobs.map((j) => [j.key, j.status]));
    for (const [k, group] of grouping.groups.entries()) {
      assert.deepEqual(group.keys, jobs.slice(k * 10, k * 10 + 10).map((j) => j.key));
      const counts = groupCounts(group.keys, (key) => statusOf.get(key));
      for (const status of JOB_STATUSES) assert.equal(counts.get(status), jobs.slice(k * 10, k * 10 + 10).filter((j) => j.status === status).length, `${group.name} ${status}`);
    }
  });

  it('groups 300 independent jobs in one folder by status, in the statuses\' order', () => {
    const jobs = Array.from({ length: 300 }, (_, i) => job(`job${i}`, `/scratch/calcs/job${i}`, i));
    const grouping = groupJobs(jobs, []);
    assert.equal(grouping.by, 'status');
    const present = JOB_STATUSES.filter((status) => jobs.some((j) => j.status === status));
    assert.deepEqual(grouping.groups.map((group) => group.id), present.map((status) => `status:${status}`));
    assert.deepEqual(grouping.groups.map((group) => group.name), present.map((status) => status.replace('_', ' ')));
    for (const group of grouping.groups) {
      const status = group.id.slice('status:'.length);
      assert.deepEqual(group.keys, jobs.filter((j) => j.status === status).map((j) => j.key));
    }
  });

  it('keeps piped jobs out of the status groups when most jobs have no pipe', () => {
    const jobs = Array.from({ length: 120 }, (_, i) => job(`job${i}`, `/scratch/calcs/job${i}`, i));
    const links: DashboardLink[] = Array.from({ length: 19 }, (_, i) => ({ from: `job${i}`, to: `job${i + 1}`, kind: 'coords' }));
    const grouping = groupJobs(jobs, links);
    assert.equal(grouping.by, 'status');
    assert.deepEqual(grouping.loose, jobs.slice(0, 20).map((j) => j.key));
    assert.equal(grouping.groups.reduce((sum, group) => sum + group.keys.length, 0), 100);
  });

  it('groups molecule pipelines (opt → freq, opt → sp per molecule folder) one group per molecule', () => {
    const jobs = foldered(300, 3);
    const links: DashboardLink[] = [];
    for (let m = 0; m < 100; m++) links.push({ from: `mol${m}/step0`, to: `mol${m}/step1`, kind: 'coords' }, { from: `mol${m}/step0`, to: `mol${m}/step2`, kind: 'coords' });
    const grouping = groupJobs(jobs, links);
    assert.equal(grouping.by, 'folder');
    assert.equal(grouping.groups.length, 100);
    assert.ok(grouping.groups.every((group, m) => group.name === `mol${m}` && group.keys.length === 3));
  });

  it('leaves a chain, a pipeline across folders and a small batch alone', () => {
    const chain = Array.from({ length: 300 }, (_, i) => job(`s${i}`, `/scratch/calcs/s${i}`, i));
    const chainLinks: DashboardLink[] = chain.slice(1).map((j, i) => ({ from: chain[i]!.key, to: j.key, kind: 'coords' }));
    assert.equal(groupJobs(chain, chainLinks).by, 'none');
    // every step of a chain in its own molecule folder: the pipes all cross folders
    const across = foldered(300, 2);
    const acrossLinks: DashboardLink[] = across.slice(1).map((j, i) => ({ from: across[i]!.key, to: j.key, kind: 'coords' }));
    assert.equal(groupJobs(across, acrossLinks).by, 'none');
    const { jobs, links } = pipelineBatch(300);
    assert.equal(groupJobs(jobs, links).by, 'none', 'a pipeline batch with a few lone jobs is drawn as it is');
    assert.equal(groupJobs(foldered(39, 3), []).by, 'none');
  });
});

describe('folderNames', () => {
  it('names each job\'s molecule folder relative to the folder all share, ./ for that one', () => {
    assert.deepEqual(folderNames(['/r/mol1/opt', '/r/mol1/freq', '/r/set/mol2/opt', '/r/lone']), ['mol1', 'mol1', 'set/mol2', './']);
    assert.deepEqual(folderNames(['C:\\calc\\a\\opt', 'C:\\calc\\b\\opt\\']), ['a', 'b']);
    assert.deepEqual(folderNames(['/r/a', '/r/b']), ['./', './']);
    assert.deepEqual(folderNames([]), []);
  });
});

describe('layoutGroupedGraph', () => {
  it('lays 30 closed groups of 300 jobs out as 30 boxes, no job box, compact and without overlap', () => {
    const jobs = foldered(300, 10);
    const grouping = groupJobs(jobs, []);
    const { layout, groups } = layoutGroupedGraph(jobs, [], grouping, new Set(), { aspectRatio: 1400 / 700 });
    assert.equal(groups.length, 30);
    assert.equal(layout.nodes.length, 0);
    assert.equal(layout.edges.length, 0);
    for (let a = 0; a < groups.length; a++) {
      assert.ok(inside(groups[a]!, { x: 0, y: 0, width: layout.width, height: layout.height }));
      for (let b = a + 1; b < groups.length; b++) assert.ok(!overlaps(groups[a]!, groups[b]!), `${groups[a]!.name} and ${groups[b]!.name} overlap`);
    }
    // at 100% a 1400 × 700 canvas holds it all: no wall
    assert.ok(layout.width <= 1400 && layout.height <= 700, `${layout.width} × ${layout.height}`);
  });

  it('opens a group onto its jobs inside its box, below its header, the other boxes out of the way', () => {
    const jobs = foldered(300, 10);
    const grouping = groupJobs(jobs, []);
    const { layout, groups } = layoutGroupedGraph(jobs, [], grouping, new Set(['folder:mol7']), { aspectRatio: 2 });
    const open = groups.find((group) => group.id === 'folder:mol7')!;
    assert.equal(open.expanded, true);
    assert.deepEqual(layout.nodes.map((node) => node.key).sort(), jobs.slice(70, 80).map((j) => j.key).sort());
    const body = { x: open.x, y: open.y + GROUP_HEADER_HEIGHT, width: open.width, height: open.height - GROUP_HEADER_HEIGHT };
    for (const node of layout.nodes) assert.ok(inside(node, body), `${node.key} inside the opened box`);
    for (const other of groups) if (other !== open) assert.ok(!overlaps(open, other), `${other.name} clear of the opened box`);
    // the jobs of an opened group are a grid, not a line
    assert.ok(new Set(layout.nodes.map((node) => node.x)).size > 1 && new Set(layout.nodes.map((node) => node.y)).size > 1);
  });

  it('keeps a molecule\'s pipes inside its box when opened, left to right', () => {
    const jobs = foldered(300, 3);
    const links: DashboardLink[] = [];
    for (let m = 0; m < 100; m++) links.push({ from: `mol${m}/step0`, to: `mol${m}/step1`, kind: 'coords' }, { from: `mol${m}/step1`, to: `mol${m}/step2`, kind: 'orbitals' });
    const grouping = groupJobs(jobs, links);
    const closed = layoutGroupedGraph(jobs, links, grouping, new Set());
    assert.equal(closed.layout.edges.length, 0, 'closed molecules show no pipe (none runs between molecules)');
    const all = layoutGroupedGraph(jobs, links, grouping, new Set(grouping.groups.map((group) => group.id)));
    assert.equal(all.layout.nodes.length, 300);
    assert.deepEqual(all.layout.edges.map((edge) => `${edge.from}>${edge.to}>${edge.kind}`).sort(), links.map((link) => `${link.from}>${link.to}>${link.kind}`).sort());
    const at = new Map(all.layout.nodes.map((node) => [node.key, node]));
    for (const edge of all.layout.edges) assert.ok(at.get(edge.to)!.x >= at.get(edge.from)!.x + at.get(edge.from)!.width, `${edge.from} → ${edge.to}`);
    for (const [m, group] of all.groups.entries()) {
      for (const key of group.keys) assert.ok(inside(at.get(key)!, group), `${key} inside mol${m}`);
    }
  });

  it('draws a pipe between two folders as a pipe between their boxes', () => {
    const jobs = foldered(300, 10);
    const links: DashboardLink[] = [{ from: 'mol0/step0', to: 'mol1/step0', kind: 'coords' }];
    const grouping = groupJobs(jobs, links);
    assert.equal(grouping.by, 'folder');
    const { layout, groups } = layoutGroupedGraph(jobs, links, grouping, new Set());
    assert.deepEqual(layout.edges.map((edge) => [edge.from, edge.to]), [['folder:mol0', 'folder:mol1']]);
    assert.ok(groups[1]!.x >= groups[0]!.x + groups[0]!.width, 'the downstream box sits right of the upstream one');
  });

  it('lays out ungrouped batches exactly as the plain graph does', () => {
    const chain = Array.from({ length: 100 }, (_, i) => job(`s${i}`, `/scratch/calcs/s${i}`, i));
    const links: DashboardLink[] = chain.slice(1).map((j, i) => ({ from: chain[i]!.key, to: j.key, kind: 'coords' }));
    const grouping = groupJobs(chain, links);
    assert.equal(grouping.by, 'none');
    const grouped = layoutGroupedGraph(chain, links, grouping, new Set(), { aspectRatio: 2 });
    assert.deepEqual(grouped.groups, []);
    assert.deepEqual(grouped.layout, layoutDependencyGraph(chain, links, { aspectRatio: 2 }));
  });

  it('keeps piped jobs beside the status boxes with their pipes', () => {
    const jobs = Array.from({ length: 120 }, (_, i) => job(`job${i}`, `/scratch/calcs/job${i}`, i));
    const links: DashboardLink[] = Array.from({ length: 19 }, (_, i) => ({ from: `job${i}`, to: `job${i + 1}`, kind: 'coords' }));
    const grouping = groupJobs(jobs, links);
    const { layout, groups } = layoutGroupedGraph(jobs, links, grouping, new Set());
    assert.deepEqual(layout.nodes.map((node) => node.key).sort(), jobs.slice(0, 20).map((j) => j.key).sort());
    assert.equal(layout.edges.length, 19);
    for (const node of layout.nodes) for (const group of groups) assert.ok(!overlaps(node, group), `${node.key} clear of ${group.name}`);
  });
});
