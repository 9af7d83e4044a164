// Finds what stands at a position: root line, header column, or a row's cell and pipe part.
import type { Cell, HeaderColumn } from '../document.js';
import { cellAtCharacter, rowIndexAtLine } from '../document.js';
import type { BatchModel, ResolvedJob } from '../model.js';
import type { PipeCommand } from '../pipes.js';
import type { Position, Range } from '../types.js';

export type PipePart = 'name' | 'dir' | 'file' | 'outside';

export type Location =
  | { readonly kind: 'root'; readonly part: 'key' | 'value' }
  | { readonly kind: 'header'; readonly column?: HeaderColumn }
  | { readonly kind: 'cell'; readonly job: ResolvedJob; readonly cell: Cell; readonly column: string }
  | {
      readonly kind: 'pipe';
      readonly job: ResolvedJob;
      readonly cell: Cell;
      readonly command?: PipeCommand;
      readonly part: PipePart;
    }
  | { readonly kind: 'none' };

export function locate(model: BatchModel, position: Position): Location {
  const { document } = model;
  const { line, character } = position;
  const root = document.root;
  if (root && root.line === line) {
    const equalsAt = root.equals?.start ?? Infinity;
    return { kind: 'root', part: character <= equalsAt ? 'key' : 'value' };
  }
  const header = document.header;
  if (header && header.line === line) {
    const column = header.columns.find((c) => character >= c.name.start && character <= c.name.end);
    return column ? { kind: 'header', column } : { kind: 'header' };
  }
  const job = model.jobs[rowIndexAtLine(document, line)];
  if (!job || !header) return { kind: 'none' };
  const row = job.row;
  const cell = cellAtCharacter(row, character);
  if (!cell) return { kind: 'none' };
  const column = header.columns[cell.index]?.name.text ?? '';
  if (column !== 'pipe') return { kind: 'cell', job, cell, column };
  const command = row.pipe.commands.find((c) => within(c.slot, character));
  if (!command) return { kind: 'pipe', job, cell, part: 'outside' };
  return { kind: 'pipe', job, cell, command, part: pipePartAt(command, character) };
}

function pipePartAt(command: PipeCommand, character: number): PipePart {
  const open = command.open?.start;
  if (open === undefined || character <= open) return 'name';
  const comma = command.comma?.start;
  const close = command.close?.start ?? Infinity;
  if (character > close) return 'outside';
  if (comma === undefined || character <= comma) return 'dir';
  return 'file';
}

export function within(range: Range, character: number): boolean {
  return character >= range.start.character && character <= range.end.character;
}
