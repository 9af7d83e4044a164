// Extension entry point (placeholder until the client is built): activation must not fail.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
