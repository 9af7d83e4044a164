// Gaussian: `.gjf` in, `.log` out; normal terminations per step, stationary points, imaginary
// frequencies; the geometry block rewritten by pipes and restarts; the last orientation of the log, for a restart
// and as the final geometry `{basename}.xyz` of an optimisation.
import { join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { ownName } from './commonParts.js';
import type { Atom } from './geometry/atoms.js';
import { replaceGaussianGeometry } from './geometry/gaussianInput.js';
import { readFinalGaussianOrientation, readLastGaussianGeometry } from './geometry/gaussianLog.js';
import { readHead } from './fileScan.js';
import { writeFinalGeometryFile } from './geometry/finalXyz.js';
import { GAUSSIAN_FREQUENCY_NEEDLES, gaussianFrequencyReader } from './gaussianFrequencies.js';
import { gaussianStepsFromInput, gaussianStepsFromLog } from './gaussianRoute.js';
import { CAUSES } from './markers.js';
import type { ProgramMarkers } from './markers.js';
import type { CountPlan, CountRequirement, Program, VerdictFiles } from './program.js';
import { parseGaussianOutput } from './results/gaussianResults.js';
import { gaussianTemplate } from './templates/gaussian.js';

export const GAUSSIAN_STATIONARY_POINT = 'Stationary point found';

const INPUT_EXTENSION = '.gjf';
const OUTPUT_EXTENSION = '.log';

const markers: ProgramMarkers = {
  success: 'Normal termination of Gaussian',
  failures: [
    { text: 'Convergence failure -- run terminated', cause: CAUSES.scfNotConverged },
    { text: 'Optimization stopped', cause: CAUSES.optNotConverged },
    { text: 'Number of steps exceeded', cause: CAUSES.optNotConverged },
    { text: 'Error termination', cause: CAUSES.errorTermination },
  ],
};

/**
 * One termination per step (two for opt+freq, which Gaussian runs as two jobs), one stationary
 * point per optimisation (two for opt+freq), and every frequency calculation without an imaginary mode
 * (exactly one after a TS search). The steps come from the input's routes, else from the route the log echoes
 * (its first step only).
 */
async function countPlan(files: VerdictFiles): Promise<CountPlan> {
  let steps = gaussianStepsFromInput(await files.inputHead());
  if (steps.length === 0) steps = gaussianStepsFromLog(await files.outputHead());
  if (steps.length === 0) return { kind: 'single step', requirements: [{ needle: markers.success, count: 1, cause: CAUSES.notFinished }] };
  const terminations = steps.reduce((sum, step) => sum + (step.opt && step.freq ? 2 : 1), 0);
  const stationary = steps.reduce((sum, step) => sum + (step.opt ? (step.freq ? 2 : 1) : 0), 0);
  const requirements: CountRequirement[] = [{ needle: markers.success, count: terminations, cause: CAUSES.notFinished }];
  if (stationary > 0) requirements.push({ needle: GAUSSIAN_STATIONARY_POINT, count: stationary, cause: CAUSES.optNotConverged });
  const kind = steps.map((step) => [step.opt ? (step.ts ? 'opt=ts' : 'opt') : '', step.freq ? 'freq' : ''].filter(Boolean).join('+') || 'single point').join(', ');
  if (!steps.some((step) => step.freq)) return { kind, requirements };
  const frequencies = { imaginaryExpected: steps.some((step) => step.ts) ? 1 : 0, needles: GAUSSIAN_FREQUENCY_NEEDLES, reader: gaussianFrequencyReader } as const;
  return { kind, requirements, frequencies };
}

export const gaussian: Program<'gaussian'> = {
  id: 'gaussian',
  displayName: 'Gaussian',
  description: 'Gaussian quantum chemistry: input `{basename}.gjf`, output `{basename}.log`. Success needs `Normal termination of Gaussian` (twice for opt+freq).',
  inputExtension: INPUT_EXTENSION,
  outputExtension: OUTPUT_EXTENSION,
  inputIsGeometry: false,
  acceptsOrbitals: false,

  verdict: { by: 'markers', markers, countPlan },

  // The piped file is copied in and the geometry block of the `.gjf` is replaced by its first frame.
  coordsPipe: {
    fileName: ownName,
    async plan(piped, input) {
      const frame = await piped.firstFrame();
      const text = await input.read();
      return { input: replaceGaussianGeometry(text, frame.atoms, input.name), copies: [{ from: piped.path, to: ownName(input.basename, piped.fileName) }] };
    },
  },
  orbitalsPipe: undefined,

  restart: {
    async lastGeometry(directory, basename) {
      const source = join(directory, `${basename}${OUTPUT_EXTENSION}`);
      try {
        const atoms = await readLastGaussianGeometry(source);
        return atoms ? { atoms, source } : undefined;
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return undefined;
        throw error;
      }
    },
    async plan(geometry, input) {
      return { input: replaceGaussianGeometry(await input.read(), geometry.atoms, input.name) };
    },
  },

  sideInputs: [],
  filesNamedByInput(input) {
    const names: string[] = [];
    for (const match of input.matchAll(/^\s*%oldchk\s*=\s*(\S+)/gim)) names.push(match[1]!);
    for (const match of input.matchAll(/^\s*@([^\s/]+)/gm)) names.push(match[1]!);
    return names;
  },

  script: { kind: 'generated', defaultCommand: 'g16 < {input} > {output}', defaultArgs: [], env: () => ({}) },
  slurm: {},

  // Gaussian writes no XYZ file: after a successful optimisation Batchman writes `{basename}.xyz` from the log, as
  // CCBatchMan does, which is what `coords{../opt,}` reads downstream.
  finalGeometry: {
    fileName: finalXyzName,
    async write(directory, basename) {
      if (!(await isOptimisation(directory, basename))) return undefined;
      let atoms: Atom[] | undefined;
      try {
        atoms = await readFinalGaussianOrientation(join(directory, `${basename}${OUTPUT_EXTENSION}`));
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return undefined;
        throw error;
      }
      return atoms ? writeFinalGeometryFile(directory, finalXyzName(basename), atoms, basename) : undefined;
    },
  },
  results: parseGaussianOutput,
  template: gaussianTemplate,
  leavesBehind: [{ pipe: 'coords', name: finalXyzName, what: 'the final geometry of an optimisation (written by Batchman from the last orientation of the log)' }],
};

function finalXyzName(basename: string): string {
  return `${basename}.xyz`;
}

/** An optimisation by the input's routes, else by the route the log echoes. */
async function isOptimisation(directory: string, basename: string): Promise<boolean> {
  let steps = gaussianStepsFromInput(await headOrEmpty(join(directory, `${basename}${INPUT_EXTENSION}`)));
  if (steps.length === 0) steps = gaussianStepsFromLog(await headOrEmpty(join(directory, `${basename}${OUTPUT_EXTENSION}`)));
  return steps.some((step) => step.opt);
}

async function headOrEmpty(path: string): Promise<string> {
  try {
    return (await readHead(path)).text;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return '';
    throw error;
  }
}
