// "Batchman: New Batch from Structures…": the wizard's VS Code side — structures (the Explorer's selection or a file
// dialog), a pipeline, charge and multiplicity where the comment lines do not say, the batchfile, a preview, then
// writePlan and the new batchfile in an editor. What to ask and show is decided in core/newBatch/wizardSteps.ts.
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import { describeWritten } from '../../core/newBatch/describe.js';
import { planNewBatch } from '../../core/newBatch/plan.js';
import type { NewBatchPlan } from '../../core/newBatch/plan.js';
import { readStructures } from '../../core/newBatch/structures.js';
import type { ChargeFlags } from '../../core/newBatch/structures.js';
import {
  chargeFlags,
  chargeQuestion,
  defaultBatchfilePath,
  isPlanRefusal,
  parseChargeAnswer,
  pipelineChoices,
  previewLines,
  previewSummary,
  stepTitle,
} from '../../core/newBatch/wizardSteps.js';
import { writePlan } from '../../core/newBatch/write.js';
import { readBatchSettings } from '../../core/runner/batchSettings.js';
import { escapeIcons } from '../../core/markdown.js';
import { showError, showInfo, showWarning } from './messages.js';
import { BACK, askPick, askText } from './newBatchInputs.js';
import type { StepAnswer } from './newBatchInputs.js';

/** The Explorer passes the clicked resource and every selected one; the palette passes nothing. */
export async function newBatchFromStructures(clicked: unknown, selected: unknown, log: vscode.LogOutputChannel): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    // As launching is: batchman.json's settings and pipelines come from the workspace.
    const manage = 'Manage Workspace Trust';
    const choice = await showWarning('Batchman does not make new batches in an untrusted workspace: it writes job folders and scripts from its batchman.json. Trust the workspace to do that.', manage);
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  try {
    await runWizard(clicked, selected, log);
  } catch (error) {
    if (!isPlanRefusal(error)) throw error;
    log.warn(`new batch refused: ${error.message}`);
    void showError(`Batchman: New Batch: ${error.message}. Nothing was written.`);
  }
}

async function runWizard(clicked: unknown, selected: unknown, log: vscode.LogOutputChannel): Promise<void> {
  const structures = (await structuresFromExplorer(clicked, selected)) ?? (await pickStructures());
  if (!structures || structures.length === 0) return;
  // Read first: a structure the plan refuses (impossible charge and multiplicity) is said before any question.
  const molecules = await readStructures(structures);
  const suggestedBatchfile = defaultBatchfilePath(structures);
  const settings = await readBatchSettings(suggestedBatchfile);
  const question = chargeQuestion(molecules);
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(suggestedBatchfile));

  type PipelineItem = vscode.QuickPickItem & { name: string };
  const pipelineItems: PipelineItem[] = pipelineChoices(settings.pipelines).map((choice) => ({
    label: escapeIcons(choice.name),
    name: choice.name,
    description: escapeIcons(choice.steps),
    detail: escapeIcons([choice.description, choice.source === 'batchman.json' ? 'from batchman.json' : undefined].filter((part) => part !== undefined).join(' · ')),
  }));
  const chargeProblem = (text: string): string | undefined => {
    const parsed = parseChargeAnswer(text);
    if (typeof parsed === 'string') return parsed;
    const decided = chargeFlags(molecules, parsed);
    return typeof decided === 'string' ? decided : undefined;
  };

  // The answers so far: going back shows each step with its earlier answer.
  let pipeline: PipelineItem | undefined;
  let chargeText = question?.value ?? '';
  let flags: ChargeFlags = {};
  let batchfileText = workspaceFolder ? vscode.workspace.asRelativePath(suggestedBatchfile, false) : suggestedBatchfile;
  let plan: NewBatchPlan | undefined;

  const steps: ((title: string) => Promise<StepAnswer<unknown>>)[] = [
    async (title) => {
      const answer = await askPick(pipelineItems, {
        title,
        back: false,
        placeholder: `A pipeline for ${molecules.length} molecule${molecules.length === 1 ? '' : 's'}`,
        matchOnDescription: true,
        ...(pipeline ? { active: pipeline } : {}),
      });
      if (answer !== BACK && answer !== undefined) pipeline = answer;
      return answer;
    },
    ...(question
      ? [
          async (title: string) => {
            const answer = await askText({ title, back: true, prompt: question.prompt, value: chargeText, validate: chargeProblem });
            if (typeof answer === 'string') {
              chargeText = answer;
              // the box accepts only an answer these give flags for
              const parsed = parseChargeAnswer(answer);
              const decided = typeof parsed === 'string' ? parsed : chargeFlags(molecules, parsed);
              flags = typeof decided === 'string' ? {} : decided;
            }
            return answer;
          },
        ]
      : []),
    async (title) => {
      const answer = await askText({
        title,
        back: true,
        prompt: 'The batchfile to write (or to add rows to); the job folders go beside it, one per molecule and job',
        value: batchfileText,
        validate: (text) => (text.trim() === '' ? 'a path for the batchfile' : undefined),
      });
      if (typeof answer === 'string') batchfileText = answer;
      return answer;
    },
    async (title) => {
      const typed = batchfileText.trim();
      const batchfile = isAbsolute(typed) ? typed : resolve(workspaceFolder?.uri.fsPath ?? process.cwd(), typed);
      if (!pipeline) return undefined;
      plan = await planNewBatch({ pipeline: pipeline.name, structures, batchfile, ...flags });
      return confirmPlan(plan, title);
    },
  ];

  for (let index = 0; index < steps.length; ) {
    const answer = await steps[index]!(stepTitle(index + 1, steps.length));
    if (answer === undefined) return;
    index = answer === BACK ? Math.max(0, index - 1) : index + 1;
  }
  if (!plan) return;
  const summary = await writePlan(plan);
  log.info(describeWritten(plan, summary, workspaceFolder?.uri.fsPath));
  await vscode.window.showTextDocument(vscode.Uri.file(plan.batchfilePath), { preview: false });
  void showInfo(`Batchman: ${summary.written.length} job folder${summary.written.length === 1 ? '' : 's'} written, ${summary.rowsAdded} row${summary.rowsAdded === 1 ? '' : 's'} added to ${vscode.workspace.asRelativePath(plan.batchfilePath, false)}.`);
}

/** `.xyz` files and folders of the Explorer's selection; undefined when the command did not come from there. */
async function structuresFromExplorer(clicked: unknown, selected: unknown): Promise<string[] | undefined> {
  const uris = Array.isArray(selected) && selected.length > 0 ? selected : clicked instanceof vscode.Uri ? [clicked] : [];
  const paths: string[] = [];
  for (const uri of uris) {
    if (!(uri instanceof vscode.Uri) || uri.scheme !== 'file') continue;
    const isFolder = await stat(uri.fsPath).then((info) => info.isDirectory(), () => false);
    if (isFolder || uri.fsPath.toLowerCase().endsWith('.xyz')) paths.push(uri.fsPath);
  }
  return paths.length > 0 ? paths : undefined;
}

/**
 * From the palette: the workspace's `.xyz` files, all checked (a folder of molecules is the usual case), with a
 * Browse… button for files and folders elsewhere; the file dialog alone when the workspace has none.
 */
async function pickStructures(): Promise<string[] | undefined> {
  const found = await vscode.workspace.findFiles('**/*.xyz', '**/{node_modules,.git,.batchman}/**', 500);
  if (found.length === 0) return browseStructures();
  type StructureItem = vscode.QuickPickItem & { path: string };
  const items: StructureItem[] = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), path: uri.fsPath }))
    .sort((a, b) => a.label.localeCompare(b.label))
    .map((item) => ({ ...item, label: escapeIcons(item.label) }));
  const browse: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: 'Browse… (.xyz files and folders elsewhere)' };
  const pick = vscode.window.createQuickPick<StructureItem>();
  pick.title = 'New Batch: structures';
  pick.placeholder = 'The .xyz files to start from (one molecule per file, or per frame)';
  pick.canSelectMany = true;
  pick.items = items;
  pick.selectedItems = items;
  pick.buttons = [browse];
  pick.ignoreFocusOut = true;
  return new Promise((resolvePaths) => {
    let answered = false;
    const answer = (paths: Promise<string[] | undefined> | string[] | undefined): void => {
      if (answered) return;
      answered = true;
      pick.dispose();
      void Promise.resolve(paths).then(resolvePaths);
    };
    pick.onDidAccept(() => {
      if (pick.selectedItems.length > 0) answer(pick.selectedItems.map((item) => item.path));
    });
    pick.onDidTriggerButton(() => answer(browseStructures()));
    pick.onDidHide(() => answer(undefined));
    pick.show();
  });
}

async function browseStructures(): Promise<string[] | undefined> {
  const uris = await vscode.window.showOpenDialog({
    title: 'New Batch: structures (.xyz files, folders of them, multi-frame files)',
    openLabel: 'Use Structures',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    filters: { 'XYZ structures': ['xyz'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return uris?.map((uri) => uri.fsPath);
}

type PreviewItem = vscode.QuickPickItem & { action?: 'create' | 'cancel' };

/** The plan as a list (jobs, a sample input) with Create and Cancel; true for Create. Other rows are only read. */
async function confirmPlan(plan: NewBatchPlan, title: string): Promise<StepAnswer<true>> {
  const lines = previewLines(plan);
  const summary = previewSummary(plan);
  const items: PreviewItem[] = [
    { label: 'Create', description: escapeIcons(summary), action: 'create' },
    { label: 'Cancel', description: 'write nothing', action: 'cancel' },
    { label: 'Jobs', kind: vscode.QuickPickItemKind.Separator },
    ...lines.jobs.map((line) => ({ label: escapeIcons(line.label), description: escapeIcons(line.description ?? '') })),
    ...(lines.sampleTitle ? [{ label: escapeIcons(lines.sampleTitle), kind: vscode.QuickPickItemKind.Separator }] : []),
    ...lines.sample.map((line) => ({ label: escapeIcons(line.label) })),
  ];
  const answer = await askPick(items, { title, back: true, placeholder: `${summary}: Create?`, accepts: (item) => item.action !== undefined });
  if (answer === BACK) return BACK;
  return answer?.action === 'create' ? true : undefined;
}
