// Shell: the job is the user's own `{basename}.sh`; exit code 0 is success; piped files copied in as they are.
import { COPIED_AS_IS } from './commonParts.js';
import type { Program } from './program.js';

export const shell: Program<'shell'> = {
  id: 'shell',
  displayName: 'Shell',
  description: 'Any shell job: script `{basename}.sh`, output `{basename}.out`. Success is exit code 0.',
  inputExtension: '.sh',
  outputExtension: '.out',
  inputIsGeometry: false,
  acceptsOrbitals: false,

  verdict: { by: 'exit code' },

  coordsPipe: COPIED_AS_IS,
  orbitalsPipe: undefined,
  restart: undefined,

  sideInputs: [],
  filesNamedByInput: () => [],

  script: { kind: 'own' },
  slurm: {},

  // What a shell job leaves is the user's business: its files are found on disk.
  finalGeometry: undefined,
  results: undefined,
  template: undefined,
  leavesBehind: [],
};
