// What the model derives from one row alone (names, resolved folder, pipe targets), cached on the row across versions.
import { posix } from 'node:path';
import { programById } from '../programs/catalog.js';
import type { ProgramInfo } from '../programs/catalog.js';
import type { JobRow } from './document.js';
import type { JobIndex, PipeLink, ResolvedJob } from './model.js';
import { JobRowNode } from './parser.js';
import type { PipeCommandNode } from './pipeCommand.js';
import type { PipeName } from './pipes.js';
import { resolveFrom } from './paths.js';

/** A PipeLink whose upstream the first model to use it may still fill in (nobody has seen it before). */
export interface DraftLink {
  readonly command: PipeLink['command'];
  readonly kind: PipeName;
  readonly noTransfer: boolean;
  readonly targetPath: string;
  readonly fileName: string;
  upstream: number | undefined;
}

/** Where the model and the rules find a row's values: the header's column indices (-1 when a column is missing). */
export interface ColumnIndices {
  readonly basename: number;
  readonly directory: number;
  readonly program: number;
  readonly cores: number;
  readonly memory: number;
  readonly walltime: number;
  readonly partition: number;
}

export interface RowFacts {
  /** What the facts were derived with: the resolution base and the header's column indices. */
  readonly base: string;
  readonly columns: ColumnIndices;
  readonly basename: string;
  readonly directory: string;
  readonly programName: string;
  readonly program: ProgramInfo | undefined;
  readonly path: string;
  /**
   * The pipes the model links, as the last model built them; `commandIndices[i]` is the command behind
   * `links[i]` (undefined when link i is command i). A model reuses the array while every upstream is unchanged.
   */
  links: readonly PipeLink[];
  readonly commandIndices: readonly number[] | undefined;
  /** True until a model has used `links`: until then it may set their upstream in place. */
  draft: boolean;
  /** The folder index `links` were last linked with: while a model reuses that index, the links stand. */
  linkedWith: JobIndex | undefined;
  /** The job the last model built from this row, reused while its index, row and links are the same. */
  job: ResolvedJob | undefined;
  /** The program's input file in the job folder: filled by the disk rule on first use (null: no known program). */
  inputPath: string | null | undefined;
  /** Whether every optional SLURM cell of the row is valid: filled by that rule on first use. */
  optionalCellsValid: boolean | undefined;
}

const NO_LINKS: readonly PipeLink[] = Object.freeze([]);

/**
 * The facts of `row` resolved against `base`. Rows are immutable and an edit keeps the rows it did not touch, so
 * after a keystroke only the edited row is derived again; the rest reuse their facts (a folder resolved once).
 */
export function rowFacts(row: JobRow, base: string, columns: ColumnIndices): RowFacts {
  if (row instanceof JobRowNode) {
    const cached = row.facts as RowFacts | undefined;
    if (cached !== undefined && cached.base === base && sameColumns(cached.columns, columns)) return cached;
    const facts = deriveFacts(row, base, columns);
    row.facts = facts;
    return facts;
  }
  return deriveFacts(row, base, columns);
}

function sameColumns(a: ColumnIndices, b: ColumnIndices): boolean {
  return (
    a === b ||
    (a.basename === b.basename &&
      a.directory === b.directory &&
      a.program === b.program &&
      a.cores === b.cores &&
      a.memory === b.memory &&
      a.walltime === b.walltime &&
      a.partition === b.partition)
  );
}

function deriveFacts(row: JobRow, base: string, columns: ColumnIndices): RowFacts {
  const directory = row.valueText(columns.directory);
  const path = directory === '' ? base : resolveFrom(base, directory);
  const programName = row.valueText(columns.program);
  const commands = row.pipe.commands;
  let links = NO_LINKS;
  let commandIndices: number[] | undefined;
  for (let index = 0; index < commands.length; index++) {
    const command = commands[index] as PipeCommandNode;
    const kind = command.kind;
    const dirText = command.dirText;
    if (!kind || dirText === '') {
      commandIndices ??= Array.from({ length: links.length }, (_, i) => i);
      continue;
    }
    const noTransfer = dirText === '.' || dirText === './';
    const targetPath = resolveFrom(path, dirText);
    const fileName = command.fileText || `${posix.basename(targetPath)}${kind === 'coords' ? '.xyz' : '.gbw'}`;
    if (links === NO_LINKS) links = [];
    const link: DraftLink = { command, kind, noTransfer, targetPath, fileName, upstream: undefined };
    (links as PipeLink[]).push(link);
    commandIndices?.push(index);
  }
  return {
    base,
    columns,
    basename: row.valueText(columns.basename),
    directory,
    programName,
    program: programOf(programName),
    path,
    links: links === NO_LINKS ? links : links.slice(),
    commandIndices,
    draft: true,
    linkedWith: undefined,
    job: undefined,
    inputPath: undefined,
    optionalCellsValid: undefined,
  };
}

/** Programs by the cell's text: a batch names a handful of programs over thousands of rows (the catalog is fixed). */
const programsByName = new Map<string, ProgramInfo | undefined>();

function programOf(name: string): ProgramInfo | undefined {
  if (programsByName.has(name)) return programsByName.get(name);
  const program = programById(name);
  // Cell texts are user text: a file of ever-new misspellings must not grow the map without bound.
  if (programsByName.size < 64) programsByName.set(name, program);
  return program;
}

/** `posix.join(folder, basename + input extension)` for a job with a known program, computed once per row. */
export function inputPathOf(facts: RowFacts): string | null {
  if (facts.inputPath === undefined) facts.inputPath = facts.program ? joinName(facts.path, `${facts.basename}${facts.program.inputExtension}`) : null;
  return facts.inputPath;
}

/**
 * `posix.join(folder, name)` for a resolved (normalised, absolute) folder: a plain name is appended as is, anything
 * else (a `/`, `.`, `..`) goes through posix.join's normalisation.
 */
function joinName(folder: string, name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) return posix.join(folder, name);
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}
