// Parses a pipe cell (`coords{../opt,xtbopt.xyz};orbitals<../g,g.gbw>`) into commands with exact ranges.
import type { DiagnosticCode } from './codes.js';
import { PipeCommandNode } from './pipeCommand.js';
import type { Diagnostic, Range, Span } from './types.js';
import { Severity, lineRange } from './types.js';

export type PipeBracketStyle = 'brace' | 'angle';

export const PIPE_NAMES = ['coords', 'orbitals'] as const;
export type PipeName = (typeof PIPE_NAMES)[number];

export interface PipeCommand {
  /** The command without surrounding blanks. */
  readonly range: Range;
  /** The command's slot between separators, blanks included (what a removal deletes). */
  readonly slot: Range;
  /** Character of the `;` after the slot, when there is one. */
  readonly separatorAfter?: number;
  /** Character of the `;` before the slot, when there is one. */
  readonly separatorBefore?: number;
  readonly name: Span;
  /** `coords` or `orbitals` when the name is one of them (case-insensitive). */
  readonly kind?: PipeName;
  readonly open?: Span;
  readonly dir?: Span;
  readonly comma?: Span;
  readonly file?: Span;
  readonly close?: Span;
  readonly style?: PipeBracketStyle;
}

export interface ParsedPipeCell {
  readonly commands: PipeCommand[];
  readonly problems: Diagnostic[];
}

const CLOSING: Record<string, string> = { '{': '}', '<': '>' };

/** Shared by every pipe cell without problems (nearly all of them). */
const NO_PROBLEMS = Object.freeze([]) as unknown as Diagnostic[];

/** Shared by every row without pipes (most rows): nothing to allocate. */
export const EMPTY_PIPE_CELL: ParsedPipeCell = Object.freeze({ commands: Object.freeze([]) as unknown as PipeCommand[], problems: NO_PROBLEMS });

export function pipeKind(name: string): PipeName | undefined {
  const lower = name.toLowerCase();
  return (PIPE_NAMES as readonly string[]).includes(lower) ? (lower as PipeName) : undefined;
}

export function bracketsOf(style: PipeBracketStyle): [string, string] {
  return style === 'brace' ? ['{', '}'] : ['<', '>'];
}

/** Parses the cell `lineText[cellStart, cellEnd)` on `line`. Never throws. */
export function parsePipeCell(line: number, lineText: string, cellStart: number, cellEnd: number): ParsedPipeCell {
  if (isBlankRange(lineText, cellStart, cellEnd)) return EMPTY_PIPE_CELL;
  const commands: PipeCommand[] = [];
  const sink: ProblemSink = { line, text: lineText, problems: NO_PROBLEMS };

  // Slots between `;` separators; brackets never contain `;`, so this also recovers from a missing `}`.
  let slotStart = cellStart;
  let index = 0;
  for (let i = cellStart; i <= cellEnd; i++) {
    if (i !== cellEnd && lineText.charCodeAt(i) !== 59 /* ; */) continue;
    const isLast = i === cellEnd;
    const separatorBefore = index > 0 ? slotStart - 1 : undefined;
    const separatorAfter = isLast ? undefined : i;
    let start = slotStart;
    let end = i;
    while (start < end && isBlankAt(lineText, start)) start++;
    while (end > start && isBlankAt(lineText, end - 1)) end--;
    if (start === end) {
      const at = isLast ? (separatorBefore ?? slotStart) : slotStart;
      problem(
        sink,
        'pipe-empty-command',
        isLast ? 'Nothing follows the last `;` in the pipe.' : 'Empty pipe command between `;` separators.',
        at,
        isLast ? at + 1 : Math.max(i, slotStart + 1),
        isLast ? Severity.Warning : Severity.Error,
      );
    } else {
      commands.push(parseCommand(sink, start, end, slotStart, i, separatorBefore, separatorAfter));
    }
    slotStart = i + 1;
    index++;
  }
  // An exact-size copy: a pushed-to array keeps room for 17 elements, and a 10,000-row file has thousands of cells.
  return { commands: commands.slice(), problems: sink.problems };
}

/** Where a pipe cell's problems go; the array is created on the first problem (most cells have none). */
interface ProblemSink {
  readonly line: number;
  readonly text: string;
  problems: Diagnostic[];
}

function problem(sink: ProblemSink, code: DiagnosticCode, message: string, start: number, end: number, severity: Severity = Severity.Error): void {
  // Ranges widened to one character (a missing `,` at the end of the line) must still end inside the line.
  const length = sink.text.length;
  const clampedStart = Math.min(start, length);
  if (sink.problems === NO_PROBLEMS) sink.problems = [];
  sink.problems.push({ code, message, severity, range: lineRange(sink.line, clampedStart, Math.min(Math.max(end, clampedStart), length)) });
}

const PIPE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `{` and `<` open a command's bracket. */
function isOpening(code: number): boolean {
  return code === 123 || code === 60;
}

/** `}` and `>` close it. */
function isClosing(code: number): boolean {
  return code === 125 || code === 62;
}

function parseCommand(
  sink: ProblemSink,
  start: number,
  end: number,
  slotStart: number,
  slotEnd: number,
  separatorBefore: number | undefined,
  separatorAfter: number | undefined,
): PipeCommand {
  const { line, text } = sink;
  let openAt = -1;
  for (let i = start; i < end; i++) {
    if (isOpening(text.charCodeAt(i))) {
      openAt = i;
      break;
    }
  }
  const nameEnd = openAt === -1 ? end : openAt;
  // The name is the last word before the bracket; anything before it is stray text.
  let nameTextEnd = nameEnd;
  while (nameTextEnd > start && isBlankAt(text, nameTextEnd - 1)) nameTextEnd--;
  let nameStart = nameTextEnd;
  while (nameStart > start && !isBlankAt(text, nameStart - 1)) nameStart--;
  if (nameStart > start) {
    problem(sink, 'pipe-stray-text', `Unexpected text before the pipe command: \`${text.slice(start, nameStart).trim()}\`.`, start, nameStart);
  }
  const command = new PipeCommandNode(line, text, start, end, slotStart, slotEnd, nameStart, nameTextEnd);
  command.separatorAfter = separatorAfter;
  command.separatorBefore = separatorBefore;
  const name = command.nameText;
  command.kind = pipeKind(name);
  if (name === '') {
    problem(sink, 'pipe-missing-name', 'The pipe command has no name: expected `coords` or `orbitals` before the bracket.', start, openAt === -1 ? end : openAt + 1);
  } else if (command.kind === undefined && !PIPE_NAME_PATTERN.test(name)) {
    problem(sink, 'pipe-invalid-name', `\`${name}\` is not a pipe name: expected \`coords\` or \`orbitals\`.`, nameStart, nameTextEnd);
  }
  if (openAt === -1) {
    problem(sink, 'pipe-missing-bracket', `Expected \`{\` or \`<\` after \`${name}\`: a pipe is NAME{DIR,FILE} or NAME<DIR,FILE>.`, start, end);
    return command;
  }

  const openChar = text[openAt] as '{' | '<';
  const style: PipeBracketStyle = openChar === '{' ? 'brace' : 'angle';
  let closeAt = -1;
  for (let i = openAt + 1; i < end; i++) {
    const code = text.charCodeAt(i);
    if (isClosing(code) || isOpening(code)) {
      closeAt = i;
      break;
    }
  }
  let contentEnd = end;
  let hasClose = false;
  if (closeAt === -1 || isOpening(text.charCodeAt(closeAt))) {
    const expected = CLOSING[openChar];
    const at = closeAt === -1 ? end : closeAt;
    problem(sink, 'pipe-missing-bracket', `Missing closing \`${expected}\` for \`${openChar}\`.`, openAt, at);
    contentEnd = at;
  } else {
    contentEnd = closeAt;
    hasClose = true;
    if (text[closeAt] !== CLOSING[openChar]) {
      problem(sink, 'pipe-mismatched-bracket', `\`${openChar}\` is closed by \`${text[closeAt]}\`: expected \`${CLOSING[openChar]}\`.`, closeAt, closeAt + 1);
    }
    if (closeAt + 1 < end) {
      problem(sink, 'pipe-stray-text', `Unexpected text after the pipe command: \`${text.slice(closeAt + 1, end).trim()}\`. Separate commands with \`;\`.`, closeAt + 1, end);
    }
  }

  const contentStart = openAt + 1;
  let commaAt = -1;
  for (let i = contentStart; i < contentEnd; i++) {
    if (text.charCodeAt(i) === 44 /* , */) {
      commaAt = i;
      break;
    }
  }
  const dirEnd = commaAt === -1 ? contentEnd : commaAt;
  let dirStart = contentStart;
  let dirTextEnd = dirEnd;
  while (dirStart < dirTextEnd && isBlankAt(text, dirStart)) dirStart++;
  while (dirTextEnd > dirStart && isBlankAt(text, dirTextEnd - 1)) dirTextEnd--;
  if (commaAt === -1) {
    problem(sink, 'pipe-missing-comma', 'Missing `,` after the folder: a pipe is NAME{DIR,FILE} (FILE may be empty, the comma may not).', contentStart, Math.max(contentEnd, contentStart + 1));
  } else {
    let fileStart = commaAt + 1;
    let fileEnd = contentEnd;
    while (fileStart < fileEnd && isBlankAt(text, fileStart)) fileStart++;
    while (fileEnd > fileStart && isBlankAt(text, fileEnd - 1)) fileEnd--;
    command.commaAt = commaAt;
    command.fileStart = fileStart;
    command.fileEnd = fileEnd;
    const extra = text.indexOf(',', commaAt + 1);
    if (extra !== -1 && extra < fileEnd) {
      problem(sink, 'pipe-stray-text', 'A pipe takes one folder and one file: unexpected second `,`.', extra, contentEnd);
    }
  }
  if (dirStart === dirTextEnd) {
    problem(sink, 'pipe-empty-dir', 'The pipe\'s folder is empty: give the upstream job\'s folder relative to this job (e.g. `../opt`), or `./` for none.', openAt, (commaAt !== -1 ? commaAt : contentEnd) + (commaAt !== -1 ? 1 : 0));
  }
  command.openAt = openAt;
  command.dirStart = dirStart;
  command.dirEnd = dirTextEnd;
  if (hasClose) command.closeAt = closeAt;
  command.style = style;
  return command;
}

function isBlankRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlankAt(text, i)) return false;
  return true;
}

function isBlankAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code === 32 || code === 9;
}
