// Outcomes of 200 MB outputs: the tail read stays tiny and fast; the opt+freq count streams in constant memory.
import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CAUSES } from '../../core/programs/markers.js';
import { readOutcome } from '../../core/programs/outcome.js';

const MB = 1024 * 1024;
const SIZE = 200 * MB;

/** Wall time and peak resident-memory growth of `fn`; RSS is sampled every 2 ms while it runs. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; rssGrowth: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  const start = performance.now();
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, ms: performance.now() - start, rssGrowth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}

describe('large outputs (200 MB)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batchman-large-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads only the tail of a 200 MB xTB output', async () => {
    const jobDir = join(dir, 'xtb');
    await mkdir(jobDir);
    const path = join(jobDir, 'mol.out');
    // Sparse: 200 MB of holes, then the real end of an xtb run.
    const handle = await open(path, 'w');
    await handle.truncate(SIZE);
    await handle.write(
      '\n------------------------------------------------------------------------\n * finished run on 2024/04/28 at 10:00:00.000\n------------------------------------------------------------------------\n total:\n * wall-time:     0 d,  0 h,  0 min,  0.222 sec\n',
      SIZE,
    );
    await handle.close();
    const { result, ms, rssGrowth } = await measure(() => readOutcome({ program: 'xtb', jobDirectory: jobDir, basename: 'mol' }));
    assert.equal(result.status, 'succeeded');
    console.log(`  tail read of ${SIZE / MB} MB: ${ms.toFixed(1)} ms, peak RSS growth ${(rssGrowth / MB).toFixed(1)} MB`);
    assert.ok(ms < 500, `took ${ms} ms`);
    assert.ok(rssGrowth < 16 * MB, `RSS grew by ${rssGrowth} bytes`);
  });

  it('streams a 200 MB Gaussian opt+freq log to count terminations, in constant memory', async () => {
    const jobDir = join(dir, 'gaussian');
    await mkdir(jobDir);
    await writeFile(join(jobDir, 'mol.gjf'), '%chk=mol.chk\n#p B3LYP/6-31G(d) Opt Freq\n\nbig\n\n0 1\nC 0 0 0\n\n');
    const path = join(jobDir, 'mol.log');
    const filler = Buffer.from(' Iteration  12 EE= -1543.12345678901     Delta-E=       -0.000000012345 Rises=F Damp=F\n'.repeat(Math.floor(MB / 93)));
    const optEnd = ' Optimization completed.\n    -- Stationary point found.\n Normal termination of Gaussian 16 at Sun Apr 28 10:12:01 2024.\n Link1:  Proceeding to internal job step number  2.\n';
    const imaginary = ' ******    1 imaginary frequencies (negative Signs) ******\n';
    const freqEnd = ' Optimization completed.\n    -- Stationary point found.\n Normal termination of Gaussian 16 at Sun Apr 28 18:40:11 2024.\n';
    const handle = await open(path, 'w');
    let imaginaryAt = 0;
    let written = 0;
    const put = async (data: string | Buffer): Promise<void> => {
      const buffer = typeof data === 'string' ? Buffer.from(data) : data;
      await handle.write(buffer, 0, buffer.length, written);
      written += buffer.length;
    };
    await put(' ----------------------------------\n #p B3LYP/6-31G(d) Opt Freq\n ----------------------------------\n');
    while (written < SIZE / 2) await put(filler);
    await put(optEnd);
    imaginaryAt = written;
    await put(imaginary);
    while (written < SIZE) await put(filler);
    await put(freqEnd);
    await handle.close();
    assert.ok(written > SIZE, `generated ${written} bytes`);

    // The probe is sensitive: reading the whole file the naive way shows up.
    const naive = await measure(() => readFile(path));
    assert.ok(naive.rssGrowth > 100 * MB, `a whole-file read grew RSS by only ${naive.rssGrowth} bytes`);
    naive.result.fill(0);

    const failed = await measure(() => readOutcome({ program: 'gaussian', jobDirectory: jobDir, basename: 'mol' }));
    assert.equal(failed.result.status, 'failed');
    // The log holds Gaussian's count line and no frequency table: the cause gives the count alone.
    assert.equal(failed.result.cause, `1 ${CAUSES.imaginaryFrequency}`, 'found 100 MB before the end');
    console.log(`  streaming scan of ${(written / MB).toFixed(0)} MB: ${failed.ms.toFixed(0)} ms, peak RSS growth ${(failed.rssGrowth / MB).toFixed(1)} MB`);
    assert.ok(failed.rssGrowth < 32 * MB, `RSS grew by ${failed.rssGrowth} bytes`);
    assert.ok(failed.ms < 10_000, `took ${failed.ms} ms`);

    // Without the imaginary frequency: both terminations and stationary points are found, 100 MB apart.
    const fix = await open(path, 'r+');
    await fix.write(' '.repeat(imaginary.length - 1), imaginaryAt);
    await fix.close();
    const ok = await measure(() => readOutcome({ program: 'gaussian', jobDirectory: jobDir, basename: 'mol' }));
    assert.equal(ok.result.status, 'succeeded', JSON.stringify(ok.result));
    assert.ok(ok.rssGrowth < 32 * MB);
  });
});
