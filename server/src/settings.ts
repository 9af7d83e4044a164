// The server's view of the `batchman.*` settings it uses, with defaults when the client sends none.
import type { PipeBracketStyle } from '../../core/batchfile/index.js';

export interface ServerSettings {
  readonly pipeStyle: PipeBracketStyle;
  readonly debounceMs: number;
  readonly checkDisk: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = { pipeStyle: 'angle', debounceMs: 150, checkDisk: true };

/** Accepts whatever `workspace/configuration` returned for the `batchman` section, keeping only valid values. */
export function readSettings(raw: unknown): ServerSettings {
  const section = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const diagnostics = (typeof section.diagnostics === 'object' && section.diagnostics !== null ? section.diagnostics : {}) as Record<string, unknown>;
  return {
    pipeStyle: section.pipeStyle === 'brace' || section.pipeStyle === 'angle' ? section.pipeStyle : DEFAULT_SETTINGS.pipeStyle,
    debounceMs: typeof diagnostics.debounceMs === 'number' && diagnostics.debounceMs >= 0 ? diagnostics.debounceMs : DEFAULT_SETTINGS.debounceMs,
    checkDisk: typeof diagnostics.checkDisk === 'boolean' ? diagnostics.checkDisk : DEFAULT_SETTINGS.checkDisk,
  };
}
