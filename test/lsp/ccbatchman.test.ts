// CCBatchMan's batches over the protocol: real batchfiles from its history give the CLI's diagnostics and no error;
// a molecule-per-folder batch navigates by folder; an angle-bracket file is turned into braces by one quick fix.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { CodeAction, Location } from 'vscode-languageserver-protocol';
import { LspTestClient, REPO_ROOT, applyEdits, editsAsChanges, ensureBuilt, messageText, positionOf, shortRange } from '../support/lspClient.js';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/batchfiles');
const REAL = ['ccbatchman-real-quick', 'ccbatchman-real-crude', 'ccbatchman-layout'];

const MOLECULES = [
  'root_directory=.',
  'job_directory|job_basename|program|pipe',
  'mol1/crest|crest|CREST|',
  'mol1/opt|opt|XTB|coords{../crest,crest_best.xyz}',
  'mol2/crest|crest|CREST|',
  'mol2/opt|opt|XTB|coords{../crest,crest_best.xyz}',
  '',
].join('\n');

let client: LspTestClient;
let dir: string;

before(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'batchman-lsp-ccbatchman-'));
  client = await LspTestClient.start();
});

after(async () => {
  try {
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    await rm(dir, { recursive: true, force: true });
  }
});

describe('real CCBatchMan batchfiles in the language server', () => {
  for (const name of REAL) {
    it(`${name}: no error, and exactly what batchman validate --json reports`, async () => {
      const path = join(FIXTURES, `${name}.batchfile`);
      const cli = await execa(process.execPath, [join(REPO_ROOT, 'bin', 'batchman'), 'validate', path, '--json'], { reject: false, timeout: 30_000 });
      assert.equal(cli.exitCode, 0, cli.stdout);
      const uri = pathToFileURL(path).href;
      const published = await client.openAndWait(uri, await readFile(path, 'utf8'));
      await client.close(uri);
      const served = published.diagnostics.map((d) => ({ range: d.range, severity: d.severity, code: String(d.code), message: messageText(d.message) }));
      assert.deepEqual(served, (JSON.parse(cli.stdout) as { diagnostics: unknown[] }).diagnostics);
      assert.ok(!served.some((d) => d.severity === 1));
    });
  }
});

describe('a folder per molecule, the same step names in each', () => {
  it('is valid, and navigation follows folders, not names', async () => {
    const uri = pathToFileURL(join(dir, 'molecules.csv')).href;
    const published = await client.openAndWait(uri, MOLECULES);
    assert.deepEqual(published.diagnostics.filter((d) => d.code !== 'job-folder-missing' && d.code !== 'input-missing'), []);
    // mol2/opt's `../crest` is mol2's crest (line 4), not mol1's.
    const target = await client.definition(uri, positionOf(MOLECULES, '../crest', 1, 1));
    const location = (Array.isArray(target) ? target[0] : target) as Location;
    assert.equal(shortRange(location.range), '4:11-16');
    const refs = (await client.references(uri, positionOf(MOLECULES, 'crest|CREST', 0, 1), false)) ?? [];
    assert.deepEqual(refs.map((ref) => shortRange(ref.range)), ['5:24-32']);
    const hover = await client.hover(uri, positionOf(MOLECULES, '../crest', 1, 1));
    assert.match(JSON.stringify(hover?.contents), /Upstream job \*\*crest\*\* in `mol2\/crest`/);
    await client.close(uri);
  });
});

describe('angle brackets', () => {
  it('each is an information, and one quick fix writes every pipe of the file with braces', async () => {
    const text = 'root_directory=.\njob_basename|job_directory|program|pipe\nopt|opt|xtb|\nsp|sp|orca|coords<../opt,xtbopt.xyz>\nfreq|freq|xtb|coords<../opt,xtbopt.xyz>\n';
    const path = join(dir, 'angles.csv');
    await writeFile(path, text);
    const uri = pathToFileURL(path).href;
    const published = await client.openAndWait(uri, text);
    const angled = published.diagnostics.filter((d) => d.code === 'pipe-angle-brackets');
    assert.deepEqual(angled.map((d) => [d.range.start.line, d.severity]), [[3, 3], [4, 3]]);
    assert.match(messageText(angled[0]!.message), /CCBatchMan cannot read/);
    const actions = ((await client.codeActions(uri, angled[0]!.range)) ?? []) as CodeAction[];
    const whole = actions.find((action) => action.title === 'Write every pipe as NAME{DIR,FILE}');
    assert.ok(whole, actions.map((action) => action.title).join(' / '));
    assert.equal(whole.isPreferred, true);
    const edits = whole.edit?.changes?.[uri] ?? [];
    const after = await client.changeAndWait(uri, 2, editsAsChanges(text, edits));
    assert.equal(applyEdits(text, edits), text.replaceAll('<', '{').replaceAll('>', '}'));
    assert.deepEqual(after.diagnostics.filter((d) => d.code === 'pipe-angle-brackets'), []);
    await client.close(uri);
  });
});
