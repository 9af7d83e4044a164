// DIR completion on large batches: the nearest MAX_FOLDER_ITEMS folders are chosen without sorting every folder,
// and must be exactly what ranking all of them gives (checked against a plain reference implementation).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import type { BatchModel, DirectoryEntry, DiskView, EntryKind, Position } from '../../core/batchfile/index.js';
import { MAX_FOLDER_ITEMS, buildBatchModel, completeList, parseBatchfile } from '../../core/batchfile/index.js';

/** 120 molecules of 8 jobs under /calcs, each sp pipes from its opt; a few folders hold two jobs. */
function batch(): string {
  const lines = ['root_directory=/calcs', 'job_basename|job_directory|program|pipe'];
  for (let m = 0; m < 120; m++) {
    for (const name of ['conf', 'opt', 'freq', 'sp', 'nmr', 'td', 'ir', 'uv']) lines.push(`m${m}_${name}|mol${m}/${name}|xtb|${name === 'sp' ? 'coords{../opt,}' : ''}`);
  }
  lines.push('twin_a|mol7/sp|xtb|', 'twin_b|mol7/sp|xtb|', 'top|.|shell|coords{mol1/opt,}', 'deep|a/b/c/d|shell|coords{../../../../mol3/opt,}');
  return `${lines.join('\n')}\n`;
}

/** Folders on disk: a few extra ones beside each job folder, some equal to job folders. */
const disk: DiskView = {
  kind: (): EntryKind | undefined => 'directory',
  list(path: string): readonly DirectoryEntry[] {
    const folders = ['opt', 'scratch', 'zz-extra', 'sp'].map((name): DirectoryEntry => ({ name, kind: 'directory' }));
    return [...folders, { name: `${posix.basename(path)}.txt`, kind: 'file' }];
  },
};

/** The reference: every folder ranked by (segments, text), as the first version of completion did it. */
function reference(model: BatchModel, position: Position, withDisk: boolean): { labels: string[]; isIncomplete: boolean } {
  const row = model.document.rows.find((r) => r.line === position.line)!;
  const job = model.jobs[model.document.rows.indexOf(row)]!;
  const command = row.pipe.commands[0]!;
  const typed = command.dir!.text.slice(0, Math.max(0, position.character - command.dir!.start));
  const candidates = new Set<string>();
  for (const other of model.jobs) {
    if (other.index === job.index) continue;
    const relative = posix.relative(job.path, other.path) || '.';
    if (relative.startsWith(typed)) candidates.add(relative);
  }
  if (withDisk) {
    const listed = posix.resolve(job.path, typed.endsWith('/') ? typed : posix.dirname(typed));
    for (const entry of disk.list(listed)) {
      if (entry.kind !== 'directory') continue;
      const relative = posix.relative(job.path, posix.join(listed, entry.name)) || '.';
      if (relative !== '.' && relative.startsWith(typed)) candidates.add(relative);
    }
  }
  const ranked = [...candidates].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1));
  return { labels: ranked.slice(0, MAX_FOLDER_ITEMS), isIncomplete: ranked.length > MAX_FOLDER_ITEMS };
}

describe('DIR completion on a large batch', () => {
  const text = batch();
  const model = buildBatchModel(parseBatchfile(text), '/calcs/batchfile.csv');
  const pipeRows = model.document.rows.filter((row) => row.pipe.commands.length > 0);

  it('offers exactly the nearest folders, in order, for every prefix typed so far', () => {
    let compared = 0;
    for (const row of pipeRows.filter((_, i) => i % 9 === 0 || i >= pipeRows.length - 3)) {
      const dir = row.pipe.commands[0]!.dir!;
      for (let character = dir.start; character <= dir.end; character++) {
        for (const withDisk of [false, true]) {
          const position = { line: row.line, character };
          const result = completeList(model, position, { pipeStyle: 'brace', ...(withDisk ? { disk } : {}) });
          const expected = reference(model, position, withDisk);
          assert.deepEqual({ labels: result.items.map((item) => item.label), isIncomplete: result.isIncomplete }, expected, `line ${row.line}, character ${character}, disk ${withDisk}`);
          assert.deepEqual(result.items.map((item) => item.sortText), result.items.map((_, rank) => String(rank).padStart(4, '0')));
          compared++;
        }
      }
    }
    assert.ok(compared > 100);
  });

  it('names the job behind each folder, the first one when a folder holds two', () => {
    const row = pipeRows.find((r) => r.text.startsWith('m7_sp|'))!;
    const dir = row.pipe.commands[0]!.dir!;
    const items = completeList(model, { line: row.line, character: dir.start + 3 }, { pipeStyle: 'brace' }).items;
    assert.equal(items.find((item) => item.label === '../opt')?.detail, 'm7_opt · xtb');
    // m7_sp's own folder also holds twin_a and twin_b: `.` names the first of them.
    const own = completeList(model, { line: row.line, character: dir.start }, { pipeStyle: 'brace' }).items.find((item) => item.label === '.');
    assert.equal(own?.detail, 'twin_a · xtb');
  });
});
