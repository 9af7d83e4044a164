// The batch behind a parsed batchfile: jobs with resolved folders, pipes linked to upstream jobs, cycles.
import { posix } from 'node:path';
import { programById } from '../programs/catalog.js';
import { resolveFrom } from './paths.js';
import type { ProgramInfo } from '../programs/catalog.js';
import type { BatchfileDocument, JobRow } from './document.js';
import type { PipeCommand, PipeName } from './pipes.js';

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
  readonly jobsByPath: ReadonlyMap<string, readonly number[]>;
  readonly jobsByBasename: ReadonlyMap<string, readonly number[]>;
  /** For each job, the jobs whose pipes name it. */
  readonly downstream: readonly (readonly number[])[];
  /** Strongly connected groups of two or more jobs: dependency cycles. */
  readonly cycles: readonly (readonly number[])[];
}

/** Resolution base when the root is unknown: keeps relative paths comparable without inventing a folder. */
const UNKNOWN_ROOT = '/';
const NO_DOWNSTREAM: number[] = [];

export function resolveRootPath(document: BatchfileDocument, batchfilePath?: string): string | undefined {
  const value = document.root?.value?.text;
  if (!value) return undefined;
  if (posix.isAbsolute(value)) return posix.normalize(value);
  return batchfilePath ? posix.resolve(posix.dirname(batchfilePath), value) : undefined;
}

export function buildBatchModel(document: BatchfileDocument, batchfilePath?: string): BatchModel {
  const rootPath = resolveRootPath(document, batchfilePath);
  const base = rootPath ?? UNKNOWN_ROOT;
  const jobsByPath = new Map<string, number[]>();
  const jobsByBasename = new Map<string, number[]>();
  const header = document.header;
  const column = (name: string): number => header?.indexOf.get(name) ?? -1;
  const [basenameAt, directoryAt, programAt] = [column('job_basename'), column('job_directory'), column('program')];
  const rows = document.rows;

  // First pass: every job's folder, so pipes can be linked in the second.
  const paths = new Array<string>(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const cells = rows[index]!.cells;
    const directory = cells[directoryAt]?.value.text ?? '';
    const path = directory === '' ? base : resolveFrom(base, directory);
    paths[index] = path;
    pushTo(jobsByPath, path, index);
    const basename = cells[basenameAt]?.value.text ?? '';
    if (basename !== '') pushTo(jobsByBasename, basename, index);
  }

  // Most jobs feed nobody: they share one empty list until a first downstream job appears.
  const downstream: number[][] = new Array<number[]>(rows.length).fill(NO_DOWNSTREAM);
  const jobs = new Array<ResolvedJob>(rows.length);
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const path = paths[index]!;
    const pipes: PipeLink[] = [];
    for (const command of row.pipe.commands) {
      if (!command.kind || !command.dir || command.dir.text === '') continue;
      const dirText = command.dir.text;
      const noTransfer = dirText === '.' || dirText === './';
      const targetPath = resolveFrom(path, dirText);
      const upstream = noTransfer ? undefined : jobsByPath.get(targetPath)?.[0];
      if (upstream !== undefined && upstream !== index) {
        const list = downstream[upstream]!;
        if (list === NO_DOWNSTREAM) downstream[upstream] = [index];
        else if (!list.includes(index)) list.push(index);
      }
      const fileName = command.file?.text || `${posix.basename(targetPath)}${command.kind === 'coords' ? '.xyz' : '.gbw'}`;
      pipes.push({ command, kind: command.kind, noTransfer, targetPath, fileName, upstream });
    }
    const programName = row.cells[programAt]?.value.text ?? '';
    jobs[index] = {
      index,
      row,
      basename: row.cells[basenameAt]?.value.text ?? '',
      directory: row.cells[directoryAt]?.value.text ?? '',
      programName,
      program: programById(programName),
      path,
      pipes,
    };
  }

  return { document, rootPath, jobs, jobsByPath, jobsByBasename, downstream, cycles: findCycles(jobs) };
}

/** Tarjan's strongly connected components, iterative so a 10,000-job chain cannot overflow the stack. */
function findCycles(jobs: readonly ResolvedJob[]): number[][] {
  const edges = jobs.map((job) => job.pipes.flatMap((pipe) => (pipe.upstream !== undefined && pipe.upstream !== job.index ? [pipe.upstream] : [])));
  const order = new Array<number>(jobs.length).fill(-1);
  const low = new Array<number>(jobs.length).fill(0);
  const onStack = new Array<boolean>(jobs.length).fill(false);
  const stack: number[] = [];
  const cycles: number[][] = [];
  let counter = 0;

  for (let startNode = 0; startNode < jobs.length; startNode++) {
    if (order[startNode] !== -1) continue;
    const work: { node: number; edge: number }[] = [{ node: startNode, edge: 0 }];
    order[startNode] = low[startNode] = counter++;
    stack.push(startNode);
    onStack[startNode] = true;
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const next = edges[frame.node]![frame.edge++];
      if (next !== undefined) {
        if (order[next] === -1) {
          order[next] = low[next] = counter++;
          stack.push(next);
          onStack[next] = true;
          work.push({ node: next, edge: 0 });
        } else if (onStack[next]) {
          low[frame.node] = Math.min(low[frame.node]!, order[next]!);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
      if (low[frame.node] === order[frame.node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = false;
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1) cycles.push(component.sort((a, b) => a - b));
      }
    }
  }
  return cycles;
}

function pushTo<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

