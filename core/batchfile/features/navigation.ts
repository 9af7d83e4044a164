// Go to definition (pipe → upstream row), references (row → rows piping from it), symbols and folder links.
import { cellOf } from '../document.js';
import type { BatchModel, ResolvedJob } from '../model.js';
import type { Position, Range } from '../types.js';
import { sharesBasename } from './jobLabel.js';
import { locate } from './locate.js';
import type { DocumentLink, DocumentSymbol } from './lspTypes.js';
import { SymbolKind } from './lspTypes.js';

/** The upstream row of the pipe under the cursor. */
export function definition(model: BatchModel, position: Position): Range | undefined {
  const location = locate(model, position);
  if (location.kind !== 'pipe' || !location.command) return undefined;
  const link = location.job.pipes.find((pipe) => pipe.command === location.command);
  if (link?.upstream === undefined) return undefined;
  return nameRange(model, model.jobs[link.upstream]!);
}

/** Every pipe that names the job under the cursor (the cursor may be on the job's row or on a pipe to it). */
export function references(model: BatchModel, position: Position, includeDeclaration: boolean): Range[] {
  const location = locate(model, position);
  let target: ResolvedJob | undefined;
  if (location.kind === 'cell') target = location.job;
  else if (location.kind === 'pipe') {
    const link = location.command ? location.job.pipes.find((pipe) => pipe.command === location.command) : undefined;
    target = link?.upstream !== undefined ? model.jobs[link.upstream] : location.job;
  }
  if (!target) return [];
  const ranges: Range[] = includeDeclaration ? [nameRange(model, target)] : [];
  for (const index of model.downstream[target.index]!) {
    for (const pipe of model.jobs[index]!.pipes) {
      if (pipe.upstream === target.index) ranges.push(pipe.command.dir!.range);
    }
  }
  return ranges;
}

export function documentSymbols(model: BatchModel): DocumentSymbol[] {
  return model.jobs.map((job) => ({
    name: job.basename || `(unnamed, line ${job.row.line + 1})`,
    // Jobs that share a basename (one per molecule folder) are told apart by their folder.
    detail: !sharesBasename(model, job) ? job.programName : `${job.programName} · ${job.directory || '(root)'}`,
    kind: SymbolKind.Function,
    range: job.row.range,
    selectionRange: nameRange(model, job),
  }));
}

export function documentLinks(model: BatchModel): DocumentLink[] {
  if (!model.rootPath) return [];
  const links: DocumentLink[] = [];
  for (const job of model.jobs) {
    const cell = cellOf(model.document, job.row, 'job_directory');
    if (!cell || cell.value.text === '') continue;
    links.push({ range: cell.value.range, targetPath: job.path, tooltip: `Job folder ${job.path}` });
  }
  return links;
}

function nameRange(model: BatchModel, job: ResolvedJob): Range {
  return cellOf(model.document, job.row, 'job_basename')?.value.range ?? job.row.range;
}
