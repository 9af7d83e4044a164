// `--job NAME` on the command line: the named jobs' keys, or a usage error that lists what a name could mean.
import type { BatchModel } from '../batchfile/index.js';
import { selectJobs } from '../truth/jobSelection.js';
import { UsageError } from './usage.js';

/** The keys of the jobs the names choose; an unknown or ambiguous name is a usage error (exit 2). */
export function chosenJobs(model: BatchModel, names: readonly string[], file: string): Set<string> {
  const selection = selectJobs(model, names);
  if (selection.unknown.length > 0) throw new UsageError(`no such job in ${file}: ${selection.unknown.join(', ')}`);
  if (selection.ambiguous.length > 0) {
    const lines = selection.ambiguous.map(({ name, candidates }) => `\`${name}\` is ${candidates.length} jobs in ${file}; name one: ${candidates.join(', ')}`);
    throw new UsageError(lines.join('\n'));
  }
  return selection.keys;
}
