// The molecules of a new batch: `.xyz` files, folders of them, multi-frame files (one molecule per frame), each with
// its charge and multiplicity (flags, else the comment line, else 0/1) checked against its electron count.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { GeometryError, elementSymbol } from '../programs/geometry/atoms.js';
import type { Atom } from '../programs/geometry/atoms.js';
import { parseXyzFrames } from '../programs/geometry/xyz.js';

export interface Molecule {
  /** Its folder's name: the file's name without `.xyz`, `_N` for frame N of a multi-frame file. */
  readonly name: string;
  readonly atoms: readonly Atom[];
  readonly charge: number;
  readonly multiplicity: number;
  /** Where charge and multiplicity came from, for the plan: `flags`, `comment`, `default` (each value its own). */
  readonly chargeFrom: ChargeSource;
  readonly multiplicityFrom: ChargeSource;
  /** The file it was read from, and its frame (1-based) when the file holds several. */
  readonly source: string;
  readonly frame?: number;
}

export type ChargeSource = 'flag' | 'comment' | 'default';

/** A structure the batch cannot be made from (unreadable, not XYZ, impossible charge and multiplicity); nothing is written. */
export class StructureError extends Error {
  override readonly name = 'StructureError';
}

/** A path that does not exist or holds no `.xyz` file: a mistake on the command line. */
export class StructurePathError extends Error {
  override readonly name = 'StructurePathError';
}

export interface ChargeFlags {
  readonly charge?: number;
  readonly multiplicity?: number;
}

/** Every molecule of the given paths, in order (a folder's files sorted by name); names must be unique. */
export async function readStructures(paths: readonly string[], flags: ChargeFlags = {}): Promise<Molecule[]> {
  const molecules: Molecule[] = [];
  for (const path of paths) {
    for (const file of await xyzFilesOf(path)) molecules.push(...moleculesOf(await readFile(file, 'utf8'), file, flags));
  }
  const seen = new Map<string, Molecule>();
  for (const molecule of molecules) {
    const earlier = seen.get(molecule.name);
    if (earlier) throw new StructureError(`two structures would both be molecule "${molecule.name}": ${describeSource(earlier)} and ${describeSource(molecule)}; rename one`);
    seen.set(molecule.name, molecule);
  }
  return molecules;
}

/** The molecules of one XYZ text: one, or one per frame (`NAME_1`, `NAME_2`…). */
export function moleculesOf(text: string, file: string, flags: ChargeFlags = {}): Molecule[] {
  let frames;
  try {
    frames = parseXyzFrames(text, file);
  } catch (error) {
    if (error instanceof GeometryError) throw new StructureError(error.message);
    throw error;
  }
  const stem = moleculeName(basename(file, extname(file)));
  return frames.map((frame, index) => {
    const fromComment = chargeFromComment(frame.comment);
    const charge = flags.charge ?? fromComment.charge;
    const multiplicity = flags.multiplicity ?? fromComment.multiplicity;
    const molecule: Molecule = {
      name: frames.length === 1 ? stem : `${stem}_${index + 1}`,
      atoms: frame.atoms,
      charge: charge ?? 0,
      multiplicity: multiplicity ?? 1,
      chargeFrom: flags.charge !== undefined ? 'flag' : charge !== undefined ? 'comment' : 'default',
      multiplicityFrom: flags.multiplicity !== undefined ? 'flag' : multiplicity !== undefined ? 'comment' : 'default',
      source: file,
      ...(frames.length === 1 ? {} : { frame: index + 1 }),
    };
    const problem = spinProblem(molecule.atoms, molecule.charge, molecule.multiplicity);
    if (problem) throw new StructureError(`${describeSource(molecule)} (molecule ${molecule.name}): ${problem}`);
    return molecule;
  });
}

/** `charge=1 mult=2` (also `multiplicity=`, `spin=`, `:` for `=`, any case) in an XYZ comment line. */
export function chargeFromComment(comment: string): { charge?: number; multiplicity?: number } {
  const charge = /(?:^|[\s,;])(?:charge|chrg)\s*[=:]\s*([+-]?\d+)\b/i.exec(comment)?.[1];
  const multiplicity = /(?:^|[\s,;])(?:mult|multiplicity|spin)\s*[=:]\s*(\d+)\b/i.exec(comment)?.[1];
  return { ...(charge !== undefined ? { charge: Number(charge) } : {}), ...(multiplicity !== undefined ? { multiplicity: Number(multiplicity) } : {}) };
}

/**
 * Why a charge and multiplicity cannot be (an unknown element, too few electrons, a parity that does not match the
 * electron count); undefined when they can.
 */
export function spinProblem(atoms: readonly Atom[], charge: number, multiplicity: number): string | undefined {
  let protons = 0;
  for (const atom of atoms) {
    const z = atomicNumber(atom.element);
    if (z === undefined) return `"${atom.element}" is not an element`;
    protons += z;
  }
  const electrons = protons - charge;
  if (!Number.isInteger(multiplicity) || multiplicity < 1) return `multiplicity ${multiplicity} is not possible (it is 1 or more)`;
  if (electrons < 0) return `charge ${charge} leaves ${electrons} electrons`;
  const unpaired = multiplicity - 1;
  if (unpaired > electrons) return `multiplicity ${multiplicity} needs ${unpaired} unpaired electrons, it has ${electrons} electrons`;
  if ((electrons - unpaired) % 2 !== 0) {
    return `charge ${charge} and multiplicity ${multiplicity} are impossible together: ${electrons} electrons (an ${electrons % 2 === 0 ? 'even' : 'odd'} number) need an ${electrons % 2 === 0 ? 'odd multiplicity (1, 3…)' : 'even multiplicity (2, 4…)'}`;
  }
  return undefined;
}

const ATOMIC_NUMBERS: ReadonlyMap<string, number> = new Map(
  Array.from({ length: 119 }, (_, z) => [elementSymbol(z)!.toLowerCase(), z] as const).filter(([symbol]) => symbol !== 'bq'),
);

/** `C`, `c`, `CL`, `C1`, `Cl2` (labels with numbers) → the atomic number; undefined when it is no element. */
export function atomicNumber(element: string): number | undefined {
  const symbol = /^[A-Za-z]{1,2}/.exec(element)?.[0]?.toLowerCase();
  if (symbol === undefined) return undefined;
  return ATOMIC_NUMBERS.get(symbol) ?? (symbol.length === 2 ? ATOMIC_NUMBERS.get(symbol[0]!) : undefined);
}

/** A file name made into a folder name every program and CCBatchMan take: other characters become `_`. */
export function moleculeName(stem: string): string {
  const name = stem.replace(/[^A-Za-z0-9_.+-]/g, '_').replace(/^[._+-]+/, '');
  return name === '' ? 'molecule' : name;
}

function describeSource(molecule: Molecule): string {
  return molecule.frame === undefined ? molecule.source : `${molecule.source} frame ${molecule.frame}`;
}

async function xyzFilesOf(path: string): Promise<string[]> {
  let kind;
  try {
    kind = await stat(path);
  } catch {
    throw new StructurePathError(`cannot read ${path}: no such file or folder`);
  }
  if (kind.isFile()) return [path];
  if (!kind.isDirectory()) throw new StructurePathError(`${path} is neither a file nor a folder`);
  const names = (await readdir(path)).filter((name) => name.toLowerCase().endsWith('.xyz')).sort();
  if (names.length === 0) throw new StructurePathError(`${path} holds no .xyz file`);
  return names.map((name) => join(path, name));
}
