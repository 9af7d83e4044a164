// What the language server records of its rules' disk reads, which file events touch them, and the file watchers
// derived from them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WatchKind } from 'vscode-languageserver';
import type { DirectoryEntry, DiskView, EntryKind } from '../../core/batchfile/index.js';
import { DiskReads, recordingDisk } from '../../server/src/diskReads.js';
import { diskChangesOf } from '../../server/src/fileEvents.js';
import { lspWatchers, watchesFor } from '../../server/src/watchers.js';

const CREATE_DELETE = WatchKind.Create | WatchKind.Delete;

function readsOf(paths: { kinds?: string[]; listings?: string[]; heads?: string[] }): DiskReads {
  const reads = new DiskReads();
  for (const path of paths.kinds ?? []) reads.kinds.add(path);
  for (const path of paths.listings ?? []) reads.listings.add(path);
  for (const path of paths.heads ?? []) reads.heads.add(path);
  return reads;
}

describe('recordingDisk', () => {
  const inner: DiskView = { kind: (): EntryKind | undefined => 'file', list: (): readonly DirectoryEntry[] => [] };

  it('records every question and answers as the disk does', () => {
    const reads = new DiskReads();
    const disk = recordingDisk({ ...inner, readHead: () => 'head' }, reads);
    assert.equal(disk.kind('/r/a'), 'file');
    assert.deepEqual(disk.list('/r'), []);
    assert.equal(disk.readHead!('/r/a.sh', 10), 'head');
    assert.deepEqual([[...reads.kinds], [...reads.listings], [...reads.heads]], [['/r/a'], ['/r'], ['/r/a.sh']]);
  });

  it('cannot read heads when the disk cannot (the rules then do not look into scripts)', () => {
    assert.equal(recordingDisk(inner, new DiskReads()).readHead, undefined);
  });
});

describe('DiskReads.touchedBy', () => {
  const reads = readsOf({ kinds: ['/r', '/r/mol/opt', '/r/mol/opt/opt.xyz', '/r/mol/sp/sp.sh'], heads: ['/r/mol/sp/sp.sh'], listings: ['/r/list'] });

  it('a content change touches only a file whose head was read', () => {
    assert.equal(reads.touchedBy({ path: '/r/mol/opt/opt.out', type: 'changed' }), false);
    assert.equal(reads.touchedBy({ path: '/r/mol/opt/opt.xyz', type: 'changed' }), false, 'a kind does not change with the content');
    assert.equal(reads.touchedBy({ path: '/r/mol/sp/sp.sh', type: 'changed' }), true);
  });

  it('a created or deleted path touches what was asked about it, above it, or listed beside it', () => {
    assert.equal(reads.touchedBy({ path: '/r/mol/opt', type: 'deleted' }), true);
    assert.equal(reads.touchedBy({ path: '/r/mol', type: 'deleted' }), true, 'a folder holding job folders');
    assert.equal(reads.touchedBy({ path: '/r/list/new.xyz', type: 'created' }), true, 'a listed folder gains an entry');
    assert.equal(reads.touchedBy({ path: '/r/mol/opt/opt.log', type: 'created' }), false, 'an output file appearing');
    assert.equal(reads.touchedBy({ path: '/r/mol/optimised', type: 'created' }), false);
  });
});

describe('diskChangesOf', () => {
  it('keeps file URIs as paths (a folder without its trailing slash) and drops other schemes', () => {
    assert.deepEqual(
      diskChangesOf([
        { uri: 'file:///r/mol/opt/', type: 3 },
        { uri: 'file:///r/a%20b.xyz', type: 1 },
        { uri: 'untitled:Untitled-1', type: 2 },
        { uri: 'file:///r/c.sh', type: 2 },
      ]),
      [
        { path: '/r/mol/opt', type: 'deleted' },
        { path: '/r/a b.xyz', type: 'created' },
        { path: '/r/c.sh', type: 'changed' },
      ],
    );
  });
});

describe('watchesFor', () => {
  it('a batch with its root on disk: the root from its parent, creations and deletions under it, content changes of read scripts', () => {
    const reads = readsOf({ kinds: ['/work/batch', '/work/batch/mol/opt', '/work/batch/mol/opt/opt.xyz', '/work/batch/mol/c/c.sh'], heads: ['/work/batch/mol/c/c.sh'] });
    assert.deepEqual(watchesFor([{ rootPath: '/work/batch', reads }]), [
      { base: '/work', pattern: 'batch', kind: CREATE_DELETE },
      { base: '/work/batch', pattern: '**/*', kind: CREATE_DELETE },
      { base: '/work/batch', pattern: '**/*.sh', kind: WatchKind.Change },
    ]);
  });

  it('a missing root: only the root itself, until it appears', () => {
    assert.deepEqual(watchesFor([{ rootPath: '/work/batch', reads: readsOf({ kinds: ['/work/batch'] }) }]), [{ base: '/work', pattern: 'batch', kind: CREATE_DELETE }]);
  });

  it('paths outside the root (a pipe from another batch) are watched by name from their folder', () => {
    const reads = readsOf({ kinds: ['/work/batch', '/work/batch/a', '/work/other/opt', '/work/other/freq', '/work/odd/we{ird'] });
    assert.deepEqual(watchesFor([{ rootPath: '/work/batch', reads }]), [
      { base: '/work', pattern: 'batch', kind: CREATE_DELETE },
      { base: '/work/batch', pattern: '**/*', kind: CREATE_DELETE },
      { base: '/work/odd', pattern: '*', kind: CREATE_DELETE },
      { base: '/work/other', pattern: '{freq,opt}', kind: CREATE_DELETE },
    ]);
  });

  it('documents sharing a root share its watches', () => {
    const one = readsOf({ kinds: ['/b', '/b/x'] });
    const two = readsOf({ kinds: ['/b', '/b/y'], heads: ['/b/y/y.sh'] });
    assert.deepEqual(watchesFor([{ rootPath: '/b', reads: one }, { rootPath: '/b', reads: two }]), [
      { base: '/', pattern: 'b', kind: CREATE_DELETE },
      { base: '/b', pattern: '**/*', kind: CREATE_DELETE },
      { base: '/b', pattern: '**/*.sh', kind: WatchKind.Change },
    ]);
  });

  it('as LSP watchers: relative patterns, or absolute globs for a client without them', () => {
    const watches = [{ base: '/work/batch', pattern: '**/*', kind: CREATE_DELETE }];
    assert.deepEqual(lspWatchers(watches, true), [{ globPattern: { baseUri: 'file:///work/batch', pattern: '**/*' }, kind: CREATE_DELETE }]);
    assert.deepEqual(lspWatchers(watches, false), [{ globPattern: '/work/batch/**/*', kind: CREATE_DELETE }]);
  });
});
