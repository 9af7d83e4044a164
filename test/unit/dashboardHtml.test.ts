// The dashboard's HTML shell: a strict CSP (nothing inline, nothing evaluated, scripts only by nonce), the nonce on
// the module script and 128 random bits in it, the bundle and stylesheet by their webview URIs, hostile text escaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardHtml, escapeHtml, makeNonce, messageHtml } from '../../core/dashboard/html.js';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const SCRIPT = 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js';
const STYLE = 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css';

function html(title = 'Batch: calcs/batchfile.csv', nonce = makeNonce()): { text: string; nonce: string } {
  return { text: dashboardHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: SCRIPT, styleUri: STYLE, title }), nonce };
}

/** The CSP's directives, by name. */
function csp(text: string): Map<string, string[]> {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(text);
  assert.ok(match, 'a CSP meta element');
  const directives = new Map<string, string[]>();
  for (const part of match[1]!.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [name, ...values] = part.split(/\s+/);
    directives.set(name!, values);
  }
  return directives;
}

describe('dashboard html', () => {
  it('has a strict CSP: nothing by default, scripts only by nonce, styles, images and fonts from the webview', () => {
    const { text, nonce } = html();
    const policy = csp(text);
    assert.deepEqual(policy.get('default-src'), ["'none'"]);
    assert.deepEqual(policy.get('script-src'), [`'nonce-${nonce}'`]);
    assert.deepEqual(policy.get('style-src'), [CSP_SOURCE, `'nonce-${nonce}'`]);
    assert.deepEqual(policy.get('img-src'), [CSP_SOURCE, 'data:']);
    assert.deepEqual(policy.get('font-src'), [CSP_SOURCE]);
    assert.deepEqual([...policy.keys()].sort(), ['default-src', 'font-src', 'img-src', 'script-src', 'style-src']);
    assert.doesNotMatch(text, /unsafe-inline|unsafe-eval|unsafe-hashes|strict-dynamic/);
  });

  it('loads the bundle as a module script carrying the nonce, and the stylesheet; nothing inline', () => {
    const { text, nonce } = html();
    const scripts = [...text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]![1]!, / type="module"/);
    assert.ok(scripts[0]![1]!.includes(` nonce="${nonce}"`));
    assert.ok(scripts[0]![1]!.includes(` src="${SCRIPT}"`));
    assert.equal(scripts[0]![2], '', 'no inline code');
    assert.ok(text.includes(`<link rel="stylesheet" href="${STYLE}">`));
    assert.doesNotMatch(text, /<style\b| on[a-z]+=/i, 'no inline style or handler');
  });

  it('makes nonces of 128 random bits, base64, never the same twice', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const nonce = makeNonce();
      assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(nonce, 'base64').length, 16);
      nonces.add(nonce);
    }
    assert.equal(nonces.size, 2000);
    // the bits vary: every base64 digit position takes many values across the nonces
    const positions = Array.from({ length: 21 }, (_, i) => new Set([...nonces].map((n) => n[i])).size);
    assert.ok(positions.every((count) => count > 40), JSON.stringify(positions));
  });

  it('escapes a hostile title (a batch label is the user\'s text) and hostile URIs', () => {
    const hostile = 'Batch: </title><script>alert(1)</script>"\'&<img src=x onerror=alert(2)>';
    const text = dashboardHtml({ cspSource: CSP_SOURCE, nonce: 'abc', scriptUri: `${SCRIPT}"><script>alert(3)</script>`, styleUri: STYLE, title: hostile });
    assert.equal((text.match(/<script\b/g) ?? []).length, 1, 'the only script element is ours');
    assert.doesNotMatch(text, /<img|alert\(1\)<\/script>/);
    const title = /<title>([\s\S]*?)<\/title>/.exec(text)![1]!;
    assert.equal(title, escapeHtml(hostile));
    assert.equal(
      title.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))),
      hostile,
      'the escaped title reads as written',
    );
    assert.ok(text.includes(`src="${SCRIPT}&#34;&#62;&#60;script&#62;alert(3)&#60;/script&#62;"`));
  });

  it('says why when there is nothing to show, with nothing to run', () => {
    const text = messageHtml({ cspSource: CSP_SOURCE, title: 'Batch: x', text: 'The batchfile /a/<b>.csv no longer exists.' });
    assert.ok(text.includes('The batchfile /a/&#60;b&#62;.csv no longer exists.'));
    assert.doesNotMatch(text, /<script/);
    assert.deepEqual(csp(text).get('default-src'), ["'none'"]);
  });
});
