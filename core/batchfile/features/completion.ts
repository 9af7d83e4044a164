// Completion: columns in the header, programs, pipe snippets in the file's bracket style, DIR and FILE suggestions.
import { posix } from 'node:path';
import { PROGRAMS, PROGRAM_IDS } from '../../programs/catalog.js';
import { leftBehindBy } from '../../programs/leftBehind.js';
import { COLUMN_DESCRIPTIONS, KNOWN_COLUMNS, ROOT_KEYS } from '../columns.js';
import type { DiskView } from '../disk.js';
import type { HeaderColumn } from '../document.js';
import type { BatchModel, ResolvedJob } from '../model.js';
import type { PipeBracketStyle, PipeCommand } from '../pipes.js';
import { PIPE_NAMES, bracketsOf } from '../pipes.js';
import type { Position, Range } from '../types.js';
import { lineRange } from '../types.js';
import { relativeTo, resolveFrom, segmentCount } from '../paths.js';
import { locate } from './locate.js';
import type { CompletionItem } from './lspTypes.js';
import { CompletionItemKind, InsertTextFormat } from './lspTypes.js';

export interface CompletionOptions {
  /** The style to insert when the file does not use one yet (the `batchman.pipeStyle` setting). */
  readonly pipeStyle: PipeBracketStyle;
  readonly disk?: DiskView;
}

const PIPE_DOCS: Record<string, string> = {
  coords: 'Copies the upstream job\'s final geometry into this job and rewrites its input geometry. The job waits until the upstream job succeeded.',
  orbitals: 'Copies the upstream ORCA job\'s orbitals (`.gbw`) and adds `MORead` / `%moinp`. ORCA jobs only.',
};

export interface CompletionResult {
  readonly items: CompletionItem[];
  /** More would match: the client should ask again as the user types. */
  readonly isIncomplete: boolean;
}

export function complete(model: BatchModel, position: Position, options: CompletionOptions): CompletionItem[] {
  return completeList(model, position, options).items;
}

export function completeList(model: BatchModel, position: Position, options: CompletionOptions): CompletionResult {
  const result = completeAt(model, position, options);
  return Array.isArray(result) ? { items: result, isIncomplete: false } : result;
}

function completeAt(model: BatchModel, position: Position, options: CompletionOptions): CompletionItem[] | CompletionResult {
  const location = locate(model, position);
  const lineText = model.document.lines[position.line]?.text ?? '';
  switch (location.kind) {
    case 'root':
      return location.part === 'key' ? rootKeys(position.line, lineText) : [];
    case 'header':
      return headerColumns(model, position, location.column);
    case 'cell':
      if (location.column === 'program') return programs(location.cell.value.range);
      if (location.column === 'job_directory') return folders(model, location.cell.value.text, location.cell.value.range, options.disk);
      return [];
    case 'pipe': {
      const { job, command, part } = location;
      if (!command || part === 'name' || part === 'outside') {
        const range = command && part === 'name' ? command.name.range : lineRange(position.line, position.character, position.character);
        return pipeSnippets(model, job, range, options.pipeStyle, command);
      }
      if (part === 'dir') return upstreamFolders(model, job, command, position, options.disk);
      return upstreamFiles(model, job, command, options.disk);
    }
    case 'none':
      return [];
  }
}

function rootKeys(line: number, lineText: string): CompletionItem[] {
  const equalsAt = lineText.indexOf('=');
  const range = lineRange(line, 0, equalsAt === -1 ? lineText.length : equalsAt);
  return ROOT_KEYS.map((key) => ({ label: key, kind: CompletionItemKind.Keyword, detail: 'root folder of the batch', textEdit: { range, newText: key } }));
}

function headerColumns(model: BatchModel, position: Position, under: HeaderColumn | undefined): CompletionItem[] {
  const present = new Set(model.document.header?.columns.map((column) => column.name.text));
  const current = under?.name.text;
  const range = under?.name.range ?? lineRange(position.line, position.character, position.character);
  return KNOWN_COLUMNS.filter((name) => !present.has(name) || name === current).map((name, index) => ({
    label: name,
    kind: CompletionItemKind.Field,
    documentation: { kind: 'markdown', value: COLUMN_DESCRIPTIONS[name] },
    textEdit: { range, newText: name },
    sortText: String(index).padStart(2, '0'),
  }));
}

function programs(range: Range): CompletionItem[] {
  return PROGRAM_IDS.map((id) => ({
    label: id,
    kind: CompletionItemKind.Value,
    detail: PROGRAMS[id].displayName,
    documentation: { kind: 'markdown', value: PROGRAMS[id].description },
    textEdit: { range, newText: id },
  }));
}

/**
 * The file's own style wins over the setting, so completion never mixes styles. Braces are what CCBatchMan reads:
 * angle brackets only for a file that already writes every pipe with them.
 */
function fileStyle(model: BatchModel, fallback: PipeBracketStyle): PipeBracketStyle {
  let angle = false;
  for (const row of model.document.rows) {
    for (const command of row.pipe.commands) {
      if (command.style === 'brace') return 'brace';
      if (command.style === 'angle') angle = true;
    }
  }
  return angle ? 'angle' : fallback;
}

function pipeSnippets(model: BatchModel, job: ResolvedJob, range: Range, setting: PipeBracketStyle, current: PipeCommand | undefined): CompletionItem[] {
  const [open, close] = bracketsOf(fileStyle(model, setting));
  const used = new Set(job.row.pipe.commands.filter((command) => command !== current).map((command) => command.kind));
  return PIPE_NAMES.filter((name) => !used.has(name)).map((name) => ({
    label: name,
    kind: CompletionItemKind.Snippet,
    detail: `${name}${open}DIR,FILE${close}`,
    documentation: { kind: 'markdown', value: PIPE_DOCS[name]! },
    textEdit: { range, newText: `${name}${open}\${1:../},\${2}${close}` },
    insertTextFormat: InsertTextFormat.Snippet,
  }));
}

/** Enough nearby folders to pick from; the client asks again as the user types (the list is incomplete). */
export const MAX_FOLDER_ITEMS = 100;

interface FolderCandidate {
  readonly relative: string;
  /** Segments of `relative`: nearby folders (fewer `..`, shorter paths) rank first. */
  readonly depth: number;
  /** The job in that folder; none for a folder found only on disk. */
  readonly other: ResolvedJob | undefined;
}

function upstreamFolders(model: BatchModel, job: ResolvedJob, command: PipeCommand, position: Position, disk: DiskView | undefined): CompletionResult {
  const dir = command.dir!;
  const range = dir.range;
  const typed = dir.text.slice(0, Math.max(0, position.character - dir.start));
  const candidates: FolderCandidate[] = [];
  // One candidate per folder: the first job in it other than this one (folders and relative paths match one to one).
  for (const other of model.jobs) {
    if (other.index === job.index || !isFirstOtherJobIn(model, other, job)) continue;
    const relative = relativeTo(job.path, other.path);
    if (relative.startsWith(typed)) candidates.push({ relative, depth: segmentCount(relative), other });
  }
  if (disk && model.rootPath) {
    const base = typed.endsWith('/') ? typed : posix.dirname(typed);
    const listed = resolveFrom(job.path, base);
    for (const entry of disk.list(listed)) {
      if (entry.kind !== 'directory') continue;
      const path = resolveFrom(listed, entry.name);
      const relative = relativeTo(job.path, path);
      if (relative !== '.' && relative.startsWith(typed) && !hasOtherJobIn(model, path, job)) candidates.push({ relative, depth: segmentCount(relative), other: undefined });
    }
  }
  const ranked = nearest(candidates, MAX_FOLDER_ITEMS);
  const items = ranked.map(({ relative, other }, rank): CompletionItem => ({
    label: relative,
    kind: CompletionItemKind.Folder,
    detail: other ? `${other.basename} · ${other.programName}` : 'folder on disk',
    textEdit: { range, newText: relative },
    sortText: String(rank).padStart(4, '0'),
  }));
  return { items, isIncomplete: candidates.length > MAX_FOLDER_ITEMS };
}

/** Whether `other` is the first job in its folder once `job` is left out. */
function isFirstOtherJobIn(model: BatchModel, other: ResolvedJob, job: ResolvedJob): boolean {
  const first = model.jobsByPath.first(other.path);
  if (first === other.index) return true;
  return first === job.index && model.jobsByPath.get(other.path)![1] === other.index;
}

function hasOtherJobIn(model: BatchModel, path: string, job: ResolvedJob): boolean {
  const jobs = model.jobsByPath.get(path);
  return jobs !== undefined && jobs.some((index) => index !== job.index);
}

function byNearness(a: FolderCandidate, b: FolderCandidate): number {
  return a.depth - b.depth || (a.relative < b.relative ? -1 : 1);
}

/**
 * The `count` nearest candidates, in order (relative paths are distinct). A batch offers thousands of folders at
 * the same depth; only the depth where the cut falls is partially selected, the rest is never sorted.
 */
function nearest(candidates: readonly FolderCandidate[], count: number): FolderCandidate[] {
  if (candidates.length <= count) return [...candidates].sort(byNearness);
  const perDepth = new Map<number, number>();
  for (const candidate of candidates) perDepth.set(candidate.depth, (perDepth.get(candidate.depth) ?? 0) + 1);
  let cutDepth = 0;
  let above = 0;
  for (const depth of [...perDepth.keys()].sort((a, b) => a - b)) {
    const here = perDepth.get(depth)!;
    if (above + here >= count) {
      cutDepth = depth;
      break;
    }
    above += here;
  }
  const chosen: FolderCandidate[] = [];
  const atCut: FolderCandidate[] = [];
  for (const candidate of candidates) {
    if (candidate.depth < cutDepth) chosen.push(candidate);
    else if (candidate.depth === cutDepth) atCut.push(candidate);
  }
  selectSmallest(atCut, count - above);
  for (let i = 0; i < count - above; i++) chosen.push(atCut[i]!);
  return chosen.sort(byNearness);
}

/** Reorders `items` so its first `k` are the `k` smallest by byNearness (quickselect, in place). */
function selectSmallest(items: FolderCandidate[], k: number): void {
  let low = 0;
  let high = items.length - 1;
  while (low < high) {
    const pivot = items[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (byNearness(items[i]!, pivot) < 0) i++;
      while (byNearness(pivot, items[j]!) < 0) j--;
      if (i <= j) {
        const swap = items[i]!;
        items[i] = items[j]!;
        items[j] = swap;
        i++;
        j--;
      }
    }
    if (k - 1 <= j) high = j;
    else if (k - 1 >= i) low = i;
    else return;
  }
}

function upstreamFiles(model: BatchModel, job: ResolvedJob, command: PipeCommand, disk: DiskView | undefined): CompletionItem[] {
  const link = job.pipes.find((pipe) => pipe.command === command);
  if (!link || !command.file) return [];
  const range = command.file.range;
  const extension = link.kind === 'coords' ? '.xyz' : '.gbw';
  const names = new Map<string, { detail: string; documentation?: string }>();
  // What the upstream program leaves behind is offered before it has run; files already there are offered too.
  const upstream = link.upstream === undefined ? undefined : model.jobs[link.upstream];
  if (upstream) {
    for (const left of leftBehindBy(upstream, link.kind)) names.set(left.name, { detail: `written by ${upstream.basename} (${upstream.programName})`, documentation: left.what });
  }
  if (disk && model.rootPath) {
    for (const entry of disk.list(link.targetPath)) {
      if (entry.kind !== 'file' || !entry.name.endsWith(extension)) continue;
      const known = names.get(entry.name);
      names.set(entry.name, { detail: 'in the upstream folder', ...(known?.documentation ? { documentation: known.documentation } : {}) });
    }
  }
  return [...names].map(([name, { detail, documentation }]) => ({
    label: name,
    kind: CompletionItemKind.File,
    detail,
    ...(documentation ? { documentation: { kind: 'markdown' as const, value: documentation } } : {}),
    textEdit: { range, newText: name },
  }));
}

function folders(model: BatchModel, typed: string, range: Range, disk: DiskView | undefined): CompletionItem[] {
  if (!disk || !model.rootPath) return [];
  const base = typed.endsWith('/') ? typed : posix.dirname(typed);
  const listed = posix.resolve(model.rootPath, base);
  return disk
    .list(listed)
    .filter((entry) => entry.kind === 'directory')
    .map((entry) => {
      const path = posix.relative(model.rootPath!, posix.join(listed, entry.name));
      return { label: path, kind: CompletionItemKind.Folder, textEdit: { range, newText: path } };
    });
}
