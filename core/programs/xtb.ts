// xTB: the geometry `.xyz` is its input, `.out` its output; failures win over its end line; restarts
// from `xtblast.xyz`, `xtbopt.xyz` or the trajectory; OpenMP threads set to the cores asked for.
import { GEOMETRY_IS_INPUT, XTB_SIDE_INPUTS, finishedOnce, geometryFromXyzFiles, openMpThreads } from './commonParts.js';
import { CAUSES } from './markers.js';
import type { ProgramMarkers } from './markers.js';
import type { Program } from './program.js';
import { parseXtbOutput } from './results/xtbResults.js';
import { xtbTemplate } from './templates/xtb.js';

const markers: ProgramMarkers = {
  // xtb prints ` * finished run on <date>` even after a failed optimisation, so failures win.
  success: '* finished run on',
  failures: [
    { text: 'FAILED TO CONVERGE GEOMETRY OPTIMIZATION', cause: CAUSES.optNotConverged },
    { text: 'Self consistent charge iterator did not converge', cause: CAUSES.scfNotConverged },
    // stderr, when the submit script sends it to the output too.
    { text: 'abnormal termination of xtb', cause: CAUSES.errorTermination },
  ],
};

export const xtb: Program<'xtb'> = {
  id: 'xtb',
  displayName: 'xTB',
  description: 'xTB semi-empirical quantum chemistry: input geometry `{basename}.xyz`, output `{basename}.out`, final geometry `xtbopt.xyz`. Success needs `* finished run on`.',
  inputExtension: '.xyz',
  outputExtension: '.out',
  inputIsGeometry: true,
  acceptsOrbitals: false,

  verdict: { by: 'markers', markers, countPlan: finishedOnce(markers) },

  coordsPipe: GEOMETRY_IS_INPUT,
  orbitalsPipe: undefined,

  // `xtblast.xyz` (written when an optimisation fails), `xtbopt.xyz`, else the last complete frame of
  // the trajectory `xtbopt.log`; the restart's input `{basename}.xyz` becomes that frame, verbatim.
  restart: {
    lastGeometry: (directory) =>
      geometryFromXyzFiles(directory, [
        { name: 'xtblast.xyz', last: false },
        { name: 'xtbopt.xyz', last: false },
        { name: 'xtbopt.log', last: true },
      ]),
    plan: (geometry) => Promise.resolve({ input: geometry.xyz }),
  },

  sideInputs: XTB_SIDE_INPUTS,
  filesNamedByInput: () => [],

  // stderr goes to the output so `abnormal termination of xtb` is seen there.
  script: { kind: 'generated', defaultCommand: 'xtb {input} {args} > {output} 2>&1', defaultArgs: ['--opt'], env: openMpThreads },
  slurm: {},

  // xTB writes `xtbopt.xyz` itself.
  finalGeometry: undefined,
  results: parseXtbOutput,
  template: xtbTemplate,
  leavesBehind: [{ pipe: 'coords', name: () => 'xtbopt.xyz', what: 'the final geometry of an optimisation (xTB writes it)' }],
};
