// One step of a multi-step quick input with a Back button: a pick or a text box that answers its value, BACK, or
// undefined when the user closed it. The New Batch wizard walks its steps with these.
import * as vscode from 'vscode';

export const BACK = Symbol('back');
export type StepAnswer<T> = T | typeof BACK | undefined;

interface StepOptions {
  readonly title: string;
  /** A Back button in the title bar (not on the first step). */
  readonly back: boolean;
}

export function askPick<T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: StepOptions & { placeholder: string; active?: T; matchOnDescription?: boolean; accepts?: (item: T) => boolean },
): Promise<StepAnswer<T>> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.items = items;
  if (options.active) pick.activeItems = [options.active];
  pick.matchOnDescription = options.matchOnDescription ?? false;
  pick.ignoreFocusOut = true;
  if (options.back) pick.buttons = [vscode.QuickInputButtons.Back];
  return answered(pick, (done) => {
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      // Rows that are only there to be read (a preview's jobs) leave the list open.
      if (item && (options.accepts?.(item) ?? true)) done(item);
    });
  });
}

export function askText(options: StepOptions & { prompt: string; value: string; validate: (text: string) => string | undefined }): Promise<StepAnswer<string>> {
  const box = vscode.window.createInputBox();
  box.title = options.title;
  box.prompt = options.prompt;
  box.value = options.value;
  box.ignoreFocusOut = true;
  if (options.back) box.buttons = [vscode.QuickInputButtons.Back];
  return answered(box, (done) => {
    box.onDidChangeValue((text) => {
      box.validationMessage = options.validate(text);
    });
    box.onDidAccept(() => {
      const problem = options.validate(box.value);
      box.validationMessage = problem;
      if (problem === undefined) done(box.value);
    });
  });
}

type Steppable = vscode.QuickInput & { readonly onDidTriggerButton: vscode.Event<vscode.QuickInputButton> };

/** Shows the input until it answers: its value, BACK from the Back button, or undefined when it is hidden. */
function answered<T>(input: Steppable, wire: (done: (value: StepAnswer<T>) => void) => void): Promise<StepAnswer<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: StepAnswer<T>): void => {
      if (settled) return;
      settled = true;
      resolve(value);
      input.dispose();
    };
    wire(done);
    input.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) done(BACK);
    });
    input.onDidHide(() => done(undefined));
    input.show();
  });
}
