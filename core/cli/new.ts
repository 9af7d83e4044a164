// `batchman new --pipeline NAME --structures PATH... [-o BATCHFILE] [--root DIR] [--charge N] [--multiplicity N]
// [--dry-run]`: a batch from structures — job folders with their inputs, job_config.json and the batchfile's rows.
import { parseArgs } from 'node:util';
import { describePlan, describeWritten } from '../newBatch/describe.js';
import { NewBatchError, NewBatchUsageError, planNewBatch } from '../newBatch/plan.js';
import { StructureError, StructurePathError } from '../newBatch/structures.js';
import { SweepError } from '../newBatch/sweep.js';
import { writePlan } from '../newBatch/write.js';
import { BatchSettingsError } from '../runner/batchSettings.js';
import type { CliOutput } from './output.js';
import { EXIT, UsageError } from './usage.js';

export async function newCommand(args: readonly string[], output: CliOutput): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      pipeline: { type: 'string' },
      structures: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      root: { type: 'string' },
      charge: { type: 'string' },
      multiplicity: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    // `--structures a.xyz b.xyz`: the paths after the first are positionals.
    allowPositionals: true,
  });
  if (values.pipeline === undefined) throw new UsageError('new needs --pipeline NAME');
  const structures = [...(values.structures ?? []), ...positionals];
  if (structures.length === 0) throw new UsageError('new needs --structures PATH... (.xyz files, folders of them, multi-frame files)');
  const charge = values.charge === undefined ? undefined : wholeNumber(values.charge, '--charge', /^[+-]?\d+$/);
  const multiplicity = values.multiplicity === undefined ? undefined : wholeNumber(values.multiplicity, '--multiplicity', /^[1-9]\d*$/);

  let plan;
  try {
    plan = await planNewBatch({
      pipeline: values.pipeline,
      structures,
      ...(values.output !== undefined ? { batchfile: values.output } : {}),
      ...(values.root !== undefined ? { root: values.root } : {}),
      ...(charge !== undefined ? { charge } : {}),
      ...(multiplicity !== undefined ? { multiplicity } : {}),
    });
  } catch (error) {
    if (error instanceof NewBatchUsageError || error instanceof StructurePathError) throw new UsageError(error.message);
    if (error instanceof NewBatchError || error instanceof StructureError || error instanceof BatchSettingsError || error instanceof SweepError) {
      output.err(`batchman new: ${error.message}\nnothing written.`);
      return EXIT.failed;
    }
    throw error;
  }
  if (values['dry-run']) {
    output.out(`${describePlan(plan)}\n\nnothing written (--dry-run).`);
    return EXIT.ok;
  }
  const summary = await writePlan(plan);
  output.out(describeWritten(plan, summary));
  return EXIT.ok;
}

function wholeNumber(text: string, flag: string, pattern: RegExp): number {
  if (!pattern.test(text.trim())) throw new UsageError(`${flag} takes a whole number${flag === '--multiplicity' ? ' of at least 1' : ''}, not "${text}"`);
  return Number(text);
}
