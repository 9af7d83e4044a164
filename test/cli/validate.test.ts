// `batchman validate` as users run it: the built CLI, its text and JSON output, and its exit codes.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { execa } from 'execa';
import { REPO_ROOT, ensureBuilt } from '../support/build.js';

const BIN = join(REPO_ROOT, 'bin/batchman');
const run = (...args: string[]) => execa(BIN, args, { reject: false, cwd: REPO_ROOT, timeout: 30_000 });

describe('batchman validate', () => {
  let broken: string;
  before(async () => {
    await ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'batchman-validate-'));
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

  it('exits 2 on bad usage', async () => {
    for (const args of [['validate'], ['validate', 'a', 'b'], ['validate', '/nonexistent/batchfile.csv'], ['frobnicate'], ['validate', broken, '--nope'], []]) {
      const result = await run(...args);
      assert.equal(result.exitCode, 2, `batchman ${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr + result.stdout, /Usage: batchman/);
    }
  });
});
