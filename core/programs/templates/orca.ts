// ORCA's input template: `{basename}.inp` with its `!` line, %pal, %maxcore and `* xyzfile` naming the starting
// geometry written beside it.
import { formatXyz } from '../geometry/xyz.js';
import { TemplateError, oneLine, optimises } from './types.js';
import type { InputTemplate, RunType, TemplateJob } from './types.js';

const RUN_KEYWORDS: Readonly<Partial<Record<RunType, string>>> = { opt: 'Opt', freq: 'Freq', 'opt+freq': 'Opt Freq', sp: 'SP', ts: 'OptTS Freq' };

/** ORCA's %maxcore is per core and a share of it: ORCA overshoots it, SLURM kills at the limit (CCBatchMan takes 75 %). */
export const ORCA_MEMORY_SHARE = 0.75;

/**
 * The starting geometry's file. Not `{basename}.xyz`: ORCA writes its final geometry there, and a restart reads it
 * as the last geometry reached.
 */
export function orcaStartName(basename: string): string {
  return `${basename}_start.xyz`;
}

export function orcaKeywordLine(job: TemplateJob): string {
  const kind = RUN_KEYWORDS[job.runType];
  if (kind === undefined) throw new TemplateError(`ORCA has no run type "${job.runType}" here: use opt, freq, opt+freq, sp or ts`);
  if (job.method === undefined) throw new TemplateError('an ORCA step needs a method (functional)');
  const words = [oneLine(job.method, 'method')];
  if (job.basis !== undefined) words.push(oneLine(job.basis, 'basis'));
  if (job.dispersion !== undefined) words.push(oneLine(job.dispersion, 'dispersion'));
  words.push(kind);
  if (job.solvent !== undefined) words.push(`CPCM(${oneLine(job.solvent, 'solvent')})`);
  words.push(...job.keywords.map((keyword) => oneLine(keyword, 'keyword')));
  return `! ${words.join(' ')}`;
}

export const orcaTemplate: InputTemplate = {
  runTypes: ['opt', 'freq', 'opt+freq', 'sp', 'ts'],
  makesGeometry: (runType) => optimises(runType),
  render(job) {
    const start = orcaStartName(job.basename);
    const lines = [`# ${oneLine(job.title, 'title')}`, orcaKeywordLine(job), `%pal nprocs ${job.cores} end`];
    if (job.memoryMb !== undefined) lines.push(`%maxcore ${Math.max(1, Math.floor((job.memoryMb * ORCA_MEMORY_SHARE) / job.cores))}`);
    // OptTS needs the curvature at the start.
    if (job.runType === 'ts') lines.push('%geom Calc_Hess true end');
    lines.push(`* xyzfile ${job.charge} ${job.multiplicity} ${start}`, '');
    return {
      files: [
        { name: `${job.basename}.inp`, text: lines.join('\n') },
        { name: start, text: formatXyz(job.atoms, job.title) },
      ],
      args: [],
      config: {
        run_type: RUN_KEYWORDS[job.runType]!.toUpperCase(),
        functional: job.method ?? null,
        basis: job.basis ?? null,
        dispersion_correction: job.dispersion ?? null,
        uks: job.multiplicity > 1,
        other_keywords: [...job.keywords],
      },
    };
  },
};
