// Applies LSP-style text edits to a string, for tests that check what an edit produces.
import type { TextEdit } from '../../core/batchfile/index.js';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) lineStarts.push(i + 1);
  }
  // Positions past a line's end clamp to it, as LSP says they must.
  const offset = (position: TextEdit['range']['start']): number => {
    const start = lineStarts[position.line];
    if (start === undefined) return text.length;
    const end = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1]! : text.length;
    return Math.min(start + position.character, end);
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  return result;
}
