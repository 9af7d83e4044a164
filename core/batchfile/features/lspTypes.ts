// The few LSP result shapes the language features return (numbers as in the protocol, no LSP dependency in core).
import type { Diagnostic, Range, TextEdit } from '../types.js';

export const CompletionItemKind = { Text: 1, Function: 3, Field: 5, Variable: 6, Module: 9, Value: 12, Keyword: 14, Snippet: 15, File: 17, Folder: 19 } as const;
export const InsertTextFormat = { PlainText: 1, Snippet: 2 } as const;
export const SymbolKind = { File: 1, Module: 2, Function: 12 } as const;

type ValueOf<T> = T[keyof T];
export type CompletionKind = ValueOf<typeof CompletionItemKind>;
export type SymbolKindValue = ValueOf<typeof SymbolKind>;

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: { readonly kind: 'markdown'; readonly value: string };
  readonly textEdit?: TextEdit;
  readonly insertTextFormat?: ValueOf<typeof InsertTextFormat>;
  readonly sortText?: string;
  readonly filterText?: string;
}

export interface Hover {
  readonly contents: { readonly kind: 'markdown'; readonly value: string };
  readonly range: Range;
}

export interface DocumentSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: SymbolKindValue;
  readonly range: Range;
  readonly selectionRange: Range;
}

export interface DocumentLink {
  readonly range: Range;
  /** An absolute path; the server turns it into a URI. */
  readonly targetPath: string;
  readonly tooltip: string;
}

export interface CodeAction {
  readonly title: string;
  readonly kind: 'quickfix' | 'refactor.rewrite' | 'source.fixAll';
  readonly edits: readonly TextEdit[];
  readonly diagnostics?: readonly Diagnostic[];
  readonly isPreferred?: boolean;
}
