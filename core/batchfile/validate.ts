// Validation: runs every rule over a parsed batchfile and returns its diagnostics in document order.
import type { DiskView } from './disk.js';
import type { BatchModel } from './model.js';
import { buildBatchModel } from './model.js';
import { parseBatchfile } from './parser.js';
import type { Rule } from './rules/context.js';
import { collect } from './rules/context.js';
import { diskRule } from './rules/disk.js';
import { cycleRule, pipeNameRule, pipeStyleRule, pipeSyntaxRule, pipeTargetRule } from './rules/pipes.js';
import { basenameRule, directoryRule, fieldCountRule, optionalColumnsRule, programRule } from './rules/rows.js';
import { headerRule, rootRule } from './rules/structure.js';
import type { Diagnostic } from './types.js';

export const RULES: readonly Rule[] = [
  rootRule,
  headerRule,
  fieldCountRule,
  basenameRule,
  directoryRule,
  programRule,
  optionalColumnsRule,
  pipeSyntaxRule,
  pipeNameRule,
  pipeTargetRule,
  cycleRule,
  pipeStyleRule,
  diskRule,
];

const RULES_BUT_FOLDERS: readonly Rule[] = RULES.filter((rule) => rule !== diskRule);

export interface ValidateOptions {
  /** The batchfile's absolute path: relative roots resolve against its folder. */
  readonly batchfilePath?: string;
  /** Omit to skip every check that needs the disk. */
  readonly disk?: DiskView;
  /**
   * False skips the look for job folders and inputs (warnings only, one stat per folder and input): a command that
   * only reports, like `status`, does not need them. The pipe rules still ask the disk.
   */
  readonly folderChecks?: boolean;
}

export function validateModel(model: BatchModel, disk?: DiskView, rules: readonly Rule[] = RULES): Diagnostic[] {
  const diagnostics = collect(rules, { model, ...(disk ? { disk } : {}) });
  return diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
}

export interface ValidationResult {
  readonly model: BatchModel;
  readonly diagnostics: Diagnostic[];
}

export function validateBatchfile(text: string, options: ValidateOptions = {}): ValidationResult {
  const model = buildBatchModel(parseBatchfile(text), options.batchfilePath);
  return { model, diagnostics: validateModel(model, options.disk, options.folderChecks === false ? RULES_BUT_FOLDERS : RULES) };
}
