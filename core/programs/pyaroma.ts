// pyAroma: a Python script `.py` in, `.out` out; one end line; piped files copied in as they are.
import { COPIED_AS_IS, finishedOnce } from './commonParts.js';
import type { ProgramMarkers } from './markers.js';
import type { Program } from './program.js';

const markers: ProgramMarkers = {
  success: 'pyAroma terminated normally',
  failures: [],
};

export const pyaroma: Program<'pyaroma'> = {
  id: 'pyaroma',
  displayName: 'pyAroma',
  description: 'pyAroma aromaticity analysis: script `{basename}.py`, output `{basename}.out`. Success needs `pyAroma terminated normally`.',
  inputExtension: '.py',
  outputExtension: '.out',
  inputIsGeometry: false,
  acceptsOrbitals: false,

  verdict: { by: 'markers', markers, countPlan: finishedOnce(markers) },

  coordsPipe: COPIED_AS_IS,
  orbitalsPipe: undefined,
  restart: undefined,

  sideInputs: [],
  filesNamedByInput: () => [],

  script: { kind: 'generated', defaultCommand: 'python3 {input} > {output} 2>&1', defaultArgs: [], env: () => ({}) },
  slurm: {},

  // A pyAroma run leaves no geometry for a pipe.
  finalGeometry: undefined,
  results: undefined,
  template: undefined,
  leavesBehind: [],
};
