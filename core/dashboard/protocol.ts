// The dashboard webview's messages, declared once for the host (client/) and the page (webview/): what each side
// sends, with a `ready` handshake before the host sends anything. Plain JSON data only; no Node or DOM types.
import type { JobStatus } from '../status.js';
import { sameJob } from '../truth/job.js';
import type { JobTruth, JobView } from '../truth/job.js';
import type { StatusSummary } from '../truth/summary.js';
import type { DashboardResultColumns } from './resultColumns.js';
import type { DashboardJobResults } from './jobResultsMessage.js';

/** Bumped when a message changes shape, so a page restored from an older build asks for a reload. */
export const DASHBOARD_PROTOCOL_VERSION = 4;

/** A record's status as readers show it (`lost`: in progress, runner dead); mirrors core/runner/records.ts. */
export type DashboardRecordStatus = 'in_progress' | 'completed' | 'canceled' | 'internal_error' | 'lost';

/** The batch state derived from its jobs and its record (see core/dashboard/page/state.ts). */
export type DashboardBatchState = 'SCHEDULE' | 'RUNNING' | 'TERMINATING' | 'DONE' | 'ERROR';

/**
 * One row of the run table: the tree's job (JobView) with the last event its times say. Every string is the user's or a
 * program's text: the page inserts it as text.
 */
export interface DashboardJob extends JobView {
  /** The newest status change and when (ISO 8601). */
  lastEvent: JobTruth['lastEvent'];
  /**
   * The job's identity on the page and in its messages (`jobKey`: folder and basename): molecule folders reuse step
   * names, so two rows may share a basename. The host looks the key up among its own jobs; it is never a path to open.
   */
  key: string;
  /** How the page names the job: its basename, with its folder when another job shares it (`opt · mol1/opt`). */
  label: string;
}

/** Whether the page would show two rows alike: the host sends, and the page redraws, only rows where this is false. */
export function sameDashboardJob(a: DashboardJob, b: DashboardJob): boolean {
  return sameJob(a, b);
}

/** The launch (batch record) shown at the top. */
export interface DashboardRecord {
  id: string;
  name: string;
  runNumber: number;
  message: string;
  tags: string[];
  status: DashboardRecordStatus;
  startTime: string;
  endTime: string | null;
  createdBy: string;
  git: { repository: string; branch: string | null; commit: string | null } | null;
  runner: { host: string; pid: number; heartbeat: string };
  executor: string | null;
  error: string | null;
  /** While the runner's submissions wait for the cluster: `waiting — submit limit 3 reached`. */
  waiting?: string;
}

/** Everything the header shows of the batch besides its jobs. */
export interface DashboardBatch {
  /** Stable identity: the batchfile's absolute path. */
  id: string;
  label: string;
  batchfilePath: string;
  rootPath: string | null;
  ledgerPath: string | null;
  /** The launch on show: the newest, or one chosen from the history. */
  record: DashboardRecord | null;
  /** Why the statuses may be old (squeue failing). */
  stale: string | null;
  /** Why the batch cannot be shown (unreadable batchfile…). */
  error: string | null;
}

/** A pipe between two jobs of the batch: `to` reads `kind` (geometry or orbitals) from `from`'s folder. */
export interface DashboardLink {
  /** Job keys. */
  from: string;
  to: string;
  kind: 'coords' | 'orbitals';
}

/** One step of a job's status history: an attempt (0 = first, N = N-th restart) reached `status` at `at`. */
export interface DashboardStatusEvent {
  attempt: number;
  status: JobStatus;
  /** ISO 8601. */
  at: string;
}

/** What the job detail shows beside the row: read from the job's folder when the job is chosen. */
export interface DashboardJobDetail {
  /** The job's key (`DashboardJob.key`). */
  key: string;
  /** Oldest first: every attempt's submitted / started / ended events (earlier attempts from `<dir>_history_N`). */
  history: DashboardStatusEvent[];
  /** run_info.json as it is on disk (pretty-printed when it parses), null when there is none. */
  runInfo: string | null;
  /** Why run_info.json could not be read. */
  runInfoError: string | null;
  /** The last lines of the program's output, null when there is none yet. */
  outputTail: { fileName: string; text: string; truncated: boolean } | null;
  /** Whether the buttons have something to open. */
  files: { output: boolean; input: boolean; folder: boolean };
  /** What the job computed, read from its output (absent from older hosts; null when there is nothing to read). */
  results?: DashboardJobResults | null;
  /**
   * ISO 8601: when `results` were read, present only when the output has grown since (a running job's output is
   * parsed again at most every 10 s or so, its last results shown meanwhile). Absent: the results are current.
   */
  resultsAt?: string;
  /** ISO 8601: when the host read the folder. */
  at: string;
}

/** One earlier (or the current) launch of the batchfile. */
export interface DashboardHistoryEntry {
  id: string;
  name: string;
  runNumber: number;
  status: DashboardRecordStatus;
  startTime: string;
  endTime: string | null;
  message: string;
  tags: string[];
  /** The job counts when the record was closed; null while in progress or when unknown. */
  counts: StatusSummary | null;
}

/** The run table's columns, by the key the page sorts on. */
export const DASHBOARD_COLUMNS = ['job', 'folder', 'program', 'status', 'slurmId', 'lastEvent', 'lastEventAt', 'submitted', 'elapsed', 'cause'] as const;
export type DashboardColumn = (typeof DASHBOARD_COLUMNS)[number];

export type SortDirection = 'asc' | 'desc';

/** The dashboard's tabs. */
export const DASHBOARD_TABS = ['jobs', 'results', 'graph', 'timeline', 'history'] as const;
export type DashboardTab = (typeof DASHBOARD_TABS)[number];

/** The UI intent the page keeps with getState/setState and reports to the host. */
export interface DashboardViewState {
  /** The batch on show (its batchfile path), so the serializer can reopen the same batch after a reload. */
  batchId: string | null;
  sort: { column: DashboardColumn; direction: SortDirection } | null;
  /** Shown statuses; empty means all. */
  statuses: JobStatus[];
  search: string;
  /** The chosen job's key. */
  selected: string | null;
  tab: DashboardTab;
  /** The Results tab's sort, text filter and energy unit (absent: batchfile order, no filter, Hartree). */
  results?: DashboardResultsViewState;
  /** How the page is laid out (the header folded, the detail pane's share); absent in state saved by older builds. */
  layout?: DashboardLayout;
}

/** The Results tab's columns, by the key the page sorts on. */
export const DASHBOARD_RESULT_COLUMNS = ['job', 'folder', 'program', 'status', 'energy', 'relative', 'gibbs', 'imaginary', 'steps', 'wall', 'problems'] as const;
export type DashboardResultColumn = (typeof DASHBOARD_RESULT_COLUMNS)[number];

/** The energy units the Results tab converts Hartree into. */
export const DASHBOARD_ENERGY_UNITS = ['hartree', 'kcal', 'kj', 'ev'] as const;
export type DashboardEnergyUnit = (typeof DASHBOARD_ENERGY_UNITS)[number];

export interface DashboardResultsViewState {
  sort: { column: DashboardResultColumn; direction: SortDirection } | null;
  search: string;
  unit: DashboardEnergyUnit;
}

/**
 * One job's row of the Results tab: what `batchman results` shows of it, flat (no geometry or frequencies: 10,000 rows
 * must stay small). Energies in Hartree; null where the output does not say. Strings are the user's or a program's
 * text: the page inserts them as text.
 */
export interface DashboardResultRow {
  /** The job's key, as in DashboardJob (selecting the row selects the job). */
  key: string;
  label: string;
  basename: string;
  directory: string;
  program: string;
  status: JobStatus;
  /** False when the folder holds no output to read, or the program has no results parser. */
  hasOutput: boolean;
  /** The program's own final energy, Hartree. */
  finalEnergy: number | null;
  /** Final energy minus the lowest of the jobs of the same program, method, formula and charge, Hartree (as `results` computes it). */
  relativeEnergy: number | null;
  gibbs: number | null;
  method: string | null;
  imaginaryFrequencies: number | null;
  optimization: { steps: number; converged: boolean } | null;
  wallSeconds: number | null;
  problems: string[];
}

/** The page's layout choices, kept across reloads in the webview's state (DashboardViewState.layout). */
export interface DashboardLayout {
  /** The header's run details folded away; null: by the window's height. */
  headerCollapsed: boolean | null;
  /** The job detail pane's share of the height below the header (0…1); null: the default. */
  detailShare: number | null;
}

/** Job buttons of the detail view; the host maps each to its command. */
export const DASHBOARD_JOB_ACTIONS = ['openOutput', 'openInput', 'openFolder', 'cancel', 'restart'] as const;
export type DashboardJobAction = (typeof DASHBOARD_JOB_ACTIONS)[number];

/** The batch's own files the header links to; the page names one, the host knows its path (the page never sends paths). */
export const DASHBOARD_BATCH_FILES = ['root', 'ledger', 'batchfile'] as const;
export type DashboardBatchFile = (typeof DASHBOARD_BATCH_FILES)[number];

/** Whether the page named a job button the host knows (page text is checked, never trusted as a command). */
export function isDashboardJobAction(value: unknown): value is DashboardJobAction {
  return typeof value === 'string' && (DASHBOARD_JOB_ACTIONS as readonly string[]).includes(value);
}

/** Whether the page named one of the batch's own files (the host knows their paths; the page never sends one). */
export function isDashboardBatchFile(value: unknown): value is DashboardBatchFile {
  return typeof value === 'string' && (DASHBOARD_BATCH_FILES as readonly string[]).includes(value);
}

// ------------------------------------------------------------------ message types

/** A message type: its method, and its params as a type only. */
export interface MessageType<M extends string, P> {
  readonly method: M;
  /** Never set: carries P for the type checker. */
  readonly params?: P;
}

function messageType<P>(): <M extends string>(method: M) => MessageType<M, P> {
  return (method) => ({ method });
}

/** page → host: the page has loaded and listens; the host sends nothing before this. */
export const ReadyMessage = messageType<{ protocolVersion: number }>()('batchman/dashboard/ready');
/** page → host: the user chose a job in the table, graph or timeline (null: none); the host may answer with its detail. */
export const SelectJobMessage = messageType<{ key: string | null }>()('batchman/dashboard/selectJob');
/** page → host: a job button was pressed (open its files, cancel, restart). */
export const JobActionMessage = messageType<{ key: string; action: DashboardJobAction }>()('batchman/dashboard/jobAction');
/** page → host: the user chose a launch in the history; the host answers with that launch's snapshot. */
export const ShowLaunchMessage = messageType<{ recordId: string }>()('batchman/dashboard/showLaunch');
/** page → host: a header link was followed (the root folder, the ledger or the batchfile). */
export const OpenBatchFileMessage = messageType<{ which: DashboardBatchFile }>()('batchman/dashboard/openBatchFile');
/** page → host: sort, filter, search or selection changed, so the serializer can restore them. */
export const ViewStateMessage = messageType<{ state: DashboardViewState }>()('batchman/dashboard/viewState');

/** host → page: everything at once (after `ready`, after a launch is chosen, or when jobs were added or removed). */
export const SnapshotMessage = messageType<{
  batch: DashboardBatch;
  /** In batchfile order. */
  jobs: DashboardJob[];
  /** The pipes between the jobs (both ends in the batch), for the graph and the detail's upstream/downstream. */
  links: DashboardLink[];
  history: DashboardHistoryEntry[];
  /** ISO 8601: when the host read this. */
  at: string;
}>()('batchman/dashboard/snapshot');
/** host → page: jobs whose row changed, matched by key; the list of jobs itself is unchanged. */
export const JobsChangedMessage = messageType<{ jobs: DashboardJob[]; at: string }>()('batchman/dashboard/jobsChanged');
/** host → page: the header changed (record status, heartbeat, stale reason). */
export const BatchChangedMessage = messageType<{ batch: DashboardBatch }>()('batchman/dashboard/batchChanged');
/** host → page: the list of launches changed (a launch began or ended). */
export const HistoryChangedMessage = messageType<{ history: DashboardHistoryEntry[] }>()('batchman/dashboard/historyChanged');

/** host → page: the chosen job's detail (answers selectJob, and again when that job changes while chosen). */
export const JobDetailMessage = messageType<{ detail: DashboardJobDetail }>()('batchman/dashboard/jobDetail');

/** host → page: show and choose this job (the dashboard was opened from a job, or a job was chosen in the tree). */
export const RevealJobMessage = messageType<{ key: string }>()('batchman/dashboard/revealJob');

/** page → host: the Results tab was shown; the host reads every job's results and answers with `results` (and again as jobs end). */
export const RequestResultsMessage = messageType<Record<string, never>>()('batchman/dashboard/requestResults');
/** page → host: save the results as CSV (the host asks where, and writes what `batchman results --csv` prints). */
export const ExportResultsCsvMessage = messageType<Record<string, never>>()('batchman/dashboard/exportResultsCsv');
/** host → page: every job's results, in batchfile order, column by column (resultColumns.ts) (answers requestResults; sent again when jobs end and the rows changed). */
export const ResultsMessage = messageType<{ columns: DashboardResultColumns; at: string }>()('batchman/dashboard/results');

/** The message a type describes, as it goes over postMessage. */
export type MessageOf<T> = T extends MessageType<infer M, infer P> ? { method: M; params: P } : never;

export type PageToHostMessage = MessageOf<
  typeof ReadyMessage | typeof SelectJobMessage | typeof JobActionMessage | typeof ShowLaunchMessage | typeof OpenBatchFileMessage | typeof ViewStateMessage | typeof RequestResultsMessage | typeof ExportResultsCsvMessage
>;
export type HostToPageMessage = MessageOf<
  typeof SnapshotMessage | typeof JobsChangedMessage | typeof BatchChangedMessage | typeof HistoryChangedMessage | typeof JobDetailMessage | typeof RevealJobMessage | typeof ResultsMessage
>;

export function message<M extends string, P>(type: MessageType<M, P>, params: P): { method: M; params: P } {
  return { method: type.method, params };
}

/** Whether `value` is a message of `type` (by its method; the params are trusted: both sides are ours). */
export function isMessage<M extends string, P>(value: unknown, type: MessageType<M, P>): value is { method: M; params: P } {
  return typeof value === 'object' && value !== null && (value as { method?: unknown }).method === type.method && 'params' in value;
}

const HOST_TO_PAGE: ReadonlySet<string> = new Set([SnapshotMessage, JobsChangedMessage, BatchChangedMessage, HistoryChangedMessage, JobDetailMessage, RevealJobMessage, ResultsMessage].map((type) => type.method));
const PAGE_TO_HOST: ReadonlySet<string> = new Set([ReadyMessage, SelectJobMessage, JobActionMessage, ShowLaunchMessage, OpenBatchFileMessage, ViewStateMessage, RequestResultsMessage, ExportResultsCsvMessage].map((type) => type.method));

export function isHostToPageMessage(value: unknown): value is HostToPageMessage {
  return hasMethodIn(value, HOST_TO_PAGE);
}

export function isPageToHostMessage(value: unknown): value is PageToHostMessage {
  return hasMethodIn(value, PAGE_TO_HOST);
}

function hasMethodIn(value: unknown, methods: ReadonlySet<string>): boolean {
  if (typeof value !== 'object' || value === null || !('params' in value)) return false;
  const method = (value as { method?: unknown }).method;
  return typeof method === 'string' && methods.has(method);
}
