// The typed configuration facade: the only `getConfiguration` call of the extension (core/view/settings.ts owns the
// names, defaults and validation).
import * as vscode from 'vscode';
import { SETTING_KEYS, parseViewSettings } from '../../core/view/settings.js';
import type { SettingKey, ViewSettings } from '../../core/view/settings.js';

const SECTION = 'batchman';

export function readConfig(scope?: vscode.Uri): ViewSettings {
  const configuration = vscode.workspace.getConfiguration(SECTION, scope);
  return parseViewSettings((key) => configuration.get(key));
}

/** Whether a configuration change touches one of these settings. */
export function affects(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
  return keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}

/** Remembers the tree's grouping where the user last chose it (globally: it is a view preference). */
export async function setGroupByStatus(value: boolean): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(SETTING_KEYS.groupByStatus, value, vscode.ConfigurationTarget.Global);
}

export type { ViewSettings };
