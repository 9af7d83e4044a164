// The compact pipe command behind the PipeCommand interface: character offsets only, spans built when asked for.
import type { ParsedPipeCell, PipeBracketStyle, PipeCommand, PipeName } from './pipes.js';
import type { Diagnostic, Range, Span } from './types.js';
import { lineRange, spanOf } from './types.js';

/** No such part (a command without a bracket, comma or closing bracket). */
export const ABSENT = -1;

/**
 * A pipe command as offsets into its line. A 10,000-row file holds over ten thousand commands; six spans and six
 * strings each made them the largest part of the parsed document, and most are never looked at.
 */
export class PipeCommandNode implements PipeCommand {
  separatorAfter: number | undefined = undefined;
  separatorBefore: number | undefined = undefined;
  kind: PipeName | undefined = undefined;
  style: PipeBracketStyle | undefined = undefined;
  openAt = ABSENT;
  closeAt = ABSENT;
  commaAt = ABSENT;
  dirStart = ABSENT;
  dirEnd = ABSENT;
  fileStart = ABSENT;
  fileEnd = ABSENT;

  constructor(
    /** The line of the row; fixed for this node (an edit above the row makes a moved copy). */
    readonly lineNumber: number,
    private readonly lineText: string,
    private readonly start: number,
    private readonly end: number,
    private readonly slotStart: number,
    private readonly slotEnd: number,
    private readonly nameStart: number,
    private readonly nameEnd: number,
  ) {}

  get range(): Range {
    return lineRange(this.lineNumber, this.start, this.end);
  }

  get slot(): Range {
    return lineRange(this.lineNumber, this.slotStart, this.slotEnd);
  }

  get name(): Span {
    return spanOf(this.lineNumber, this.lineText, this.nameStart, this.nameEnd);
  }

  /** The name's text without building its span. */
  get nameText(): string {
    return this.lineText.slice(this.nameStart, this.nameEnd);
  }

  get open(): Span | undefined {
    return this.charSpan(this.openAt);
  }

  get close(): Span | undefined {
    return this.charSpan(this.closeAt);
  }

  get comma(): Span | undefined {
    return this.charSpan(this.commaAt);
  }

  get dir(): Span | undefined {
    return this.dirStart === ABSENT ? undefined : spanOf(this.lineNumber, this.lineText, this.dirStart, this.dirEnd);
  }

  /** DIR's text without building its span ('' when the command has no bracket). */
  get dirText(): string {
    return this.dirStart === ABSENT ? '' : this.lineText.slice(this.dirStart, this.dirEnd);
  }

  get file(): Span | undefined {
    return this.fileStart === ABSENT ? undefined : spanOf(this.lineNumber, this.lineText, this.fileStart, this.fileEnd);
  }

  /** FILE's text without building its span ('' when there is none). */
  get fileText(): string {
    return this.fileStart === ABSENT ? '' : this.lineText.slice(this.fileStart, this.fileEnd);
  }

  /** This command on another line (the row moved when lines above it were added or removed). */
  movedTo(line: number): PipeCommandNode {
    const moved = new PipeCommandNode(line, this.lineText, this.start, this.end, this.slotStart, this.slotEnd, this.nameStart, this.nameEnd);
    moved.separatorAfter = this.separatorAfter;
    moved.separatorBefore = this.separatorBefore;
    moved.kind = this.kind;
    moved.style = this.style;
    moved.openAt = this.openAt;
    moved.closeAt = this.closeAt;
    moved.commaAt = this.commaAt;
    moved.dirStart = this.dirStart;
    moved.dirEnd = this.dirEnd;
    moved.fileStart = this.fileStart;
    moved.fileEnd = this.fileEnd;
    return moved;
  }

  private charSpan(at: number): Span | undefined {
    return at === ABSENT ? undefined : spanOf(this.lineNumber, this.lineText, at, at + 1);
  }
}

/** The same pipe cell on another line: commands and problems carry their line, so they are copied. */
export function movePipeCell(cell: ParsedPipeCell, line: number): ParsedPipeCell {
  const { commands, problems } = cell;
  if (commands.length === 0 && problems.length === 0) return cell;
  const movedCommands: PipeCommand[] = new Array<PipeCommand>(commands.length);
  for (let i = 0; i < commands.length; i++) movedCommands[i] = (commands[i] as PipeCommandNode).movedTo(line);
  return { commands: movedCommands, problems: problems.length === 0 ? problems : problems.map((problem) => moveDiagnostic(problem, line)) };
}

function moveDiagnostic(diagnostic: Diagnostic, line: number): Diagnostic {
  const { start, end } = diagnostic.range;
  return { ...diagnostic, range: lineRange(line, start.character, end.character) };
}
