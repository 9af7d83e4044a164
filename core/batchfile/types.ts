// Positions, ranges and diagnostics, shaped like the Language Server Protocol's so adapters pass them through.
import type { DiagnosticCode } from './codes.js';

/** 0-based line, 0-based UTF-16 column (JavaScript string index), as in LSP. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A piece of one line: its text and where it stands. */
export interface Span {
  readonly text: string;
  readonly line: number;
  /** First character (UTF-16 index in the line). */
  readonly start: number;
  /** One past the last character. */
  readonly end: number;
  readonly range: Range;
}

/** LSP's DiagnosticSeverity values. */
export const Severity = { Error: 1, Warning: 2, Information: 3, Hint: 4 } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  /** Machine-readable extras for quick fixes (e.g. the suggested replacement). */
  readonly data?: DiagnosticData;
}

export interface DiagnosticData {
  readonly suggestion?: string;
}

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export function lineRange(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

/**
 * Spans keep four plain fields and build their LSP range on demand: a 10,000-row file holds
 * hundreds of thousands of spans, and three objects less each keeps parsing fast and the heap small.
 */
class LineSpan implements Span {
  constructor(
    readonly text: string,
    readonly line: number,
    readonly start: number,
    readonly end: number,
  ) {}

  get range(): Range {
    return lineRange(this.line, this.start, this.end);
  }
}

export function spanOf(line: number, lineText: string, start: number, end: number): Span {
  return new LineSpan(lineText.slice(start, end), line, start, end);
}

export function containsPosition(range: Range, position: Position): boolean {
  if (position.line < range.start.line || position.line > range.end.line) return false;
  if (position.line === range.start.line && position.character < range.start.character) return false;
  if (position.line === range.end.line && position.character > range.end.character) return false;
  return true;
}
