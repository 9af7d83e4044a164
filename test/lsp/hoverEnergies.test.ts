// The real language server over stdio: hovering a row's basename shows what the job computed — from its current
// {basename}.json, read in the background (a hover answers within its budget, so an early one may come without) — and
// a row whose folder holds only an output (no file: the job may still be running) shows none. Numbers are cclib's.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-protocol/node';
import { readJobResults } from '../../core/results/jobResults.js';
import { LspTestClient, ensureBuilt } from '../support/lspClient.js';

const cclibRoot = new URL('../fixtures/outputs/cclib/', import.meta.url).pathname;
const cclib = JSON.parse(readFileSync(join(cclibRoot, 'expected-cclib.json'), 'utf8')) as Record<string, { finalScfEnergyHartree: number; gibbsHartree?: number }>;

let dir: string;
let client: LspTestClient;
let uri: string;

before(async () => {
  await ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'batchman-hover-energies-'));
  for (const [name, fixture] of [['ir', 'gaussian/g16-dvb_ir.log'], ['sp', 'gaussian/g16-dvb_sp.log']] as const) {
    await mkdir(join(dir, name));
    await copyFile(join(cclibRoot, fixture), join(dir, name, `${name}.log`));
  }
  // `ir` ended under a runner, which wrote its {basename}.json; `sp` has only its output.
  await readJobResults({ directory: join(dir, 'ir'), basename: 'ir', program: 'gaussian' }, { writeFile: true });
  client = await LspTestClient.start({ configuration: true, settings: { diagnostics: { debounceMs: 0 } } });
  uri = pathToFileURL(join(dir, 'batchfile.csv')).href;
  await client.openAndWait(uri, 'root_directory=.\njob_basename|job_directory|program|pipe\nir|ir|gaussian|\nsp|sp|gaussian|\n');
});

after(async () => {
  try {
    assert.equal(await client.shutdown(), 0);
  } finally {
    client.kill();
    await rm(dir, { recursive: true, force: true });
  }
});

async function hoverText(line: number): Promise<string> {
  const result = await client.hover(uri, { line, character: 1 });
  assert.ok(result, `no hover on line ${line}`);
  return (result.contents as MarkupContent).value;
}

test("a row whose job recorded its results: the final energy, G and imaginary count, as cclib reads the output", async () => {
  let text = await hoverText(2);
  for (let tries = 0; !/Final energy/.test(text) && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    text = await hoverText(2);
  }
  assert.match(text, /\*\*ir\*\* · Gaussian/);
  const energy = /^Final energy: (-?\d+\.\d+) Eh/m.exec(text);
  const gibbs = /^G: (-?\d+\.\d+) Eh/m.exec(text);
  assert.ok(energy && gibbs, text);
  assert.ok(Math.abs(Number(energy[1]) - cclib['gaussian/g16-dvb_ir.log']!.finalScfEnergyHartree) <= 1.5e-6, text);
  assert.ok(Math.abs(Number(gibbs[1]) - cclib['gaussian/g16-dvb_ir.log']!.gibbsHartree!) <= 1.5e-6, text);
  assert.match(text, /^Imaginary frequencies: 0 {2}$/m);
});

test('a row with an output but no {basename}.json: the row summary without results, the output never parsed', async () => {
  await hoverText(3);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const text = await hoverText(3);
  assert.match(text, /\*\*sp\*\* · Gaussian/);
  assert.doesNotMatch(text, /Final energy/);
});
