// Property tests: random and mutated batchfiles never make the parser, validation or any language feature throw or
// hang, and every range they return lies inside the document.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { BatchModel, DirectoryEntry, DiskView, EntryKind, Position, Range } from '../../core/batchfile/index.js';
import {
  buildBatchModel,
  codeActions,
  complete,
  createNodeDiskView,
  definition,
  documentLinks,
  documentSymbols,
  formatDocument,
  hover,
  parseBatchfile,
  references,
  validateBatchfile,
  validateModel,
} from '../../core/batchfile/index.js';
import { startWatchdog } from './fuzzWatchdog.js';
import type { Watchdog } from './fuzzWatchdog.js';

const EXAMPLE = readFileSync(new URL('../../examples/shell-pipeline/batchfile.csv', import.meta.url), 'utf8');

/** Realistic starting points: both column orders, both bracket styles, optional columns, CRLF, comments, orbitals. */
const SEEDS: readonly string[] = [
  EXAMPLE,
  [
    'root_directory=/scratch/me/calcs',
    'job_basename|job_directory|program|pipe',
    'opt|mol1/opt|xtb|',
    'freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}',
    'sp|mol1/sp|orca|coords<../opt,xtbopt.xyz>;orbitals{../guess,guess.gbw}',
    'guess|mol1/guess|orca|coords{../opt,}',
  ].join('\n'),
  [
    'run_root_directory=calcs=v2',
    '# directory first, like some CCBatchMan files',
    'job_directory|job_basename|program|pipe|cores|memory|walltime|partition',
    'a/conf|conf|crest||4|4GB|01:00:00|short',
    'a/opt|opt|Gaussian|coords{../conf,crest_best.xyz}|8|4000M|1-00:00:00|long',
    '',
    'a/sp|sp|ORCA|coords{../opt,};orbitals{./,}|16|4000|24:00:00|gpu.q',
    'a/loop|loop|shell|coords{../loop2,};coords{../opt,x.xyz}|x|y|z|!',
    'a/loop2|loop2|pyaroma|coords{../loop,};orbitalz<../sp,sp.gbw>',
  ].join('\r\n'),
  'root_directory=.\njob_basename|job_directory|program|pipe\n\tx | d/x | xtb | coords { ../y , } ; \ny|d/y|xtb|coords<../x,>\r\n',
];

const SPECIAL = ['|', ';', '{', '}', '<', '>', ',', '=', '#', '/', '\\', '\r', '\n', '\r\n', ' ', '\t', '.', '..', '\0'];
const UNICODE = ['é', 'ß', '😀', '\u{1F9EA}', '\uD800', '\uDC00', '\u200B', '\uFEFF', '\u2028', 'ℌ', '中'];
const WORDS = ['coords', 'orbitals', 'xtb', 'orca', 'shell', '../', 'job_basename', 'pipe', 'root_directory=', '../opt', 'a.xyz'];
const piece = fc.oneof(fc.constantFrom(...SPECIAL), fc.constantFrom(...UNICODE), fc.constantFrom(...WORDS), fc.string({ maxLength: 3 }));

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicateLine'; line: number }
  | { kind: 'deleteLine'; line: number }
  | { kind: 'swapLines'; line: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.array(piece, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicateLine' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteLine' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('swapLines' as const), line: fc.nat(), other: fc.nat() }) },
);

function mutate(text: string, change: Mutation): string {
  const at = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  const lines = text.split('\n');
  const lineIndex = (n: number): number => n % lines.length;
  switch (change.kind) {
    case 'insert':
      return text.slice(0, at(change.at)) + change.text + text.slice(at(change.at));
    case 'delete':
      return text.slice(0, at(change.at)) + text.slice(at(change.at) + change.length);
    case 'truncate':
      return text.slice(0, at(change.at));
    case 'duplicateLine': {
      const i = lineIndex(change.line);
      return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join('\n');
    }
    case 'deleteLine': {
      const i = lineIndex(change.line);
      return [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
    }
    case 'swapLines': {
      const [i, j] = [lineIndex(change.line), lineIndex(change.other)];
      const copy = [...lines];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return copy.join('\n');
    }
  }
}

const mutatedBatchfile = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 10 }))
  .map(([seed, changes]) => changes.reduce(mutate, seed));

const randomBatchfile = fc.oneof(
  fc.array(piece, { maxLength: 80 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** A deterministic in-memory disk: a path's kind and listing depend only on the path, so every rule's branch runs. */
const fakeDisk: DiskView = {
  kind(path: string): EntryKind | undefined {
    const h = hash(path) % 3;
    return h === 0 ? 'directory' : h === 1 ? 'file' : undefined;
  },
  list(path: string): readonly DirectoryEntry[] {
    const h = hash(path);
    const entries: DirectoryEntry[] = [
      { name: `d${h % 7}`, kind: 'directory' },
      { name: `f${h % 5}.xyz`, kind: 'file' },
      { name: `g${h % 3}.gbw`, kind: 'file' },
      { name: 'notes.txt', kind: 'file' },
    ];
    return entries.slice(0, h % 5);
  },
};

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/** The document's lines as LSP counts them. */
function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function assertInside(lines: readonly string[], range: Range, what: string): void {
  const inside = (position: Position): boolean =>
    Number.isInteger(position.line) &&
    Number.isInteger(position.character) &&
    position.line >= 0 &&
    position.line < lines.length &&
    position.character >= 0 &&
    position.character <= lines[position.line]!.length;
  const ordered =
    range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  if (!inside(range.start) || !inside(range.end) || !ordered) {
    assert.fail(`${what}: range ${JSON.stringify(range)} is not inside the document (${lines.length} lines)`);
  }
}

/** Positions to probe: every line start and end, and some random in-range ones (a pseudo-random walk from the text's hash). */
function probePositions(lines: readonly string[], text: string, count: number): Position[] {
  const positions: Position[] = [];
  let h = hash(text) || 1;
  const next = (): number => (h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0);
  for (let i = 0; i < count; i++) {
    const line = next() % lines.length;
    positions.push({ line, character: next() % (lines[line]!.length + 1) });
  }
  return positions;
}

function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const lineStarts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) lineStarts.push(match.index + match[0].length);
  const offset = (p: Position): number => lineStarts[p.line]! + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((acc, edit) => acc.slice(0, offset(edit.range.start)) + edit.newText + acc.slice(offset(edit.range.end)), text);
}

/** The data a batchfile holds, as formatting must keep it. */
function dataOf(text: string): unknown {
  const document = parseBatchfile(text);
  return {
    root: document.root ? [document.root.key.text, document.root.value?.text] : null,
    header: document.header?.columns.map((column) => column.name.text) ?? null,
    rows: document.rows.map((row) => row.cells.map((cell) => cell.value.text)),
  };
}

const PATH = '/work/batches/batchfile.csv';
let watchdog: Watchdog;
let slowest = { ms: 0, size: 0 };

/** Runs everything on one text, checking every returned range. */
function exercise(text: string): void {
  watchdog.enter(text);
  const started = performance.now();
  const lines = linesOf(text);

  const parsed = parseBatchfile(text);
  assert.equal(parsed.lines.length, lines.length, 'the parser and LSP count lines alike');
  const withoutDisk = validateBatchfile(text);
  const withFakeDisk = validateBatchfile(text, { batchfilePath: PATH, disk: fakeDisk });
  const withRealDisk = validateBatchfile(text, { batchfilePath: '/nonexistent-batchman-root/batchfile.csv', disk: realDisk });
  for (const [name, result] of [['no disk', withoutDisk], ['fake disk', withFakeDisk], ['real disk', withRealDisk]] as const) {
    for (const diagnostic of result.diagnostics) {
      assertInside(lines, diagnostic.range, `${name} ${diagnostic.code}`);
      assert.ok(diagnostic.message.length > 0 && diagnostic.code.length > 0);
    }
  }

  const model: BatchModel = withFakeDisk.model;
  const diagnostics = validateModel(model, fakeDisk);
  assert.deepEqual(diagnostics, withFakeDisk.diagnostics, 'validation is deterministic');
  const unlocated: BatchModel = buildBatchModel(parsed);

  for (const position of probePositions(lines, text, 6)) {
    for (const pipeStyle of ['angle', 'brace'] as const) {
      for (const item of complete(model, position, { pipeStyle, disk: fakeDisk })) {
        if (item.textEdit) assertInside(lines, item.textEdit.range, `completion ${item.label}`);
      }
    }
    complete(unlocated, position, { pipeStyle: 'angle' });
    const hovered = hover(model, position);
    if (hovered) assertInside(lines, hovered.range, 'hover');
    hover(unlocated, position);
    const target = definition(model, position);
    if (target) assertInside(lines, target, 'definition');
    for (const include of [true, false]) for (const range of references(model, position, include)) assertInside(lines, range, 'references');
    const range = { start: position, end: probePositions(lines, text + position.line, 1)[0]! };
    const ordered = range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character) ? { start: range.end, end: range.start } : range;
    for (const action of codeActions(model, ordered, diagnostics)) {
      for (const edit of action.edits) assertInside(lines, edit.range, `code action ${action.title}`);
      // Applying an action yields text the parser still takes.
      validateBatchfile(applyEdits(text, action.edits));
    }
  }
  // Out-of-range positions (a client racing an edit) must not throw either.
  for (const position of [{ line: lines.length + 3, character: 0 }, { line: 0, character: (lines[0]?.length ?? 0) + 5 }, { line: lines.length - 1, character: 1e6 }]) {
    complete(model, position, { pipeStyle: 'brace', disk: fakeDisk });
    hover(model, position);
    definition(model, position);
    references(model, position, true);
    codeActions(model, { start: position, end: position }, diagnostics);
  }

  for (const symbol of documentSymbols(model)) {
    assertInside(lines, symbol.range, 'symbol');
    assertInside(lines, symbol.selectionRange, 'symbol selection');
  }
  for (const link of documentLinks(model)) assertInside(lines, link.range, 'link');
  const edits = formatDocument(parsed);
  for (const edit of edits) assertInside(lines, edit.range, 'format edit');
  const formatted = applyEdits(text, edits);
  assert.deepEqual(dataOf(formatted), dataOf(text), `formatting changed the data of ${JSON.stringify(text)}`);
  assert.deepEqual(formatDocument(parseBatchfile(formatted)), [], `formatting is not idempotent on ${JSON.stringify(formatted)}`);

  const ms = performance.now() - started;
  if (ms > slowest.ms) slowest = { ms, size: text.length };
  watchdog.leave();
}

const realDisk = createNodeDiskView();

before(() => {
  watchdog = startWatchdog(5_000);
});

after(async () => {
  await watchdog.stop();
  console.log(`fuzz: slowest case ${slowest.ms.toFixed(1)} ms (${slowest.size} chars)`);
});

describe('fuzzing the batchfile core', () => {
  it('the seeds themselves pass', () => {
    for (const seed of SEEDS) exercise(seed);
  });

  it('mutated realistic batchfiles', () => {
    fc.assert(fc.property(mutatedBatchfile, (text) => exercise(text)), { numRuns: 2500, includeErrorInReport: true });
  });

  it('random text over the batchfile alphabet and arbitrary unicode', () => {
    fc.assert(fc.property(randomBatchfile, (text) => exercise(text)), { numRuns: 1500, includeErrorInReport: true });
  });

  it('a large generated file with pipes stays fast', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `j${i}|m/j${i}|xtb|${i === 0 ? '' : `coords{../j${Math.floor(i / 2)},}`}`);
    const text = ['root_directory=.', 'job_basename|job_directory|program|pipe', ...rows].join('\n');
    const started = performance.now();
    const { diagnostics } = validateBatchfile(text, { batchfilePath: PATH, disk: fakeDisk });
    assert.ok(performance.now() - started < 2_000);
    for (const diagnostic of diagnostics) assertInside(linesOf(text), diagnostic.range, diagnostic.code);
  });
});
