// What every geometry format shares: atoms, element symbols, coordinates as programs write them, the error.

/** One atom: its element (symbol or label, as written) and Cartesian coordinates in Ångström. */
export interface Atom {
  readonly element: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** A file that is not the geometry Batchman expects; the message says which line and why. */
export class GeometryError extends Error {
  override readonly name = 'GeometryError';
}

// Symbols by atomic number (index 0 is Gaussian's ghost atom, Bq).
const ELEMENTS = (
  'Bq H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
  'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu ' +
  'Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg ' +
  'Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og'
).split(' ');

/** The element symbol of an atomic number (`8` → `O`), undefined outside 0–118. */
export function elementSymbol(atomicNumber: number): string | undefined {
  return Number.isInteger(atomicNumber) ? ELEMENTS[atomicNumber] : undefined;
}

// A coordinate as programs write it: plain, exponent, or Fortran's `1.0D-05`.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;

/** A coordinate token as a number, undefined when it is not one. */
export function parseCoordinate(token: string): number | undefined {
  return NUMBER.test(token) ? Number(token.replace(/[dD]/, 'e')) : undefined;
}

/** `O      0.00000000     0.00000000     0.11926200`: the line both Gaussian and ORCA read. */
export function formatAtomLines(atoms: readonly Atom[]): string[] {
  return atoms.map((atom) => ` ${atom.element.padEnd(3)}${[atom.x, atom.y, atom.z].map(formatCoordinate).join('')}`);
}

function formatCoordinate(value: number): string {
  const text = value.toFixed(8);
  // A tiny negative value would print as -0.00000000, which reads oddly and diffs badly.
  return (text === '-0.00000000' ? '0.00000000' : text).padStart(15);
}

/** A line cut to a length that fits in an error message. */
export function clipForMessage(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
