// The Results tab's page model (core/dashboard/page/results.ts): numbers sort by value and text by numeric collation,
// unknown values last in both directions, the text filter, energies converted by the core's Hartree constants with the
// unit's decimals, "—" for what the output does not say.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardResultColumn, DashboardResultRow } from '../../core/dashboard/protocol.js';
import { ResultsTable, UNKNOWN, convertEnergy, formatEnergy, formatWall, nextResultsSort, resultCellText, resultColumnLabel, resultsQueryOf } from '../../core/dashboard/page/results.js';
import { resultColumnsOf, resultRowsOf } from '../../core/dashboard/resultColumns.js';
import { HARTREE_TO_EV, HARTREE_TO_KCAL, HARTREE_TO_KJ } from '../../core/results/types.js';

function row(basename: string, patch: Partial<DashboardResultRow> = {}): DashboardResultRow {
  return {
    key: `/calcs/${basename}\u0000${basename}`,
    label: basename,
    basename,
    directory: `/calcs/${basename}`,
    program: 'orca',
    status: 'succeeded',
    hasOutput: true,
    finalEnergy: null,
    relativeEnergy: null,
    gibbs: null,
    method: null,
    imaginaryFrequencies: null,
    optimization: null,
    wallSeconds: null,
    problems: [],
    ...patch,
  };
}

const ROWS = [
  row('job10', { finalEnergy: -382.3, relativeEnergy: 0.001, wallSeconds: 90 }),
  row('job2', { finalEnergy: -40.5, relativeEnergy: 0, program: 'xtb', imaginaryFrequencies: 1, problems: ['1 imaginary frequency (-312 cm⁻¹)'] }),
  row('job3', { hasOutput: false, status: 'not_started' }),
  row('job1', { finalEnergy: -1000.25, relativeEnergy: 0.5, method: 'B3LYP def2-SVP', optimization: { steps: 12, converged: false } }),
];

function order(table: ResultsTable): string[] {
  return Array.from({ length: table.length }, (_, i) => table.rowAt(i)!.basename);
}

function sorted(column: DashboardResultColumn, direction: 'asc' | 'desc', rows = ROWS): string[] {
  const table = new ResultsTable();
  table.setRows(rows);
  table.setQuery({ sort: { column, direction }, search: '', unit: 'hartree' });
  return order(table);
}

describe('results tab: sorting', () => {
  it('keeps batchfile order without a sort', () => {
    const table = new ResultsTable();
    table.setRows(ROWS);
    assert.deepEqual(order(table), ['job10', 'job2', 'job3', 'job1']);
  });

  it('sorts energies by value, not as text (-1000.25 < -382.3 < -40.5)', () => {
    assert.deepEqual(sorted('energy', 'asc'), ['job1', 'job10', 'job2', 'job3']);
    assert.deepEqual(sorted('energy', 'desc'), ['job2', 'job10', 'job1', 'job3']);
  });

  it('sorts names by numeric collation (job2 before job10)', () => {
    assert.deepEqual(sorted('job', 'asc'), ['job1', 'job2', 'job3', 'job10']);
    assert.deepEqual(sorted('job', 'desc'), ['job10', 'job3', 'job2', 'job1']);
  });

  it('puts unknown values last in both directions, ties in batchfile order', () => {
    assert.deepEqual(sorted('wall', 'asc'), ['job10', 'job2', 'job3', 'job1']);
    assert.deepEqual(sorted('wall', 'desc'), ['job10', 'job2', 'job3', 'job1']);
    assert.deepEqual(sorted('steps', 'desc'), ['job1', 'job10', 'job2', 'job3']);
    assert.deepEqual(sorted('imaginary', 'asc'), ['job2', 'job10', 'job3', 'job1']);
  });

  it('sorts relative energies by value, a 0 before a null', () => {
    assert.deepEqual(sorted('relative', 'asc'), ['job2', 'job10', 'job1', 'job3']);
  });

  it('cycles a header ascending, descending, then batchfile order', () => {
    const first = nextResultsSort(null, 'energy');
    assert.deepEqual(first, { column: 'energy', direction: 'asc' });
    const second = nextResultsSort(first, 'energy');
    assert.deepEqual(second, { column: 'energy', direction: 'desc' });
    assert.equal(nextResultsSort(second, 'energy'), null);
    assert.deepEqual(nextResultsSort(second, 'job'), { column: 'job', direction: 'asc' });
  });

  it('keeps the order when only the unit changes, and finds a job among the rows on show', () => {
    const table = new ResultsTable();
    table.setRows(ROWS);
    table.setQuery({ sort: { column: 'energy', direction: 'asc' }, search: '', unit: 'hartree' });
    table.setQuery({ sort: { column: 'energy', direction: 'asc' }, search: '', unit: 'ev' });
    assert.deepEqual(order(table), ['job1', 'job10', 'job2', 'job3']);
    assert.equal(table.positionOf(ROWS[1]!.key), 2);
    assert.equal(table.unit, 'ev');
  });
});

describe('results tab: filter', () => {
  const filtered = (search: string) => {
    const table = new ResultsTable();
    table.setRows(ROWS);
    table.setQuery({ sort: null, search, unit: 'hartree' });
    return order(table);
  };

  it('matches name, folder, program, status, method and problems, case-insensitively', () => {
    assert.deepEqual(filtered('XTB'), ['job2']);
    assert.deepEqual(filtered('b3lyp'), ['job1']);
    assert.deepEqual(filtered('imaginary'), ['job2']);
    assert.deepEqual(filtered('not started'), ['job3']);
    assert.deepEqual(filtered('no output'), ['job3']);
    assert.deepEqual(filtered('/calcs/job1'), ['job10', 'job1']);
    assert.deepEqual(filtered('  '), ['job10', 'job2', 'job3', 'job1']);
    assert.deepEqual(filtered('nothing like it'), []);
  });

  it('counts the rows on show and every row', () => {
    const table = new ResultsTable();
    table.setRows(ROWS);
    table.setQuery({ sort: null, search: 'xtb', unit: 'hartree' });
    assert.deepEqual([table.length, table.total], [1, 4]);
    assert.equal(table.positionOf(ROWS[0]!.key), -1);
  });
});

describe('results tab: units and cells', () => {
  it('converts Hartree by the core constants', () => {
    assert.equal(convertEnergy(-1, 'hartree'), -1);
    assert.equal(convertEnergy(0.5, 'kcal'), 0.5 * HARTREE_TO_KCAL);
    assert.equal(convertEnergy(0.5, 'kj'), 0.5 * HARTREE_TO_KJ);
    assert.equal(convertEnergy(0.5, 'ev'), 0.5 * HARTREE_TO_EV);
    assert.equal(convertEnergy(null, 'kcal'), null);
  });

  it('formats each unit with its decimals, -0 as 0, unknown as —', () => {
    assert.equal(formatEnergy(-382.30826658, 'hartree'), '-382.308267');
    assert.equal(formatEnergy(0.001, 'kcal'), '0.63');
    assert.equal(formatEnergy(0.001, 'kj'), '2.63');
    assert.equal(formatEnergy(0.001, 'ev'), '0.0272');
    assert.equal(formatEnergy(-1e-9, 'kcal'), '0.00');
    assert.equal(formatEnergy(null, 'ev'), UNKNOWN);
    assert.equal(formatEnergy(Number.NaN, 'ev'), UNKNOWN);
  });

  it('names the unit in the energy headers only', () => {
    assert.equal(resultColumnLabel('energy', 'kcal'), 'E (kcal/mol)');
    assert.equal(resultColumnLabel('relative', 'kj'), 'ΔE (kJ/mol)');
    assert.equal(resultColumnLabel('gibbs', 'hartree'), 'G (Eh)');
    assert.equal(resultColumnLabel('wall', 'ev'), 'Wall');
  });

  it('shows steps with convergence, wall time, problems, and — for every unknown', () => {
    const [job10, job2, job3, job1] = ROWS as [DashboardResultRow, DashboardResultRow, DashboardResultRow, DashboardResultRow];
    assert.equal(resultCellText(job1, 'steps', 'hartree'), '12 ✗ not converged');
    assert.equal(resultCellText(row('x', { optimization: { steps: 5, converged: true } }), 'steps', 'hartree'), '5 ✓');
    assert.equal(resultCellText(job10, 'wall', 'hartree'), '1m30s');
    assert.equal(formatWall(3725), '1h02m');
    assert.equal(formatWall(50), '50s');
    assert.equal(resultCellText(job2, 'problems', 'hartree'), '1 imaginary frequency (-312 cm⁻¹)');
    assert.equal(resultCellText(job3, 'problems', 'hartree'), 'no output');
    assert.equal(resultCellText(job3, 'status', 'hartree'), 'not started');
    for (const column of ['energy', 'relative', 'gibbs', 'imaginary', 'steps', 'wall'] as const) assert.equal(resultCellText(job3, column, 'kcal'), UNKNOWN, column);
    assert.equal(resultCellText(job2, 'imaginary', 'hartree'), '1');
    assert.equal(resultCellText(job10, 'relative', 'kcal'), (0.001 * HARTREE_TO_KCAL).toFixed(2));
  });
});

describe('results tab: folders and saved state', () => {
  it('shows a folder as the batchfile writes it, relative to the root', () => {
    const table = new ResultsTable();
    table.setRows(ROWS);
    assert.equal(table.cell(ROWS[0]!, 'folder'), '/calcs/job10');
    table.setRoot('/calcs');
    assert.equal(table.cell(ROWS[0]!, 'folder'), 'job10');
  });

  it('restores a saved query field by field, defaults for what does not fit', () => {
    assert.deepEqual(resultsQueryOf({ sort: { column: 'gibbs', direction: 'desc' }, search: 'opt', unit: 'kj' }), { sort: { column: 'gibbs', direction: 'desc' }, search: 'opt', unit: 'kj' });
    assert.deepEqual(resultsQueryOf({ sort: { column: 'nope', direction: 'asc' }, search: 3, unit: 'toString' }), { sort: null, search: '', unit: 'hartree' });
    assert.equal(resultsQueryOf(null), undefined);
  });
});

describe('results tab: rows travel column by column', () => {
  it('gives back the same rows, in order', () => {
    const columns = resultColumnsOf(ROWS);
    assert.deepEqual(columns.finalEnergy, [-382.3, -40.5, null, -1000.25]);
    assert.deepEqual(resultRowsOf(columns), ROWS);
    assert.deepEqual(resultRowsOf(resultColumnsOf([])), []);
  });
});

describe('results tab: statuses from the run table', () => {
  it('takes a newer status between reads, re-sorting and re-filtering by it', () => {
    const table = new ResultsTable();
    table.setRows(ROWS);
    table.setQuery({ sort: { column: 'status', direction: 'asc' }, search: 'running', unit: 'hartree' });
    assert.deepEqual(order(table), []);
    assert.equal(table.updateStatuses([{ key: ROWS[2]!.key, status: 'running' }, { key: 'unknown', status: 'failed' }]), true);
    assert.deepEqual(order(table), ['job3']);
    assert.equal(table.row(ROWS[2]!.key)?.status, 'running');
    assert.equal(table.updateStatuses([{ key: ROWS[2]!.key, status: 'running' }]), false);
  });
});
