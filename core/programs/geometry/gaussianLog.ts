// Gaussian logs: the orientation tables it prints at every step, the last geometry read from the tail (for a
// restart), and the final orientation as CCBatchMan takes it (for the next job).
import { open } from 'node:fs/promises';
import { findLast, readAt } from '../fileScan.js';
import { elementSymbol, parseCoordinate } from './atoms.js';
import type { Atom } from './atoms.js';

export type OrientationKind = 'input' | 'standard' | 'z-matrix';

export interface OrientationBlock {
  kind: OrientationKind;
  atoms: Atom[];
}

const ORIENTATION = /^\s*(Input|Standard|Z-Matrix) orientation:\s*$/;
const DASHES = /^\s*-{10,}\s*$/;

/**
 * The last geometry a Gaussian log printed: the last complete "Input orientation:" /
 * "Z-Matrix orientation:" / "Standard orientation:" table. Gaussian prints the input-frame table just
 * before the standard one at every step; the input frame is preferred because atom order and frame
 * then match the `.gjf` (ModRedundant lines keep meaning). A table cut off by a killed run is skipped
 * in favour of the one before. Undefined when the text holds none.
 */
export function lastGaussianGeometry(logText: string): Atom[] | undefined {
  return pickLast(gaussianOrientations(logText));
}

function pickLast(blocks: readonly OrientationBlock[]): Atom[] | undefined {
  const last = blocks.at(-1);
  if (!last) return undefined;
  const before = blocks.at(-2);
  if (last.kind === 'standard' && before && before.kind !== 'standard') return before.atoms;
  return last.atoms;
}

/** Every complete orientation table in a Gaussian log, in order. */
export function gaussianOrientations(logText: string): OrientationBlock[] {
  const lines = logText.split(/\r?\n/);
  const blocks: OrientationBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ORIENTATION.exec(lines[i]!);
    if (!match) continue;
    // Header: dashes, two title lines, dashes; then rows until dashes.
    let at = i + 1;
    let dashes = 0;
    while (at < lines.length && dashes < 2 && at <= i + 6) {
      if (DASHES.test(lines[at]!)) dashes++;
      at++;
    }
    if (dashes < 2) continue;
    const atoms: Atom[] = [];
    let complete = false;
    for (; at < lines.length; at++) {
      const line = lines[at]!;
      if (DASHES.test(line)) {
        complete = true;
        break;
      }
      // `1  8  0  0.000000  0.000000  0.119262` (G09/G16) or `1  8  0.000000 …` (older, no type column).
      const tokens = line.trim().split(/\s+/);
      if (tokens.length !== 5 && tokens.length !== 6) break;
      const symbol = elementSymbol(Number(tokens[1]));
      const [x, y, z] = tokens.slice(-3).map(parseCoordinate);
      if (symbol === undefined || x === undefined || y === undefined || z === undefined) break;
      atoms.push({ element: symbol, x, y, z });
    }
    if (complete && atoms.length > 0) {
      blocks.push({ kind: match[1]!.toLowerCase() as OrientationKind, atoms });
      i = at;
    }
  }
  return blocks;
}

/**
 * The last geometry of a Gaussian log on disk, reading backwards from the end in growing windows
 * (1 MiB, then ×4) so a multi-gigabyte log costs only its tail when the geometry is near the end.
 */
export async function readLastGaussianGeometry(path: string): Promise<Atom[] | undefined> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let window = Math.min(size, 1 << 20);
    for (;;) {
      const buffer = Buffer.alloc(window);
      const { bytesRead } = await handle.read(buffer, 0, window, size - window);
      let text = buffer.toString('utf8', 0, bytesRead);
      // Drop a partial first line (it could be half of an orientation header).
      if (window < size) text = text.slice(text.indexOf('\n') + 1);
      const blocks = gaussianOrientations(text);
      // A lone standard table may have its input-frame twin just before the window: look further.
      const lone = blocks.length === 1 && blocks[0]!.kind === 'standard';
      if (blocks.length > 0 && (!lone || window >= size)) return pickLast(blocks);
      if (window >= size) return undefined;
      window = Math.min(size, window * 4);
    }
  } finally {
    await handle.close();
  }
}

/** The headers CCBatchMan looks for: the Z-Matrix orientation is not among them. */
const FINAL_ORIENTATION_HEADERS = ['Input orientation:', 'Standard orientation:'];
const FIRST_BLOCK_BYTES = 64 * 1024;

/**
 * The geometry a finished Gaussian run ends with, as CCBatchMan reads it: the last "Input orientation:" or
 * "Standard orientation:" table of the log, whichever comes last (the standard one when Gaussian prints both). A
 * table cut off by a killed run is passed over for the one before. Found by reading backwards from the end and
 * then only that table, so a log of gigabytes costs its tail. Undefined when the log holds none.
 */
export async function readFinalGaussianOrientation(path: string): Promise<Atom[] | undefined> {
  let before: number | undefined;
  for (;;) {
    const at = await findLast(path, FINAL_ORIENTATION_HEADERS, before);
    if (at === undefined) return undefined;
    const atoms = await readOrientationAt(path, at);
    if (atoms) return atoms;
    before = at;
  }
}

// The table whose header starts at byte `at` (read in growing windows until it ends), undefined when it is broken.
async function readOrientationAt(path: string, at: number): Promise<Atom[] | undefined> {
  for (let bytes = FIRST_BLOCK_BYTES; ; bytes *= 4) {
    const { text, toEnd } = await readAt(path, at, bytes);
    const lines = text.split(/\r?\n/);
    // Header, dashes, two title lines, dashes, the atoms, dashes: the table ends at the third line of dashes.
    let dashes = 0;
    let end = -1;
    for (let i = 1; i < lines.length - (toEnd ? 0 : 1) && end === -1; i++) {
      if (DASHES.test(lines[i]!) && ++dashes === 3) end = i;
    }
    if (end === -1) {
      if (toEnd) return undefined;
      continue;
    }
    const blocks = gaussianOrientations(lines.slice(0, end + 1).join('\n'));
    return blocks.length === 1 ? blocks[0]!.atoms : undefined;
  }
}
