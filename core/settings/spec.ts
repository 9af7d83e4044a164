// The shape of one setting's declaration, and the constructors that derive its validation from what it declares.

/** VS Code's configuration scopes (where a value may be set). */
export type SettingScope = 'application' | 'machine' | 'machine-overridable' | 'window' | 'resource' | 'language-overridable';

/** Who reads a setting: the language server (through `workspace/configuration`), the language client library, or the extension. */
export type SettingReader = 'languageServer' | 'languageClient' | 'extension';

/** What a change of the setting sets in motion. */
export type SettingEffect =
  /** The language server pulls its settings again and re-validates the open documents. */
  | 'revalidate'
  /** The extension restarts the language server: the value is read only when it starts. */
  | 'restartLanguageServer'
  /** The Batches view makes its pollers and monitor again: they were built with the value. */
  | 'restartMonitor'
  /** The Batches view re-groups its jobs in place. */
  | 'regroupTree'
  /** Nothing: the value is read each time it is used. */
  | 'readWhenUsed';

/** The JSON type the manifest declares. */
export type SettingType = 'string' | 'number' | 'boolean';

export interface SettingSpec<K extends string = string, V = unknown, R extends SettingReader = SettingReader, E extends SettingEffect = SettingEffect> {
  /** The key under `batchman.`. */
  readonly key: K;
  readonly type: SettingType;
  /** The default as the manifest writes it. */
  readonly default: string | number | boolean;
  /** The allowed values of an enumerated string setting. */
  readonly values?: readonly string[];
  readonly minimum?: number;
  readonly scope: SettingScope;
  readonly readBy: R;
  readonly onChange: E;
  /** The typed value of a raw one, or undefined when it is malformed (then `fallback` is used). */
  readonly parse: (raw: unknown) => V | undefined;
  /** The typed value of `default`. */
  readonly fallback: V;
}

interface Declared<K extends string, R extends SettingReader, E extends SettingEffect> {
  readonly key: K;
  readonly scope: SettingScope;
  readonly readBy: R;
  readonly onChange: E;
}

/** One of a fixed list of strings. */
export function choice<const K extends string, const T extends string, const R extends SettingReader, const E extends SettingEffect>(
  declared: Declared<K, R, E> & { readonly values: readonly T[]; readonly default: NoInfer<T> },
): SettingSpec<K, T, R, E> {
  const { values } = declared;
  const parse = (raw: unknown): T | undefined => (typeof raw === 'string' && (values as readonly string[]).includes(raw) ? (raw as T) : undefined);
  return complete({ ...declared, type: 'string', parse });
}

/** A number; by default one below `minimum` is malformed, `parse` may say otherwise (and convert units). */
export function number<const K extends string, const R extends SettingReader, const E extends SettingEffect, V = number>(
  declared: Declared<K, R, E> & { readonly default: number; readonly minimum?: number; readonly parse?: (value: number) => V | undefined },
): SettingSpec<K, V, R, E> {
  const { minimum, parse: convert } = declared;
  const atLeastMinimum = (value: number): V | undefined => (minimum === undefined || value >= minimum ? (value as V) : undefined);
  const parse = (raw: unknown): V | undefined => (typeof raw === 'number' ? (convert ?? atLeastMinimum)(raw) : undefined);
  return complete({ ...declared, type: 'number', parse });
}

export function flag<const K extends string, const R extends SettingReader, const E extends SettingEffect>(
  declared: Declared<K, R, E> & { readonly default: boolean },
): SettingSpec<K, boolean, R, E> {
  return complete({ ...declared, type: 'boolean', parse: (raw: unknown) => (typeof raw === 'boolean' ? raw : undefined) });
}

/** A string that `parse` checks (and may normalise). */
export function text<const K extends string, const R extends SettingReader, const E extends SettingEffect>(
  declared: Declared<K, R, E> & { readonly default: string; readonly parse: (value: string) => string | undefined },
): SettingSpec<K, string, R, E> {
  const { parse: check } = declared;
  return complete({ ...declared, type: 'string', parse: (raw: unknown) => (typeof raw === 'string' ? check(raw) : undefined) });
}

/** Adds the typed default; a default its own validation refuses is a mistake in the table, caught when it loads. */
function complete<K extends string, V, R extends SettingReader, E extends SettingEffect>(spec: Omit<SettingSpec<K, V, R, E>, 'fallback'>): SettingSpec<K, V, R, E> {
  const fallback = spec.parse(spec.default);
  if (fallback === undefined) throw new Error(`the default of batchman.${spec.key} is not one of its valid values`);
  return { ...spec, fallback };
}
