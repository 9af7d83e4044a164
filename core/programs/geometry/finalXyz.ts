// The final geometry file as CCBatchMan writes it after a Gaussian optimisation (`{basename}.xyz`).
import { join } from 'node:path';
import { writeFileAtomic } from '../../fsAtomic.js';
import type { Atom } from './atoms.js';

/**
 * An XYZ file as CCBatchMan's `extract_final_coordinates` writes it: the atom count, `Final coordinates from
 * {basename} optimization`, then `SYMBOL  X  Y  Z` with six decimals and two spaces between.
 */
export function finalGeometryXyz(atoms: readonly Atom[], basename: string): string {
  const lines = atoms.map((atom) => [atom.element, ...[atom.x, atom.y, atom.z].map(sixDecimals)].join('  '));
  return `${atoms.length}\nFinal coordinates from ${basename} optimization\n${lines.join('\n')}\n`;
}

// Python's `f"{x:.6f}"`, which keeps the sign of a negative zero.
function sixDecimals(value: number): string {
  return Object.is(value, -0) ? '-0.000000' : value.toFixed(6);
}

/** Writes `atoms` as the job's final geometry file, atomically; returns its path. */
export async function writeFinalGeometryFile(directory: string, fileName: string, atoms: readonly Atom[], basename: string): Promise<string> {
  const path = join(directory, fileName);
  await writeFileAtomic(path, finalGeometryXyz(atoms, basename));
  return path;
}
