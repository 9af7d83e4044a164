// Rules that look at the disk: the root folder, job folders and input files (warnings: runs may create them).
import { posix } from 'node:path';
import { cellOf } from '../document.js';
import { modelFacts } from '../model.js';
import type { ResolvedJob } from '../model.js';
import { inputPathOf } from '../rowFacts.js';
import { Severity } from '../types.js';
import type { Rule } from './context.js';

export const diskRule: Rule = ({ model, disk }, report) => {
  const root = model.document.root;
  if (!disk || !model.rootPath || !root?.value) return;
  if (disk.kind(model.rootPath) !== 'directory') {
    report('root-not-found', Severity.Warning, root.value.range, `The root folder \`${model.rootPath}\` does not exist.`);
    return;
  }
  const { document } = model;
  const allFacts = modelFacts(model);
  for (const job of model.jobs) {
    if (job.basename === '') continue;
    if (disk.kind(job.path) !== 'directory') {
      const directoryCell = cellOf(document, job.row, 'job_directory');
      report('job-folder-missing', Severity.Warning, directoryCell?.value.range ?? job.row.range, `The job folder \`${job.path}\` does not exist.`);
      continue;
    }
    if (!job.program) continue;
    // A coords pipe writes a geometry-only input (xTB, CREST) itself.
    if (job.program.inputIsGeometry && hasCoordsTransfer(job)) continue;
    // The input's path is derived once per row and kept with the row's facts, not joined again on every keystroke.
    const facts = allFacts?.[job.index];
    const inputPath = facts ? inputPathOf(facts) : null;
    if (disk.kind(inputPath ?? posix.join(job.path, `${job.basename}${job.program.inputExtension}`)) !== 'file') {
      const inputName = `${job.basename}${job.program.inputExtension}`;
      const basenameCell = cellOf(document, job.row, 'job_basename');
      report('input-missing', Severity.Warning, basenameCell?.value.range ?? job.row.range, `The job folder has no \`${inputName}\` (the ${job.program.displayName} input).`);
    }
  }
};

function hasCoordsTransfer(job: ResolvedJob): boolean {
  for (const pipe of job.pipes) if (pipe.kind === 'coords' && !pipe.noTransfer) return true;
  return false;
}
