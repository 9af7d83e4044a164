// ORCA inputs (`.inp`): reading the geometry from an XYZ file, the charge and multiplicity, starting from given orbitals.
import { GeometryError } from './atoms.js';

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
