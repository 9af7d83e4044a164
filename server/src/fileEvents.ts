// The client's file events as changes of paths: the shape the disk cache and the recorded reads speak.
import { fileURLToPath } from 'node:url';
import type { FileEvent } from 'vscode-languageserver';
import { FileChangeType } from 'vscode-languageserver';
import type { DiskChange } from '../../core/batchfile/index.js';

const TYPES: Readonly<Record<FileChangeType, DiskChange['type']>> = {
  [FileChangeType.Created]: 'created',
  [FileChangeType.Changed]: 'changed',
  [FileChangeType.Deleted]: 'deleted',
};

/** Events on `file:` URIs, as paths; any other scheme names nothing the rules read. */
export function diskChangesOf(events: readonly FileEvent[]): DiskChange[] {
  const changes: DiskChange[] = [];
  for (const event of events) {
    const type = TYPES[event.type];
    if (type === undefined || !event.uri.startsWith('file:')) continue;
    try {
      changes.push({ path: withoutTrailingSlash(fileURLToPath(event.uri)), type });
    } catch {
      // A malformed URI names no path.
    }
  }
  return changes;
}

/** A folder's URI may end in `/`; the rules ask about folders without it. */
function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
