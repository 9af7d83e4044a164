// The settings module's surface: the one table of `batchman.*` settings and how it is read.
export { SETTINGS, SETTINGS_SECTION } from './table.js';
export type { SettingEffect, SettingReader, SettingScope, SettingSpec, SettingType } from './spec.js';
export { changedEffects, qualifiedKey, readSettingValues, settingIdsOf, settingKeysWith, valueInSection } from './read.js';
export type { SettingId, SettingIdOf, SettingKey, SettingValue, SettingValues } from './read.js';
