// xTB's input template: the geometry `{basename}.xyz` and the flags (`--opt`/`--hess`/`--ohess`, `--chrg`, `--uhf`,
// `--gfn`, `--alpb`) the generated command passes through `{args}`.
import { formatXyz } from '../geometry/xyz.js';
import { TemplateError, oneLine, optimises } from './types.js';
import type { InputTemplate, RunType, TemplateJob } from './types.js';

const RUN_FLAGS: Readonly<Partial<Record<RunType, string>>> = { opt: '--opt', freq: '--hess', 'opt+freq': '--ohess', sp: '--scc' };

/** `gfn2`, `GFN1-xTB`, `2` → `['--gfn', '2']`; `gfnff`/`gfn-ff` → `['--gfnff']`. Shared with CREST's spelling. */
export function gfnLevel(method: string | undefined): string | undefined {
  if (method === undefined) return undefined;
  const text = method.trim().toLowerCase().replace(/-?xtb$/, '');
  if (/^(gfn)?-?ff$/.test(text)) return 'ff';
  const match = /^(?:gfn)?-?([012])$/.exec(text);
  if (!match) throw new TemplateError(`method "${method}" is not an xTB level: write gfn0, gfn1, gfn2 or gfnff`);
  return match[1]!;
}

/** The flags every xTB-family job shares: charge, unpaired electrons, implicit solvent. */
export function chargeSpinSolventFlags(job: TemplateJob): string[] {
  const flags = ['--chrg', String(job.charge), '--uhf', String(job.multiplicity - 1)];
  if (job.solvent !== undefined) flags.push('--alpb', oneLine(job.solvent, 'solvent'));
  return flags;
}

/** The xyz a geometry-input program starts from; its comment says the charge and multiplicity, as `batchman new` reads them. */
export function startingXyz(job: TemplateJob): string {
  return formatXyz(job.atoms, `${job.title} charge=${job.charge} mult=${job.multiplicity}`);
}

export const xtbTemplate: InputTemplate = {
  runTypes: ['opt', 'freq', 'opt+freq', 'sp'],
  makesGeometry: (runType) => optimises(runType),
  render(job) {
    const runFlag = RUN_FLAGS[job.runType];
    if (runFlag === undefined) throw new TemplateError(`xTB has no run type "${job.runType}" here: use opt, freq, opt+freq or sp`);
    if (job.basis !== undefined) throw new TemplateError('xTB takes no basis set');
    const level = gfnLevel(job.method) ?? '2';
    const args = [runFlag, ...chargeSpinSolventFlags(job), ...(level === 'ff' ? ['--gfnff'] : ['--gfn', level])];
    if (job.dispersion !== undefined) throw new TemplateError('xTB has its own dispersion: leave "dispersion" out of an xTB step');
    args.push(...job.keywords.map((keyword) => oneLine(keyword, 'keyword')));
    return {
      files: [{ name: `${job.basename}.xyz`, text: startingXyz(job) }],
      args,
      config: { run_type: runFlag.slice(2), functional: level === 'ff' ? 'gfnff' : `gfn${level}`, uks: job.multiplicity > 1 },
    };
  },
};
