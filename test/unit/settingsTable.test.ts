// The settings table's change effects: what the Batches view restarts for which setting (the list batches.ts once
// spelled by hand), and that only a setting whose typed value changed sets anything in motion.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SETTINGS, changedEffects, settingIdsOf, settingKeysWith } from '../../core/settings/index.js';
import { EXTENSION_SETTING_IDS, readExtensionSettings } from '../../core/view/settings.js';
import type { ExtensionSettingValues } from '../../core/view/settings.js';

const DEFAULTS: ExtensionSettingValues = readExtensionSettings(() => undefined);

function changing(raw: Record<string, unknown>): Set<string> {
  return changedEffects(EXTENSION_SETTING_IDS, DEFAULTS, readExtensionSettings((key) => raw[key]));
}

describe('what a change of a setting restarts', () => {
  test('the pollers and monitor for the executor, the poll floor, the SLURM commands and the ledger name', () => {
    assert.deepEqual(settingKeysWith('restartMonitor').sort(), [
      'executor',
      'ledgerName',
      'poll.floorSeconds',
      'slurm.sacctPath',
      'slurm.sbatchPath',
      'slurm.scancelPath',
      'slurm.squeuePath',
    ]);
    assert.deepEqual(settingKeysWith('regroupTree'), ['tree.groupByStatus']);
    assert.deepEqual(settingKeysWith('readWhenUsed').sort(), ['notifications.batchEnded', 'notifications.jobFailed']);
    assert.deepEqual(settingKeysWith('restartLanguageServer'), ['trace.server']);
  });

  test('only settings whose typed value changed count', () => {
    assert.deepEqual(changing({}), new Set());
    // Blanks around a command, and a floor that is not a number, read as the defaults: nothing to restart.
    assert.deepEqual(changing({ 'slurm.squeuePath': ' squeue ', 'poll.floorSeconds': 'fast' }), new Set());
    assert.deepEqual(changing({ 'poll.floorSeconds': 0.5 }), new Set(['restartMonitor']));
    assert.deepEqual(changing({ 'tree.groupByStatus': true }), new Set(['regroupTree']));
    assert.deepEqual(changing({ 'notifications.jobFailed': 'never' }), new Set(['readWhenUsed']));
    assert.deepEqual(changing({ 'slurm.scancelPath': '/opt/slurm/bin/scancel', 'tree.groupByStatus': true }), new Set(['restartMonitor', 'regroupTree']));
  });

  test('the language server\'s settings are not the extension\'s to restart anything for', () => {
    for (const id of EXTENSION_SETTING_IDS) assert.equal(SETTINGS[id].readBy, 'extension');
    const serverKeys = new Set<string>(settingIdsOf('languageServer').map((id) => SETTINGS[id].key));
    assert.deepEqual([...serverKeys].sort(), ['diagnostics.checkDisk', 'diagnostics.debounceMs', 'pipeStyle']);
    assert.ok(!EXTENSION_SETTING_IDS.some((id) => serverKeys.has(SETTINGS[id].key)));
  });
});
