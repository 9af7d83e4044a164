// CREST: the geometry `.xyz` is its input, `.out` its output; a conformer search starts over rather
// than from a geometry; OpenMP threads set to the cores asked for.
import { GEOMETRY_IS_INPUT, XTB_SIDE_INPUTS, finishedOnce, openMpThreads } from './commonParts.js';
import { CAUSES } from './markers.js';
import type { ProgramMarkers } from './markers.js';
import type { Program } from './program.js';
import { parseCrestOutput } from './results/crestResults.js';
import { crestTemplate } from './templates/crest.js';

const markers: ProgramMarkers = {
  success: 'CREST terminated normally',
  failures: [{ text: 'CREST terminated abnormally', cause: CAUSES.errorTermination }],
};

export const crest: Program<'crest'> = {
  id: 'crest',
  displayName: 'CREST',
  description: 'CREST conformer search: input geometry `{basename}.xyz`, output `{basename}.out`. Success needs `CREST terminated normally`.',
  inputExtension: '.xyz',
  outputExtension: '.out',
  inputIsGeometry: true,
  acceptsOrbitals: false,

  verdict: { by: 'markers', markers, countPlan: finishedOnce(markers) },

  coordsPipe: GEOMETRY_IS_INPUT,
  orbitalsPipe: undefined,
  restart: undefined,

  // CREST runs xTB underneath and reads the same side files.
  sideInputs: XTB_SIDE_INPUTS,
  filesNamedByInput: () => [],

  script: { kind: 'generated', defaultCommand: 'crest {input} -T {cores} {args} > {output} 2>&1', defaultArgs: [], env: openMpThreads },
  slurm: {},

  // CREST writes its conformers itself.
  finalGeometry: undefined,
  results: parseCrestOutput,
  template: crestTemplate,
  leavesBehind: [
    { pipe: 'coords', name: () => 'crest_best.xyz', what: 'the lowest conformer (CREST writes it)' },
    { pipe: 'coords', name: () => 'crest_conformers.xyz', what: 'every conformer, lowest first (CREST writes it; a coords pipe takes the first)' },
  ],
};
