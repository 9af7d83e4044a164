// Incremental re-parsing: after any sequence of edits, updateBatchfile gives exactly the document (and the model and
// diagnostics built on it) that a full parse of the new text gives, and leaves the previous version untouched.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { BatchModel, BatchfileDocument, Diagnostic, DirectoryEntry, DiskView, EntryKind, Range, Span } from '../../core/batchfile/index.js';
import { buildBatchModel, parseBatchfile, updateBatchfile, validateModel } from '../../core/batchfile/index.js';

const PATH = '/work/batches/batchfile.csv';

/** A batch of `rows` jobs piping from each other, with optional columns, as the benchmarks generate. */
function generated(rows: number, eol = '\n'): string {
  const lines = ['root_directory=/calcs', '# generated', 'job_basename|job_directory|program|pipe|cores|memory'];
  for (let i = 0; i < rows; i++) {
    const pipe = i === 0 ? '' : i % 3 === 0 ? `coords{../j${i - 1},};orbitals<../j${i - 2},>` : `coords{../j${i - 1},xtbopt.xyz}`;
    lines.push(`j${i}|m/j${i}|${i % 3 === 0 ? 'orca' : 'xtb'}|${pipe}|4|2GB`);
  }
  return lines.join(eol) + eol;
}

const SEEDS: readonly string[] = [
  generated(30),
  generated(12, '\r\n'),
  generated(8, '\r'),
  [
    'run_root_directory=calcs',
    'job_directory|job_basename|program|pipe|cores|memory|walltime|partition',
    'a/conf|conf|crest||4|4GB|01:00:00|short',
    '  # a comment',
    'a/opt|opt|Gaussian|coords{../conf,crest_best.xyz}|8|4000M|1-00:00:00|long',
    '',
    'a/sp|sp|ORCA|coords{../opt,};orbitals{./,}|16|4000|24:00:00|gpu.q',
    'a/loop|loop|shell|coords{../loop2,};coords{../opt,x.xyz}|x|y|z|!',
    'a/loop2|loop2|pyaroma|coords{../loop,};orbitalz<../sp,sp.gbw>;;{,}',
  ].join('\n'),
  'job_basename|job_directory|program|pipe\nx|d/x|xtb|coords{../y,}\ny|d/y|xtb|',
  '',
];

const PIECES = ['\n', '\r', '\r\n', '|', ';', '{', '}', '<', '>', ',', '#', ' ', '\t', '=', '../', 'coords{../j1,}', 'x', 'j2', '😀', 'orca', 'root_directory='];
const insertion = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 2 })), { maxLength: 4 }).map((parts) => parts.join(''));

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly insert: string;
}

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ at: fc.nat(), remove: fc.nat({ max: 3 }), insert: insertion }) },
  // Whole-line work: deleting across lines, pasting rows.
  { weight: 2, arbitrary: fc.record({ at: fc.nat(), remove: fc.nat({ max: 60 }), insert: fc.constantFrom('', '\n', 'k|m/k|xtb|coords{../j3,}|4|2GB\n', '\nk|m/k|xtb|\n# c\n') }) },
);

function apply(text: string, { at, remove, insert }: Edit): string {
  const start = text.length === 0 ? 0 : at % (text.length + 1);
  return text.slice(0, start) + insert + text.slice(start + remove);
}

/** Every public property of a document, read explicitly (spans build their ranges on demand). */
function snapshotDocument(document: BatchfileDocument): unknown {
  return {
    lines: document.lines.map((line) => [line.text, line.eol]),
    root: document.root && {
      line: document.root.line,
      range: document.root.range,
      key: span(document.root.key),
      equals: span(document.root.equals),
      value: span(document.root.value),
    },
    rootProblemLine: document.rootProblemLine,
    header: document.header && {
      line: document.header.line,
      range: document.header.range,
      columns: document.header.columns.map((column) => [column.index, span(column.name)]),
      indexOf: [...document.header.indexOf],
    },
    rows: document.rows.map((row) => ({
      line: row.line,
      range: row.range,
      text: row.text,
      cellCount: row.cellCount,
      cells: row.cells.map((cell) => ({ index: cell.index, raw: span(cell.raw), rawStart: cell.rawStart, rawEnd: cell.rawEnd, value: span(cell.value) })),
      values: Array.from({ length: row.cellCount + 1 }, (_, index) => row.valueText(index)),
      commands: row.pipe.commands.map((command) => ({
        range: command.range,
        slot: command.slot,
        separatorAfter: command.separatorAfter,
        separatorBefore: command.separatorBefore,
        name: span(command.name),
        kind: command.kind,
        open: span(command.open),
        dir: span(command.dir),
        comma: span(command.comma),
        file: span(command.file),
        close: span(command.close),
        style: command.style,
      })),
      problems: row.pipe.problems.map(plainDiagnostic),
    })),
  };
}

function span(value: Span | undefined): unknown {
  return value && { text: value.text, line: value.line, start: value.start, end: value.end, range: value.range };
}

function plainDiagnostic(diagnostic: Diagnostic): unknown {
  return { ...diagnostic, range: plainRange(diagnostic.range) };
}

function plainRange(range: Range): Range {
  return { start: { ...range.start }, end: { ...range.end } };
}

function snapshotModel(model: BatchModel): unknown {
  return {
    document: snapshotDocument(model.document),
    rootPath: model.rootPath,
    jobs: model.jobs.map((job) => ({
      index: job.index,
      line: job.row.line,
      rowIsTheDocumentsRow: job.row === model.document.rows[job.index],
      basename: job.basename,
      directory: job.directory,
      programName: job.programName,
      program: job.program?.id,
      path: job.path,
      pipes: job.pipes.map((pipe) => ({
        command: job.row.pipe.commands.indexOf(pipe.command),
        kind: pipe.kind,
        noTransfer: pipe.noTransfer,
        targetPath: pipe.targetPath,
        upstream: pipe.upstream,
        fileName: pipe.fileName,
      })),
    })),
    jobsByPath: [...model.jobsByPath],
    jobsByBasename: [...model.jobsByBasename],
    firstByPath: model.jobs.map((job) => model.jobsByPath.first(job.path)),
    firstByBasename: model.jobs.map((job) => model.jobsByBasename.first(job.basename)),
    downstream: model.downstream,
    cycles: model.cycles,
  };
}

/** Deterministic: a path's kind depends only on the path. */
const disk: DiskView = {
  kind(path: string): EntryKind | undefined {
    const h = [...path].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 7) % 3;
    return h === 0 ? 'directory' : h === 1 ? 'file' : undefined;
  },
  list(): readonly DirectoryEntry[] {
    return [];
  },
};

/**
 * Applies `edits` one after another, checking each incremental version against a full parse. The batchfile's
 * path changes now and then (another root), so cached row facts must notice.
 */
function checkSequence(seed: string, edits: readonly Edit[], paths: readonly (string | undefined)[]): void {
  let text = seed;
  let document = parseBatchfile(text);
  let model = buildBatchModel(document, paths[0]);
  validateModel(model, disk);
  for (const [step, change] of edits.entries()) {
    const batchfilePath = paths[(step + 1) % paths.length];
    const before = { document: snapshotDocument(document), model: snapshotModel(model) };
    text = apply(text, change);
    const next = updateBatchfile(document, text);
    const full = parseBatchfile(text);
    assert.deepEqual(snapshotDocument(next), snapshotDocument(full), `document of ${JSON.stringify(text)}`);
    // The new model starts from the previous model and the facts it cached on the rows both versions share.
    const nextModel = buildBatchModel(next, batchfilePath, model);
    const fullModel = buildBatchModel(full, batchfilePath);
    assert.deepEqual(snapshotModel(nextModel), snapshotModel(fullModel), `model of ${JSON.stringify(text)}`);
    assert.deepEqual(validateModel(nextModel, disk).map(plainDiagnostic), validateModel(fullModel, disk).map(plainDiagnostic), `diagnostics of ${JSON.stringify(text)}`);
    // The previous version is a snapshot: sharing rows with the next one changed nothing in it.
    assert.deepEqual({ document: snapshotDocument(document), model: snapshotModel(model) }, before, 'the previous version changed');
    document = next;
    model = nextModel;
  }
}

describe('incremental re-parsing (updateBatchfile)', () => {
  it('equals a full parse after every edit of random edit sequences, model and diagnostics included', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(edit, { minLength: 1, maxLength: 12 }),
        fc.constantFrom<(string | undefined)[]>([PATH], [undefined], [PATH, PATH, PATH, undefined], [PATH, '/elsewhere/batchfile.csv']),
        (seed, edits, paths) => checkSequence(seed, edits, paths),
      ),
      { numRuns: 400, includeErrorInReport: true },
    );
  });

  it('keeps the rows an edit did not touch and moves those below it', () => {
    const text = generated(20);
    const document = parseBatchfile(text);
    const lines = text.split('\n');
    // Insert a row above j10: rows above are the same objects; rows below are moved copies on their new lines.
    const at = text.indexOf('j10|');
    const inserted = `${text.slice(0, at)}k|m/k|xtb||4|2GB\n${text.slice(at)}`;
    const next = updateBatchfile(document, inserted);
    assert.equal(next.rows.length, 21);
    for (let i = 0; i < 10; i++) assert.equal(next.rows[i], document.rows[i]);
    assert.equal(next.rows[10]!.text, 'k|m/k|xtb||4|2GB');
    for (let i = 11; i < 21; i++) {
      assert.notEqual(next.rows[i], document.rows[i - 1]);
      assert.equal(next.rows[i]!.line, document.rows[i - 1]!.line + 1);
      assert.equal(next.rows[i]!.text, document.rows[i - 1]!.text);
    }
    // An edit inside one row replaces that row only; every other row is shared.
    const typed = text.replace('j7|m/j7|xtb', 'j7|m/j7|orca');
    const retyped = updateBatchfile(document, typed);
    assert.deepEqual(
      retyped.rows.map((row, i) => row === document.rows[i]),
      document.rows.map((_, i) => i !== 7),
    );
    assert.equal(lines.length, document.lines.length);
  });

  it('returns the same document for the same text', () => {
    const document = parseBatchfile(SEEDS[0]!);
    assert.equal(updateBatchfile(document, SEEDS[0]!), document);
  });

  it('parses everything again when the edit touches the header or the lines above it', () => {
    const text = generated(5);
    const document = parseBatchfile(text);
    const renamed = updateBatchfile(document, text.replace('|memory', '|walltime'));
    assert.equal(renamed.header!.columns[5]!.name.text, 'walltime');
    assert.ok(renamed.rows.every((row, i) => row !== document.rows[i]));
    const rooted = updateBatchfile(document, text.replace('/calcs', '/elsewhere'));
    assert.equal(rooted.root!.value!.text, '/elsewhere');
  });

  it('sees a line end change across the edit boundary: `\\r` followed by an inserted `\\n` is one terminator', () => {
    const text = generated(4, '\r');
    const document = parseBatchfile(text);
    const lineStart = text.indexOf('j2|');
    const joined = `${text.slice(0, lineStart)}\n${text.slice(lineStart)}`;
    const next = updateBatchfile(document, joined);
    assert.deepEqual(snapshotDocument(next), snapshotDocument(parseBatchfile(joined)));
    assert.equal(next.lines.length, document.lines.length);
    assert.equal(next.lines[4]!.eol, '\r\n', 'the j1 line now ends with \r\n');
    // And back: removing the `\n` of a `\r\n` splits nothing but changes the terminator.
    const split = updateBatchfile(next, text);
    assert.deepEqual(snapshotDocument(split), snapshotDocument(document));
  });

  it('handles the last line with and without a terminator, and deleting everything after the header', () => {
    const text = generated(3);
    const document = parseBatchfile(text);
    for (const variant of [text.slice(0, -1), `${text}j9|m/j9|xtb|`, text.slice(0, text.indexOf('j0|')), `${text}\n\n`]) {
      assert.deepEqual(snapshotDocument(updateBatchfile(document, variant)), snapshotDocument(parseBatchfile(variant)), JSON.stringify(variant));
    }
  });

  it('does not keep every version\'s whole text alive through the lines it re-parsed', () => {
    // A slice of a string shares its parent: re-parsed lines must be copies, or 100 edits pin 100 texts.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let text = generated(5000);
    let document = parseBatchfile(text);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100; i++) {
      const at = text.indexOf(`j${i * 40}|`);
      // Every version is a fresh string, as the server's text document builds it.
      text = `${text.slice(0, at)}x${text.slice(at)}`;
      document = updateBatchfile(document, text);
    }
    gc();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1e6;
    assert.equal(document.rows.length, 5000);
    assert.ok(grownMb < 10, `the heap grew by ${grownMb.toFixed(1)} MB over 100 edits of a ${(text.length / 1e6).toFixed(2)} MB text`);
  });
});
