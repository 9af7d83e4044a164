// Gaussian's input template: `{basename}.gjf` with %nprocshared, %mem and %chk, the route, the title, the charge and
// multiplicity and the Cartesian geometry.
import { formatAtomLines } from '../geometry/atoms.js';
import { TemplateError, oneLine, optimises } from './types.js';
import type { InputTemplate, RunType, TemplateJob } from './types.js';

const ROUTE_WORDS: Readonly<Partial<Record<RunType, string>>> = {
  opt: 'opt',
  freq: 'freq',
  'opt+freq': 'opt freq',
  sp: 'sp',
  // A transition-state search computes force constants first and keeps going past the wrong curvature; then the
  // frequencies show its one imaginary mode (what the verdict checks).
  ts: 'opt=(ts,calcfc,noeigentest) freq',
};

// Dispersion as chemists write it → Gaussian's EmpiricalDispersion value.
const DISPERSION: Readonly<Record<string, string>> = { d3bj: 'GD3BJ', d3: 'GD3', d3zero: 'GD3', d2: 'GD2', d4: 'GD4' };

/** Gaussian's %mem is a share of the job's memory: the program needs room beyond it, SLURM kills at the limit. */
export const GAUSSIAN_MEMORY_SHARE = 0.8;

export function gaussianRoute(job: TemplateJob): string {
  const kind = ROUTE_WORDS[job.runType];
  if (kind === undefined) throw new TemplateError(`Gaussian has no run type "${job.runType}" here: use opt, freq, opt+freq, sp or ts`);
  if (job.method === undefined) throw new TemplateError('a Gaussian step needs a method (functional)');
  const method = oneLine(job.method, 'method');
  const words = [`#p ${kind}`, job.basis === undefined ? method : `${method}/${oneLine(job.basis, 'basis')}`];
  if (job.dispersion !== undefined) {
    const given = oneLine(job.dispersion, 'dispersion');
    words.push(`EmpiricalDispersion=${DISPERSION[given.toLowerCase()] ?? given}`);
  }
  if (job.solvent !== undefined) words.push(`SCRF=(SMD,Solvent=${oneLine(job.solvent, 'solvent')})`);
  words.push(...job.keywords.map((keyword) => oneLine(keyword, 'keyword')));
  return words.join(' ');
}

export const gaussianTemplate: InputTemplate = {
  runTypes: ['opt', 'freq', 'opt+freq', 'sp', 'ts'],
  makesGeometry: (runType) => optimises(runType),
  render(job) {
    const link0 = [`%nprocshared=${job.cores}`];
    if (job.memoryMb !== undefined) link0.push(`%mem=${Math.max(1, Math.floor(job.memoryMb * GAUSSIAN_MEMORY_SHARE))}MB`);
    link0.push(`%chk=${job.basename}.chk`);
    const title = oneLine(job.title, 'title') || job.basename;
    // Gaussian ends the molecule specification at a blank line and wants one more at the end of the file.
    const text = [...link0, gaussianRoute(job), '', title, '', `${job.charge} ${job.multiplicity}`, ...formatAtomLines(job.atoms), '', ''].join('\n');
    return {
      files: [{ name: `${job.basename}.gjf`, text }],
      args: [],
      config: {
        run_type: ROUTE_WORDS[job.runType]!.toUpperCase(),
        functional: job.method ?? null,
        basis: job.basis ?? null,
        dispersion_correction: job.dispersion ?? null,
        uks: job.multiplicity > 1,
        other_keywords: [...job.keywords],
      },
    };
  },
};
