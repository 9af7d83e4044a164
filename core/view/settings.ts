// The extension's settings as the Batches view uses them, built from the settings table (core/settings/), which
// owns every key, default and validation: a hand-edited settings.json with a wrong type falls back to the default.
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import { readSettingValues, settingIdsOf } from '../settings/index.js';
import type { SettingIdOf, SettingKey, SettingValues } from '../settings/index.js';
import type { SlurmCommands } from '../slurm/slurmScheduler.js';

export type BatchEndedLevel = 'always' | 'onFailure' | 'never';
export type JobFailedLevel = 'always' | 'never';

export interface NotificationLevels {
  batchEnded: BatchEndedLevel;
  jobFailed: JobFailedLevel;
}

/** What the extension (not the language server) reads. */
export interface ViewSettings {
  executor: ExecutorChoice;
  /** Milliseconds; never below one second. */
  pollFloorMs: number;
  slurmCommands: SlurmCommands;
  notifications: NotificationLevels;
  ledgerName: string;
  groupByStatus: boolean;
}

export type ExtensionSettingId = SettingIdOf<'extension'>;
/** The typed value of every setting the extension reads, by its id in the table. */
export type ExtensionSettingValues = SettingValues<ExtensionSettingId>;

/** The settings the table marks as the extension's. */
export const EXTENSION_SETTING_IDS: readonly ExtensionSettingId[] = settingIdsOf('extension');

/** The extension's settings from a getter of raw values (VS Code's `WorkspaceConfiguration.get`, or a test's map). */
export function readExtensionSettings(get: (key: SettingKey) => unknown): ExtensionSettingValues {
  return readSettingValues(EXTENSION_SETTING_IDS, get);
}

/** The view's shape of the extension's settings. */
export function viewSettingsFrom(values: ExtensionSettingValues): ViewSettings {
  return {
    executor: values.executor,
    pollFloorMs: values.pollFloorMs,
    slurmCommands: { sbatch: values.sbatchPath, squeue: values.squeuePath, sacct: values.sacctPath, scancel: values.scancelPath },
    notifications: { batchEnded: values.notifyBatchEnded, jobFailed: values.notifyJobFailed },
    ledgerName: values.ledgerName,
    groupByStatus: values.groupByStatus,
  };
}

/** Builds the typed settings from a getter of raw values. */
export function parseViewSettings(get: (key: SettingKey) => unknown): ViewSettings {
  return viewSettingsFrom(readExtensionSettings(get));
}

/** What the view uses when nothing is set: the table's defaults. */
export const DEFAULT_VIEW_SETTINGS: Readonly<ViewSettings> = parseViewSettings(() => undefined);
