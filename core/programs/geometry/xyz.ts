// XYZ files: every frame of a file or trajectory, and one frame written out.
import { GeometryError, clipForMessage, elementSymbol, formatAtomLines, parseCoordinate } from './atoms.js';
import type { Atom } from './atoms.js';

/** One frame of an XYZ file. */
export interface XyzFrame {
  readonly atoms: readonly Atom[];
  /** The second line (free text: energies, titles…). */
  readonly comment: string;
  /** The frame exactly as written (count line to last atom line, each line ending in `\n`). */
  readonly text: string;
}

/**
 * Every frame of an XYZ file (trajectories such as `xtbopt.log` and `crest_conformers.xyz` hold
 * many). Each atom line is `ELEMENT X Y Z`, extra columns allowed; an atomic number in place of the
 * symbol is turned into the symbol. Blank lines after the last frame are fine; anything else that
 * is not a frame throws a GeometryError naming the line.
 */
export function parseXyzFrames(text: string, file = 'XYZ file', options: XyzOptions = {}): XyzFrame[] {
  const lines = text.split('\n');
  const frames: XyzFrame[] = [];
  let i = 0;
  for (;;) {
    const at = i;
    try {
      const frame = parseFrameAt(lines, i, file);
      if (!frame) break;
      frames.push(frame.frame);
      i = frame.next;
    } catch (error) {
      // A trajectory cut by a killed run: the complete frames before the cut are good.
      if (options.truncatedTail && frames.length > 0 && error instanceof GeometryError && reachesEnd(lines, at)) break;
      throw error;
    }
  }
  if (frames.length === 0) throw new GeometryError(`${file} holds no geometry`);
  return frames;
}

export interface XyzOptions {
  /** Accept an incomplete last frame (a trajectory being written when the job was killed) and drop it. */
  truncatedTail?: boolean;
}

// True when the broken frame at `from` reaches the end of the file: a cut tail, not a broken middle.
function reachesEnd(lines: readonly string[], from: number): boolean {
  let lastLine = lines.length - 1;
  while (lastLine >= 0 && lines[lastLine]!.trim() === '') lastLine--;
  let countAt = from;
  while (countAt < lines.length && lines[countAt]!.trim() === '') countAt++;
  const count = Number(lines[countAt]?.trim());
  if (!Number.isInteger(count) || count <= 0) return countAt >= lastLine;
  return countAt + 1 + count >= lastLine;
}

function parseFrameAt(lines: readonly string[], from: number, file: string): { frame: XyzFrame; next: number } | undefined {
  let i = from;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i >= lines.length) return undefined;
  const countLine = lines[i]!.trim();
  if (!/^\d+$/.test(countLine)) {
    throw new GeometryError(`${file}, line ${i + 1}: expected the number of atoms, found "${clipForMessage(countLine)}"`);
  }
  const count = Number(countLine);
  if (count === 0) throw new GeometryError(`${file}, line ${i + 1}: a frame with no atoms`);
  if (i + 1 + count >= lines.length) {
    throw new GeometryError(`${file}, line ${i + 1}: ${count} atoms announced, the file ends before them`);
  }
  const comment = lines[i + 1]!.replace(/\r$/, '');
  const atoms: Atom[] = [];
  for (let n = 0; n < count; n++) {
    const at = i + 2 + n;
    const atom = parseAtomTokens(lines[at]!.trim().split(/\s+/));
    if (!atom) throw new GeometryError(`${file}, line ${at + 1}: expected "ELEMENT X Y Z", found "${clipForMessage(lines[at]!.trim())}"`);
    atoms.push(atom);
  }
  const end = i + 2 + count;
  return { frame: { atoms, comment, text: lines.slice(i, end).map((line) => `${line}\n`).join('') }, next: end };
}

/** The first frame of an XYZ file (for CREST's sorted conformers, the lowest in energy). */
export function parseXyz(text: string, file?: string): XyzFrame {
  return parseXyzFrames(text, file)[0]!;
}

/** An XYZ file of one frame. The comment is flattened to one line. */
export function formatXyz(atoms: readonly Atom[], comment = ''): string {
  return `${atoms.length}\n${comment.replace(/[\r\n]+/g, ' ')}\n${formatAtomLines(atoms).join('\n')}\n`;
}

function parseAtomTokens(tokens: readonly string[]): Atom | undefined {
  if (tokens.length < 4) return undefined;
  const [first, xs, ys, zs] = tokens as [string, string, string, string];
  const [x, y, z] = [parseCoordinate(xs), parseCoordinate(ys), parseCoordinate(zs)];
  if (x === undefined || y === undefined || z === undefined) return undefined;
  let element = first;
  if (/^\d+$/.test(first)) {
    const symbol = elementSymbol(Number(first));
    if (symbol === undefined) return undefined;
    element = symbol;
  } else if (!/^[A-Za-z]/.test(first)) {
    return undefined;
  }
  return { element, x, y, z };
}
