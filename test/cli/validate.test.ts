// `batchman validate` as users run it: the built CLI, its text and JSON output, and its exit codes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';
import { tempDirs } from '../support/tempDir.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const DISK_CODES = ['root-not-found', 'job-folder-missing', 'input-missing', 'pipe-upstream-outside-batch'];
const run = (...args: string[]) => execa(BIN, args, { reject: false, cwd: REPO_ROOT, timeout: 30_000 });

describe('batchman validate', () => {
  let broken: string;
  const tempDir = tempDirs();
  before(async () => {
    await ensureBuilt();
    const dir = tempDir('batchman-validate-');
    broken = join(dir, 'batchfile.csv');
    writeFileSync(broken, 'root_directory=.\njob_basename|job_directory|program|pipe\nopt|opt|xtbb|\nfreq|freq|xtb|coords{../opt,xtbopt.xyz\n');
  });

  it('exits 0 and prints no findings for the example batch', async () => {
    const result = await run('validate', 'examples/shell-pipeline/batchfile.csv');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no errors/);
  });

  it('prints file:line:col: severity: message [code] and exits 1 on errors', async () => {
    const result = await run('validate', broken);
    assert.equal(result.exitCode, 1);
    const lines = result.stdout.split('\n');
    assert.ok(lines.includes(`${broken}:3:9: error: Unknown program \`xtbb\`: expected one of gaussian, orca, crest, xtb, pyaroma, shell. Did you mean \`xtb\`? [program-unknown]`), result.stdout);
    assert.ok(lines.some((line) => line.startsWith(`${broken}:4:21: error: Missing closing \`}\``) && line.endsWith('[pipe-missing-bracket]')), result.stdout);
    assert.ok(lines.some((line) => line.startsWith(`${broken}:3:5: warning: The job folder`) && line.endsWith('[job-folder-missing]')), result.stdout);
  });

  it('--json prints LSP-shaped diagnostics', async () => {
    const result = await run('validate', broken, '--json');
    assert.equal(result.exitCode, 1);
    const parsed = JSON.parse(result.stdout) as { file: string; diagnostics: { range: unknown; severity: number; code: string; message: string }[] };
    assert.equal(parsed.file, broken);
    const program = parsed.diagnostics.find((d) => d.code === 'program-unknown');
    assert.deepEqual(program?.range, { start: { line: 2, character: 8 }, end: { line: 2, character: 12 } });
    assert.equal(program?.severity, 1);
    for (const diagnostic of parsed.diagnostics) assert.deepEqual(Object.keys(diagnostic).sort(), ['code', 'message', 'range', 'severity']);
  });

  it('--no-disk skips the disk rules, as the server\'s checkDisk: false does', async () => {
    const withDisk = await run('validate', broken, '--json');
    const withoutDisk = await run('validate', broken, '--json', '--no-disk');
    assert.equal(withoutDisk.exitCode, 1, 'the file\'s own errors remain');
    const codesOf = (stdout: string) => (JSON.parse(stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
    assert.ok(codesOf(withDisk.stdout).includes('job-folder-missing'));
    assert.deepEqual(codesOf(withoutDisk.stdout), codesOf(withDisk.stdout).filter((code) => !DISK_CODES.includes(code)));
    const text = await run('validate', broken, '--no-disk');
    assert.ok(!text.stdout.includes('[job-folder-missing]'), text.stdout);
  });

  for (const name of ['ccbatchman-real-quick', 'ccbatchman-real-crude', 'ccbatchman-layout']) {
    it(`a real CCBatchMan batch (${name}) validates without errors, its findings true ones`, async () => {
      const path = join(REPO_ROOT, 'test/fixtures/batchfiles', `${name}.batchfile`);
      const result = await run('validate', path, '--json');
      assert.equal(result.exitCode, 0, result.stdout);
      const { diagnostics } = JSON.parse(result.stdout) as { diagnostics: { code: string; severity: number }[] };
      // Its root is on the machine it came from; the pipes to another batch's folders cannot be checked here.
      assert.deepEqual([...new Set(diagnostics.map((d) => `${d.severity} ${d.code}`))].sort(), name.endsWith('quick') ? ['2 root-not-found'] : ['2 root-not-found', '3 pipe-upstream-missing']);
      const noDisk = await run('validate', path, '--json', '--no-disk');
      assert.equal(noDisk.exitCode, 0);
      assert.ok(!(JSON.parse(noDisk.stdout) as { diagnostics: { code: string }[] }).diagnostics.some((d) => DISK_CODES.includes(d.code)));
    });
  }

  it('exits 2 on bad usage', async () => {
    for (const args of [['validate'], ['validate', 'a', 'b'], ['validate', '/nonexistent/batchfile.csv'], ['frobnicate'], ['validate', broken, '--nope'], []]) {
      const result = await run(...args);
      assert.equal(result.exitCode, 2, `batchman ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr + result.stdout, /Usage: batchman/);
    }
  });
});
