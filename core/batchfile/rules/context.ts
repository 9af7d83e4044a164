// What every validation rule receives: the parsed batch, the disk (optional) and a way to report.
import type { DiskView } from '../disk.js';
import type { BatchModel } from '../model.js';
import type { DiagnosticCode } from '../codes.js';
import type { Diagnostic, DiagnosticData, Range, Severity } from '../types.js';

export interface RuleContext {
  readonly model: BatchModel;
  /** Absent when disk checks are off or the batchfile has no location. */
  readonly disk?: DiskView;
}

export type Report = (code: DiagnosticCode, severity: Severity, range: Range, message: string, data?: DiagnosticData) => void;

export type Rule = (context: RuleContext, report: Report) => void;

export function collect(rules: readonly Rule[], context: RuleContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report: Report = (code, severity, range, message, data) => {
    diagnostics.push({ code, severity, range, message, ...(data ? { data } : {}) });
  };
  for (const rule of rules) rule(context, report);
  return diagnostics;
}
