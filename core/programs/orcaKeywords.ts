// ORCA's `!` keyword lines: whether an input (or the echo at the top of its output) asks for an optimisation.

// ORCA's optimisation keywords: Opt, TightOpt, VeryTightOpt, LooseOpt, SloppyOpt, NormalOpt, COpt,
// ZOpt, GDIISOpt, OptTS, OptH, ScanTS.
const ORCA_OPT_KEYWORD = /^(?:(?:tight|verytight|loose|sloppy|normal|c|z|gdiis)?opt(?:ts|h)?|scants)$/i;

/** True when an ORCA input's `!` lines ask for a geometry optimisation. */
export function orcaIsOptimisation(inp: string): boolean {
  return inp
    .split(/\r?\n/)
    .filter((line) => line.trimStart().startsWith('!'))
    .some((line) => orcaKeywordLineHasOpt(line.trimStart().slice(1)));
}

/** The same, from the input ORCA echoes at the top of its output (`|  1> ! B3LYP Opt`). */
export function orcaIsOptimisationFromOutput(head: string): boolean {
  for (const match of head.matchAll(/^\|\s*\d+>\s*!(.*)$/gm)) {
    if (orcaKeywordLineHasOpt(match[1]!)) return true;
  }
  return false;
}

function orcaKeywordLineHasOpt(keywords: string): boolean {
  return keywords
    .replace(/#.*/, '')
    .split(/\s+/)
    .some((token) => ORCA_OPT_KEYWORD.test(token));
}
