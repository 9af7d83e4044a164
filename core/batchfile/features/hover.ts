// Hover: what a program, a column, the root or a pipe means, with the pipe's resolved upstream job and path.
// Every user value (names, folders, files) goes through core/markdown.ts: hovers are Markdown.
import { escapeMarkdown, markdownCode } from '../../markdown.js';
import { PROGRAMS } from '../../programs/catalog.js';
import type { JobResults } from '../../results/types.js';
import { resultsLines } from '../../view/resultsTooltip.js';
import { leftBehindBy } from '../../programs/leftBehind.js';
import { COLUMN_DESCRIPTIONS, isKnownColumn } from '../columns.js';
import type { BatchModel, ResolvedJob } from '../model.js';
import type { Position } from '../types.js';
import { jobLabel, sharesBasename } from './jobLabel.js';
import { locate } from './locate.js';
import type { Hover } from './lspTypes.js';

export interface HoverOptions {
  /** What the job of the hovered row computed, when known (the server reads it through a ResultsCache). */
  readonly results?: (job: ResolvedJob) => JobResults | null | undefined;
}

/** The job whose row summary a hover at this position shows (its basename cell), whose results are worth reading. */
export function hoveredRowJob(model: BatchModel, position: Position): ResolvedJob | undefined {
  const location = locate(model, position);
  return location.kind === 'cell' && location.column === 'job_basename' && location.job.basename !== '' ? location.job : undefined;
}

export function hover(model: BatchModel, position: Position, options: HoverOptions = {}): Hover | undefined {
  const location = locate(model, position);
  switch (location.kind) {
    case 'root': {
      const root = model.document.root!;
      const range = location.part === 'key' ? root.key.range : (root.value ?? root.key).range;
      const where = model.rootPath ? markdownCode(model.rootPath) : 'unknown until the batchfile is saved';
      return markdown(`**Root folder** of the batch: ${where}. Job folders are relative to it.`, range);
    }
    case 'header': {
      const column = location.column;
      if (!column || !isKnownColumn(column.name.text)) return undefined;
      return markdown(`**${column.name.text}**: ${COLUMN_DESCRIPTIONS[column.name.text]}`, column.name.range);
    }
    case 'cell': {
      const { job, cell, column } = location;
      if (column === 'program' && job.program) return markdown(`**${job.program.displayName}**: ${PROGRAMS[job.program.id].description}`, cell.value.range);
      if (column === 'job_basename' && job.basename !== '') return markdown(jobSummary(model, job, options.results?.(job) ?? null), cell.value.range);
      if (column === 'job_directory') return markdown(`Job folder ${markdownCode(job.path)}`, cell.value.range);
      return undefined;
    }
    case 'pipe': {
      const { job, command, part } = location;
      if (!command) return undefined;
      if (part === 'name') {
        const text = command.kind === 'coords'
          ? '**coords**: copies the upstream job\'s final geometry here and rewrites the input geometry; this job waits for it.'
          : command.kind === 'orbitals'
            ? '**orbitals**: copies the upstream ORCA job\'s `.gbw` here and adds `MORead` / `%moinp` (ORCA only); this job waits for it.'
            : undefined;
        return text ? markdown(text, command.name.range) : undefined;
      }
      const link = job.pipes.find((pipe) => pipe.command === command);
      if (!link) return undefined;
      const range = (part === 'file' ? command.file : command.dir)?.range ?? command.range;
      if (link.noTransfer) return markdown('`./`: no transfer and no dependency.', range);
      const upstream = link.upstream === undefined ? undefined : model.jobs[link.upstream];
      const lines = [
        upstream
          ? `Upstream job **${escapeMarkdown(upstream.basename)}**${folderOf(model, upstream)} (${escapeMarkdown(upstream.programName)}, line ${upstream.row.line + 1})`
          : 'No job of this batch has this folder.',
        `Folder: ${markdownCode(link.targetPath)}`,
        `File: ${markdownCode(link.fileName)}${command.file?.text ? '' : ' (the default for an empty FILE)'}`,
        ...(upstream ? fileLeftBehind(upstream, link.kind, link.fileName) : []),
      ];
      return markdown(lines.join('\n\n'), range);
    }
    case 'none':
      return undefined;
  }
}

/** What the upstream program says of the piped file: what it is, or which files it leaves for this kind of pipe. */
function fileLeftBehind(upstream: ResolvedJob, pipe: 'coords' | 'orbitals', fileName: string): string[] {
  const left = leftBehindBy(upstream, pipe);
  const named = left.find((file) => file.name === fileName);
  if (named) return [`${markdownCode(named.name)}: ${named.what}.`];
  if (left.length === 0) return [];
  const program = upstream.program?.displayName ?? escapeMarkdown(upstream.programName);
  return [`${program} leaves ${left.map((file) => `${markdownCode(file.name)}: ${file.what}`).join('; ')}.`];
}

function jobSummary(model: BatchModel, job: ResolvedJob, results: JobResults | null): string {
  const upstream = job.pipes.flatMap((pipe) => (pipe.upstream === undefined ? [] : [`${escapeMarkdown(jobLabel(model, model.jobs[pipe.upstream]!))} (${pipe.kind})`]));
  const downstream = model.downstream[job.index]!.map((index) => escapeMarkdown(jobLabel(model, model.jobs[index]!)));
  return [
    `**${escapeMarkdown(job.basename)}** · ${job.program?.displayName ?? escapeMarkdown(job.programName)}`,
    `Folder: ${markdownCode(job.path)}`,
    `Takes from: ${upstream.length > 0 ? upstream.join(', ') : 'nothing'}`,
    `Feeds: ${downstream.length > 0 ? downstream.join(', ') : 'nothing'}`,
    // what the job's last run computed ({basename}.json), one paragraph of Markdown line breaks
    ...(results && resultsLines(results).length > 0 ? [resultsLines(results).join('\n')] : []),
  ].join('\n\n');
}

/** ` in FOLDER` when another job has the same basename (a job is its folder + basename). */
function folderOf(model: BatchModel, job: ResolvedJob): string {
  return sharesBasename(model, job) ? ` in ${job.directory ? markdownCode(job.directory) : '(root)'}` : '';
}

function markdown(value: string, range: Hover['range']): Hover {
  return { contents: { kind: 'markdown', value }, range };
}
