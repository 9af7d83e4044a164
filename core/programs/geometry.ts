// Molecular geometries: XYZ files, Gaussian and ORCA input geometry rewriting, Gaussian log orientations.
import { open } from 'node:fs/promises';

/** One atom: its element (symbol or label, as written) and Cartesian coordinates in Ångström. */
export interface Atom {
  readonly element: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** One frame of an XYZ file. */
export interface XyzFrame {
  readonly atoms: readonly Atom[];
  /** The second line (free text: energies, titles…). */
  readonly comment: string;
  /** The frame exactly as written (count line to last atom line, each line ending in `\n`). */
  readonly text: string;
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

function parseNumber(token: string): number | undefined {
  return NUMBER.test(token) ? Number(token.replace(/[dD]/, 'e')) : undefined;
}

// ---------------------------------------------------------------------------------------------- XYZ

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
    throw new GeometryError(`${file}, line ${i + 1}: expected the number of atoms, found "${clip(countLine)}"`);
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
    if (!atom) throw new GeometryError(`${file}, line ${at + 1}: expected "ELEMENT X Y Z", found "${clip(lines[at]!.trim())}"`);
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

/** `O      0.00000000     0.00000000     0.11926200`: the line both Gaussian and ORCA read. */
export function formatAtomLines(atoms: readonly Atom[]): string[] {
  return atoms.map((atom) => ` ${atom.element.padEnd(3)}${[atom.x, atom.y, atom.z].map(formatCoordinate).join('')}`);
}

function formatCoordinate(value: number): string {
  const text = value.toFixed(8);
  // A tiny negative value would print as -0.00000000, which reads oddly and diffs badly.
  return (text === '-0.00000000' ? '0.00000000' : text).padStart(15);
}

function parseAtomTokens(tokens: readonly string[]): Atom | undefined {
  if (tokens.length < 4) return undefined;
  const [first, xs, ys, zs] = tokens as [string, string, string, string];
  const [x, y, z] = [parseNumber(xs), parseNumber(ys), parseNumber(zs)];
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

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// ----------------------------------------------------------------------------------------- Gaussian

const LINK1 = /^\s*--link1--\s*$/i;
const CHARGE_MULTIPLICITY = /^\s*[+-]?\d+(?:[\s,]+[+-]?\d+)+\s*$/;

/**
 * Puts `atoms` into a Gaussian input (`.gjf`) as Cartesian coordinates. In each `--Link1--` step that
 * has its own molecule specification, the lines after the charge/multiplicity line up to the blank
 * line are replaced; Link 0 lines, the route, the title, the charge/multiplicity line and whatever
 * follows the geometry (basis sets, ModRedundant, Gen, PCM sections) are kept byte for byte. Steps that
 * read the geometry from the checkpoint (`Geom=Check`, `Geom=AllCheck`) are left alone: they follow
 * the earlier step. Throws a GeometryError for inputs where one geometry cannot be substituted
 * (a Z-matrix, `Opt=QST2/QST3`, no charge/multiplicity line, no step with a geometry).
 * Line endings (LF or CRLF) are kept. Replacing twice with the same atoms changes nothing.
 */
export function replaceGaussianGeometry(gjf: string, atoms: readonly Atom[], file = 'Gaussian input'): string {
  const eol = gjf.includes('\r\n') ? '\r\n' : '\n';
  const lines = gjf.split(/\r?\n/);
  const out: string[] = [];
  let replaced = 0;
  let start = 0;
  let stepNumber = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i < lines.length && !LINK1.test(lines[i]!)) continue;
    const last = i === lines.length;
    stepNumber++;
    const step = replaceInStep(lines.slice(start, i), atoms, last, `${file}, step ${stepNumber}`);
    if (step.replaced) replaced++;
    out.push(...step.lines);
    if (!last) out.push(lines[i]!);
    start = i + 1;
  }
  if (replaced === 0) throw new GeometryError(`${file}: no step has a molecule specification to replace (all read it from the checkpoint?)`);
  return out.join(eol);
}

function replaceInStep(lines: string[], atoms: readonly Atom[], lastStep: boolean, where: string): { lines: string[]; replaced: boolean } {
  const unchanged = { lines, replaced: false };
  const routeStart = lines.findIndex((line) => line.trimStart().startsWith('#'));
  if (routeStart === -1) return unchanged;
  let routeEnd = routeStart;
  while (routeEnd < lines.length && lines[routeEnd]!.trim() !== '') routeEnd++;
  const route = lines.slice(routeStart, routeEnd).join(' ');
  const geom = /\bgeom(?:etry)?\s*[=(]\s*(\([^)]*\)|[^\s/]+)/i.exec(route)?.[1]?.toLowerCase() ?? '';
  if (/check/.test(geom)) return unchanged;
  if (/\bopt\w*\s*[=(][^\s]*\bqst[23]\b/i.test(route)) {
    throw new GeometryError(`${where}: Opt=QST2/QST3 takes several geometries; a coords pipe gives one`);
  }

  let at = skipBlank(lines, routeEnd);
  if (at >= lines.length) throw new GeometryError(`${where}: the title section is missing after the route`);
  while (at < lines.length && lines[at]!.trim() !== '') at++; // the title, possibly several lines
  const chargeAt = skipBlank(lines, at);
  if (chargeAt >= lines.length || !CHARGE_MULTIPLICITY.test(lines[chargeAt]!)) {
    throw new GeometryError(`${where}: expected the charge and multiplicity line after the title`);
  }
  let geometryEnd = chargeAt + 1;
  while (geometryEnd < lines.length && lines[geometryEnd]!.trim() !== '') geometryEnd++;
  for (let i = chargeAt + 1; i < geometryEnd; i++) {
    if (!isCartesianLine(lines[i]!)) {
      throw new GeometryError(
        `${where}, "${clip(lines[i]!.trim())}": the geometry is not in Cartesian coordinates (a Z-matrix?); a coords pipe can only replace Cartesian coordinates`,
      );
    }
  }
  let rest = lines.slice(geometryEnd);
  // Gaussian ends the molecule specification at a blank line; make sure one follows the new atoms.
  if (lastStep && rest.every((line) => line.trim() === '') && rest.length < 2) rest = ['', ''];
  if (!lastStep && rest.length === 0) rest = [''];
  return { lines: [...lines.slice(0, chargeAt + 1), ...formatAtomLines(atoms), ...rest], replaced: true };
}

function skipBlank(lines: readonly string[], from: number): number {
  let at = from;
  while (at < lines.length && lines[at]!.trim() === '') at++;
  return at;
}

// `C 0.0 0.0 0.0`, `C1 ...`, `C(Fragment=1) ...`, `C 0 x y z` (freeze code), `6 x y z`, comma separated.
function isCartesianLine(line: string): boolean {
  const tokens = line.trim().split(/[\s,]+/);
  if (tokens.length < 4) return false;
  if (!/^(?:[A-Za-z]|\d+$)/.test(tokens[0]!)) return false;
  return tokens.slice(-3).every((token) => parseNumber(token) !== undefined);
}

// ---------------------------------------------------------------------------------------------- ORCA

// `* xyz 0 1`, `*xyz 0 1`, `* xyzfile 0 1 mol.xyz`, `* int 0 1`, `* gzmt 0 1`, `* gzmtfile 0 1 f`, `* pdbfile 0 1 f`.
const ORCA_GEOMETRY = /^\s*\*\s*(xyzfile|gzmtfile|pdbfile|xyz|int|internal|gzmt)\b(.*)$/i;
const ORCA_NEW_JOB = /^\s*\$new_job\b/i;

/** Charge and multiplicity of an ORCA input's first geometry line, when it has one. */
export function orcaChargeMultiplicity(inp: string): { charge: number; multiplicity: number } | undefined {
  for (const line of inp.split(/\r?\n/)) {
    if (ORCA_NEW_JOB.test(line)) break;
    const match = ORCA_GEOMETRY.exec(line);
    if (!match) continue;
    const [charge, multiplicity] = match[2]!.replace(/#.*/, '').trim().split(/\s+/);
    if (!/^[+-]?\d+$/.test(charge ?? '') || !/^\d+$/.test(multiplicity ?? '')) return undefined;
    return { charge: Number(charge), multiplicity: Number(multiplicity) };
  }
  return undefined;
}

/**
 * Makes an ORCA input (`.inp`) read its geometry from `fileName`: its first geometry (an inline
 * `* xyz … *`, `* int`/`* gzmt` block, or a `* xyzfile`/`* gzmtfile`/`* pdbfile` line) becomes
 * `* xyzfile CHARGE MULT fileName`, keeping the charge and multiplicity. Everything else (`!` lines,
 * `%pal`, `%maxcore`, other blocks, later `$new_job` steps, which reuse the first step's geometry) is
 * kept. Throws a GeometryError when the input has no such line, gives no charge/multiplicity, uses a
 * `%coords` block, or the name cannot be written on an ORCA line (blanks, quotes). Idempotent.
 */
export function setOrcaXyzFile(inp: string, fileName: string, file = 'ORCA input'): string {
  if (/[\s"'#]/.test(fileName) || fileName === '') {
    throw new GeometryError(`${file}: ORCA cannot read a geometry file named "${fileName}" (blanks, quotes or # in the name)`);
  }
  const eol = inp.includes('\r\n') ? '\r\n' : '\n';
  const lines = inp.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (ORCA_NEW_JOB.test(line)) break;
    if (/^\s*%coords\b/i.test(line)) {
      throw new GeometryError(`${file}, line ${i + 1}: the geometry is a %coords block; write it as "* xyz CHARGE MULT" … "*" so a coords pipe can replace it`);
    }
    const match = ORCA_GEOMETRY.exec(line);
    if (!match) continue;
    const kind = match[1]!.toLowerCase();
    const [charge, multiplicity] = match[2]!.replace(/#.*/, '').trim().split(/\s+/);
    if (!/^[+-]?\d+$/.test(charge ?? '') || !/^\d+$/.test(multiplicity ?? '')) {
      throw new GeometryError(`${file}, line ${i + 1}: expected "* ${kind} CHARGE MULTIPLICITY"`);
    }
    let end = i; // last line of the geometry
    if (!kind.endsWith('file')) {
      end = i + 1;
      while (end < lines.length && !/^\s*\*\s*$/.test(lines[end]!)) end++;
      if (end >= lines.length) throw new GeometryError(`${file}, line ${i + 1}: the "* ${kind}" block has no closing "*" line`);
    }
    lines.splice(i, end - i + 1, `* xyzfile ${charge} ${multiplicity} ${fileName}`);
    return lines.join(eol);
  }
  throw new GeometryError(`${file}: no "* xyz CHARGE MULT" or "* xyzfile CHARGE MULT FILE" line, so Batchman cannot tell the charge and multiplicity`);
}

/**
 * Makes an ORCA input start from the orbitals in `gbwName`: adds `MORead` to the `!` keywords (unless
 * one of them already says it) and sets `%moinp "gbwName"` (replacing an existing `%moinp` line, else
 * right after the last `!` line of the first step). Applying it twice changes nothing more.
 */
export function addOrcaMoRead(inp: string, gbwName: string, file = 'ORCA input'): string {
  if (/["\r\n]/.test(gbwName) || gbwName === '') throw new GeometryError(`${file}: ORCA cannot read orbitals from a file named "${gbwName}"`);
  const eol = inp.includes('\r\n') ? '\r\n' : '\n';
  const lines = inp.split(/\r?\n/);
  let firstStepEnd = lines.findIndex((line) => ORCA_NEW_JOB.test(line));
  if (firstStepEnd === -1) firstStepEnd = lines.length;
  const keywordLines: number[] = [];
  let moinpAt = -1;
  for (let i = 0; i < firstStepEnd; i++) {
    if (lines[i]!.trimStart().startsWith('!')) keywordLines.push(i);
    else if (moinpAt === -1 && /^\s*%moinp\b/i.test(lines[i]!)) moinpAt = i;
  }
  const lastKeywords = keywordLines.at(-1);
  if (lastKeywords === undefined) throw new GeometryError(`${file}: no "!" keyword line to add MORead to`);
  const hasMoRead = keywordLines.some((i) =>
    lines[i]!.trimStart().slice(1).replace(/#.*/, '').split(/\s+/).some((token) => token.toLowerCase() === 'moread'),
  );
  if (!hasMoRead) {
    const line = lines[lastKeywords]!;
    const hash = line.indexOf('#');
    const code = hash === -1 ? line : line.slice(0, hash);
    lines[lastKeywords] = `${code.trimEnd()} MORead${hash === -1 ? '' : ` ${line.slice(hash)}`}`;
  }
  const moinp = `%moinp "${gbwName}"`;
  if (moinpAt !== -1) lines[moinpAt] = moinp;
  else lines.splice(lastKeywords + 1, 0, moinp);
  return lines.join(eol);
}

// ------------------------------------------------------------------------------------- Gaussian logs

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
      const [x, y, z] = tokens.slice(-3).map(parseNumber);
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
