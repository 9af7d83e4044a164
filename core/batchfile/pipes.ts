// Parses a pipe cell (`coords{../opt,xtbopt.xyz};orbitals<../g,g.gbw>`) into commands with exact ranges.
import type { DiagnosticCode } from './codes.js';
import type { Diagnostic, Range, Span } from './types.js';
import { Severity, lineRange, spanOf } from './types.js';

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

/** Mutable while parseCommand fills it in; everyone else sees the readonly PipeCommand. */
class PipeCommandNode implements PipeCommand {
  separatorAfter: number | undefined = undefined;
  separatorBefore: number | undefined = undefined;
  kind: PipeName | undefined = undefined;
  open: Span | undefined = undefined;
  dir: Span | undefined = undefined;
  comma: Span | undefined = undefined;
  file: Span | undefined = undefined;
  close: Span | undefined = undefined;
  style: PipeBracketStyle | undefined = undefined;

  constructor(
    readonly name: Span,
    private readonly line: number,
    private readonly start: number,
    private readonly end: number,
    private readonly slotStart: number,
    private readonly slotEnd: number,
  ) {}

  get range(): Range {
    return lineRange(this.line, this.start, this.end);
  }

  get slot(): Range {
    return lineRange(this.line, this.slotStart, this.slotEnd);
  }
}

export interface ParsedPipeCell {
  readonly commands: PipeCommand[];
  readonly problems: Diagnostic[];
}

const CLOSING: Record<string, string> = { '{': '}', '<': '>' };

/** Shared by every row without pipes (most rows): nothing to allocate. */
export const EMPTY_PIPE_CELL: ParsedPipeCell = Object.freeze({ commands: Object.freeze([]) as unknown as PipeCommand[], problems: Object.freeze([]) as unknown as Diagnostic[] });

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
  const problems: Diagnostic[] = [];
  const problem = (code: DiagnosticCode, message: string, start: number, end: number, severity: Severity = Severity.Error): void => {
    // Ranges widened to one character (a missing `,` at the end of the line) must still end inside the line.
    const clampedStart = Math.min(start, lineText.length);
    problems.push({ code, message, severity, range: lineRange(line, clampedStart, Math.min(Math.max(end, clampedStart), lineText.length)) });
  };

  // Slots between `;` separators; brackets never contain `;`, so this also recovers from a missing `}`.
  const slots: { start: number; end: number }[] = [];
  let slotStart = cellStart;
  for (let i = cellStart; i <= cellEnd; i++) {
    if (i === cellEnd || lineText[i] === ';') {
      slots.push({ start: slotStart, end: i });
      slotStart = i + 1;
    }
  }

  slots.forEach((slot, index) => {
    const separatorBefore = index > 0 ? slot.start - 1 : undefined;
    const separatorAfter = index < slots.length - 1 ? slot.end : undefined;
    let start = slot.start;
    let end = slot.end;
    while (start < end && isBlank(lineText[start])) start++;
    while (end > start && isBlank(lineText[end - 1])) end--;
    if (start === end) {
      const isTrailing = index === slots.length - 1;
      const at = isTrailing ? (separatorBefore ?? slot.start) : slot.start;
      problem(
        'pipe-empty-command',
        isTrailing ? 'Nothing follows the last `;` in the pipe.' : 'Empty pipe command between `;` separators.',
        at,
        isTrailing ? at + 1 : Math.max(slot.end, slot.start + 1),
        isTrailing ? Severity.Warning : Severity.Error,
      );
      return;
    }
    commands.push(parseCommand(line, lineText, start, end, { start: slot.start, end: slot.end }, separatorBefore, separatorAfter, problem));
  });
  return { commands, problems };
}

type ProblemSink = (code: DiagnosticCode, message: string, start: number, end: number, severity?: Severity) => void;

function parseCommand(
  line: number,
  text: string,
  start: number,
  end: number,
  slot: { start: number; end: number },
  separatorBefore: number | undefined,
  separatorAfter: number | undefined,
  problem: ProblemSink,
): PipeCommand {
  let openAt = -1;
  for (let i = start; i < end; i++) {
    if (text[i] === '{' || text[i] === '<') {
      openAt = i;
      break;
    }
  }
  const nameEnd = openAt === -1 ? end : openAt;
  // The name is the last word before the bracket; anything before it is stray text.
  let nameTextEnd = nameEnd;
  while (nameTextEnd > start && isBlank(text[nameTextEnd - 1])) nameTextEnd--;
  let nameStart = nameTextEnd;
  while (nameStart > start && !isBlank(text[nameStart - 1])) nameStart--;
  if (nameStart > start) {
    problem('pipe-stray-text', `Unexpected text before the pipe command: \`${text.slice(start, nameStart).trim()}\`.`, start, nameStart);
  }
  const name = spanOf(line, text, nameStart, nameTextEnd);
  const command = new PipeCommandNode(name, line, start, end, slot.start, slot.end);
  command.separatorAfter = separatorAfter;
  command.separatorBefore = separatorBefore;
  command.kind = pipeKind(name.text);
  if (name.text === '') {
    problem('pipe-missing-name', 'The pipe command has no name: expected `coords` or `orbitals` before the bracket.', start, openAt === -1 ? end : openAt + 1);
  } else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name.text)) {
    problem('pipe-invalid-name', `\`${name.text}\` is not a pipe name: expected \`coords\` or \`orbitals\`.`, nameStart, nameTextEnd);
  }
  if (openAt === -1) {
    problem('pipe-missing-bracket', `Expected \`{\` or \`<\` after \`${name.text}\`: a pipe is NAME{DIR,FILE} or NAME<DIR,FILE>.`, start, end);
    return command;
  }

  const openChar = text[openAt] as '{' | '<';
  const style: PipeBracketStyle = openChar === '{' ? 'brace' : 'angle';
  const open = spanOf(line, text, openAt, openAt + 1);
  let closeAt = -1;
  for (let i = openAt + 1; i < end; i++) {
    if (text[i] === '}' || text[i] === '>' || text[i] === '{' || text[i] === '<') {
      closeAt = i;
      break;
    }
  }
  let contentEnd = end;
  let close: Span | undefined;
  if (closeAt === -1 || text[closeAt] === '{' || text[closeAt] === '<') {
    const expected = CLOSING[openChar];
    const at = closeAt === -1 ? end : closeAt;
    problem('pipe-missing-bracket', `Missing closing \`${expected}\` for \`${openChar}\`.`, openAt, at);
    contentEnd = at;
  } else {
    contentEnd = closeAt;
    close = spanOf(line, text, closeAt, closeAt + 1);
    if (text[closeAt] !== CLOSING[openChar]) {
      problem('pipe-mismatched-bracket', `\`${openChar}\` is closed by \`${text[closeAt]}\`: expected \`${CLOSING[openChar]}\`.`, closeAt, closeAt + 1);
    }
    if (closeAt + 1 < end) {
      problem('pipe-stray-text', `Unexpected text after the pipe command: \`${text.slice(closeAt + 1, end).trim()}\`. Separate commands with \`;\`.`, closeAt + 1, end);
    }
  }

  const contentStart = openAt + 1;
  let commaAt = -1;
  for (let i = contentStart; i < contentEnd; i++) {
    if (text[i] === ',') {
      commaAt = i;
      break;
    }
  }
  const dirEnd = commaAt === -1 ? contentEnd : commaAt;
  const dir = trimmedSpan(line, text, contentStart, dirEnd);
  const comma = commaAt === -1 ? undefined : spanOf(line, text, commaAt, commaAt + 1);
  const file = commaAt === -1 ? undefined : trimmedSpan(line, text, commaAt + 1, contentEnd);
  if (commaAt === -1) {
    problem('pipe-missing-comma', 'Missing `,` after the folder: a pipe is NAME{DIR,FILE} (FILE may be empty, the comma may not).', contentStart, Math.max(contentEnd, contentStart + 1));
  } else if (file !== undefined && file.text.includes(',')) {
    const extra = text.indexOf(',', commaAt + 1);
    problem('pipe-stray-text', 'A pipe takes one folder and one file: unexpected second `,`.', extra, contentEnd);
  }
  if (dir.text === '') {
    problem('pipe-empty-dir', 'The pipe\'s folder is empty: give the upstream job\'s folder relative to this job (e.g. `../opt`), or `./` for none.', openAt, (comma ? commaAt : contentEnd) + (comma ? 1 : 0));
  }
  command.open = open;
  command.dir = dir;
  command.comma = comma;
  command.file = file;
  command.close = close;
  command.style = style;
  return command;
}

function trimmedSpan(line: number, text: string, start: number, end: number): Span {
  let s = start;
  let e = end;
  while (s < e && isBlank(text[s])) s++;
  while (e > s && isBlank(text[e - 1])) e--;
  return spanOf(line, text, s, e);
}

function isBlankRange(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isBlank(text[i])) return false;
  return true;
}

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}
