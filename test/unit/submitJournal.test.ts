// The batch's journal of submit intents, read back as a runner started after a crash reads it: intents kept across
// instances, a torn last line skipped, clearings honoured, and emptied in place once the ledger holds the submissions.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SubmitJournal } from '../../core/runner/submitJournal.js';
import { tempDir } from '../support/tempDir.js';

function journalIn(root: string): SubmitJournal {
  return SubmitJournal.forLedger(root, join(root, '__ledger__.csv'));
}

describe('submit journal', () => {
  test('an intent recorded by one runner is read by the next, with its time and id bound', (t) => {
    const root = tempDir(t, 'batchman-journal-');
    journalIn(root).recordAll([{ directory: join(root, 'a'), at: '2027-01-01T00:00:00.000Z', afterId: 41 }]);
    journalIn(root).recordAll([{ directory: join(root, 'b'), at: '2027-01-01T00:00:01.000Z', afterId: Number.NEGATIVE_INFINITY }]);
    const read = journalIn(root).read();
    assert.deepEqual(read.get(join(root, 'a')), { directory: join(root, 'a'), at: '2027-01-01T00:00:00.000Z', afterId: 41 });
    assert.equal(read.get(join(root, 'b'))?.afterId, Number.NEGATIVE_INFINITY, 'no id known: -Infinity, written as null');
    assert.match(journalIn(root).path, /[/\\]\.batchman[/\\]submitting-[0-9a-f]{10}\.jsonl$/);
  });

  test('a line torn by a runner killed mid-append is skipped; the whole lines before it stand', (t) => {
    const root = tempDir(t, 'batchman-journal-');
    const journal = journalIn(root);
    journal.recordAll([{ directory: join(root, 'a'), at: 'a-time', afterId: 1 }]);
    appendFileSync(journal.path, '{"dir":"' + join(root, 'b') + '","at":"b-ti');
    assert.deepEqual([...journalIn(root).read().keys()], [join(root, 'a')]);
    // The next runner's intent starts on a line of its own, not glued to the torn one.
    journalIn(root).recordAll([{ directory: join(root, 'c'), at: 'c-time', afterId: 2 }]);
    assert.deepEqual([...journalIn(root).read().keys()], [join(root, 'a'), join(root, 'c')]);
  });

  test('a cleared intent is not read back; one recorded again after its clearing is', (t) => {
    const root = tempDir(t, 'batchman-journal-');
    const journal = journalIn(root);
    journal.recordAll([{ directory: join(root, 'a'), at: 'first', afterId: 1 }]);
    journal.recordAll([{ directory: join(root, 'b'), at: 'first', afterId: 1 }]);
    journal.clearAll([join(root, 'a')]);
    assert.deepEqual([...journalIn(root).read().keys()], [join(root, 'b')]);
    journal.recordAll([{ directory: join(root, 'a'), at: 'second', afterId: 5 }]);
    assert.equal(journalIn(root).read().get(join(root, 'a'))?.at, 'second');
  });

  test('once the ledger holds the submissions the file is emptied in place; an intent in doubt is kept', async (t) => {
    const root = tempDir(t, 'batchman-journal-');
    const journal = journalIn(root);
    journal.recordAll(['a', 'b', 'c'].map((name) => ({ directory: join(root, name), at: name, afterId: 7 })));
    const inode = statSync(journal.path).ino;
    await journal.keepOnly(new Set());
    assert.equal(readFileSync(journal.path, 'utf8'), '');
    assert.equal(statSync(journal.path).ino, inode, 'the same file, truncated: no new file per pass');

    journal.recordAll([{ directory: join(root, 'd'), at: 'd', afterId: Number.NEGATIVE_INFINITY }]);
    journal.recordAll([{ directory: join(root, 'e'), at: 'e', afterId: 9 }]);
    await journal.keepOnly(new Set([join(root, 'd')]));
    const read = journalIn(root).read();
    assert.deepEqual([...read.keys()], [join(root, 'd')]);
    assert.equal(read.get(join(root, 'd'))?.afterId, Number.NEGATIVE_INFINITY);
  });

  test('a batch that never submitted has no journal, and settling it creates none', async (t) => {
    const root = tempDir(t, 'batchman-journal-');
    const journal = journalIn(root);
    assert.equal(journal.read().size, 0);
    await journal.keepOnly(new Set());
    assert.equal(existsSync(journal.path), false);
  });

  test('a journal removed by someone while the runner runs: emptying it is no error, and the next intent makes it again', async (t) => {
    const root = tempDir(t, 'batchman-journal-');
    const journal = journalIn(root);
    journal.recordAll([{ directory: join(root, 'a'), at: 'a', afterId: 1 }]);
    rmSync(join(root, '.batchman'), { recursive: true });
    await journal.keepOnly(new Set());
    journal.recordAll([{ directory: join(root, 'b'), at: 'b', afterId: 2 }]);
    assert.deepEqual([...journalIn(root).read().keys()], [join(root, 'b')]);
  });

  test('two ledgers of one root keep two journals', (t) => {
    const root = tempDir(t, 'batchman-journal-');
    const first = SubmitJournal.forLedger(root, join(root, 'first.csv'));
    const second = SubmitJournal.forLedger(root, join(root, 'second.csv'));
    assert.notEqual(first.path, second.path);
    first.recordAll([{ directory: join(root, 'a'), at: 'x', afterId: 1 }]);
    assert.equal(SubmitJournal.forLedger(root, join(root, 'second.csv')).read().size, 0);
  });
});
