// The command handlers, one per entry of the command table (the mapped type makes a missing one a compile error):
// launch, cancel, restart failed, refresh, validate, and the job actions of the tree.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { Severity, buildBatchModel, createNodeDiskView, parseBatchfile, validateBatchfile } from '../../core/batchfile/index.js';
import { nothingToDoOf } from '../../core/cli/nothingToDo.js';
import { keyOf } from '../../core/ledger/jobKey.js';
import { escapeIcons, notificationText } from '../../core/markdown.js';
import { downstreamCount, rerunQuestion } from '../../core/runner/rerun.js';
import { selectorAmong } from '../../core/truth/jobSelection.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { jobInputFile, jobOutputFile } from '../../core/view/jobFiles.js';
import type { JobView } from '../../core/view/jobView.js';
import { cancelArgs, previousLaunchOptions } from '../../core/view/launchOptions.js';
import type { Batches } from './batches.js';
import type { BatchmanCli } from './cli.js';
import type { Dashboards } from './dashboard/dashboards.js';
import { COMMANDS, TRUSTED_ONLY } from './commands.js';
import type { CommandKey } from './commands.js';
import { setGroupByStatus } from './config.js';
import { askLaunchOptions, batchfileName, checkBatchfile, pickBatchfile, startRunner } from './launch.js';
import { showError, showInfo, showWarning } from './messages.js';
import { newBatchFromStructures } from './newBatch.js';

export interface CommandDeps {
  batches: Batches;
  cli: BatchmanCli;
  log: vscode.LogOutputChannel;
  dashboards: Dashboards;
}

type Handler = (...args: unknown[]) => unknown;

/** A tree node id, a batchfile path or Uri (code lens, Explorer), or `{ batchId, jobKey }` (notifications, the dashboard). */
interface Target {
  batch?: BatchView;
  job?: JobView;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const handlers = commandHandlers(deps);
  for (const key of Object.keys(COMMANDS) as CommandKey[]) {
    const handler = handlers[key];
    context.subscriptions.push(
      vscode.commands.registerCommand(COMMANDS[key], async (...args: unknown[]) => {
        if (TRUSTED_ONLY.has(key) && !vscode.workspace.isTrusted) {
          const manage = 'Manage Workspace Trust';
          const choice = await showWarning('Batchman does not launch, restart or cancel batches in an untrusted workspace: they run its scripts. Trust the workspace to do that.', manage);
          if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
          return;
        }
        try {
          await handler(...args);
        } catch (error) {
          deps.log.error(`${COMMANDS[key]} failed`, error);
          const choice = await showError(`Batchman: ${error instanceof Error ? error.message : String(error)}`, 'Show Log');
          if (choice === 'Show Log') deps.log.show();
        }
      }),
    );
  }
}

function commandHandlers(deps: CommandDeps): { readonly [K in CommandKey]: Handler } {
  const { batches, cli, log } = deps;
  const tree = batches.tree;

  const targetOf = (arg: unknown): Target => {
    if (arg instanceof vscode.Uri) return { batch: tree.batch(arg.fsPath) };
    if (typeof arg === 'string') {
      const node = tree.node(arg);
      if (node) return { batch: tree.batch(node.batchId), job: node.job };
      return { batch: tree.batch(arg) };
    }
    if (typeof arg === 'object' && arg !== null && 'batchId' in arg && typeof arg.batchId === 'string') {
      const batch = tree.batch(arg.batchId);
      // a job by its key (folder and basename): the same basename may name a job in every molecule folder
      const key = 'jobKey' in arg && typeof arg.jobKey === 'string' ? arg.jobKey : undefined;
      return { batch, job: key !== undefined ? tree.job(arg.batchId, key) : undefined };
    }
    return {};
  };

  /** The batch a command is about: its argument, else a pick (the focused batch first). */
  const batchOf = async (arg: unknown, title: string): Promise<BatchView | undefined> => {
    const target = targetOf(arg);
    if (target.batch) return target.batch;
    const uri = arg instanceof vscode.Uri ? arg.fsPath : undefined;
    const path = await pickBatchfile(batches, uri, title);
    if (!path) return undefined;
    await batches.monitor.add(path);
    return tree.batch(path);
  };

  const jobOf = (arg: unknown): { batch: BatchView; job: JobView } | undefined => {
    const target = targetOf(arg);
    if (target.batch && target.job) return { batch: target.batch, job: target.job };
    void showWarning('Batchman: choose a job in the Batches view.');
    return undefined;
  };

  const runCli = async (title: string, args: string[], batchfile: string): Promise<boolean> => {
    log.info(`batchman ${args.join(' ')}`);
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: notificationText(title) }, () =>
      cli.run(args, { cwd: dirname(batchfile), slurmCommands: batches.config.slurmCommands }),
    );
    log.info(result.output.trim());
    batches.monitor.nudge(batchfile);
    if (result.exitCode === 0) return true;
    const choice = await showError(`Batchman: ${title} failed: ${result.output.trim().split('\n').at(-1) ?? `exit code ${result.exitCode}`}`, 'Show Log');
    if (choice === 'Show Log') log.show();
    return false;
  };

  const openFile = async (path: string, exists: boolean, what: string): Promise<void> => {
    if (!exists) {
      void showInfo(`Batchman: no ${what} yet (${path}).`);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true });
  };

  /**
   * A batch whose jobs have all ended would launch to do nothing: say so, and offer what would do something (restart
   * the failed jobs, or chosen ones). True when the launch is answered this way.
   */
  const offerInsteadOfIdleLaunch = async (path: string): Promise<boolean> => {
    const batch = tree.batch(path);
    if (!batch || batch.live === 'runner' || batch.error !== null) return false;
    const idle = nothingToDoOf(batch.jobs.map((job) => job.status), false);
    if (!idle) return false;
    const restartable = batch.jobs.filter((job) => job.status === 'failed' || job.status === 'cancelled');
    const restartAll = 'Restart Failed Jobs';
    const choose = 'Choose Jobs to Restart…';
    const choice = await showInfo(`Batchman: ${batch.label}: ${idle.message}.`, ...(restartable.length > 0 ? [restartAll, choose] : []));
    if (choice === restartAll) await vscode.commands.executeCommand(COMMANDS.restartFailed, batch.id);
    if (choice === choose) {
      const names = restartable.map((job) => selectorAmong(job, batch.jobs, batch.rootPath ?? undefined));
      const picked = await vscode.window.showQuickPick(
        restartable.map((job, index) => ({ label: escapeIcons(names[index]!), description: job.status.replace('_', ' '), detail: job.cause ?? undefined, name: names[index]! })),
        { title: `Restart jobs of ${batch.label}`, canPickMany: true, placeHolder: 'Which jobs run again? (jobs blocked behind them run after them)' },
      );
      if (picked && picked.length > 0) {
        const previous = previousLaunchOptions(batches.monitor.info(batch.id)?.record?.command_options);
        const restartJobs = picked.map((item) => item.name);
        await startRunner({ batches, cli, log }, batch.batchfilePath, { ...previous, restartFailed: true, restartJobs, tags: [], ledgerName: batches.config.ledgerName }, `Restarting ${restartJobs.length} job(s) of`);
      }
    }
    return true;
  };

  return {
    launch: async (arg) => {
      const path = await pickBatchfile(batches, arg instanceof vscode.Uri ? arg.fsPath : targetOf(arg).batch?.batchfilePath, 'Batchman: Launch Batch');
      if (!path || !(await checkBatchfile(path, 'launch it'))) return;
      if (await offerInsteadOfIdleLaunch(path)) return;
      const options = await askLaunchOptions({ executor: batches.config.executor, ledgerName: batches.config.ledgerName }, `Launch ${batchfileName(path)}`);
      if (!options) return;
      await startRunner({ batches, cli, log }, path, options);
    },

    cancelBatch: async (arg) => {
      const batch = await batchOf(arg, 'Batchman: Cancel Batch');
      if (!batch) return;
      const summary = tree.summary(batch.id);
      const active = (summary?.running ?? 0) + (summary?.pending ?? 0);
      const answer = await showWarning(
        `Cancel every job of ${batch.label}?`,
        { modal: true, detail: `${active} job(s) are pending or running; jobs not started yet will not start.${batch.live === 'runner' ? ' The runner stops submitting.' : ''}` },
        'Cancel Jobs',
      );
      if (answer !== 'Cancel Jobs') return;
      await runCli(`Cancelling ${batch.label}`, cancelArgs(batch.batchfilePath, [], batches.config.ledgerName), batch.batchfilePath);
    },

    cancelJob: async (arg) => {
      const target = jobOf(arg);
      if (!target) return;
      const { batch, job } = target;
      // the name only this job answers to: molecule folders may all have a job of this basename
      const name = selectorAmong(job, batch.jobs, batch.rootPath ?? undefined);
      const answer = await showWarning(`Cancel job ${name}${job.jobId ? ` (${job.jobId})` : ''} of ${batch.label}?`, { modal: true, detail: 'Jobs that pipe from it will not start.' }, 'Cancel Job');
      if (answer !== 'Cancel Job') return;
      await runCli(`Cancelling ${name}`, cancelArgs(batch.batchfilePath, [name], batches.config.ledgerName), batch.batchfilePath);
    },

    restartFailed: async (arg) => {
      const batch = await batchOf(arg, 'Batchman: Restart Failed Jobs');
      if (!batch) return;
      if (batch.live === 'runner') {
        void showWarning(`The runner of ${batch.label} is still working. Launch with "restart failed jobs" to restart failures as they happen, or wait until it ends.`);
        return;
      }
      const failed = tree.summary(batch.id)?.failed ?? 0;
      if (failed === 0) {
        void showInfo(`${batch.label} has no failed job.`);
        return;
      }
      if (!(await checkBatchfile(batch.batchfilePath, 'restart its jobs'))) return;
      const answer = await showWarning(`Restart the ${failed} failed job(s) of ${batch.label}?`, { modal: true, detail: 'Each restarts by its cause (walltime or memory doubled, from the last geometry); the old folder is kept.' }, 'Restart');
      if (answer !== 'Restart') return;
      const previous = previousLaunchOptions(batches.monitor.info(batch.id)?.record?.command_options);
      await startRunner({ batches, cli, log }, batch.batchfilePath, { ...previous, restartFailed: true, tags: [], ledgerName: batches.config.ledgerName }, 'Restarting failed jobs of');
    },

    restartJob: async (arg) => {
      const target = jobOf(arg);
      if (!target) return;
      const { batch, job } = target;
      const name = selectorAmong(job, batch.jobs, batch.rootPath ?? undefined);
      if (job.status !== 'failed' && job.status !== 'cancelled' && job.status !== 'succeeded') {
        void showInfo(`${name} is ${job.status.replace('_', ' ')}: only a job that ended (succeeded, failed or cancelled) can be run again.`);
        return;
      }
      if (batch.live === 'runner') {
        void showWarning(`The runner of ${batch.label} is still working. Restart ${name} when it has ended.`);
        return;
      }
      if (!(await checkBatchfile(batch.batchfilePath, 'restart its jobs'))) return;
      // A succeeded job runs again from its (fixed) input, and so does everything that depends on it.
      if (job.status === 'succeeded') {
        const text = await readFile(batch.batchfilePath, 'utf8');
        const model = buildBatchModel(parseBatchfile(text.replace(/^\uFEFF/, '')), batch.batchfilePath);
        const downstream = downstreamCount(model, new Set([keyOf(job)]));
        const rerun = await showWarning(
          rerunQuestion(name, batch.label, downstream),
          { modal: true, detail: 'Each folder is kept as <folder>_history_N and the jobs run again from their inputs, in order.' },
          'Rerun',
        );
        if (rerun !== 'Rerun') return;
        const previous = previousLaunchOptions(batches.monitor.info(batch.id)?.record?.command_options);
        await startRunner({ batches, cli, log }, batch.batchfilePath, { ...previous, restartFailed: false, rerunJobs: [name], tags: [], ledgerName: batches.config.ledgerName }, `Rerunning ${name} of`);
        return;
      }
      const answer = await showWarning(
        `Restart ${name} of ${batch.label}?`,
        { modal: true, detail: 'Its folder is kept as <folder>_history_N and the job runs again (walltime or memory doubled when that was the cause); jobs blocked behind it run after it.' },
        'Restart',
      );
      if (answer !== 'Restart') return;
      const previous = previousLaunchOptions(batches.monitor.info(batch.id)?.record?.command_options);
      await startRunner({ batches, cli, log }, batch.batchfilePath, { ...previous, restartFailed: true, restartJobs: [name], tags: [], ledgerName: batches.config.ledgerName }, `Restarting ${name} of`);
    },

    refresh: async (arg) => {
      const batch = targetOf(arg).batch;
      if (batch) await batches.monitor.refresh(batch.id);
      else {
        await batches.discovery.scan();
        await batches.monitor.refresh();
      }
    },

    validate: async (arg) => {
      const path = await pickBatchfile(batches, arg instanceof vscode.Uri ? arg.fsPath : targetOf(arg).batch?.batchfilePath, 'Batchman: Validate Batchfile');
      if (!path) return;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
      const { diagnostics } = validateBatchfile(document.getText().replace(/^\uFEFF/, ''), { batchfilePath: path, disk: createNodeDiskView() });
      const errors = diagnostics.filter((d) => d.severity === Severity.Error).length;
      const warnings = diagnostics.filter((d) => d.severity === Severity.Warning).length;
      if (errors + warnings === 0) {
        void showInfo(`${batchfileName(path)}: no problems.`);
        return;
      }
      await vscode.window.showTextDocument(document, { preview: false });
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      const text = `${batchfileName(path)}: ${errors} error(s), ${warnings} warning(s).`;
      void (errors > 0 ? showError(text) : showWarning(text));
    },

    openBatchfile: async (arg) => {
      const batch = await batchOf(arg, 'Batchman: Open Batchfile');
      if (batch) await vscode.window.showTextDocument(vscode.Uri.file(batch.batchfilePath), { preview: false });
    },

    openJobOutput: async (arg) => {
      const target = jobOf(arg);
      if (!target) return;
      const file = jobOutputFile(target.job);
      await openFile(file.path, file.exists, `output of ${target.job.basename}`);
    },

    openJobInput: async (arg) => {
      const target = jobOf(arg);
      if (!target) return;
      const file = jobInputFile(target.job);
      await openFile(file.path, file.exists, `input of ${target.job.basename}`);
    },

    openJobFolder: async (arg) => {
      const target = jobOf(arg);
      if (!target) return;
      const folder = vscode.Uri.file(target.job.directory);
      const inWorkspace = vscode.workspace.getWorkspaceFolder(folder) !== undefined;
      // Outside the workspace the Explorer cannot show it: open the system's file manager instead.
      await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', folder);
    },

    openJobTerminal: (arg) => {
      const target = jobOf(arg);
      if (!target) return;
      vscode.window.createTerminal({ name: `Batchman: ${target.job.basename}`, cwd: target.job.directory }).show();
    },

    copyJobId: async (arg) => {
      const target = jobOf(arg);
      if (!target?.job.jobId) return;
      await vscode.env.clipboard.writeText(target.job.jobId);
      vscode.window.setStatusBarMessage(`Copied job id ${target.job.jobId}`, 3000);
    },

    groupByStatus: () => setGroupByStatus(true),
    ungroup: () => setGroupByStatus(false),

    showBatches: async (arg) => {
      const batch = targetOf(arg).batch;
      await batches.reveal(batch?.id);
    },

    showLog: () => log.show(),

    openDashboard: async (arg) => {
      // From a job (tree node or `{ batchId, jobKey }`): its batch's dashboard, with that job shown and chosen.
      const target = targetOf(arg);
      const batch = target.batch ?? (await batchOf(arg, 'Batchman: Open Batch Dashboard'));
      if (batch) await deps.dashboards.open(batch.id, target.job ? keyOf(target.job) : undefined);
    },

    newBatch: (clicked, selected) => newBatchFromStructures(clicked, selected, log),
  };
}
