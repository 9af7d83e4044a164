// CREST's input template: the geometry `{basename}.xyz` and the flags (`--gfn2`, `--chrg`, `--uhf`, `--alpb`) the
// generated command passes through `{args}`; a conformer search is its one run type.
import { TemplateError, oneLine } from './types.js';
import type { InputTemplate } from './types.js';
import { chargeSpinSolventFlags, gfnLevel, startingXyz } from './xtb.js';

export const crestTemplate: InputTemplate = {
  runTypes: ['conformers'],
  makesGeometry: () => true,
  render(job) {
    if (job.runType !== 'conformers') throw new TemplateError(`CREST runs conformer searches: the run type must be "conformers", not "${job.runType}"`);
    if (job.basis !== undefined) throw new TemplateError('CREST takes no basis set');
    const level = gfnLevel(job.method) ?? '2';
    // CREST spells the level as one flag: --gfn2, --gfn1, --gfn0, --gfnff.
    const args = [`--gfn${level}`, ...chargeSpinSolventFlags(job), ...job.keywords.map((keyword) => oneLine(keyword, 'keyword'))];
    return {
      files: [{ name: `${job.basename}.xyz`, text: startingXyz(job) }],
      args,
      config: { functional: `gfn${level}`, uks: job.multiplicity > 1, other_keywords: [...job.keywords] },
    };
  },
};
