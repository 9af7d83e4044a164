// Launching a batch from VS Code: pick the batchfile (the active one first), refuse one with errors (the Problems
// view opens), ask the options in quick picks, start the runner detached through the CLI and show the submission.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { Severity, createNodeDiskView, validateBatchfile } from '../../core/batchfile/index.js';
import type { Diagnostic } from '../../core/batchfile/index.js';
import type { ExecutorChoice } from '../../core/executors/chooseExecutor.js';
import { escapeIcons, notificationText } from '../../core/markdown.js';
import { parseJobs, parseTags, runArgs } from '../../core/view/launchOptions.js';
import type { LaunchOptions } from '../../core/view/launchOptions.js';
import type { Batches } from './batches.js';
import type { BatchmanCli } from './cli.js';
import { LANGUAGE_ID } from './languageClient.js';
import { showError, showInfo, showWarning } from './messages.js';

/** How long the progress notification waits for the runner to show up in the batch's files. */
const SUBMISSION_WAIT_MS = 60_000;

export interface LaunchDeps {
  batches: Batches;
  cli: BatchmanCli;
  log: vscode.LogOutputChannel;
}

/** How messages name a batchfile: with its folder (`water/batchfile.csv`), as every batchfile is called batchfile.csv. */
export function batchfileName(path: string): string {
  return vscode.workspace.asRelativePath(path, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/** Asks for a batchfile: the given one, else the active editor's, else a pick of the workspace's (active first). */
export async function pickBatchfile(batches: Batches, given: string | undefined, title: string): Promise<string | undefined> {
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  const activePath = active && active.languageId === LANGUAGE_ID && active.uri.scheme === 'file' ? active.uri.fsPath : undefined;
  const known = batches.tree.batches().map((batch) => batch.batchfilePath);
  const candidates = [...new Set([...(activePath ? [activePath] : []), ...known])];
  if (candidates.length === 0) {
    void showWarning('Batchman: no batchfile in this workspace (batchfile*.csv, *.batchfile, or a file starting with root_directory=).');
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const items = candidates.map((path) => ({ label: escapeIcons(basename(path)), description: vscode.workspace.asRelativePath(dirname(path)), detail: path === activePath ? 'the active editor' : undefined, path }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Which batchfile?', matchOnDescription: true });
  return picked?.path;
}

/** Validates with the same rules as the language server; errors open the Problems view and stop the launch. */
export async function checkBatchfile(path: string, action: string): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  if (document.isDirty) await document.save();
  const { diagnostics } = validateBatchfile(document.getText().replace(/^\uFEFF/, ''), { batchfilePath: path, disk: createNodeDiskView() });
  const errors = diagnostics.filter((d: Diagnostic) => d.severity === Severity.Error);
  if (errors.length === 0) return true;
  // The server publishes the same findings for an open document: show it and the Problems view.
  await vscode.window.showTextDocument(document, { preview: false });
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  void showError(`${batchfileName(path)} has ${errors.length} error${errors.length === 1 ? '' : 's'}: fix ${errors.length === 1 ? 'it' : 'them'} before you ${action}. First: line ${errors[0]!.range.start.line + 1}: ${errors[0]!.message}`);
  return false;
}

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

/** The options, one quick pick or input box each; Enter keeps the default, Escape cancels the launch. */
export async function askLaunchOptions(defaults: { executor: ExecutorChoice; ledgerName: string }, title: string): Promise<LaunchOptions | undefined> {
  const steps = 6;
  const executors: Pick<ExecutorChoice>[] = (['auto', 'slurm', 'local'] as const).map((value) => ({
    label: value,
    description: value === defaults.executor ? '(setting)' : undefined,
    detail: { auto: 'SLURM when sbatch is on PATH, else local processes', slurm: 'submit with sbatch', local: 'run the jobs as local processes' }[value],
    value,
  }));
  executors.sort((a, b) => (a.value === defaults.executor ? -1 : b.value === defaults.executor ? 1 : 0));
  const executor = await vscode.window.showQuickPick(executors, { title: `${title} (1/${steps}): executor`, placeHolder: 'Where do the jobs run?' });
  if (!executor) return undefined;

  const jobChoices: Pick<number | 'auto' | 'other'>[] = [
    { label: 'auto', detail: '200 on SLURM, one per core locally', value: 'auto' },
    ...[1, 2, 4, 8, 16, 50, 200].map((n) => ({ label: String(n), value: n })),
    { label: 'Other…', value: 'other' as const },
  ];
  const jobsPick = await vscode.window.showQuickPick(jobChoices, { title: `${title} (2/${steps}): max parallel jobs`, placeHolder: 'How many jobs may be active at once?' });
  if (!jobsPick) return undefined;
  let jobs: number | 'auto';
  if (jobsPick.value === 'other') {
    const typed = await vscode.window.showInputBox({ title: `${title} (2/${steps}): max parallel jobs`, prompt: 'A whole number ≥ 1, or auto', validateInput: (text) => (parseJobs(text) === undefined ? 'a whole number ≥ 1, or auto' : undefined) });
    if (typed === undefined) return undefined;
    jobs = parseJobs(typed)!;
  } else {
    jobs = jobsPick.value;
  }

  const restart = await vscode.window.showQuickPick(
    [
      { label: 'No', detail: 'a failed job stays failed', value: false },
      { label: 'Yes', detail: 'restart failed jobs by cause (walltime or memory doubled, from the last geometry), at most twice', value: true },
    ] satisfies Pick<boolean>[],
    { title: `${title} (3/${steps}): restart failed jobs?` },
  );
  if (!restart) return undefined;

  const name = await vscode.window.showInputBox({ title: `${title} (4/${steps}): name`, prompt: 'A name for this launch (empty: an adjective-noun pair)' });
  if (name === undefined) return undefined;
  const message = await vscode.window.showInputBox({ title: `${title} (5/${steps}): message`, prompt: 'What this launch is for (optional)' });
  if (message === undefined) return undefined;
  const tags = await vscode.window.showInputBox({ title: `${title} (6/${steps}): tags`, prompt: 'Tags, separated by commas or spaces (optional)' });
  if (tags === undefined) return undefined;

  return { executor: executor.value, jobs, restartFailed: restart.value, name, message, tags: parseTags(tags), ledgerName: defaults.ledgerName };
}

/** Starts the runner detached and shows a progress notification until it has shown up in the batch's files. */
export async function startRunner(deps: LaunchDeps, batchfile: string, options: LaunchOptions, verb = 'Launching'): Promise<boolean> {
  const { batches, cli, log } = deps;
  const name = batchfileName(batchfile);
  const args = runArgs(batchfile, options);
  log.info(`batchman ${args.join(' ')}`);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: notificationText(`${verb} ${name}`), cancellable: false }, async (progress) => {
    progress.report({ message: 'starting the runner…' });
    const startedAt = Date.now();
    const result = await cli.run(args, { cwd: dirname(batchfile), slurmCommands: batches.config.slurmCommands });
    log.info(result.output.trim());
    const idle = /^.*nothing to do: .*$/m.exec(result.output);
    if (idle) {
      // the batch's jobs had all ended: the CLI recorded no launch, so there is none to wait for
      void showInfo(`Batchman: ${name}: ${idle[0].replace(/^.*?nothing to do: /, 'nothing to do: ')}.`);
      return false;
    }
    if (result.exitCode !== 0) {
      log.error(`batchman run exited with ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}`);
      const choice = await showError(`Batchman could not launch ${name}: ${lastLine(result.output) || `exit code ${result.exitCode}`}`, 'Show Log');
      if (choice === 'Show Log') log.show();
      return false;
    }
    progress.report({ message: 'submitting jobs…' });
    await batches.monitor.add(batchfile);
    batches.monitor.nudge(batchfile);
    batches.focus(batchfile);
    // The launched batch may lie below a big expanded one: scroll to it and select it, the editor keeps the keyboard.
    void batches.reveal(batchfile, undefined, { keepFocus: true });
    const seen = await waitForLaunch(batches, batchfile, startedAt);
    const record = batches.tree.batch(batchfile)?.record;
    if (seen && record) void showInfo(`Batchman: ${name} launched as ${record.name} (run ${record.runNumber}).`);
    else if (!seen) log.warn(`${name}: the runner did not show up within ${SUBMISSION_WAIT_MS / 1000} s; see ${dirname(batchfile)}/.batchman/runner.log`);
    return true;
  });
}

/** Resolves true once the batch's record of this launch exists (the runner is up), false after the deadline. */
function waitForLaunch(batches: Batches, batchfile: string, startedAt: number): Promise<boolean> {
  const launched = (): boolean => {
    const batch = batches.tree.batch(batchfile);
    const record = batch?.record;
    // a new record, or a lost one resumed by a live runner
    return batch?.live === 'runner' || (record !== null && record !== undefined && Date.parse(record.startTime) >= startedAt - 1000);
  };
  if (launched()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const subscription = batches.monitor.onDidChangeTree(() => {
      if (!launched()) return;
      finish(true);
    });
    const timer = setTimeout(() => finish(false), SUBMISSION_WAIT_MS);
    function finish(ok: boolean): void {
      clearTimeout(timer);
      subscription.dispose();
      resolve(ok);
    }
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}
