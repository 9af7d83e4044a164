// The job detail's results cache on a real Gaussian opt+freq log written in two parts, as a running job's output grows:
// what it shows equals a fresh read of the whole file (energies as cclib reads them); an unchanged output is not parsed
// again, a running job's grown one at most once per window, a shrunk or replaced one and an ended job's always.
import { strict as assert } from 'node:assert';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DETAIL_RESULTS_MAX_ENTRIES, DETAIL_RESULTS_MIN_INTERVAL_MS, DetailResultsCache } from '../../core/dashboard/detailResultsCache.js';
import { readDetailResults, readJobDetail } from '../../core/dashboard/jobDetail.js';
import type { DashboardJobResults } from '../../core/dashboard/jobResultsMessage.js';
import type { JobStatus } from '../../core/status.js';
import { jobViewFromRow } from '../../core/view/jobView.js';
import { CCLIB_DIR, FREQ_LOG, OPT_LOG, cclibReading, frequencyLogWithImaginary } from '../support/gaussianOptFreq.js';
import { tempDir } from '../support/tempDir.js';

type Results = DashboardJobResults | null;

/** The two parts a running opt+freq job writes: the optimisation, then the frequency step. */
async function logParts(): Promise<{ opt: string; freq: string }> {
  return { opt: await readFile(join(CCLIB_DIR, OPT_LOG), 'utf8'), freq: frequencyLogWithImaginary() };
}

/** A job folder holding `dvb.log` with this text. */
async function jobWith(root: string, name: string, text: string): Promise<{ directory: string; log: string }> {
  const directory = join(root, name);
  await mkdir(directory, { recursive: true });
  const log = join(directory, 'dvb.log');
  await writeFile(log, text);
  return { directory, log };
}

/** The oracle: the results of a file holding `text`, read whole in a folder of its own (no cache has seen it). */
async function freshRead(root: string, name: string, text: string): Promise<Results> {
  const { directory } = await jobWith(root, name, text);
  return readDetailResults({ directory, basename: 'dvb', program: 'gaussian' });
}

/** A cache on a clock the test moves, and a read of the job's results that counts the parses. */
function harness(directory: string, log: string) {
  const clock = { now: 1_700_000_000_000 };
  const cache = new DetailResultsCache<Results>({ clock: () => clock.now });
  const counter = { parses: 0, parseMs: 0 };
  const read = async (): Promise<Results> => {
    counter.parses++;
    const results = await readDetailResults({ directory, basename: 'dvb', program: 'gaussian' });
    // A parse that takes parseMs on the test's clock.
    clock.now += counter.parseMs;
    return results;
  };
  const get = (status: JobStatus) => cache.get(log, { status }, read);
  return { clock, cache, counter, get };
}

describe('the job detail\'s results cache (a real Gaussian log growing as a job runs)', () => {
  it('a running job\'s grown log shows the last results with their time until the window passes, then the whole file\'s, equal to a fresh read and to cclib', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt, freq } = await logParts();
    const { directory, log } = await jobWith(root, 'running', opt);
    const { clock, counter, get } = harness(directory, log);

    const first = await get('running');
    assert.equal(counter.parses, 1);
    assert.equal(first.current, true);
    assert.deepEqual(first.value, await freshRead(root, 'opt-only', opt), 'the first part read alone');
    const firstReadAt = first.readAt;

    await appendFile(log, freq);
    clock.now += DETAIL_RESULTS_MIN_INTERVAL_MS - 1;
    const held = await get('running');
    assert.equal(counter.parses, 1, 'a grown log is not parsed again within the window');
    assert.equal(held.current, false, 'the results are said to be older than the output');
    assert.equal(held.readAt, firstReadAt, 'with the time they were read');
    assert.deepEqual(held.value, first.value);

    clock.now += 1;
    const after = await get('running');
    assert.equal(counter.parses, 2, 'once the window passed, the grown log is parsed again');
    assert.equal(after.current, true);
    const whole = await freshRead(root, 'whole', opt + freq);
    assert.deepEqual(after.value, whole, 'the same as the whole file read at once');
    const cclib = cclibReading(FREQ_LOG);
    assert.ok(Math.abs(after.value!.finalEnergy! - cclib.finalScfEnergyHartree!) < 1e-6, `final energy ${after.value!.finalEnergy} vs cclib ${cclib.finalScfEnergyHartree}`);
    assert.ok(Math.abs(after.value!.gibbs! - cclib.gibbsHartree!) < 1e-6);
    assert.equal(after.value!.frequencies?.length, cclib.frequencies);
    assert.equal(after.value!.optimization?.steps, cclibReading(OPT_LOG).scfEnergiesCount);
  });

  it('an unchanged log is never parsed again, running or ended', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt, freq } = await logParts();
    const { directory, log } = await jobWith(root, 'same', opt + freq);
    const { clock, counter, get } = harness(directory, log);
    const first = await get('running');
    clock.now += 10 * DETAIL_RESULTS_MIN_INTERVAL_MS;
    const again = await get('running');
    assert.equal(counter.parses, 1);
    assert.equal(again.current, true, 'the kept results are the output\'s as it is');
    assert.equal(again.value, first.value);
    await get('succeeded');
    assert.equal(counter.parses, 2, 'the job ended: one final read, even of an unchanged log');
    await get('succeeded');
    await get('succeeded');
    assert.equal(counter.parses, 2, 'then the ended job\'s results are kept');
  });

  it('an ended job\'s grown log is read at once, complete', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt, freq } = await logParts();
    const { directory, log } = await jobWith(root, 'ended', opt);
    const { counter, get } = harness(directory, log);
    await get('running');
    await appendFile(log, freq);
    assert.equal((await get('running')).current, false);
    const ended = await get('failed');
    assert.equal(counter.parses, 2, 'no window for an ended job');
    assert.equal(ended.current, true);
    assert.deepEqual(ended.value, await freshRead(root, 'whole', opt + freq));
  });

  it('a shrunk or replaced log is read afresh, within the window', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt, freq } = await logParts();
    const { directory, log } = await jobWith(root, 'shrunk', opt + freq);
    const { counter, get } = harness(directory, log);
    await get('running');
    // The job restarted in place: its log begins again, shorter.
    await writeFile(log, opt);
    const shrunk = await get('running');
    assert.equal(counter.parses, 2, 'a shorter log is parsed again at once');
    assert.equal(shrunk.current, true);
    assert.deepEqual(shrunk.value, await freshRead(root, 'opt-only', opt));
    // Another file put in its place, longer: not the same log grown.
    const other = join(directory, 'next.log');
    await writeFile(other, opt + freq);
    await rename(other, log);
    const replaced = await get('running');
    assert.equal(counter.parses, 3, 'a log replaced by another file is parsed again at once');
    assert.equal(replaced.current, true);
    assert.deepEqual(replaced.value, await freshRead(root, 'whole', opt + freq));
  });

  it('the window is 10 times the last parse when that is longer than 10 s', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt, freq } = await logParts();
    const { directory, log } = await jobWith(root, 'slow', opt);
    const { clock, counter, get } = harness(directory, log);
    counter.parseMs = 5_000;
    const first = await get('running');
    await appendFile(log, freq);
    clock.now = first.readAt + 49_999;
    assert.equal((await get('running')).current, false);
    assert.equal(counter.parses, 1, 'a 5 s parse is not repeated within 50 s');
    clock.now = first.readAt + 50_000;
    assert.equal((await get('running')).current, true);
    assert.equal(counter.parses, 2);
  });

  it('reads of one log at once share one parse; the cache keeps a few logs only', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt } = await logParts();
    const { directory, log } = await jobWith(root, 'shared', opt);
    const { cache, counter, get } = harness(directory, log);
    const [a, b] = await Promise.all([get('running'), get('running')]);
    assert.equal(counter.parses, 1);
    assert.equal(a.value, b.value);
    for (let i = 0; i < DETAIL_RESULTS_MAX_ENTRIES + 3; i++) {
      const other = await jobWith(root, `job${i}`, opt);
      await cache.get(other.log, { status: 'succeeded' }, () => readDetailResults({ directory: other.directory, basename: 'dvb', program: 'gaussian' }));
    }
    assert.equal(cache.size, DETAIL_RESULTS_MAX_ENTRIES);
  });

  it('the detail states when a running job\'s held-back results were read, and only then', async (t) => {
    const root = tempDir(t, 'batchman-detail-cache-');
    const { opt, freq } = await logParts();
    const { directory, log } = await jobWith(root, 'detail', opt);
    const clock = { now: Date.parse('2026-01-02T03:04:05.000Z') };
    const results = new DetailResultsCache<Results>({ clock: () => clock.now });
    const job = (status: JobStatus) => jobViewFromRow({ basename: 'dvb', directory, program: 'gaussian', status, jobId: 7 } as Parameters<typeof jobViewFromRow>[0]);
    const first = await readJobDetail(job('running'), { results });
    assert.equal(first.resultsAt, undefined, 'current results carry no age');
    await appendFile(log, freq);
    clock.now += 1_000;
    const held = await readJobDetail(job('running'), { results });
    assert.equal(held.resultsAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(held.results, first.results);
    assert.match(held.outputTail!.text, /Normal termination/, 'the output\'s tail is read fresh every time');
    const ended = await readJobDetail(job('succeeded'), { results });
    assert.equal(ended.resultsAt, undefined);
    assert.deepEqual(ended.results, await freshRead(root, 'whole', opt + freq));
  });
});
