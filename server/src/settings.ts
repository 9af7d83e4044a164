// The server's view of the `batchman.*` settings: exactly those the settings table marks as the language server's,
// read from the section `workspace/configuration` returns, with the table's defaults when the client sends none.
import { SETTINGS_SECTION, readSettingValues, settingIdsOf, valueInSection } from '../../core/settings/index.js';
import type { SettingIdOf, SettingValues } from '../../core/settings/index.js';

export type ServerSettingId = SettingIdOf<'languageServer'>;
export type ServerSettings = SettingValues<ServerSettingId>;

/** The section the server asks the client for. */
export const SERVER_SECTION = SETTINGS_SECTION;

export const SERVER_SETTING_IDS: readonly ServerSettingId[] = settingIdsOf('languageServer');

/** Accepts whatever `workspace/configuration` returned for the section, keeping only valid values. */
export function readSettings(section: unknown): ServerSettings {
  return readSettingValues(SERVER_SETTING_IDS, (key) => valueInSection(section, key));
}

export const DEFAULT_SETTINGS: ServerSettings = readSettings(undefined);
