// Rules that look at the disk: the root folder, job folders and input files (warnings: runs may create them).
import { posix } from 'node:path';
import { cellOf } from '../document.js';
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
  for (const job of model.jobs) {
    if (job.basename === '') continue;
    const directoryCell = cellOf(document, job.row, 'job_directory');
    if (disk.kind(job.path) !== 'directory') {
      report('job-folder-missing', Severity.Warning, directoryCell?.value.range ?? job.row.range, `The job folder \`${job.path}\` does not exist.`);
      continue;
    }
    if (!job.program) continue;
    // A coords pipe writes a geometry-only input (xTB, CREST) itself.
    if (job.program.inputIsGeometry && job.pipes.some((pipe) => pipe.kind === 'coords' && !pipe.noTransfer)) continue;
    const inputName = `${job.basename}${job.program.inputExtension}`;
    if (disk.kind(posix.join(job.path, inputName)) !== 'file') {
      const basenameCell = cellOf(document, job.row, 'job_basename');
      report('input-missing', Severity.Warning, basenameCell?.value.range ?? job.row.range, `The job folder has no \`${inputName}\` (the ${job.program.displayName} input).`);
    }
  }
};
