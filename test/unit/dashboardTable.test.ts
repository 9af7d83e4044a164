// The run table's model: sort by any column (nulls last, ties in batchfile order), filter by status, text search,
// in-place updates that re-sort only when needed, and the diff the host sends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DASHBOARD_COLUMNS } from '../../core/dashboard/protocol.js';
import type { DashboardColumn, DashboardJob } from '../../core/dashboard/protocol.js';
import { JOB_STATUSES } from '../../core/status.js';
import { RunTable, cellText, diffJobs, sortKey } from '../../core/dashboard/page/table.js';
import type { RunTableQuery } from '../../core/dashboard/page/table.js';
import { job } from './dashboardFixtures.js';

function shown(table: RunTable): string[] {
  return Array.from({ length: table.length }, (_, i) => table.rowAt(i)!.basename);
}

function tableOf(jobs: DashboardJob[], query: Partial<RunTableQuery> = {}): RunTable {
  const table = new RunTable();
  table.setJobs(jobs);
  table.setQuery({ sort: null, statuses: [], search: '', ...query });
  return table;
}

const JOBS: DashboardJob[] = [
  job('opt10', { status: 'running', jobId: '1010', elapsed: '1:00:00', submittedAt: '2025-01-01T10:00:00Z', lastEvent: { status: 'running', at: '2025-01-01T10:05:00Z' } }),
  job('opt2', { status: 'failed', jobId: '902', elapsed: '5:00', cause: 'TIMEOUT', program: 'orca', submittedAt: '2025-01-01T09:00:00Z', lastEvent: { status: 'failed', at: '2025-01-01T09:30:00Z' } }),
  job('freq', { status: 'not_started', directory: '/calc/Mol-A/freq' }),
  job('sp', { status: 'succeeded', jobId: '99', elapsed: '1-00:00:00', submittedAt: '2025-01-01T08:00:00Z', lastEvent: { status: 'succeeded', at: '2025-01-02T08:00:00Z' } }),
  job('blocked', { status: 'broken_dependency', cause: 'upstream opt2 failed' }),
];

describe('RunTable sorting', () => {
  it('shows batchfile order without a sort', () => {
    assert.deepEqual(shown(tableOf(JOBS)), ['opt10', 'opt2', 'freq', 'sp', 'blocked']);
  });

  it('sorts names numerically (opt2 before opt10), both ways', () => {
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'job', direction: 'asc' } })), ['blocked', 'freq', 'opt2', 'opt10', 'sp']);
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'job', direction: 'desc' } })), ['sp', 'opt10', 'opt2', 'freq', 'blocked']);
  });

  it('sorts SLURM ids by value and elapsed by duration, missing values last in both directions', () => {
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'slurmId', direction: 'asc' } })), ['sp', 'opt2', 'opt10', 'freq', 'blocked']);
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'slurmId', direction: 'desc' } })), ['opt10', 'opt2', 'sp', 'freq', 'blocked']);
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'elapsed', direction: 'asc' } })), ['opt2', 'opt10', 'sp', 'freq', 'blocked']);
  });

  it('sorts statuses in lifecycle order and times chronologically', () => {
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'status', direction: 'asc' } })), ['freq', 'opt10', 'sp', 'opt2', 'blocked']);
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'submitted', direction: 'asc' } })), ['sp', 'opt2', 'opt10', 'freq', 'blocked']);
    assert.deepEqual(shown(tableOf(JOBS, { sort: { column: 'lastEventAt', direction: 'desc' } })), ['sp', 'opt10', 'opt2', 'freq', 'blocked']);
  });

  it('keeps batchfile order among equal keys', () => {
    const jobs = ['e', 'd', 'c', 'b', 'a'].map((name) => job(name, { program: 'shell' }));
    assert.deepEqual(shown(tableOf(jobs, { sort: { column: 'program', direction: 'desc' } })), ['e', 'd', 'c', 'b', 'a']);
  });

  it('has a sort key and a cell text for every column', () => {
    for (const column of DASHBOARD_COLUMNS) {
      for (const row of JOBS) {
        assert.equal(typeof cellText(row, column), 'string');
        const key = sortKey(row, column);
        assert.ok(key === null || typeof key === 'string' || typeof key === 'number');
      }
    }
  });
});

describe('RunTable filtering and search', () => {
  it('shows only the chosen statuses; none chosen shows all', () => {
    assert.deepEqual(shown(tableOf(JOBS, { statuses: ['failed', 'broken_dependency'] })), ['opt2', 'blocked']);
    assert.equal(tableOf(JOBS, { statuses: [] }).length, JOBS.length);
  });

  it('searches names, folders, programs, ids and causes, ignoring case', () => {
    assert.deepEqual(shown(tableOf(JOBS, { search: 'mol-a' })), ['freq']);
    assert.deepEqual(shown(tableOf(JOBS, { search: 'ORCA' })), ['opt2']);
    assert.deepEqual(shown(tableOf(JOBS, { search: 'timeout' })), ['opt2']);
    assert.deepEqual(shown(tableOf(JOBS, { search: '1010' })), ['opt10']);
    assert.deepEqual(shown(tableOf(JOBS, { search: '  upstream ' })), ['blocked']);
    assert.deepEqual(shown(tableOf(JOBS, { search: 'nothing like this' })), []);
  });

  it('combines filter, search and sort', () => {
    const table = tableOf(JOBS, { statuses: ['running', 'failed', 'succeeded'], search: 'opt', sort: { column: 'job', direction: 'desc' } });
    assert.deepEqual(shown(table), ['opt10', 'opt2']);
    assert.equal(table.positionOf('opt2'), 1);
    assert.equal(table.positionOf('sp'), -1);
  });

  it('takes names with markup and newlines as plain text: kept verbatim, sorted and searched by their characters', () => {
    const markup = '<img src=x onerror=alert(1)>';
    const escaped = '&lt;b&gt;';
    const jobs = [job('zeta'), job(markup, { directory: `/calc/<b>${markup}</b>`, cause: '<script>alert(2)</script>' }), job('line\nbreak'), job(escaped)];
    // rows and cells are the strings as they came: nothing escaped, unescaped, stripped or split
    const table = tableOf(jobs);
    assert.deepEqual(shown(table), ['zeta', markup, 'line\nbreak', escaped]);
    const row = table.job(markup)!;
    assert.equal(cellText(row, 'job'), markup);
    assert.equal(cellText(row, 'folder'), `/calc/<b>${markup}</b>`);
    assert.equal(cellText(row, 'cause'), '<script>alert(2)</script>');
    assert.equal(cellText(table.job('line\nbreak')!, 'job'), 'line\nbreak');
    assert.equal(cellText(table.job(escaped)!, 'job'), escaped, 'an entity stays the five characters it is');
    // sorted as text: punctuation and symbols before letters ('&' before '<'), tags not skipped
    assert.deepEqual(shown(tableOf(jobs, { sort: { column: 'job', direction: 'asc' } })), [escaped, markup, 'line\nbreak', 'zeta']);
    assert.deepEqual(shown(tableOf(jobs, { sort: { column: 'job', direction: 'desc' } })), ['zeta', 'line\nbreak', markup, escaped]);
    // searched as text: the markup's characters match, the markup is not rendered or escaped first
    assert.deepEqual(shown(tableOf(jobs, { search: '<IMG' })), [markup]);
    assert.deepEqual(shown(tableOf(jobs, { search: '</b>' })), [markup], 'a tag in the folder is text to search');
    assert.deepEqual(shown(tableOf(jobs, { search: '<script>' })), [markup], 'a tag in the cause is text to search');
    assert.deepEqual(shown(tableOf(jobs, { search: '&lt;' })), [escaped], 'only the name that has these characters');
    assert.deepEqual(shown(tableOf(jobs, { search: 'alert(1)' })), [markup]);
    assert.deepEqual(shown(tableOf(jobs, { search: 'break' })), ['line\nbreak']);
  });
});

describe('RunTable updates', () => {
  it('updates rows in place without re-sorting when the sort key is unchanged', () => {
    const table = tableOf(JOBS, { sort: { column: 'job', direction: 'asc' } });
    const change = table.applyChanges([{ ...JOBS[0]!, elapsed: '1:00:05' }]);
    assert.deepEqual(change, { changed: ['opt10'], reordered: false });
    assert.equal(table.job('opt10')!.elapsed, '1:00:05');
    assert.equal(table.rowAt(table.positionOf('opt10'))!.elapsed, '1:00:05');
  });

  it('re-sorts when a changed job moves, and keeps the counts right', () => {
    const table = tableOf(JOBS, { sort: { column: 'status', direction: 'asc' } });
    const change = table.applyChanges([{ ...JOBS[2]!, status: 'succeeded' }]);
    assert.deepEqual(change, { changed: ['freq'], reordered: true });
    assert.deepEqual(shown(table), ['opt10', 'freq', 'sp', 'opt2', 'blocked']); // ties in batchfile order
    const summary = table.summary();
    assert.equal(summary.not_started, 0);
    assert.equal(summary.succeeded, 2);
    assert.equal(summary.total, 5);
  });

  it('recomputes when a job enters or leaves the filter', () => {
    const table = tableOf(JOBS, { statuses: ['failed'] });
    assert.deepEqual(table.applyChanges([{ ...JOBS[0]!, status: 'failed' }]).reordered, true);
    assert.deepEqual(shown(table), ['opt10', 'opt2']);
  });

  it('ignores unknown names and identical rows', () => {
    const table = tableOf(JOBS);
    assert.deepEqual(table.applyChanges([job('nobody'), { ...JOBS[1]! }]), { changed: [], reordered: false });
  });

  it('applies 100 changes to 10,000 sorted jobs quickly', () => {
    const jobs = Array.from({ length: 10_000 }, (_, i) => job(`job${i}`, { status: 'running', jobId: String(100_000 + i) }));
    const table = tableOf(jobs, { sort: { column: 'status', direction: 'asc' } });
    const changes = jobs.slice(0, 100).map((row) => ({ ...row, status: 'succeeded' as const }));
    const started = performance.now();
    const change = table.applyChanges(changes);
    const ms = performance.now() - started;
    assert.equal(change.changed.length, 100);
    assert.equal(table.rowAt(9_999)!.status, 'succeeded');
    assert.ok(ms < 200, `applying 100 changes took ${ms.toFixed(1)} ms`);
  });
});

describe('RunTable against a reference', () => {
  const arbitraryJob = fc.record({
    status: fc.constantFrom(...JOB_STATUSES),
    program: fc.constantFrom('xtb', 'orca', 'shell'),
    jobId: fc.option(fc.integer({ min: 1, max: 500 }).map(String)),
    elapsed: fc.option(fc.integer({ min: 0, max: 200_000 }).map((s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`)),
    cause: fc.option(fc.constantFrom('TIMEOUT', 'OUT_OF_MEMORY', 'exit code 1')),
  });

  it('shows exactly the matching jobs, ordered by key then batchfile order', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryJob, { maxLength: 40 }),
        fc.option(fc.record({ column: fc.constantFrom(...DASHBOARD_COLUMNS), direction: fc.constantFrom('asc' as const, 'desc' as const) })),
        fc.subarray([...JOB_STATUSES]),
        fc.constantFrom('', 'x', 'orca', 'time', '1'),
        (specs, sort, statuses, search) => {
          const jobs = specs.map((spec, i) => job(`j${i}`, spec));
          const table = tableOf(jobs, { sort, statuses, search });
          const expected = jobs
            .map((row, index) => ({ row, index }))
            .filter(({ row }) => statuses.length === 0 || statuses.includes(row.status))
            .filter(({ row }) => search === '' || [row.basename, row.directory, row.program, row.status.replace('_', ' '), row.jobId, row.cause].some((part) => part?.toLowerCase().includes(search)))
            .sort((a, b) => (sort === null ? a.index - b.index : reference(a.row, b.row, sort.column, sort.direction) || a.index - b.index))
            .map(({ row }) => row.basename);
          assert.deepEqual(shown(table), expected);
        },
      ),
    );
  });

  function reference(a: DashboardJob, b: DashboardJob, column: DashboardColumn, direction: 'asc' | 'desc'): number {
    const ka = sortKey(a, column);
    const kb = sortKey(b, column);
    if (ka === null || kb === null) return ka === kb ? 0 : ka === null ? 1 : -1;
    const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb), undefined, { numeric: true, sensitivity: 'base' });
    return direction === 'asc' ? order : -order;
  }
});

describe('diffJobs', () => {
  it('names the jobs whose row changed', () => {
    const after = JOBS.map((row) => (row.basename === 'freq' ? { ...row, status: 'pending' as const } : { ...row }));
    assert.deepEqual(diffJobs(JOBS, after), { sameJobs: true, changed: [after[2]] });
  });

  it('notices a changed last event', () => {
    const after = JOBS.map((row, i) => (i === 0 ? { ...row, lastEvent: { status: 'running' as const, at: '2025-01-01T11:00:00Z' } } : row));
    assert.deepEqual(diffJobs(JOBS, after).changed.map((row) => row.basename), ['opt10']);
  });

  it('says when jobs were added, removed or reordered (the host then sends a snapshot)', () => {
    assert.equal(diffJobs(JOBS, JOBS.slice(1)).sameJobs, false);
    assert.equal(diffJobs(JOBS, [...JOBS].reverse()).sameJobs, false);
    assert.deepEqual(diffJobs(JOBS, JOBS), { sameJobs: true, changed: [] });
  });
});
