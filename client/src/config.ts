// The typed configuration facade: the only `getConfiguration` call of the extension. The settings table
// (core/settings/) owns the keys, defaults, validation and what a change restarts; core/view/settings.ts the view's shape.
import * as vscode from 'vscode';
import { SETTINGS, SETTINGS_SECTION, qualifiedKey, settingKeysWith } from '../../core/settings/index.js';
import type { SettingEffect, SettingKey } from '../../core/settings/index.js';
import { EXTENSION_SETTING_IDS, readExtensionSettings } from '../../core/view/settings.js';
import type { ExtensionSettingValues, ViewSettings } from '../../core/view/settings.js';

/** Every setting the extension reads, typed, by its id in the table. */
export function readSettingValues(scope?: vscode.Uri): ExtensionSettingValues {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return readExtensionSettings((key) => configuration.get(key));
}

/** Whether a configuration change touches a setting the extension reads. */
export function affectsExtensionSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return affectsAny(event, EXTENSION_SETTING_IDS.map((id) => SETTINGS[id].key));
}

/** Whether a configuration change touches a setting whose change sets `effect` in motion. */
export function affectsSettingsWith(event: vscode.ConfigurationChangeEvent, effect: SettingEffect): boolean {
  return affectsAny(event, settingKeysWith(effect));
}

function affectsAny(event: vscode.ConfigurationChangeEvent, keys: readonly SettingKey[]): boolean {
  return keys.some((key) => event.affectsConfiguration(qualifiedKey(key)));
}

/** Remembers the tree's grouping where the user last chose it (globally: it is a view preference). */
export async function setGroupByStatus(value: boolean): Promise<void> {
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update(SETTINGS.groupByStatus.key, value, vscode.ConfigurationTarget.Global);
}

export type { ExtensionSettingValues, ViewSettings };
