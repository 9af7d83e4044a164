// The batchfile core's public surface: parse, model, validate and the language features.
export * from './types.js';
export * from './codes.js';
export * from './columns.js';
export * from './document.js';
export * from './pipes.js';
export { parseBatchfile, updateBatchfile } from './parser.js';
export * from './model.js';
export * from './disk.js';
export * from './validate.js';
export * from './features/lspTypes.js';
export { MAX_FOLDER_ITEMS, complete, completeList } from './features/completion.js';
export type { CompletionOptions, CompletionResult } from './features/completion.js';
export { hover, hoveredRowJob } from './features/hover.js';
export type { HoverOptions } from './features/hover.js';
export { definition, references, documentSymbols, documentLinks } from './features/navigation.js';
export { formatDocument } from './features/format.js';
export { codeActions } from './features/codeActions.js';
