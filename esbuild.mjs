// Bundles the extension client, the language server, the CLI and the dashboard webview.
// Usage: node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Node-side bundles are CommonJS: VS Code 1.100 loads extensions with require(). */
const nodeBundle = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // execa and its helpers read import.meta.url only for optional features; give them a real value.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const entries = [
  { ...nodeBundle, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...nodeBundle, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { ...nodeBundle, entryPoints: ['core/cli/main.ts'], outfile: 'dist/cli.js' },
];
if (existsSync('webview/src/main.ts')) {
  entries.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview.js',
  });
  // The 3D molecule library on its own: the page imports it only when a job with a geometry is shown.
  entries.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: false,
    minify: production,
    logLevel: 'error',
    entryPoints: ['webview/src/molecule3dLib.ts'],
    outfile: 'dist/webview-3d.js',
  });
}

await mkdir('dist', { recursive: true });
// The root package is ESM; the Node bundles above are CommonJS, so dist/ says so.
await writeFile('dist/package.json', JSON.stringify({ type: 'commonjs' }) + '\n');

if (watch) {
  const contexts = await Promise.all(entries.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(entries.map((options) => esbuild.build(options)));
}
