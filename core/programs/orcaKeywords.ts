// ORCA's `!` keyword lines: whether an input (or the echo at the top of its output) asks for an optimisation, a
// transition-state search, frequencies.

// ORCA's optimisation keywords: Opt, TightOpt, VeryTightOpt, LooseOpt, SloppyOpt, NormalOpt, COpt,
// ZOpt, GDIISOpt, OptTS, OptH, ScanTS.
const ORCA_OPT_KEYWORD = /^(?:(?:tight|verytight|loose|sloppy|normal|c|z|gdiis)?opt(?:ts|h)?|scants)$/i;
// A transition-state search: OptTS, ScanTS (a scan that ends in an OptTS).
const ORCA_TS_KEYWORD = /^(?:optts|scants)$/i;
// Frequencies: Freq, NumFreq, AnFreq.
const ORCA_FREQ_KEYWORD = /^(?:num|an)?freq$/i;

/** What an ORCA job's keywords ask for. */
export interface OrcaJobKind {
  readonly opt: boolean;
  readonly ts: boolean;
  readonly freq: boolean;
}

/** True when an ORCA input's `!` lines ask for a geometry optimisation. */
export function orcaIsOptimisation(inp: string): boolean {
  return orcaJobKind(inp).opt;
}

/** The same, from the input ORCA echoes at the top of its output (`|  1> ! B3LYP Opt`). */
export function orcaIsOptimisationFromOutput(head: string): boolean {
  return orcaJobKindFromOutput(head).opt;
}

/** The job kind from an ORCA input's `!` lines. */
export function orcaJobKind(inp: string): OrcaJobKind {
  return kindOf(
    inp
      .split(/\r?\n/)
      .filter((line) => line.trimStart().startsWith('!'))
      .map((line) => line.trimStart().slice(1)),
  );
}

/** The job kind from the input ORCA echoes at the top of its output. */
export function orcaJobKindFromOutput(head: string): OrcaJobKind {
  return kindOf([...head.matchAll(/^\|\s*\d+>\s*!(.*)$/gm)].map((match) => match[1]!));
}

function kindOf(keywordLines: readonly string[]): OrcaJobKind {
  const tokens = keywordLines.flatMap((line) => line.replace(/#.*/, '').split(/\s+/));
  return {
    opt: tokens.some((token) => ORCA_OPT_KEYWORD.test(token)),
    ts: tokens.some((token) => ORCA_TS_KEYWORD.test(token)),
    freq: tokens.some((token) => ORCA_FREQ_KEYWORD.test(token)),
  };
}
