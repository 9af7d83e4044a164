// Gaussian's route sections: which steps an input (or its log's echo) asks for — optimisation, frequencies, TS search.

/** One Gaussian job step (a `--Link1--` section, or the whole input). */
export interface GaussianStep {
  /** The route section, joined on one line. */
  route: string;
  opt: boolean;
  freq: boolean;
  /** A transition-state search (`opt=ts`, `qst2`, `qst3`): one imaginary frequency is expected. */
  ts: boolean;
}

/** The steps of a Gaussian input (`.gjf`): each route section between `--Link1--` lines. */
export function gaussianStepsFromInput(gjf: string): GaussianStep[] {
  const steps: GaussianStep[] = [];
  for (const section of gjf.split(/^\s*--link1--\s*$/im)) {
    const lines = section.split(/\r?\n/);
    const first = lines.findIndex((line) => line.trimStart().startsWith('#'));
    if (first === -1) continue;
    const routeLines: string[] = [];
    for (let i = first; i < lines.length && lines[i]!.trim() !== ''; i++) routeLines.push(lines[i]!.trim());
    steps.push(gaussianStep(routeLines.join(' ')));
  }
  return steps;
}

/**
 * The first step's route as Gaussian echoes it near the top of its log, between two dashed lines
 * (long routes wrap over several lines). Later `--Link1--` steps are not known from here.
 */
export function gaussianStepsFromLog(head: string): GaussianStep[] {
  const lines = head.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    if (!/^\s*-{3,}\s*$/.test(lines[i - 1]!) || !lines[i]!.trimStart().startsWith('#')) continue;
    const routeLines: string[] = [];
    for (let j = i; j < lines.length && !/^\s*-{3,}\s*$/.test(lines[j]!); j++) routeLines.push(lines[j]!.trim());
    // Gaussian wraps the route at a fixed width, possibly mid-word: join without adding spaces.
    return [gaussianStep(routeLines.join(''))];
  }
  return [];
}

/** Reads opt/freq/ts from one route section such as `#p B3LYP/6-31G(d) Opt=(TS,CalcFC) Freq`. */
export function gaussianStep(route: string): GaussianStep {
  const normalised = route.replace(/\s*([=,(])\s*/g, '$1').replace(/\s*\)/g, ')');
  let opt = false;
  let freq = false;
  let ts = false;
  for (const token of normalised.split(/\s+/)) {
    if (/^#[pnt]?$/i.test(token)) continue;
    const bare = token.replace(/^#/, '');
    const keyword = bare.split(/[=(]/)[0]!.toLowerCase();
    if (keyword === 'opt') {
      opt = true;
      if (/\b(ts|qst2|qst3)\b/i.test(bare.slice(keyword.length))) ts = true;
    } else if (keyword === 'freq' || keyword === 'frequency') {
      freq = true;
    }
  }
  return { route: route.trim(), opt, freq, ts };
}
