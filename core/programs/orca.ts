// ORCA: `.inp` in, `.out` out; normal termination (and a finished optimisation, its imaginary modes); the geometry read
// from an XYZ file by pipes and restarts; orbitals (`.gbw`) through MORead; `ntasks` for its MPI cores.
import { basename as pathBasename } from 'node:path';
import { CAUSES } from './markers.js';
import type { ProgramMarkers } from './markers.js';
import { geometryFromXyzFiles, ownName } from './commonParts.js';
import { addOrcaMoRead, setOrcaXyzFile } from './geometry/orcaInput.js';
import { ORCA_FREQUENCY_NEEDLES, orcaFrequencyReader } from './orcaFrequencies.js';
import { orcaJobKind, orcaJobKindFromOutput } from './orcaKeywords.js';
import type { CountPlan, CountRequirement, Program, VerdictFiles } from './program.js';
import { parseOrcaOutput } from './results/orcaResults.js';
import { orcaTemplate } from './templates/orca.js';

export const ORCA_OPTIMIZATION_DONE = '*** OPTIMIZATION RUN DONE ***';

/** A piped orbitals file whose name would be ORCA's own output (`{basename}.gbw`) gets this suffix. */
export const MOREAD_SUFFIX = '_moread.gbw';

const markers: ProgramMarkers = {
  success: 'ORCA TERMINATED NORMALLY',
  failures: [
    { text: 'SCF NOT CONVERGED', cause: CAUSES.scfNotConverged },
    { text: 'The optimization did not converge', cause: CAUSES.optNotConverged },
    { text: 'ORCA finished by error termination', cause: CAUSES.errorTermination },
    { text: 'aborting the run', cause: CAUSES.errorTermination },
  ],
};

/**
 * An optimisation (from the input's `!` lines, else the input ORCA echoes) must also say it finished; frequencies
 * (Freq, NumFreq, AnFreq) must have no imaginary mode, or exactly one after a transition-state search (OptTS).
 */
async function countPlan(files: VerdictFiles): Promise<CountPlan> {
  const input = await files.inputHead();
  const { opt, ts, freq } = input !== '' ? orcaJobKind(input) : orcaJobKindFromOutput(await files.outputHead());
  const requirements: CountRequirement[] = [{ needle: markers.success, count: 1, cause: CAUSES.notFinished }];
  if (opt) requirements.push({ needle: ORCA_OPTIMIZATION_DONE, count: 1, cause: CAUSES.optNotConverged });
  const kind = [opt ? (ts ? 'transition-state search' : 'optimisation') : '', freq ? 'frequencies' : ''].filter(Boolean).join(' + ') || 'single run';
  if (!freq) return { kind, requirements };
  return { kind, requirements, frequencies: { imaginaryExpected: ts ? 1 : 0, needles: ORCA_FREQUENCY_NEEDLES, reader: orcaFrequencyReader } };
}

/** The name an orbitals file gets in an ORCA job's folder: ORCA writes `{basename}.gbw` itself. */
export function orbitalsFileName(jobBasename: string, fileName: string): string {
  const name = pathBasename(fileName);
  return name === `${jobBasename}.gbw` ? `${jobBasename}${MOREAD_SUFFIX}` : name;
}

export const orca: Program<'orca'> = {
  id: 'orca',
  displayName: 'ORCA',
  description: 'ORCA quantum chemistry: input `{basename}.inp`, output `{basename}.out`. Success needs `ORCA TERMINATED NORMALLY`; takes orbitals (`.gbw`) through an `orbitals` pipe.',
  inputExtension: '.inp',
  outputExtension: '.out',
  inputIsGeometry: false,
  acceptsOrbitals: true,

  verdict: { by: 'markers', markers, countPlan },

  // The first frame is written as FILE and the input reads it with `* xyzfile CHARGE MULT FILE`
  // (a trajectory or conformer ensemble: ORCA gets its first frame only).
  coordsPipe: {
    fileName: ownName,
    async plan(piped, input) {
      const frame = await piped.firstFrame();
      const to = ownName(input.basename, piped.fileName);
      return { input: setOrcaXyzFile(await input.read(), to, input.name), writes: [{ to, text: frame.text }] };
    },
  },
  // The `.gbw` is copied in and the input gets `MORead` and `%moinp "FILE"`.
  orbitalsPipe: {
    fileName: orbitalsFileName,
    async plan(piped, input) {
      const to = orbitalsFileName(input.basename, piped.fileName);
      return { input: addOrcaMoRead(await input.read(), to, input.name), copies: [{ from: piped.path, to }] };
    },
  },

  // `{basename}.xyz` (the last geometry ORCA wrote), else the last frame of the trajectory; the
  // restart writes it as `{basename}_restart.xyz` and points `* xyzfile` at it.
  restart: {
    lastGeometry: (directory, basename) =>
      geometryFromXyzFiles(directory, [
        { name: `${basename}.xyz`, last: false },
        { name: `${basename}_trj.xyz`, last: true },
      ]),
    async plan(geometry, input) {
      const xyzName = `${input.basename}_restart.xyz`;
      return { input: setOrcaXyzFile(await input.read(), xyzName, input.name), writes: [{ to: xyzName, text: geometry.xyz }] };
    },
  },

  sideInputs: [],
  filesNamedByInput(input) {
    const names: string[] = [];
    for (const match of input.matchAll(/^\s*\*\s*(?:xyzfile|gzmtfile|pdbfile)\s+\S+\s+\S+\s+(\S+)/gim)) names.push(match[1]!);
    for (const match of input.matchAll(/^\s*%moinp\s+"([^"]+)"/gim)) names.push(match[1]!);
    return names;
  },

  // ORCA must be started by its full path for parallel runs, hence the `command -v` lookup
  // (configure `programs.orca.command` with the real path on a cluster).
  script: {
    kind: 'generated',
    defaultCommand: 'orca_path="$(command -v orca)" || { echo "orca is not on PATH" >&2; exit 127; }; "$orca_path" {input} > {output}',
    defaultArgs: [],
    env: () => ({}),
  },
  // ORCA's cores are MPI processes.
  slurm: { coresAs: 'ntasks' },

  // ORCA writes `{basename}.xyz` itself during an optimisation (restart.lastGeometry reads it too).
  finalGeometry: undefined,
  results: parseOrcaOutput,
  template: orcaTemplate,
  leavesBehind: [
    { pipe: 'coords', name: (basename) => `${basename}.xyz`, what: 'the final geometry of an optimisation (ORCA writes it)' },
    { pipe: 'orbitals', name: (basename) => `${basename}.gbw`, what: 'the orbitals of the run (ORCA writes them)' },
  ],
};
