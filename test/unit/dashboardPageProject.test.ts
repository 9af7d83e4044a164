// The models bundled into the dashboard page (core/dashboard/page/) are type-checked without Node: their project has
// no Node types, `tsc -b` builds it, and core (which has Node's types) leaves it out, so a `node:` import or a Node
// global there fails the type check, not only the bundler. Proven by compiling the page with its own options plus a
// probe file that uses Node.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, parse } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { REPO_ROOT } from '../support/build.js';

const PAGE = join(REPO_ROOT, 'core', 'dashboard', 'page');

function readConfig(path: string): { compilerOptions?: { types?: string[]; lib?: string[] }; include?: string[]; exclude?: string[]; references?: { path: string }[] } {
  const parsed = ts.readConfigFile(path, (file) => readFileSync(file, 'utf8'));
  assert.equal(parsed.error, undefined, `${path} parses`);
  return parsed.config as ReturnType<typeof readConfig>;
}

/** The page's files compiled with the page project's own options, plus `probe`; the diagnostics by file. */
function checkPageWith(probe: string): { file: string; code: number; text: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'batchman-page-types-'));
  try {
    const probePath = join(dir, 'probe.ts');
    writeFileSync(probePath, probe);
    // an ES module, as every file of the package is
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const pageFiles = readdirSync(PAGE).filter((name) => name.endsWith('.ts')).map((name) => join(PAGE, name));
    const configPath = join(dir, 'tsconfig.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        extends: join(PAGE, 'tsconfig.json'),
        compilerOptions: { composite: false, incremental: false, declaration: false, noEmit: true, rootDir: parse(dir).root },
        files: [...pageFiles, probePath],
      }),
    );
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) });
    assert.ok(parsed);
    assert.deepEqual(parsed.options.types, [], 'the page project has no ambient types');
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    return ts.getPreEmitDiagnostics(program).map((d) => ({
      file: d.file ? (d.file.fileName === probePath.replaceAll('\\', '/') ? 'probe.ts' : d.file.fileName) : '(options)',
      code: d.code,
      text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dashboard page project: no Node in the models bundled into the page', () => {
  it('is its own project with no Node types, built by tsc -b, left out of core and referenced by the page bundle', () => {
    const page = readConfig(join(PAGE, 'tsconfig.json'));
    assert.deepEqual(page.compilerOptions?.types, []);
    assert.ok(!page.compilerOptions?.lib?.some((lib) => /dom/i.test(lib)), 'the models need no DOM either');
    assert.ok(readConfig(join(REPO_ROOT, 'core', 'tsconfig.json')).exclude?.includes('dashboard/page/**'), "core's Node-typed check leaves page/ out");
    assert.ok(readConfig(join(REPO_ROOT, 'tsconfig.json')).references?.some((ref) => ref.path === './core/dashboard/page'), 'tsc -b builds the page project');
    assert.ok(readConfig(join(REPO_ROOT, 'webview', 'tsconfig.json')).references?.some((ref) => ref.path === '../core/dashboard/page'));
  });

  it('fails a node: import and a Node global, and nothing else', () => {
    const diagnostics = checkPageWith("import { readFileSync } from 'node:fs';\nexport const size = readFileSync('x').length + process.pid;\n");
    assert.deepEqual(
      diagnostics.map(({ file, code }) => ({ file, code })),
      [
        { file: 'probe.ts', code: 2307 }, // Cannot find module 'node:fs'
        { file: 'probe.ts', code: 2591 }, // Cannot find name 'process'
      ],
      diagnostics.map((d) => `${d.file}: TS${d.code} ${d.text}`).join('\n'),
    );
  });
});
