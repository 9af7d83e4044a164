// Code actions: fix a misspelt program, key, column or pipe name; braces for CCBatchMan; switch a pipe's bracket style; remove a duplicate pipe.
import type { BatchModel } from '../model.js';
import type { PipeBracketStyle, PipeCommand } from '../pipes.js';
import { bracketsOf } from '../pipes.js';
import type { Diagnostic, Range, TextEdit } from '../types.js';
import { lineRange } from '../types.js';
import type { CodeAction } from './lspTypes.js';

const REPLACEABLE = new Set(['program-unknown', 'root-unknown-key', 'header-unknown-column', 'pipe-unknown-name']);

/** Actions for `range`, given the document's current diagnostics. */
export function codeActions(model: BatchModel, range: Range, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const angled: Diagnostic[] = [];
  for (const diagnostic of diagnostics) {
    if (!overlaps(diagnostic.range, range)) continue;
    const suggestion = diagnostic.data?.suggestion;
    if (REPLACEABLE.has(diagnostic.code) && suggestion) {
      actions.push({ title: `Change to \`${suggestion}\``, kind: 'quickfix', edits: [{ range: diagnostic.range, newText: suggestion }], diagnostics: [diagnostic], isPreferred: true });
    }
    if (diagnostic.code === 'pipe-duplicate-name') {
      const command = commandAt(model, diagnostic.range);
      if (command) {
        actions.push({ title: `Remove the duplicate \`${command.name.text}\` pipe`, kind: 'quickfix', edits: [removal(command)], diagnostics: [diagnostic], isPreferred: true });
      }
    }
    if (diagnostic.code === 'pipe-angle-brackets') angled.push(diagnostic);
  }
  if (angled.length > 0) {
    // One action for the whole file makes it readable by CCBatchMan; offered once however many pipes are in range.
    const all = model.document.rows.flatMap((row) => row.pipe.commands.flatMap((command) => restyle(command, 'brace')));
    if (all.length > 0) actions.push({ title: `Write every pipe as ${styleLabel('brace')}`, kind: 'quickfix', edits: all, diagnostics: angled, isPreferred: true });
    for (const diagnostic of angled) {
      const command = commandAt(model, diagnostic.range);
      const edits = command ? restyle(command, 'brace') : [];
      if (edits.length > 0) actions.push({ title: `Write this pipe as ${styleLabel('brace')}`, kind: 'quickfix', edits, diagnostics: [diagnostic] });
    }
  }
  // Switching the bracket style of the pipe under the cursor is always on offer.
  for (const row of model.document.rows) {
    if (row.line < range.start.line || row.line > range.end.line) continue;
    for (const command of row.pipe.commands) {
      if (!command.style || !command.close || !overlaps(command.range, range)) continue;
      const other: PipeBracketStyle = command.style === 'brace' ? 'angle' : 'brace';
      actions.push({ title: `Switch \`${command.name.text}\` to ${styleLabel(other)}`, kind: 'refactor.rewrite', edits: restyle(command, other) });
    }
  }
  return actions;
}

function styleLabel(style: PipeBracketStyle): string {
  const [open, close] = bracketsOf(style);
  return `NAME${open}DIR,FILE${close}`;
}

function restyle(command: PipeCommand, style: PipeBracketStyle): TextEdit[] {
  if (!command.open || !command.close || command.style === style) return [];
  const [open, close] = bracketsOf(style);
  return [
    { range: command.open.range, newText: open },
    { range: command.close.range, newText: close },
  ];
}

/** Deletes the command and one `;` beside it, so the remaining pipe stays well-formed. */
function removal(command: PipeCommand): TextEdit {
  const line = command.slot.start.line;
  if (command.separatorAfter !== undefined) return { range: lineRange(line, command.slot.start.character, command.separatorAfter + 1), newText: '' };
  if (command.separatorBefore !== undefined) return { range: lineRange(line, command.separatorBefore, command.slot.end.character), newText: '' };
  return { range: command.slot, newText: '' };
}

function commandAt(model: BatchModel, range: Range): PipeCommand | undefined {
  for (const row of model.document.rows) {
    if (row.line !== range.start.line) continue;
    return row.pipe.commands.find((command) => overlaps(command.range, range));
  }
  return undefined;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']): boolean => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
