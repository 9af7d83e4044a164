// Reading settings through the table: typed values for the settings one reader owns, and what a change of them restarts.
import type { SettingEffect, SettingReader } from './spec.js';
import { SETTINGS, SETTINGS_SECTION } from './table.js';

type Table = typeof SETTINGS;
export type SettingId = keyof Table;
export type SettingKey = Table[SettingId]['key'];
/** The typed value of a setting (after validation and unit conversion). */
export type SettingValue<I extends SettingId> = Table[I]['fallback'];
/** The ids of the settings a reader owns. */
export type SettingIdOf<R extends SettingReader> = { [I in SettingId]: Table[I]['readBy'] extends R ? I : never }[SettingId];
export type SettingValues<I extends SettingId> = { readonly [K in I]: SettingValue<K> };

const ALL_IDS = Object.keys(SETTINGS) as SettingId[];

/** The settings a reader owns, in table order. */
export function settingIdsOf<R extends SettingReader>(reader: R): SettingIdOf<R>[] {
  return ALL_IDS.filter((id) => SETTINGS[id].readBy === reader) as SettingIdOf<R>[];
}

/** The keys (under the section) of the settings whose change sets `effect` in motion. */
export function settingKeysWith(effect: SettingEffect): SettingKey[] {
  return ALL_IDS.filter((id) => SETTINGS[id].onChange === effect).map((id) => SETTINGS[id].key);
}

/** `batchman.<key>`, as VS Code names a setting in events and the manifest. */
export function qualifiedKey(key: SettingKey): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** Typed values of `ids` from a getter of raw values; a missing or malformed value gives the default. */
export function readSettingValues<I extends SettingId>(ids: readonly I[], get: (key: SettingKey) => unknown): SettingValues<I> {
  const values: Partial<Record<SettingId, unknown>> = {};
  for (const id of ids) {
    const spec = SETTINGS[id];
    values[id] = spec.parse(get(spec.key)) ?? spec.fallback;
  }
  return values as SettingValues<I>;
}

/** What a change from `before` to `after` sets in motion: the effects of the settings whose typed values differ. */
export function changedEffects<I extends SettingId>(ids: readonly I[], before: SettingValues<I>, after: SettingValues<I>): Set<SettingEffect> {
  const effects = new Set<SettingEffect>();
  for (const id of ids) if (before[id] !== after[id]) effects.add(SETTINGS[id].onChange);
  return effects;
}

/**
 * The raw value of `key` in a section object as `workspace/configuration` returns it: dotted keys are nested objects
 * (`diagnostics.debounceMs` is `section.diagnostics.debounceMs`).
 */
export function valueInSection(section: unknown, key: SettingKey): unknown {
  let value = section;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
