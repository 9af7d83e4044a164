// Drives a real VS Code workbench: code-server plus Debian's chromium through playwright-core, with helpers that
// wait on the page's own state (locators with deadlines), never on fixed sleeps.
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { codeServerDirs, installExtension, startCodeServer, writeUserSettings } from './codeServer.js';
import type { CodeServer } from './codeServer.js';
import { ensureInstalled } from './install.js';
import type { CodeServerInstall } from './install.js';
import { CHROMIUM_ARGS } from '../chromium.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

const QUICK_INPUT = '.quick-input-widget .quick-input-box input';
const QUICK_INPUT_ROWS = '.quick-input-widget .monaco-list-row';
const NOTIFICATION_MESSAGES = '.notifications-toasts .notification-list-item-message';
const PROBLEM_ROWS = '.markers-panel .monaco-list-row';
const SUGGEST_ROWS = '.editor-widget.suggest-widget.visible .monaco-list-row';
const ACTION_ROWS = '.action-widget .monaco-list-row.action';
const QUICK_INPUT_TITLE = '.quick-input-widget .quick-input-title';
const TREE_ROWS = '.part.sidebar .monaco-list-row';
const DIALOG_BUTTONS = '.monaco-dialog-box .monaco-button';

/**
 * The expression that calls the page function `fn` (source text) with `arg`. Playwright evaluates a STRING as an
 * expression and ignores the argument, so `waitForFunction(fnText, arg)` would get the function itself, which is
 * truthy: the wait would end at once, whatever the page shows.
 */
function inPage(fn: string, arg: unknown): string {
  return `(${fn})(${JSON.stringify(arg)})`;
}

/**
 * Runs in the page: do the rows of `selector` contain every `present` text and no `absent` one? A string, not a
 * function, because tsx's compiled functions call a `__name` helper the page does not have.
 */
const ROWS_MATCH = `({ selector, present, absent, exact }) => {
  const rows = Array.from(document.querySelectorAll(selector), (row) => (row.textContent || '').replace(/\\s+/g, ' ').trim());
  const has = (text) => rows.some((row) => (exact ? row === text : row.includes(text)));
  return present.every(has) && !absent.some((text) => rows.some((row) => row.includes(text)));
}`;

/** Runs in the page: the quick input is hidden or no longer holds what was typed into it. */
const QUICK_INPUT_LEFT = `({ selector, typed }) => {
  const input = document.querySelector(selector);
  return !input || !input.checkVisibility() || input.value !== typed;
}`;

/** Runs in the page: the sidebar's tree rows as `label description` (the two are separate elements, no space between). */
const TREE_ROW_TEXTS = `(selector) => Array.from(document.querySelectorAll(selector), (row) => {
  const part = (css) => ((row.querySelector(css) || {}).textContent || '').replace(/\\s+/g, ' ').trim();
  return [part('.label-name'), part('.label-description')].filter((text) => text !== '').join(' ');
})`;

/** Runs in the page: does some tree row's text (as TREE_ROW_TEXTS writes it) match the pattern? */
const TREE_ROW_MATCHES = `({ selector, source, flags }) => {
  const re = new RegExp(source, flags);
  return Array.from(document.querySelectorAll(selector)).some((row) => {
    const part = (css) => ((row.querySelector(css) || {}).textContent || '').replace(/\\s+/g, ' ').trim();
    return re.test([part('.label-name'), part('.label-description')].filter((text) => text !== '').join(' '));
  });
}`;

/** Runs in the page: the quick input's title is hidden or no longer `title` (the next step, or the end). */
const QUICK_INPUT_TITLE_LEFT = `({ selector, title }) => {
  const element = document.querySelector(selector);
  return !element || !element.checkVisibility() || (element.textContent || '').trim() !== title;
}`;

/**
 * An init script: records (in epoch ms) when an element matching each selector first shows text, so a test can
 * tell when something appeared without having watched for it at that moment.
 */
function firstSeenScript(selectors: readonly string[]): string {
  return `(() => {
  if (window !== window.top) return;
  const pending = new Set(${JSON.stringify(selectors)});
  const seen = (window.__e2eFirstSeen = {});
  const observer = new MutationObserver(() => check());
  function check() {
    for (const selector of pending) {
      const element = document.querySelector(selector);
      if (element && (element.textContent || '').trim() !== '') {
        seen[selector] = performance.timeOrigin + performance.now();
        pending.delete(selector);
      }
    }
    if (pending.size === 0) observer.disconnect();
  }
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  check();
})()`;
}

/** Runs in the page: the focused row (`selector`) is no longer the one labelled `before`. */
const FOCUS_MOVED = `({ selector, before }) => {
  const row = document.querySelector(selector);
  return !!row && row.getAttribute('aria-label') !== before;
}`;

export interface WorkbenchOptions {
  /** Folder the workbench opens. */
  readonly folder: string;
  /** Scratch folder of this run: user data, extensions, browser profile, logs. Emptied first. */
  readonly runDir: string;
  /** A .vsix to install into the run's fresh extensions folder before the server starts. */
  readonly vsix?: string;
  /** User settings on top of the quiet defaults. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Defaults to ensureInstalled(). */
  readonly install?: CodeServerInstall;
  /** Where screenshot() writes; defaults to <repo>/test-results. */
  readonly screenshotsDir?: string;
  /** Deadline of one ordinary wait (a row, a widget). Default 30 s. */
  readonly timeoutMs?: number;
  /** Deadline of the server start and the first workbench load. Default 120 s. */
  readonly startTimeoutMs?: number;
  /** Selectors whose first appearance (with text) the page records from the first paint on: see firstSeen(). */
  readonly watchSelectors?: readonly string[];
}

/** Milliseconds from the start of Workbench.start(). */
export interface WorkbenchTimings {
  extensionInstalledMs?: number;
  serverReadyMs?: number;
  workbenchReadyMs?: number;
  /** Epoch ms: the browser was sent to the workbench's URL. */
  navigationAt?: number;
  /** Epoch ms: the workbench was ready (the Explorer showed the folder). */
  workbenchReadyAt?: number;
}

/** When an extension became usable, in ms after the workbench was ready (negative: before it). */
export interface ActivationTiming {
  /** The workbench was ready, ms after navigation started. */
  workbenchReadyMs: number;
  /** The extension host process started (its log), ms after the workbench was ready. */
  extensionHostStartMs?: number;
  /** The extension host began activating the extension (its log), ms after the workbench was ready. */
  activationStartMs?: number;
  /** The extension's own log line `readyLine` was written, ms after the workbench was ready. */
  readyLineMs?: number;
  /** The watched element first showed text, ms after the workbench was ready. */
  elementMs?: number;
  /** What the extension logged about itself (e.g. `activated in 132 ms`), when asked for. */
  selfReportedMs?: number;
}

/** One line for a log: each moment after the workbench was ready, and the extension's own figure. */
export function formatActivation(t: ActivationTiming): string {
  const ms = (value: number | undefined): string => (value === undefined ? '-' : `${Math.round(value)} ms`);
  return (
    `workbench ready ${ms(t.workbenchReadyMs)} after navigation; after that: extension host up ${ms(t.extensionHostStartMs)}, ` +
    `activation begins ${ms(t.activationStartMs)}, language server started ${ms(t.readyLineMs)}, status bar item ${ms(t.elementMs)}; ` +
    `activate() itself ${ms(t.selfReportedMs)}`
  );
}

export class Workbench {
  /** Browser console errors and page errors, for failure messages. */
  readonly consoleErrors: string[] = [];
  private readonly timeoutMs: number;
  private readonly screenshotsDir: string;

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    readonly server: CodeServer,
    readonly install: CodeServerInstall,
    readonly timings: WorkbenchTimings,
    private readonly profileDir: string,
    options: WorkbenchOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.screenshotsDir = options.screenshotsDir ?? RESULTS_DIR;
  }

  /** Starts code-server on a free port, installs the .vsix, opens the folder in chromium and waits for the workbench. */
  static async start(options: WorkbenchOptions): Promise<Workbench> {
    const started = Date.now();
    const timings: WorkbenchTimings = {};
    const startTimeoutMs = options.startTimeoutMs ?? 120_000;
    const install = options.install ?? (await ensureInstalled());
    rmSync(options.runDir, { recursive: true, force: true });
    const dirs = codeServerDirs(options.runDir);
    writeUserSettings(dirs, options.settings);
    if (options.vsix) {
      await installExtension(install, dirs, options.vsix);
      timings.extensionInstalledMs = Date.now() - started;
    }
    const server = await startCodeServer({ install, dirs, folder: options.folder, timeoutMs: startTimeoutMs });
    timings.serverReadyMs = Date.now() - started;

    const profileDir = join(options.runDir, 'chromium');
    let context: BrowserContext | undefined;
    try {
      mkdirSync(profileDir, { recursive: true });
      context = await chromium.launchPersistentContext(join(profileDir, 'profile'), {
        executablePath: install.chromium,
        headless: true,
        args: [...CHROMIUM_ARGS],
        // Chromium's crash reporter writes under ~/.config whatever --user-data-dir says.
        env: { ...process.env, HOME: join(profileDir, 'home'), XDG_CONFIG_HOME: join(profileDir, 'xdg-config') },
        viewport: { width: 1400, height: 900 },
        timeout: startTimeoutMs,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      const workbench = new Workbench(page, context, server, install, timings, profileDir, options);
      page.on('console', (message) => {
        if (message.type() === 'error') workbench.consoleErrors.push(message.text().slice(0, 300));
      });
      page.on('pageerror', (error) => workbench.consoleErrors.push(`pageerror: ${error.message.slice(0, 300)}`));
      if (options.watchSelectors?.length) await page.addInitScript(firstSeenScript(options.watchSelectors));
      timings.navigationAt = Date.now();
      await page.goto(`${server.url}/?folder=${encodeURIComponent(options.folder)}`, { timeout: startTimeoutMs });
      await page.locator('.monaco-workbench').waitFor({ timeout: startTimeoutMs });
      await page.locator('.part.statusbar').waitFor({ timeout: startTimeoutMs });
      // The folder's name in the Explorer title means the remote file system answered, not just the shell rendered.
      await page.locator('.part.sidebar .pane-header', { hasText: basename(options.folder) }).first().waitFor({ timeout: startTimeoutMs });
      timings.workbenchReadyAt = Date.now();
      timings.workbenchReadyMs = timings.workbenchReadyAt - started;
      return workbench;
    } catch (error) {
      await context?.close().catch(() => undefined);
      const log = server.logTail();
      await server.stop();
      throw new Error(`the workbench did not load: ${error instanceof Error ? error.message : String(error)}\ncode-server log:\n${log}`);
    }
  }

  /** Closes the browser and kills code-server's process group (extension host and language server included). */
  async stop(): Promise<void> {
    await this.context.close().catch(() => undefined);
    await this.server.stop();
    rmSync(this.profileDir, { recursive: true, force: true });
  }

  /** A screenshot of the whole window into `<screenshotsDir>/<name>.png`; returns the path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.screenshotsDir, { recursive: true });
    const path = join(this.screenshotsDir, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** What to print when a test fails: browser errors and the end of code-server's log. */
  diagnostics(): string {
    return [
      `code-server ${this.install.codeServerVersion} (VS Code ${this.install.vscodeVersion}) at ${this.server.url}`,
      `browser errors:\n${this.consoleErrors.slice(-20).join('\n') || '(none)'}`,
      `code-server log:\n${this.server.logTail(30)}`,
    ].join('\n');
  }

  /** Runs a command palette entry by its exact title (e.g. `Problems: Focus on Problems View`). */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickInput('F1');
    await input.fill(`>${title}`);
    const label = this.page.locator(`${QUICK_INPUT_ROWS} .label-name`).filter({ hasText: exactly(title) }).first();
    await label.waitFor({ timeout: this.timeoutMs });
    await label.click();
    // The palette closes, or the command reuses the quick input for its own picker (Change Language Mode).
    await this.page.waitForFunction(inPage(QUICK_INPUT_LEFT, { selector: QUICK_INPUT, typed: `>${title}` }), undefined, { timeout: this.timeoutMs });
  }

  /** Opens a workspace file through Quick Open and waits until its editor is the active one. */
  async openFile(relativePath: string): Promise<void> {
    const name = basename(relativePath);
    const input = await this.openQuickInput('Control+P');
    await input.fill(relativePath);
    const row = this.page.locator(QUICK_INPUT_ROWS).filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) }).first();
    await row.waitFor({ timeout: this.timeoutMs });
    await row.click();
    await input.waitFor({ state: 'hidden', timeout: this.timeoutMs });
    await this.page.locator(`.editor-group-container.active .tabs-container .tab.active[data-resource-name="${name}"]`).waitFor({ timeout: this.timeoutMs });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout: this.timeoutMs });
  }

  /** The editor of the active editor group. */
  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .editor-instance .monaco-editor').first();
  }

  /** Waits until the active editor shows a line whose whole text is `text` (only rendered lines count). */
  async waitForEditorLine(text: string): Promise<void> {
    await this.activeEditor().locator('.view-line', { hasText: exactly(text) }).first().waitFor({ timeout: this.timeoutMs });
  }

  /** Moves the cursor of the active editor (1-based line and column, as VS Code shows them). */
  async goTo(line: number, column: number): Promise<void> {
    const input = await this.openQuickInput('F1');
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: this.timeoutMs });
    await this.statusBarItem('status.editor.selection', `Ln ${line}, Col ${column}`);
  }

  /** What the workbench's "Help: About" dialog says it is (`code-server: v4.100.3`, `Code: 1.100.3`); closes it. */
  async about(): Promise<{ codeServer: string; code: string }> {
    await this.runCommand('Help: About');
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: 'Code:' }).first();
    await dialog.waitFor({ timeout: this.timeoutMs });
    const text = await dialog.innerText();
    await this.confirmDialog('OK');
    const codeServer = /code-server: v(\S+)/.exec(text)?.[1];
    const code = /^Code: (\S+)/m.exec(text)?.[1];
    if (!codeServer || !code) throw new Error(`the About dialog names no versions: ${squash(text)}`);
    return { codeServer, code };
  }

  /** The active editor's rendered error squiggles (`.squiggly-error` decorations), e.g. to wait for the first one. */
  errorSquiggles(): Locator {
    return this.activeEditor().locator('.view-overlays .squiggly-error, .view-overlays [class*="squiggly-error"]');
  }

  /**
   * Shows the editor hover at the cursor ("Show or Focus Hover", as a keyboard user would) and returns its text once
   * it contains `expected`; the hover stays open until escape().
   */
  async hoverAtCursor(expected: string | RegExp): Promise<string> {
    await this.runCommand('Show or Focus Hover');
    const hover = this.page.locator('.monaco-editor .monaco-hover:not(.hidden)', { hasText: expected }).first();
    await hover.waitFor({ timeout: this.timeoutMs });
    return squash(await hover.innerText());
  }

  /** Text of a status bar entry by its id (`status.editor.mode`, …); waits until it contains `contains` if given. */
  async statusBarItem(id: string, contains?: string): Promise<string> {
    const item = this.page.locator(`.part.statusbar [id="${id}"]`);
    await (contains === undefined ? item : item.filter({ hasText: contains })).first().waitFor({ timeout: this.timeoutMs });
    return (await item.first().innerText()).trim();
  }

  /** The language mode shown in the status bar for the active editor (the language's display name). */
  async languageMode(expected?: string): Promise<string> {
    return this.statusBarItem('status.editor.mode', expected);
  }

  /** Visible notification toasts. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator(NOTIFICATION_MESSAGES).allInnerTexts()).map(squash);
  }

  async waitForNotification(text: string | RegExp): Promise<string> {
    const toast = this.page.locator(NOTIFICATION_MESSAGES, { hasText: text }).first();
    await toast.waitFor({ timeout: this.timeoutMs });
    return squash(await toast.innerText());
  }

  /**
   * Shows the Problems view and returns its rows (file rows and problem rows) once every `present` text is in some
   * row and no `absent` text in any. Give `present` whenever you give `absent`: the view re-renders its rows when
   * markers change, and an empty moment would otherwise count as "gone".
   */
  async problems(expect: { present?: readonly string[]; absent?: readonly string[]; timeoutMs?: number } = {}): Promise<string[]> {
    await this.runCommand('Problems: Focus on Problems View');
    await this.page.locator('.markers-panel').waitFor({ timeout: this.timeoutMs });
    await this.waitForRows(PROBLEM_ROWS, expect.present ?? [], expect.absent ?? [], expect.timeoutMs ?? this.timeoutMs);
    return (await this.page.locator(PROBLEM_ROWS).allInnerTexts()).map(squash);
  }

  /** Triggers suggestions at the cursor and returns the suggest widget's labels once every `expected` one is there. */
  async completions(expected: readonly string[] = []): Promise<string[]> {
    await this.activeEditor().locator('textarea, .native-edit-context').first().focus();
    await this.page.keyboard.press('Control+Space');
    await this.page.locator(SUGGEST_ROWS).first().waitFor({ timeout: this.timeoutMs });
    await this.waitForRows(`${SUGGEST_ROWS} .label-name`, expected, [], this.timeoutMs, true);
    return (await this.page.locator(`${SUGGEST_ROWS} .label-name`).allInnerTexts()).map(squash);
  }

  /** Opens the Quick Fix menu at the cursor and returns its entries once every `expected` text is in one. */
  async codeActions(expected: readonly string[] = []): Promise<string[]> {
    await this.page.keyboard.press('Control+.');
    await this.page.locator(ACTION_ROWS).first().waitFor({ timeout: this.timeoutMs });
    await this.waitForRows(ACTION_ROWS, expected, [], this.timeoutMs);
    return (await this.page.locator(ACTION_ROWS).allInnerTexts()).map(squash);
  }

  /**
   * Applies an entry of the open Quick Fix menu with the keyboard, as a user would: arrow down to it, Enter.
   * (Clicking is unreliable: VS Code 1.100 lays a pointer-blocking layer over the menu.)
   */
  async applyCodeAction(title: string): Promise<void> {
    const rows = this.page.locator(ACTION_ROWS);
    const target = rows.filter({ hasText: title }).first();
    await target.waitFor({ timeout: this.timeoutMs });
    const focusedLabel = async (): Promise<string | null> => rows.and(this.page.locator('.focused')).first().getAttribute('aria-label', { timeout: this.timeoutMs });
    const count = await rows.count();
    const isFocused = async (): Promise<boolean> => ((await target.getAttribute('class')) ?? '').split(/\s+/).includes('focused');
    for (let step = 0; !(await isFocused()); step++) {
      if (step >= count) throw new Error(`could not move the Quick Fix focus to "${title}"`);
      const before = await focusedLabel();
      await this.page.keyboard.press('ArrowDown');
      await this.page.waitForFunction(inPage(FOCUS_MOVED, { selector: `${ACTION_ROWS}.focused`, before }), undefined, { timeout: this.timeoutMs });
    }
    await this.page.keyboard.press('Enter');
    await rows.first().waitFor({ state: 'hidden', timeout: this.timeoutMs });
  }

  // ------------------------------------------------------------------ quick inputs, trees, dialogs

  /**
   * Answers one step of a multi-step quick input (a title like `Launch x (2/6): jobs`): waits for the step whose
   * title contains `title`, picks the row labelled `pick` (typed into the filter) or types `text` (and waits until
   * the focused row contains `focused`, if given), or else accepts the default; presses Enter and waits until the
   * step is gone. Returns the step's title.
   */
  async answerQuickInput(title: string | RegExp, answer: { pick?: string; text?: string; focused?: string | RegExp } = {}): Promise<string> {
    const titleElement = this.page.locator(QUICK_INPUT_TITLE).filter({ hasText: title }).first();
    await titleElement.waitFor({ timeout: this.timeoutMs });
    const shown = (await titleElement.textContent())?.trim() ?? '';
    const input = this.page.locator(QUICK_INPUT);
    if (answer.pick !== undefined) {
      await input.fill(answer.pick);
      // Enter accepts the focused row: wait until the filter has made it the wanted one.
      const focused = this.page.locator(`${QUICK_INPUT_ROWS}.focused`).filter({ has: this.page.locator('.label-name', { hasText: exactly(answer.pick) }) });
      await focused.first().waitFor({ timeout: this.timeoutMs });
    } else if (answer.text !== undefined) {
      await input.fill(answer.text);
    }
    if (answer.focused !== undefined) await this.page.locator(`${QUICK_INPUT_ROWS}.focused`, { hasText: answer.focused }).first().waitFor({ timeout: this.timeoutMs });
    await this.page.keyboard.press('Enter');
    await this.page.waitForFunction(inPage(QUICK_INPUT_TITLE_LEFT, { selector: QUICK_INPUT_TITLE, title: shown }), undefined, { timeout: this.timeoutMs });
    return shown;
  }

  /** The rows of the quick input as shown (label, description, detail run together, whitespace squashed). */
  async quickInputRows(): Promise<string[]> {
    await this.page.locator(QUICK_INPUT_ROWS).first().waitFor({ timeout: this.timeoutMs });
    return (await this.page.locator(QUICK_INPUT_ROWS).allInnerTexts()).map(squash);
  }

  /** The sidebar's tree rows (only the rendered ones), each as `label description`. */
  async treeRows(): Promise<string[]> {
    return (await this.page.evaluate(inPage(TREE_ROW_TEXTS, TREE_ROWS))) as string[];
  }

  /**
   * Waits until a sidebar tree row (`label description`, e.g. `broken 5 · failed · exit code 3`) matches `pattern`
   * (a string must be contained). Returns the row's text; the error lists the rows there were.
   */
  async waitForTreeRow(pattern: string | RegExp, timeoutMs = this.timeoutMs): Promise<string> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    try {
      await this.page.waitForFunction(inPage(TREE_ROW_MATCHES, { selector: TREE_ROWS, source: re.source, flags: re.flags }), undefined, { timeout: timeoutMs });
    } catch (error) {
      const rows = await this.treeRows().catch(() => [] as string[]);
      throw new Error(`waited ${timeoutMs} ms for a tree row matching ${String(re)}; rows are:\n  ${rows.join('\n  ') || '(none)'}\n${error instanceof Error ? error.message.split('\n')[0] : ''}`);
    }
    return (await this.treeRows()).find((row) => re.test(row)) ?? '';
  }

  /** The sidebar tree row whose label is exactly `label` (a job's basename, a batch's path). */
  treeRow(label: string): Locator {
    return this.page.locator(TREE_ROWS).filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
  }

  /** Hovers the tree row labelled `label` and clicks its inline action `action` (its title, e.g. `Cancel Job`). */
  async hoverAndClickInline(label: string, action: string): Promise<void> {
    const row = this.treeRow(label);
    await row.waitFor({ timeout: this.timeoutMs });
    await row.hover();
    await row.locator(`.action-label[aria-label="${action.replace(/"/g, '\\"')}"]`).click({ timeout: this.timeoutMs });
  }

  /** A button of the modal dialog (`Cancel Job`), once the dialog shows it. */
  async dialogButton(name: string): Promise<Locator> {
    const button = this.page.locator(DIALOG_BUTTONS, { hasText: exactly(name) }).first();
    await button.waitFor({ timeout: this.timeoutMs });
    return button;
  }

  /** Clicks a dialog's button and waits until the dialog is gone. */
  async confirmDialog(name: string): Promise<void> {
    await (await this.dialogButton(name)).click();
    await this.page.locator('.monaco-dialog-box').first().waitFor({ state: 'hidden', timeout: this.timeoutMs });
  }

  // ------------------------------------------------------------------ timings and logs

  /** Epoch ms when an element of `watchSelectors` first showed text, or undefined (not yet, or not watched). */
  async firstSeen(selector: string): Promise<number | undefined> {
    return (await this.page.evaluate(inPage('(selector) => (window.__e2eFirstSeen || {})[selector]', selector))) as number | undefined;
  }

  /**
   * Lines of the session's log files whose path ends with `suffix` (e.g. `exthost1/remoteexthost.log`, or
   * `/publisher.name/Channel.log` for an extension's LogOutputChannel), oldest session first.
   */
  logLines(suffix: string): string[] {
    const root = join(this.server.dirs.userData, 'logs');
    let files: string[];
    try {
      files = (readdirSync(root, { recursive: true }) as string[]).filter((path) => `/${path}`.endsWith(suffix.startsWith('/') ? suffix : `/${suffix}`)).sort();
    } catch {
      return [];
    }
    return files.flatMap((path) => readFileSync(join(root, path), 'utf8').split('\n'));
  }

  /** Epoch ms of the first line of a log (see logLines) that matches `pattern`: VS Code's logs write local time. */
  logLineTime(suffix: string, pattern: RegExp): number | undefined {
    const line = this.logLines(suffix).find((text) => pattern.test(text));
    const stamp = line && /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
    return stamp ? new Date(`${stamp[1]}T${stamp[2]}`).getTime() : undefined;
  }

  /**
   * How long after the workbench was ready an extension became usable, waiting (with the usual deadline) for the
   * watched `element` and the extension's `readyLine` in its log channel `channel`.
   */
  async activationTiming(options: {
    extensionId: string;
    channel: string;
    readyLine: RegExp;
    element?: string;
    selfReport?: RegExp;
  }): Promise<ActivationTiming> {
    const navigationAt = this.timings.navigationAt ?? 0;
    const readyAt = this.timings.workbenchReadyAt ?? navigationAt;
    const channelLog = `/${options.extensionId}/${options.channel}.log`;
    if (options.element) await this.page.locator(options.element).filter({ hasText: /\S/ }).first().waitFor({ timeout: this.timeoutMs });
    const deadline = Date.now() + this.timeoutMs;
    // The log is a file the extension host appends to: poll it with a deadline.
    while (this.logLineTime(channelLog, options.readyLine) === undefined && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    const since = (at: number | undefined): number | undefined => (at === undefined ? undefined : at - readyAt);
    const escaped = options.extensionId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const timing: ActivationTiming = {
      workbenchReadyMs: readyAt - navigationAt,
      extensionHostStartMs: since(this.logLineTime('exthost1/remoteexthost.log', /Extension host with pid \d+ started/)),
      activationStartMs: since(this.logLineTime('exthost1/remoteexthost.log', new RegExp(`_doActivateExtension ${escaped}\\b`))),
      readyLineMs: since(this.logLineTime(channelLog, options.readyLine)),
      elementMs: options.element ? since(await this.firstSeen(options.element)) : undefined,
    };
    const self = options.selfReport && this.logLines(channelLog).map((line) => options.selfReport!.exec(line)).find((match) => match);
    if (self && self[1] !== undefined) timing.selfReportedMs = Number(self[1]);
    return timing;
  }

  /** Closes whatever widget or quick input is open. */
  async escape(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }

  private async openQuickInput(key: string): Promise<Locator> {
    const input = this.page.locator(QUICK_INPUT);
    await this.page.keyboard.press(key);
    await input.waitFor({ state: 'visible', timeout: this.timeoutMs });
    return input;
  }

  /** Waits on the DOM itself: every `present` text inside some row, no `absent` text in any row. */
  private async waitForRows(selector: string, present: readonly string[], absent: readonly string[], timeoutMs: number, exact = false): Promise<void> {
    try {
      await this.page.waitForFunction(inPage(ROWS_MATCH, { selector, present: [...present], absent: [...absent], exact }), undefined, { timeout: timeoutMs });
    } catch (error) {
      const rows = (await this.page.locator(selector).allInnerTexts().catch(() => [])).map(squash);
      const wanted = [present.length ? `all of ${JSON.stringify(present)}` : '', absent.length ? `none of ${JSON.stringify(absent)}` : ''].filter(Boolean).join(' and ');
      throw new Error(`waited ${timeoutMs} ms for rows ${selector} with ${wanted}; rows are:\n  ${rows.join('\n  ') || '(none)'}\n${error instanceof Error ? error.message.split('\n')[0] : ''}`);
    }
  }
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A locator `hasText` pattern that matches the whole text only. */
function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}
