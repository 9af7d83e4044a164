// Splits text into lines the way LSP counts them (\r\n, \r and \n all end a line).

export interface SourceLine {
  readonly text: string;
  /** The line terminator that follows it ('' for the last line). */
  readonly eol: string;
}

export function splitLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 13 /* \r */) {
      const eol = text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
      lines.push({ text: text.slice(start, i), eol });
      i += eol.length - 1;
      start = i + 1;
    } else if (code === 10 /* \n */) {
      lines.push({ text: text.slice(start, i), eol: '\n' });
      start = i + 1;
    }
  }
  lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** Blank lines and `#` comments carry no data. */
export function isIgnorableLine(text: string): boolean {
  // Most lines start with a printable ASCII character other than `#`: no need to trim them.
  const first = text.charCodeAt(0);
  if (first > 32 && first < 127 && first !== 35) return false;
  const trimmed = text.trim();
  return trimmed === '' || trimmed.startsWith('#');
}
