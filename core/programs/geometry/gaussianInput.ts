// Gaussian inputs (`.gjf`): replacing the Cartesian geometry of each step that has its own.
import { GeometryError, clipForMessage, formatAtomLines, parseCoordinate } from './atoms.js';
import type { Atom } from './atoms.js';

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
        `${where}, "${clipForMessage(lines[i]!.trim())}": the geometry is not in Cartesian coordinates (a Z-matrix?); a coords pipe can only replace Cartesian coordinates`,
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
  return tokens.slice(-3).every((token) => parseCoordinate(token) !== undefined);
}
