// The timeline's model: pending and running spans for every kind of job (finished, never started, running now,
// ended while pending, never submitted), the time range, nice ticks on round local or UTC times, and the rows kept
// in submission order through the host's updates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimelineRows, buildTimeline, describeEntry, formatDuration, timeScale, timelineBars, timelineEntry, timelineRange } from '../../core/dashboard/page/timeline.js';
import type { TimelineEntry } from '../../core/dashboard/page/timeline.js';
import { job } from './dashboardFixtures.js';
import { pipelineBatch } from './pictureFixtures.js';

// Local-time ticks are checked in a zone with a half-hour offset, where "round local hours" differ from UTC's.
process.env.TZ = 'Asia/Kolkata';

const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ms = (minutes: number) => T0 + minutes * 60_000;

describe('timeline spans', () => {
  it('a finished job: waiting, then running, ended with its status', () => {
    const entry = timelineEntry(job('opt', { status: 'succeeded', submittedAt: at(0), startedAt: at(2), endedAt: at(12) }))!;
    assert.deepEqual(entry, { key: 'opt', label: 'opt', status: 'succeeded', submitted: ms(0), started: ms(2), ended: ms(12), open: false });
    assert.deepEqual(timelineBars(entry, ms(100)), {
      pending: { start: ms(0), end: ms(2), open: false },
      running: { start: ms(2), end: ms(12), open: false },
      end: { at: ms(12), status: 'succeeded' },
    });
  });

  it('a job never started: pending until now, no running bar, no end', () => {
    const entry = timelineEntry(job('sp', { status: 'pending', submittedAt: at(5) }))!;
    assert.equal(entry.open, true);
    assert.deepEqual(timelineBars(entry, ms(30)), { pending: { start: ms(5), end: ms(30), open: true }, running: null, end: null });
    // a pending job's older start time is a previous attempt's: ignored
    const again = timelineEntry(job('sp', { status: 'pending', submittedAt: at(5), startedAt: at(1), endedAt: at(3) }))!;
    assert.deepEqual(timelineBars(again, ms(30)), { pending: { start: ms(5), end: ms(30), open: true }, running: null, end: null });
  });

  it('a job running now: its running bar grows with now', () => {
    const entry = timelineEntry(job('freq', { status: 'running', submittedAt: at(0), startedAt: at(4) }))!;
    assert.deepEqual(timelineBars(entry, ms(10)), { pending: { start: ms(0), end: ms(4), open: false }, running: { start: ms(4), end: ms(10), open: true }, end: null });
    assert.deepEqual(timelineBars(entry, ms(11)).running, { start: ms(4), end: ms(11), open: true });
    // a clock behind the start never draws a negative bar
    assert.deepEqual(timelineBars(entry, ms(3)).running, { start: ms(4), end: ms(4), open: true });
  });

  it('a job cancelled while pending: a closed pending bar and an end mark', () => {
    const entry = timelineEntry(job('x', { status: 'cancelled', submittedAt: at(0), endedAt: at(7) }))!;
    assert.deepEqual(timelineBars(entry, ms(60)), { pending: { start: ms(0), end: ms(7), open: false }, running: null, end: { at: ms(7), status: 'cancelled' } });
  });

  it('a finished job without an end time ends at its last event, or where it began', () => {
    const withEvent = timelineEntry(job('a', { status: 'failed', submittedAt: at(0), startedAt: at(1), lastEvent: { status: 'failed', at: at(9) } }))!;
    assert.equal(withEvent.ended, ms(9));
    const bare = timelineEntry(job('b', { status: 'failed', submittedAt: at(0), startedAt: at(1) }))!;
    assert.deepEqual(timelineBars(bare, ms(60)).running, { start: ms(1), end: ms(1), open: false });
  });

  it('jobs never submitted have no bars', () => {
    assert.equal(timelineEntry(job('a')), null);
    assert.equal(timelineEntry(job('b', { status: 'broken_dependency' })), null);
    assert.equal(timelineEntry(job('c', { status: 'not_started', submittedAt: at(0), startedAt: at(1) })), null, 'waiting for a new attempt');
    assert.equal(timelineEntry(job('d', { status: 'pending', submittedAt: 'not a date' })), null);
    // started without a recorded submission: the start stands for both
    assert.deepEqual(timelineEntry(job('e', { status: 'running', startedAt: at(3) })), { key: 'e', label: 'e', status: 'running', submitted: ms(3), started: ms(3), ended: null, open: true });
  });
});

describe('timeline range and ticks', () => {
  it('spans the first submission to the last end, or to now while something goes on', () => {
    const done = [timelineEntry(job('a', { status: 'succeeded', submittedAt: at(10), startedAt: at(11), endedAt: at(20) }))!, timelineEntry(job('b', { status: 'failed', submittedAt: at(5), startedAt: at(6), endedAt: at(15) }))!];
    assert.deepEqual(timelineRange(done, ms(500)), { start: ms(5), end: ms(20) });
    const running = [...done, timelineEntry(job('c', { status: 'running', submittedAt: at(12), startedAt: at(13) }))!];
    assert.deepEqual(timelineRange(running, ms(45)), { start: ms(5), end: ms(45) });
    assert.equal(timelineRange([], ms(0)), null);
    const instant = [timelineEntry(job('d', { status: 'failed', submittedAt: at(0) }))!];
    assert.deepEqual(timelineRange(instant, ms(99)), { start: ms(0), end: ms(1) }, 'at least a minute');
  });

  it('picks the smallest nice step that fits, on round UTC times', () => {
    const minutes = timeScale(Date.UTC(2025, 0, 1, 8, 0, 30), Date.UTC(2025, 0, 1, 8, 10, 0), 6, { utc: true });
    assert.equal(minutes.unit, 'minute');
    assert.equal(minutes.step, 2 * 60_000);
    assert.deepEqual(
      minutes.ticks.map((tick) => tick.label),
      ['08:02', '08:04', '08:06', '08:08', '08:10'],
    );
    assert.deepEqual(
      minutes.ticks.map((tick) => tick.date),
      ['2025-01-01', null, null, null, null],
    );

    const seconds = timeScale(Date.UTC(2025, 0, 1, 8, 0, 3), Date.UTC(2025, 0, 1, 8, 0, 40), 5, { utc: true });
    assert.equal(seconds.unit, 'second');
    assert.deepEqual(
      seconds.ticks.map((tick) => tick.label),
      ['08:00:10', '08:00:20', '08:00:30', '08:00:40'],
    );

    const hours = timeScale(Date.UTC(2025, 0, 1, 20, 10), Date.UTC(2025, 0, 2, 5, 0), 6, { utc: true });
    assert.equal(hours.unit, 'hour');
    assert.deepEqual(
      hours.ticks.map((tick) => `${tick.date ?? ''} ${tick.label}`),
      ['2025-01-01 22:00', '2025-01-02 00:00', ' 02:00', ' 04:00'],
    );

    const days = timeScale(Date.UTC(2025, 0, 1, 8), Date.UTC(2025, 0, 9, 8), 10, { utc: true });
    assert.equal(days.unit, 'day');
    assert.deepEqual(
      days.ticks.map((tick) => tick.label),
      ['2025-01-02', '2025-01-03', '2025-01-04', '2025-01-05', '2025-01-06', '2025-01-07', '2025-01-08', '2025-01-09'],
    );
    for (const scale of [minutes, seconds, hours, days]) assert.ok(scale.ticks.length <= 10 && scale.ticks.length >= 2);
  });

  it('puts ticks on round local times', () => {
    // Asia/Kolkata is UTC+05:30: local whole hours fall on UTC half hours
    const hours = timeScale(Date.UTC(2025, 0, 1, 2, 0), Date.UTC(2025, 0, 1, 8, 0), 7);
    assert.equal(hours.unit, 'hour');
    assert.deepEqual(
      hours.ticks.map((tick) => new Date(tick.at).toISOString().slice(11, 16)),
      ['02:30', '03:30', '04:30', '05:30', '06:30', '07:30'],
    );
    assert.deepEqual(
      hours.ticks.map((tick) => tick.label),
      ['08:00', '09:00', '10:00', '11:00', '12:00', '13:00'],
    );
    const days = timeScale(Date.UTC(2025, 0, 1, 0), Date.UTC(2025, 0, 4, 0), 5);
    assert.deepEqual(
      days.ticks.map((tick) => new Date(tick.at).toISOString()),
      ['2025-01-01T18:30:00.000Z', '2025-01-02T18:30:00.000Z', '2025-01-03T18:30:00.000Z'],
      'local midnights',
    );
    assert.deepEqual(
      days.ticks.map((tick) => tick.label),
      ['2025-01-02', '2025-01-03', '2025-01-04'],
    );
  });

  it('builds the whole picture for one now', () => {
    const jobs = [
      job('a', { status: 'succeeded', submittedAt: at(0), startedAt: at(1), endedAt: at(5) }),
      job('never'),
      job('b', { status: 'running', submittedAt: at(2), startedAt: at(3) }),
    ];
    const picture = buildTimeline(jobs, ms(20), 8, { utc: true });
    assert.deepEqual(
      picture.rows.map((row) => row.key),
      ['a', 'b'],
    );
    assert.deepEqual(picture.range, { start: ms(0), end: ms(20) });
    assert.deepEqual(picture.rows[1]!.running, { start: ms(3), end: ms(20), open: true });
    assert.equal(picture.scale!.unit, 'minute');
    assert.deepEqual(buildTimeline([job('x')], ms(0)), { rows: [], range: null, scale: null });
  });
});

describe('TimelineRows', () => {
  const rowNames = (rows: TimelineRows) => Array.from({ length: rows.length }, (_, i) => rows.at(i)!.key);

  it('orders rows by submission, batchfile order among equals', () => {
    const rows = new TimelineRows();
    rows.setJobs([job('late', { status: 'pending', submittedAt: at(9) }), job('b', { status: 'pending', submittedAt: at(1) }), job('a', { status: 'pending', submittedAt: at(1) }), job('none')]);
    assert.deepEqual(rowNames(rows), ['b', 'a', 'late']);
    assert.equal(rows.positionOf('late'), 2);
    assert.equal(rows.positionOf('none'), -1);
    assert.equal(rows.hasOpen, true);
  });

  it('applies updates in place, and re-sorts when a job joins, leaves or is submitted anew', () => {
    const rows = new TimelineRows();
    rows.setJobs([job('a', { status: 'running', submittedAt: at(0), startedAt: at(1) }), job('b', { status: 'pending', submittedAt: at(2) }), job('c')]);
    let change = rows.applyChanges([job('a', { status: 'succeeded', submittedAt: at(0), startedAt: at(1), endedAt: at(4) })]);
    assert.deepEqual(change, { reordered: false, changed: ['a'] });
    assert.equal(rows.at(0)!.status, 'succeeded');
    assert.equal(rows.hasOpen, true, 'b still waits');
    change = rows.applyChanges([job('c', { status: 'pending', submittedAt: at(-1) }), job('zz', { status: 'pending', submittedAt: at(0) })]);
    assert.deepEqual(change, { reordered: true, changed: ['c'] }, 'a job outside the batch is ignored');
    assert.deepEqual(rowNames(rows), ['c', 'a', 'b']);
    change = rows.applyChanges([job('b', { status: 'not_started' }), job('c', { status: 'cancelled', submittedAt: at(-1), endedAt: at(0) })]);
    assert.equal(change.reordered, true);
    assert.deepEqual(rowNames(rows), ['c', 'a']);
    assert.equal(rows.hasOpen, false);
    assert.deepEqual(rows.applyChanges([job('b', { status: 'not_started' })]), { reordered: false, changed: [] });
  });

  it('keeps 10,000 jobs cheap', () => {
    const batch = pipelineBatch(10_000);
    const rows = new TimelineRows();
    let started = performance.now();
    rows.setJobs(batch.jobs);
    const setMs = performance.now() - started;
    const submitted = batch.jobs.filter((j) => timelineEntry(j) !== null).length;
    assert.equal(rows.length, submitted);
    const changes = batch.jobs.slice(0, 100).map((j) => ({ ...j, status: 'failed' as const, submittedAt: j.submittedAt ?? at(0), endedAt: at(500) }));
    started = performance.now();
    rows.applyChanges(changes);
    const changeMs = performance.now() - started;
    console.log(`# timeline rows for 10,000 jobs: set ${setMs.toFixed(1)} ms, 100 changes ${changeMs.toFixed(1)} ms`);
    for (let i = 1; i < rows.length; i++) assert.ok(rows.at(i - 1)!.submitted <= rows.at(i)!.submitted);
    assert.ok(setMs < 1000 && changeMs < 1000);
  });
});

describe('durations and tooltips', () => {
  it('formats durations compactly', () => {
    assert.equal(formatDuration(42_000), '42s');
    assert.equal(formatDuration(12 * 60_000 + 5_000), '12m 05s');
    assert.equal(formatDuration(3 * 3_600_000 + 7 * 60_000), '3h 07m');
    assert.equal(formatDuration(2 * 86_400_000 + 4 * 3_600_000), '2d 04h');
  });

  it('describes a row: status, times, waits and runs', () => {
    const entry: TimelineEntry = timelineEntry(job('opt', { status: 'running', submittedAt: at(0), startedAt: at(2) }))!;
    const text = describeEntry(entry, ms(10));
    assert.match(text, /^opt: running\nsubmitted 2025-01-01 13:30:00\nwaited 2m 00s\nstarted 2025-01-01 13:32:00\nrunning for 8m 00s$/);
  });
});
