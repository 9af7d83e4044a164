// Rules that look at the disk: the root folder, job folders and input files (warnings: runs may create them); a job's
// own submit script decides which file is its input.
import { posix } from 'node:path';
import { cellOf } from '../document.js';
import { modelFacts } from '../model.js';
import type { ResolvedJob } from '../model.js';
import type { DiskView } from '../disk.js';
import { inputPathOf } from '../rowFacts.js';
import { SCRIPT_HEAD_BYTES, scriptInput, scriptMayNameInput } from '../scriptInput.js';
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
    const inputPath = (facts ? inputPathOf(facts) : null) ?? posix.join(job.path, `${job.basename}${job.program.inputExtension}`);
    if (disk.kind(inputPath) === 'file') continue;
    // Only now, on the rare missing input, is the job's own script read: it may run the program on another file.
    const named = namedByScript(disk, job);
    if (named === 'trusted') continue;
    if (named !== undefined && named.path !== inputPath && disk.kind(named.path) === 'file') continue;
    const basenameCell = cellOf(document, job.row, 'job_basename');
    const range = basenameCell?.value.range ?? job.row.range;
    const message = named !== undefined && named.path !== inputPath
      ? `The job folder has no \`${named.file}\` (the input its \`${job.basename}.sh\` gives ${job.program.displayName}).`
      : `The job folder has no \`${job.basename}${job.program.inputExtension}\` (the ${job.program.displayName} input).`;
    report('input-missing', Severity.Warning, range, message);
  }
};

/** The input the job's own `{basename}.sh` names: a path to check, or 'trusted' when only the shell could resolve it. */
function namedByScript(disk: DiskView, job: ResolvedJob): { file: string; path: string } | 'trusted' | undefined {
  if (!disk.readHead || !job.program || !scriptMayNameInput(job.program.id)) return undefined;
  const scriptPath = posix.join(job.path, `${job.basename}.sh`);
  if (disk.kind(scriptPath) !== 'file') return undefined;
  const script = disk.readHead(scriptPath, SCRIPT_HEAD_BYTES);
  const input = script === undefined ? undefined : scriptInput(script, job.program.id);
  if (!input) return undefined;
  if (!input.checkable) return 'trusted';
  return { file: input.file, path: posix.resolve(job.path, input.file) };
}

function hasCoordsTransfer(job: ResolvedJob): boolean {
  for (const pipe of job.pipes) if (pipe.kind === 'coords' && !pipe.noTransfer) return true;
  return false;
}
