// scanLines: every line holding a needle, in file order, once, across 1 MiB chunk boundaries; counts as scanNeedles.
import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanLines, scanNeedles, visitLines } from '../../core/programs/fileScan.js';

describe('scanLines', () => {
  it('visits the same lines as reading the whole text would, in order, and counts like scanNeedles', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batchman-scanlines-'));
    try {
      // ~3 MiB of lines of varying length, so hits land on and around every chunk boundary.
      const lines: string[] = [];
      for (let i = 0, length = 0; length < 3 * 1024 * 1024 + 5000; i++) {
        const filler = 'x'.repeat((i * 7919) % 300);
        const line = i % 97 === 0 ? ` Frequencies --  ${-i}.5 ${filler} imaginary` : i % 89 === 0 ? `Harmonic frequencies ${i}` : `${filler} ${i}`;
        lines.push(line);
        length += line.length + 2;
      }
      const text = `${lines.join('\r\n')}\r\nFrequencies -- last line without newline`;
      const path = join(dir, 'big.log');
      await writeFile(path, text);
      const needles = ['Frequencies --', 'Harmonic frequencies', 'imaginary'];
      const expected: string[] = [];
      visitLines(text, needles, (line) => expected.push(line));
      const seen: string[] = [];
      const hits = await scanLines(path, needles, (line) => seen.push(line));
      assert.equal(seen.length, expected.length);
      assert.deepEqual(seen, expected);
      assert.deepEqual(hits.map((hit) => hit.count), (await scanNeedles(path, needles)).map((hit) => hit.count));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
