// The batch behind a parsed batchfile: jobs with resolved folders, pipes linked to upstream jobs, cycles.
import { posix } from 'node:path';
import type { ProgramInfo } from '../programs/catalog.js';
import type { BatchfileDocument, JobRow } from './document.js';
import type { PipeCommand, PipeName } from './pipes.js';
import type { ColumnIndices, DraftLink, RowFacts } from './rowFacts.js';
import { rowFacts } from './rowFacts.js';

export interface PipeLink {
  readonly command: PipeCommand;
  readonly kind: PipeName;
  /** `./` (or `.`): the pipe names this job's own folder, meaning no transfer and no dependency. */
  readonly noTransfer: boolean;
  /** The upstream folder, resolved like job folders (absolute when the root is known). */
  readonly targetPath: string;
  /** The upstream job's index in `BatchModel.jobs`, when a job of this batch has that folder. */
  readonly upstream?: number;
  /** The file the pipe copies: FILE, or `basename(DIR).xyz` / `.gbw` when FILE is empty. */
  readonly fileName: string;
}

export interface ResolvedJob {
  readonly index: number;
  readonly row: JobRow;
  readonly basename: string;
  readonly directory: string;
  readonly programName: string;
  readonly program?: ProgramInfo;
  /** The job folder, resolved against the root (absolute when the root is known). */
  readonly path: string;
  readonly pipes: readonly PipeLink[];
}

export interface BatchModel {
  readonly document: BatchfileDocument;
  /** The root folder as an absolute path, when the root line and the batchfile's location allow it. */
  readonly rootPath?: string;
  readonly jobs: readonly ResolvedJob[];
  /** Jobs by resolved folder path (more than one means a duplicate folder). */
  readonly jobsByPath: JobIndex;
  readonly jobsByBasename: JobIndex;
  /** For each job, the jobs whose pipes name it. */
  readonly downstream: readonly (readonly number[])[];
  /** Strongly connected groups of two or more jobs: dependency cycles. */
  readonly cycles: readonly (readonly number[])[];
}

/**
 * Job indices by key (folder or basename), in row order. Nearly every key has one job, so the first index is kept
 * as a number and only duplicated keys get a list; `get` builds the list it returns.
 */
export class JobIndex implements ReadonlyMap<string, readonly number[]> {
  private readonly firsts = new Map<string, number>();
  private readonly lists = new Map<string, number[]>();

  /** Adds `index` under `key`; indices must arrive in increasing order. */
  add(key: string, index: number): void {
    const first = this.firsts.get(key);
    if (first === undefined) {
      this.firsts.set(key, index);
      return;
    }
    const list = this.lists.get(key);
    if (list) list.push(index);
    else this.lists.set(key, [first, index]);
  }

  /** The first job with this key, without building a list. */
  first(key: string): number | undefined {
    return this.firsts.get(key);
  }

  get(key: string): readonly number[] | undefined {
    const list = this.lists.get(key);
    if (list) return list;
    const first = this.firsts.get(key);
    return first === undefined ? undefined : [first];
  }

  has(key: string): boolean {
    return this.firsts.has(key);
  }

  get size(): number {
    return this.firsts.size;
  }

  forEach(callback: (value: readonly number[], key: string, map: ReadonlyMap<string, readonly number[]>) => void, thisArg?: unknown): void {
    for (const [key, value] of this) callback.call(thisArg, value, key, this);
  }

  *entries(): MapIterator<[string, readonly number[]]> {
    for (const key of this.firsts.keys()) yield [key, this.get(key)!];
  }

  keys(): MapIterator<string> {
    return this.firsts.keys();
  }

  *values(): MapIterator<readonly number[]> {
    for (const key of this.firsts.keys()) yield this.get(key)!;
  }

  [Symbol.iterator](): MapIterator<[string, readonly number[]]> {
    return this.entries();
  }
}

/** Resolution base when the root is unknown: keeps relative paths comparable without inventing a folder. */
const UNKNOWN_ROOT = '/';
const NO_DOWNSTREAM: number[] = [];

/** The row facts behind each model's jobs: the next version's model compares with them, rules keep verdicts in them. */
const factsByModel = new WeakMap<BatchModel, readonly RowFacts[]>();

export function resolveRootPath(document: BatchfileDocument, batchfilePath?: string): string | undefined {
  const value = document.root?.value?.text;
  if (!value) return undefined;
  if (posix.isAbsolute(value)) return posix.normalize(value);
  return batchfilePath ? posix.resolve(posix.dirname(batchfilePath), value) : undefined;
}

/**
 * The model of `document`. Given the model of the previous version (`previous`), what an edit did not change is
 * shared with it: when no job's folder or name changed, the folder and name indexes; when no pipe's upstream job
 * changed either, the downstream lists and the cycles. Models are never changed once built, so sharing is safe.
 */
export function buildBatchModel(document: BatchfileDocument, batchfilePath?: string, previous?: BatchModel): BatchModel {
  const rootPath = resolveRootPath(document, batchfilePath);
  const base = rootPath ?? UNKNOWN_ROOT;
  const header = document.header;
  const column = (name: string): number => header?.indexOf.get(name) ?? -1;
  const columns: ColumnIndices = {
    basename: column('job_basename'),
    directory: column('job_directory'),
    program: column('program'),
    cores: column('cores'),
    memory: column('memory'),
    walltime: column('walltime'),
    partition: column('partition'),
  };
  const rows = document.rows;

  // First pass: every job's folder, so pipes can be linked in the second.
  const facts = new Array<RowFacts>(rows.length);
  for (let index = 0; index < rows.length; index++) facts[index] = rowFacts(rows[index]!, base, columns);
  const before = previous !== undefined && previous.rootPath === rootPath ? factsByModel.get(previous) : undefined;
  const sameKeys = before !== undefined && sameFoldersAndNames(before, facts);
  let jobsByPath: JobIndex;
  let jobsByBasename: JobIndex;
  if (sameKeys) {
    jobsByPath = previous!.jobsByPath;
    jobsByBasename = previous!.jobsByBasename;
  } else {
    jobsByPath = new JobIndex();
    jobsByBasename = new JobIndex();
    for (let index = 0; index < rows.length; index++) {
      const fact = facts[index]!;
      jobsByPath.add(fact.path, index);
      if (fact.basename !== '') jobsByBasename.add(fact.basename, index);
    }
  }

  let sameGraph = sameKeys;
  const jobs = new Array<ResolvedJob>(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const fact = facts[index]!;
    const pipes = linkPipes(fact, row.pipe.commands, jobsByPath);
    if (sameGraph && !sameUpstreams(pipes, previous!.jobs[index]!.pipes)) sameGraph = false;
    // After a keystroke most rows have the same index, row and links as before: their job is reused as is.
    let job = fact.job;
    if (job === undefined || job.index !== index || job.row !== row || job.pipes !== pipes) {
      job = {
        index,
        row,
        basename: fact.basename,
        directory: fact.directory,
        programName: fact.programName,
        program: fact.program,
        path: fact.path,
        pipes,
      };
      fact.job = job;
    }
    jobs[index] = job;
  }

  const model: BatchModel = {
    document,
    rootPath,
    jobs,
    jobsByPath,
    jobsByBasename,
    downstream: sameGraph ? previous!.downstream : downstreamOf(jobs),
    cycles: sameGraph ? previous!.cycles : findCycles(jobs),
  };
  factsByModel.set(model, facts);
  return model;
}

/** Whether every job has the same folder and name as before (same count, same order). */
function sameFoldersAndNames(before: readonly RowFacts[], after: readonly RowFacts[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a !== b && (a.path !== b.path || a.basename !== b.basename)) return false;
  }
  return true;
}

function sameUpstreams(pipes: readonly PipeLink[], before: readonly PipeLink[]): boolean {
  if (pipes === before) return true;
  if (pipes.length !== before.length) return false;
  for (let i = 0; i < pipes.length; i++) if (pipes[i]!.upstream !== before[i]!.upstream) return false;
  return true;
}

/** For each job, the jobs whose pipes name it; most jobs feed nobody and share one empty list. */
function downstreamOf(jobs: readonly ResolvedJob[]): number[][] {
  const downstream: number[][] = new Array<number[]>(jobs.length).fill(NO_DOWNSTREAM);
  for (const job of jobs) {
    for (const pipe of job.pipes) {
      const upstream = pipe.upstream;
      if (upstream === undefined || upstream === job.index) continue;
      const list = downstream[upstream]!;
      if (list === NO_DOWNSTREAM) downstream[upstream] = [job.index];
      else if (!list.includes(job.index)) list.push(job.index);
    }
  }
  return downstream;
}

/**
 * The job's pipes linked to their upstream jobs. The facts' links are reused as they are while they were linked
 * with this very folder index and the commands are the same; otherwise each upstream is looked up, and the links
 * are kept when nothing changed, filled in place the first time, and copied when something changed.
 */
function linkPipes(fact: RowFacts, commands: readonly PipeCommand[], jobsByPath: JobIndex): readonly PipeLink[] {
  const links = fact.links;
  if (links.length === 0) return links;
  const indices = fact.commandIndices;
  let commandChanged = false;
  for (let i = 0; i < links.length; i++) {
    if (links[i]!.command !== commands[indices ? indices[i]! : i]) commandChanged = true;
  }
  if (!commandChanged && fact.linkedWith === jobsByPath) return links;
  let upstreamChanged = false;
  for (const link of links) if (link.upstream !== upstreamOf(link, jobsByPath)) upstreamChanged = true;
  const draft = fact.draft;
  fact.draft = false;
  fact.linkedWith = jobsByPath;
  if (!upstreamChanged && !commandChanged) return links;
  if (draft && !commandChanged) {
    // No model has handed these links out yet: fill them in place.
    for (const link of links) (link as DraftLink).upstream = upstreamOf(link, jobsByPath);
    return links;
  }
  const relinked = new Array<PipeLink>(links.length);
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    const { kind, noTransfer, targetPath, fileName } = link;
    relinked[i] = { command: commands[indices ? indices[i]! : i]!, kind, noTransfer, targetPath, fileName, upstream: upstreamOf(link, jobsByPath) };
  }
  fact.links = relinked;
  return relinked;
}

function upstreamOf(link: PipeLink, jobsByPath: JobIndex): number | undefined {
  return link.noTransfer ? undefined : jobsByPath.first(link.targetPath);
}

/** The row facts behind `model.jobs` (index for index), for rules that keep per-row verdicts with them. */
export function modelFacts(model: BatchModel): readonly RowFacts[] | undefined {
  return factsByModel.get(model);
}

/**
 * Tarjan's strongly connected components, iterative so a 10,000-job chain cannot overflow the stack; the work
 * stack and the per-job state live in typed arrays, so a pass allocates a handful of objects, not one per job.
 */
function findCycles(jobs: readonly ResolvedJob[]): number[][] {
  const count = jobs.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack = new Int32Array(count);
  let stackSize = 0;
  // The depth-first path: a node and how many of its pipes were followed.
  const pathNodes = new Int32Array(count);
  const pathEdges = new Int32Array(count);
  let depth = 0;
  const cycles: number[][] = [];
  let counter = 0;

  for (let startNode = 0; startNode < count; startNode++) {
    if (order[startNode] !== -1) continue;
    order[startNode] = low[startNode] = counter++;
    stack[stackSize++] = startNode;
    onStack[startNode] = 1;
    pathNodes[0] = startNode;
    pathEdges[0] = 0;
    depth = 1;
    while (depth > 0) {
      const node = pathNodes[depth - 1]!;
      const pipes = jobs[node]!.pipes;
      let next = -1;
      while (pathEdges[depth - 1]! < pipes.length) {
        const upstream = pipes[pathEdges[depth - 1]!++]!.upstream;
        if (upstream !== undefined && upstream !== node) {
          next = upstream;
          break;
        }
      }
      if (next !== -1) {
        if (order[next] === -1) {
          order[next] = low[next] = counter++;
          stack[stackSize++] = next;
          onStack[next] = 1;
          pathNodes[depth] = next;
          pathEdges[depth] = 0;
          depth++;
        } else if (onStack[next] === 1) {
          low[node] = Math.min(low[node]!, order[next]!);
        }
        continue;
      }
      depth--;
      if (depth > 0) {
        const parent = pathNodes[depth - 1]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
      if (low[node] === order[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack[--stackSize]!;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        if (component.length > 1) cycles.push(component.sort((a, b) => a - b));
      }
    }
  }
  return cycles;
}
