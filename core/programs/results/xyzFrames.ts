// Multi-frame XYZ files (xTB's xtbopt.log trajectory, CREST's crest_conformers.xyz) streamed frame by frame.
import type { ResultAtom } from '../../results/types.js';
import { forEachLine, numberOf, tokens } from './outputLines.js';

export interface XyzFrameRead {
  readonly comment: string;
  readonly atoms: ResultAtom[];
}

/** The largest frame read; a count above it is not an XYZ header. */
const MAX_ATOMS = 100_000;

/**
 * Calls `onFrame` for each whole frame in file order; a frame cut short or malformed ends the read (what came before
 * it stands). Only one frame is held at a time.
 */
export async function forEachXyzFrame(path: string, onFrame: (frame: XyzFrameRead) => void): Promise<{ broken: boolean }> {
  let expected = -1;
  let comment: string | undefined;
  let atoms: ResultAtom[] = [];
  let broken = false;
  await forEachLine(path, (line) => {
    if (broken) return;
    if (expected < 0) {
      if (line.trim() === '') return;
      const count = Number(line.trim());
      if (!Number.isInteger(count) || count <= 0 || count > MAX_ATOMS) {
        broken = true;
        return;
      }
      expected = count;
      comment = undefined;
      atoms = [];
      return;
    }
    if (comment === undefined) {
      comment = line;
      return;
    }
    const parts = tokens(line);
    const [x, y, z] = parts.slice(1, 4).map(numberOf);
    if (parts.length < 4 || x == null || y == null || z == null) {
      broken = true;
      return;
    }
    atoms.push({ element: parts[0]!, x, y, z });
    if (atoms.length === expected) {
      onFrame({ comment, atoms });
      expected = -1;
    }
  });
  return { broken: broken || expected >= 0 };
}
