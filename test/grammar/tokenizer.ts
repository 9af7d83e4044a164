// Loads the batchfile TextMate grammar with the same engine VS Code uses (vscode-textmate + oniguruma wasm).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import textmate from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import type { IGrammar, StateStack } from 'vscode-textmate';

export const GRAMMAR_PATH = fileURLToPath(new URL('../../syntaxes/batchfile.tmLanguage.json', import.meta.url));
export const PACKAGE_JSON_PATH = fileURLToPath(new URL('../../package.json', import.meta.url));
export const SCOPE_NAME = 'source.batchfile';

const WASM_PATH = fileURLToPath(new URL('../../node_modules/vscode-oniguruma/release/onig.wasm', import.meta.url));

export interface Token {
  readonly text: string;
  readonly start: number;
  readonly scopes: readonly string[];
}

export interface TokenizedLine {
  readonly line: string;
  readonly tokens: readonly Token[];
}

// The wasm may be loaded only once per process, so every caller shares one promise.
let onigReady: Promise<void> | undefined;

async function ensureOniguruma(): Promise<void> {
  onigReady ??= readFile(WASM_PATH).then((wasm) =>
    oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)),
  );
  await onigReady;
}

export async function compileRegex(source: string): Promise<void> {
  await ensureOniguruma();
  const scanner = oniguruma.createOnigScanner([source]);
  scanner.dispose();
}

export async function loadBatchfileGrammar(): Promise<IGrammar> {
  await ensureOniguruma();
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== SCOPE_NAME) return null;
      return textmate.parseRawGrammar(await readFile(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH);
    },
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  if (grammar === null) throw new Error(`grammar ${SCOPE_NAME} did not load`);
  return grammar;
}

function toTokenizedLine(line: string, raw: readonly { startIndex: number; endIndex: number; scopes: string[] }[]): TokenizedLine {
  const tokens = raw
    .map((token) => ({
      text: line.slice(token.startIndex, Math.min(token.endIndex, line.length)),
      start: token.startIndex,
      scopes: token.scopes,
    }))
    .filter((token) => token.text.length > 0);
  return { line, tokens };
}

/** Tokenizes one line from the initial state, as if it were the first line of a file. */
export function tokenizeLine(grammar: IGrammar, line: string): TokenizedLine {
  return toTokenizedLine(line, grammar.tokenizeLine(line, textmate.INITIAL).tokens);
}

/** Tokenizes lines in order, each starting from the state the previous one left, as an editor does. */
export function tokenizeDocument(grammar: IGrammar, lines: readonly string[]): { lines: TokenizedLine[]; states: StateStack[] } {
  let state: StateStack = textmate.INITIAL;
  const result: TokenizedLine[] = [];
  const states: StateStack[] = [];
  for (const line of lines) {
    const tokenized = grammar.tokenizeLine(line, state);
    result.push(toTokenizedLine(line, tokenized.tokens));
    state = tokenized.ruleStack;
    states.push(state);
  }
  return { lines: result, states };
}

export const initialState: StateStack = textmate.INITIAL;

/** The token that starts where the nth occurrence of `text` starts in the line. */
export function tokenAt(tokenized: TokenizedLine, text: string, occurrence = 0): Token {
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = tokenized.line.indexOf(text, index + 1);
    if (index < 0) throw new Error(`"${text}" (occurrence ${occurrence}) not found in ${JSON.stringify(tokenized.line)}`);
  }
  const token = tokenized.tokens.find((candidate) => candidate.start === index);
  if (token === undefined) {
    throw new Error(`no token starts at "${text}" in ${JSON.stringify(tokenized.line)}: ${describe(tokenized)}`);
  }
  return token;
}

export function describe(tokenized: TokenizedLine): string {
  return tokenized.tokens.map((token) => `${JSON.stringify(token.text)} [${token.scopes.join(' ')}]`).join('\n');
}
