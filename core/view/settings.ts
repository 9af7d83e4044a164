// The `batchman.*` settings: their names (spelled once; package.json is checked against them) and how a raw value
// becomes a typed one, so a hand-edited settings.json with a wrong type falls back to the default instead of breaking.
import type { ExecutorChoice } from '../executors/chooseExecutor.js';
import { DEFAULT_LEDGER_NAME } from '../ledger/ledger.js';
import type { SlurmCommands } from '../slurm/slurmScheduler.js';

/** Every setting, by its key under `batchman.` (the language server reads some of them too). */
export const SETTING_KEYS = {
  pipeStyle: 'pipeStyle',
  debounceMs: 'diagnostics.debounceMs',
  checkDisk: 'diagnostics.checkDisk',
  traceServer: 'trace.server',
  executor: 'executor',
  pollFloorSeconds: 'poll.floorSeconds',
  sbatchPath: 'slurm.sbatchPath',
  squeuePath: 'slurm.squeuePath',
  sacctPath: 'slurm.sacctPath',
  scancelPath: 'slurm.scancelPath',
  notifyBatchEnded: 'notifications.batchEnded',
  notifyJobFailed: 'notifications.jobFailed',
  ledgerName: 'ledgerName',
  groupByStatus: 'tree.groupByStatus',
} as const;

export type SettingKey = (typeof SETTING_KEYS)[keyof typeof SETTING_KEYS];

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

export const DEFAULT_VIEW_SETTINGS: Readonly<ViewSettings> = {
  executor: 'auto',
  pollFloorMs: 5_000,
  slurmCommands: { sbatch: 'sbatch', squeue: 'squeue', sacct: 'sacct', scancel: 'scancel' },
  notifications: { batchEnded: 'always', jobFailed: 'always' },
  ledgerName: DEFAULT_LEDGER_NAME,
  groupByStatus: false,
};

/** Builds the typed settings from a getter of raw values (VS Code's `WorkspaceConfiguration.get`, or a test's map). */
export function parseViewSettings(get: (key: SettingKey) => unknown): ViewSettings {
  const d = DEFAULT_VIEW_SETTINGS;
  const floorSeconds = get(SETTING_KEYS.pollFloorSeconds);
  return {
    executor: oneOf(get(SETTING_KEYS.executor), ['auto', 'slurm', 'local'] as const, d.executor),
    pollFloorMs: typeof floorSeconds === 'number' && Number.isFinite(floorSeconds) ? Math.max(1, floorSeconds) * 1000 : d.pollFloorMs,
    slurmCommands: {
      sbatch: command(get(SETTING_KEYS.sbatchPath), d.slurmCommands.sbatch),
      squeue: command(get(SETTING_KEYS.squeuePath), d.slurmCommands.squeue),
      sacct: command(get(SETTING_KEYS.sacctPath), d.slurmCommands.sacct),
      scancel: command(get(SETTING_KEYS.scancelPath), d.slurmCommands.scancel),
    },
    notifications: {
      batchEnded: oneOf(get(SETTING_KEYS.notifyBatchEnded), ['always', 'onFailure', 'never'] as const, d.notifications.batchEnded),
      jobFailed: oneOf(get(SETTING_KEYS.notifyJobFailed), ['always', 'never'] as const, d.notifications.jobFailed),
    },
    ledgerName: ledgerName(get(SETTING_KEYS.ledgerName)),
    groupByStatus: typeof get(SETTING_KEYS.groupByStatus) === 'boolean' ? (get(SETTING_KEYS.groupByStatus) as boolean) : d.groupByStatus,
  };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function command(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** A file name beside the batchfile; a path that climbs out of the folder is not one. */
function ledgerName(value: unknown): string {
  if (typeof value !== 'string') return DEFAULT_LEDGER_NAME;
  const name = value.trim();
  if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return DEFAULT_LEDGER_NAME;
  return name;
}
