// Notifications with the user's values in them: VS Code renders links in a message's text, so every message goes
// through notificationText (core/markdown.ts) and a job named `[x](command:…)` reads as its name and runs nothing.
import * as vscode from 'vscode';
import { notificationText } from '../../core/markdown.js';

type Show = <T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]) => Thenable<T | undefined>;

function disarmed(show: (message: string, ...rest: never[]) => Thenable<unknown>): Show {
  return <T extends string>(message: string, ...rest: (vscode.MessageOptions | T)[]) =>
    (show as unknown as (message: string, ...rest: (vscode.MessageOptions | T)[]) => Thenable<T | undefined>)(notificationText(message), ...rest);
}

export const showError: Show = disarmed(vscode.window.showErrorMessage);
export const showWarning: Show = disarmed(vscode.window.showWarningMessage);
export const showInfo: Show = disarmed(vscode.window.showInformationMessage);
