// The dashboard webview's HTML shell: a strict Content-Security-Policy (no inline code, scripts only by nonce), the
// page's stylesheet and its ES-module bundle. The page builds its own DOM, so the body stays empty.
import { randomBytes } from 'node:crypto';

export interface DashboardHtmlOptions {
  /** `webview.cspSource`: where the webview may load the extension's resources from. */
  cspSource: string;
  /** Fresh per page (makeNonce). */
  nonce: string;
  /** `webview.asWebviewUri(…)` of dist/webview.js and dist/webview.css, as strings. */
  scriptUri: string;
  styleUri: string;
  title: string;
}

/** 128 random bits, base64: a nonce nobody can guess for a script the page did not get from us. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

export function dashboardHtml(options: DashboardHtmlOptions): string {
  const nonce = escapeHtml(options.nonce);
  const source = escapeHtml(options.cspSource);
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // the page's styles come from its stylesheet; the nonce lets the bundle's own <style> elements in
    `style-src ${source} 'nonce-${nonce}'`,
    `img-src ${source} data:`,
    `font-src ${source}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
</head>
<body>
<script type="module" nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}

/** A page with one line of text and nothing to run (a restored dashboard whose batch is gone). */
export function messageHtml(options: { cspSource: string; title: string; text: string }): string {
  const source = escapeHtml(options.cspSource);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${source};">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<p>${escapeHtml(options.text)}</p>
</body>
</html>
`;
}

/** Text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
