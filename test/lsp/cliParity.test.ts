// `batchman validate FILE --json` and the language server report the same diagnostics for the same file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { LspTestClient, REPO_ROOT, ensureBuilt, messageText } from '../support/lspClient.js';
import { createFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

interface JsonDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  message: string;
}

async function cliDiagnostics(path: string): Promise<{ exitCode: number; diagnostics: JsonDiagnostic[] }> {
  const result = await execa(process.execPath, [join(REPO_ROOT, 'bin', 'batchman'), 'validate', path, '--json'], { reject: false, timeout: 30_000 });
  assert.ok(result.exitCode === 0 || result.exitCode === 1, `exit ${result.exitCode}: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as { file: string; diagnostics: JsonDiagnostic[] };
  assert.equal(parsed.file, path);
  return { exitCode: result.exitCode!, diagnostics: parsed.diagnostics };
}

async function serverDiagnostics(client: LspTestClient, path: string): Promise<JsonDiagnostic[]> {
  const uri = pathToFileURL(path).href;
  const published = await client.openAndWait(uri, await readFile(path, 'utf8'));
  await client.close(uri);
  return published.diagnostics.map((d) => ({ range: d.range, severity: d.severity!, code: String(d.code), message: messageText(d.message) }));
}

let fixture: Fixture;
let client: LspTestClient;

before(async () => {
  await ensureBuilt();
  fixture = await createFixture();
  client = await LspTestClient.start();
});

after(async () => {
  try {
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    await fixture.remove();
  }
});

describe('CLI and server agree', () => {
  it('on a broken batchfile with disk findings (exit 1)', async () => {
    const cli = await cliDiagnostics(fixture.path);
    assert.equal(cli.exitCode, 1);
    assert.ok(cli.diagnostics.length >= 8);
    assert.deepEqual(await serverDiagnostics(client, fixture.path), cli.diagnostics);
  });

  it('on the shell-pipeline example (clean, exit 0)', async () => {
    const path = join(REPO_ROOT, 'examples', 'shell-pipeline', 'batchfile.csv');
    const cli = await cliDiagnostics(path);
    assert.equal(cli.exitCode, 0, JSON.stringify(cli.diagnostics));
    assert.deepEqual(await serverDiagnostics(client, path), cli.diagnostics);
  });
});
