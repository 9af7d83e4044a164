// Runs the built dashboard bundle (dist/webview.js + .css) in Debian's Chromium through playwright-core: a static
// page served over http://127.0.0.1 from a temp dir, under a strict CSP like the host's, with a stub host in place
// of VS Code's (a fake acquireVsCodeApi that records what the page posts; the test posts to the page).
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');
const BUNDLE = join(REPO_ROOT, 'dist', 'webview.js');
const STYLES = join(REPO_ROOT, 'dist', 'webview.css');
const BUNDLE_3D = join(REPO_ROOT, 'dist', 'webview-3d.js');

/** False when the suite can run; else why it is skipped. With CI=true it always runs (.ci/run installs Chromium). */
export function webviewSkip(): false | string {
  if (process.env.CI === 'true' || existsSync(CHROMIUM)) return false;
  return `${CHROMIUM} is missing: apt-get install chromium to run the webview suite`;
}

/** Builds dist/webview.js with the project's esbuild script when it is missing or older than a source it bundles. */
export async function ensureWebviewBuilt(): Promise<void> {
  if (existsSync(BUNDLE) && existsSync(STYLES)) {
    const built = Math.min(statSync(BUNDLE).mtimeMs, statSync(STYLES).mtimeMs);
    const sources = [join(REPO_ROOT, 'esbuild.mjs'), ...files(join(REPO_ROOT, 'webview', 'src')), ...files(join(REPO_ROOT, 'core'))];
    if (sources.every((source) => statSync(source).mtimeMs <= built)) return;
  }
  await execa(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, timeout: 120_000 });
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.(ts|css)$/.test(entry.name) ? [path] : [];
  });
}

/**
 * In the page before anything else: the stub of VS Code's webview API (callable once, as in VS Code), a record of
 * posted messages, CSP violations and dialogs' absence, and helpers the test calls. A string, not a function: tsx's
 * compiled functions call a `__name` helper the page does not have.
 */
const STUB_HOST = `(() => {
  const test = { posted: [], violations: [], state: undefined, acquired: 0 };
  window.__test = test;
  window.acquireVsCodeApi = () => {
    if (++test.acquired > 1) throw new Error('acquireVsCodeApi called twice');
    return {
      postMessage: (message) => test.posted.push(JSON.parse(JSON.stringify(message))),
      getState: () => test.state,
      setState: (state) => { test.state = state; },
    };
  };
  document.addEventListener('securitypolicyviolation', (event) => test.violations.push(event.violatedDirective + ' ' + event.blockedURI));
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  test.frame = frame;
  // Posts a host message and resolves, once the page painted what 'done' waits for, with the milliseconds it took.
  test.sendAndTime = async (message, doneSelector, doneText) => {
    const started = performance.now();
    window.postMessage(message, '*');
    for (;;) {
      await frame();
      const node = document.querySelector(doneSelector);
      if (node && (doneText === undefined || (node.textContent || '').includes(doneText))) return performance.now() - started;
      if (performance.now() - started > 20000) throw new Error('the page did not show ' + doneSelector + ' ' + (doneText || ''));
    }
  };
  // Scrolls the grid by 'step' pixels 'steps' times, a frame each; returns each frame's time and the most rows seen.
  test.scrollFrames = async (steps, step) => {
    const grid = document.querySelector('.grid');
    const times = [];
    let maxRows = 0;
    for (let i = 0; i < steps; i++) {
      const started = performance.now();
      grid.scrollTop += step;
      await frame();
      times.push(performance.now() - started);
      maxRows = Math.max(maxRows, document.querySelectorAll('.job-row').length);
    }
    return { times, maxRows };
  };
})();`;

/** The page the host would make: CSP default-src 'none', the script by nonce, styles only from the bundle's origin. */
function pageHtml(origin: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin} 'nonce-${nonce}'; img-src ${origin}; font-src ${origin};">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${origin}/webview.css">
<style nonce="${nonce}">${THEMES}</style>
<title>Batch dashboard</title>
</head>
<body class="vscode-light">
<script type="module" nonce="${nonce}" src="${origin}/webview.js"></script>
</body>
</html>
`;
}

// A few of the variables VS Code defines for its default light, dark and high-contrast themes. VS Code puts them on
// the root element and the theme's class on body; so does this page, switching themes by body's class alone.
const THEMES = `
html:has(> body.vscode-light) {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-foreground: #3b3b3b; --vscode-editor-background: #ffffff; --vscode-descriptionForeground: #717171;
  --vscode-focusBorder: #005fb8; --vscode-panel-border: #e5e5e5; --vscode-badge-background: #cccccc; --vscode-badge-foreground: #3b3b3b;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-input-background: #ffffff;
  --vscode-input-foreground: #3b3b3b; --vscode-input-border: #cecece; --vscode-list-hoverBackground: #f2f2f2;
  --vscode-list-activeSelectionBackground: #e8e8e8; --vscode-list-inactiveSelectionBackground: #e4e6f1;
  --vscode-textLink-foreground: #005fb8; --vscode-testing-iconPassed: #388a34; --vscode-testing-iconFailed: #f14c4c;
  --vscode-charts-blue: #1a85ff; --vscode-charts-yellow: #bf8803; --vscode-charts-orange: #d18616; --vscode-editorWidget-background: #f8f8f8;
}
html:has(> body.vscode-dark) {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-descriptionForeground: #9d9d9d;
  --vscode-focusBorder: #0078d4; --vscode-panel-border: #2b2b2b; --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-input-background: #313131;
  --vscode-input-foreground: #cccccc; --vscode-input-border: #3c3c3c; --vscode-list-hoverBackground: #2a2d2e;
  --vscode-list-activeSelectionBackground: #04395e; --vscode-list-inactiveSelectionBackground: #37373d;
  --vscode-textLink-foreground: #4daafc; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f14c4c;
  --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616; --vscode-editorWidget-background: #202020;
}
html:has(> body.vscode-high-contrast) {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-foreground: #ffffff; --vscode-editor-background: #000000; --vscode-descriptionForeground: #ffffff;
  --vscode-focusBorder: #f38518; --vscode-contrastBorder: #6fc3df; --vscode-contrastActiveBorder: #f38518;
  --vscode-panel-border: #6fc3df; --vscode-badge-background: #000000; --vscode-badge-foreground: #ffffff;
  --vscode-button-background: #000000; --vscode-button-foreground: #ffffff; --vscode-button-border: #6fc3df;
  --vscode-input-background: #000000; --vscode-input-foreground: #ffffff; --vscode-input-border: #6fc3df;
  --vscode-list-hoverBackground: #000000; --vscode-list-activeSelectionBackground: #000000;
  --vscode-textLink-foreground: #21a6ff; --vscode-testing-iconPassed: #73c991; --vscode-testing-iconFailed: #f48771;
  --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #ffd700; --vscode-charts-orange: #d18616; --vscode-editorWidget-background: #0c141f;
}`;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export interface DashboardPage {
  readonly page: Page;
  readonly url: string;
  /** Errors the page logged or threw, and dialogs it opened. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Serves the bundle from a temp dir and opens it in a fresh Chromium profile. */
export async function openDashboard(): Promise<DashboardPage> {
  const dir = mkdtempSync(join(tmpdir(), 'batchman-webview-'));
  const siteDir = join(dir, 'site');
  const profileDir = join(dir, 'chromium');
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  try {
    mkdirSync(siteDir, { recursive: true });
    mkdirSync(profileDir, { recursive: true });
    copyFileSync(BUNDLE, join(siteDir, 'webview.js'));
    copyFileSync(STYLES, join(siteDir, 'webview.css'));
    // The 3D library the page imports when a job with a geometry is shown.
    if (existsSync(BUNDLE_3D)) copyFileSync(BUNDLE_3D, join(siteDir, 'webview-3d.js'));
    const started = await serve(siteDir);
    server = started.server;
    const origin = started.origin;
    writeFileSync(join(siteDir, 'index.html'), pageHtml(origin, nonce()));
    context = await chromium.launchPersistentContext(join(profileDir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS],
      // Chromium's crash reporter writes under ~/.config whatever --user-data-dir says.
      env: { ...process.env, HOME: join(profileDir, 'home'), XDG_CONFIG_HOME: join(profileDir, 'xdg-config') },
      viewport: { width: 1400, height: 900 },
      timeout: 60_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('console', (entry) => {
      if (entry.type() === 'error') problems.push(`console: ${entry.text().slice(0, 300)}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message.slice(0, 300)}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.addInitScript(STUB_HOST);
    const url = `${origin}/index.html`;
    const closeAll = async (): Promise<void> => {
      await context?.close().catch(() => undefined);
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    };
    return { page, url, problems, close: closeAll };
  } catch (error) {
    await context?.close().catch(() => undefined);
    server?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** A CSP nonce, as the host makes it: random bytes from node:crypto. */
function nonce(): string {
  return randomBytes(16).toString('base64');
}

async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname).replace(/^\/+/, '');
    const path = join(root, name);
    if (name === 'favicon.ico') {
      response.writeHead(204).end(); // Chromium asks for it; a 404 would log a console error
      return;
    }
    if (name.includes('..') || !existsSync(path) || !statSync(path).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(readFileSync(path));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the static server has no port');
  return { server, origin: `http://127.0.0.1:${address.port}` };
}
