// Every Markdown the extension builds from the user's values — batchfile hovers, the Batches tree's tooltips — rendered
// by a CommonMark renderer shows a hostile name verbatim (no HTML, no link, no emphasis eaten); notifications and the
// status bar, which draw links and icons, keep it as written too.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { buildBatchModel, hover, parseBatchfile } from '../../core/batchfile/index.js';
import type { Position } from '../../core/batchfile/index.js';
import { jobKey } from '../../core/ledger/jobKey.js';
import { escapeIcons, escapeMarkdown, markdownCode, md, notificationText } from '../../core/markdown.js';
import { emptyResults } from '../../core/results/types.js';
import { summarise } from '../../core/truth/summary.js';
import { BatchTree, batchNodeId, groupNodeId, jobNodeId } from '../../core/view/batchTree.js';
import type { BatchView } from '../../core/view/batchTree.js';
import { notStartedJob } from '../../core/view/jobView.js';
import { noticesFor, statusBarText } from '../../core/view/notifications.js';

interface Renderer {
  render(text: string): string;
}
// markdown-it follows CommonMark; HTML and linkify on, so anything a renderer could take for HTML or a link would be.
const MarkdownIt = createRequire(import.meta.url)('markdown-it') as new (options: { html: boolean; linkify: boolean }) => Renderer;
const renderer = new MarkdownIt({ html: true, linkify: true });

/** The rendered Markdown's text as a reader sees it, after checking that the user's value made no element. */
function renderedText(markdown: string): string {
  const html = renderer.render(markdown);
  assert.doesNotMatch(html, /<img|<a |<em>|<script|<h\d|<li>/, `the user's text made markup:\n${html}`);
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const HOSTILE = '<img src=x onerror=alert(1)> `tick` *star* _under_ [x](command:evil) $(bug) &amp; http://evil.example ~~s~~ # 1. \\';
const FOLDER = 'mol `1` *a* _u_ [y](z) & $(x)';

function assertVerbatim(markdown: string, ...values: string[]): void {
  const text = renderedText(markdown);
  for (const value of values) assert.ok(text.includes(value), `${JSON.stringify(value)} not shown as written in:\n${text}\n(from ${markdown})`);
}

describe('core/markdown', () => {
  test('escaped text and code spans render as written', () => {
    assertVerbatim(escapeMarkdown(HOSTILE), HOSTILE);
    assertVerbatim(markdownCode(HOSTILE), HOSTILE);
    for (const edge of ['`', '`x`', ' a ', 'a``b']) assertVerbatim(`x ${markdownCode(edge)} y`, edge);
    assertVerbatim(md`**${HOSTILE}** failed`, `${HOSTILE} failed`);
  });

  test('a notification cannot carry a link; the status bar draws no icon from a name', () => {
    // VS Code's notifications turn `[label](command:…|https:…|file:…)` into a link (vs/base/common/linkedText.ts)
    const link = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;
    assert.doesNotMatch(notificationText(HOSTILE), link);
    assert.equal(notificationText(HOSTILE).replace(/\u200b/g, ''), HOSTILE);
    assert.equal(escapeIcons('$(bug) a'), '\\$(bug) a');
  });
});

describe('every Markdown producer keeps a hostile name verbatim', () => {
  const text = [
    `root_directory=/calcs/${FOLDER}`,
    'job_basename|job_directory|program|pipe',
    `${HOSTILE}|${FOLDER}|xtb|`,
    `next|next|xtb|coords{../${FOLDER},}`,
    `${HOSTILE}|other|xtb|`,
    '',
  ].join('\n');
  const model = buildBatchModel(parseBatchfile(text), '/calcs/batchfile.csv');
  const lines = text.split('\n');
  const at = (line: number, marker: string): Position => ({ line, character: lines[line]!.indexOf(marker) + 1 });
  const hoverAt = (position: Position): string => {
    const result = hover(model, position);
    assert.ok(result, `no hover at ${JSON.stringify(position)}`);
    return result.contents.value;
  };

  test('batchfile hovers: root, a job, its folder, a pipe, a neighbour list', () => {
    assertVerbatim(hoverAt(at(0, '/calcs')), `/calcs/${FOLDER}`);
    assertVerbatim(hoverAt({ line: 2, character: 2 }), HOSTILE, `/calcs/${FOLDER}`);
    assertVerbatim(hoverAt(at(2, FOLDER)), `/calcs/${FOLDER}`);
    assertVerbatim(hoverAt(at(3, FOLDER)), HOSTILE, FOLDER);
    // `next` feeds from the hostile job: its summary names it as a neighbour
    assertVerbatim(hoverAt({ line: 3, character: 1 }), `Takes from: ${HOSTILE} in ${FOLDER}`);
  });

  test('the Batches tree: job, batch and group tooltips', () => {
    const id = `/calcs/${FOLDER}/batchfile.csv`;
    const job = { ...notStartedJob({ basename: HOSTILE, directory: `/calcs/${FOLDER}`, program: HOSTILE }), status: 'failed' as const, jobId: '7', cause: HOSTILE, reason: HOSTILE, slurmState: 'FAILED' };
    const view: BatchView = {
      id,
      label: `${FOLDER}/batchfile.csv`,
      batchfilePath: id,
      rootPath: `/calcs/${FOLDER}`,
      ledgerPath: null,
      record: { id: 'r', name: HOSTILE, status: 'completed', runNumber: 1, startTime: '2026-01-01T00:00:00Z', endTime: null, executor: HOSTILE, runnerHost: HOSTILE, runnerPid: 3, message: HOSTILE, tags: [HOSTILE], error: HOSTILE, waiting: HOSTILE },
      live: 'idle',
      stale: HOSTILE,
      error: null,
      jobs: [job],
    };
    const tree = new BatchTree({ groupByStatus: true });
    tree.setBatch(view);
    assertVerbatim(tree.tooltip(jobNodeId(id, jobKey(`/calcs/${FOLDER}`, HOSTILE))), HOSTILE, `/calcs/${FOLDER}`);
    assertVerbatim(tree.tooltip(batchNodeId(id)), HOSTILE, `${FOLDER}/batchfile.csv`, `/calcs/${FOLDER}`);
    assertVerbatim(tree.tooltip(groupNodeId(id, 'failed')), `${FOLDER}/batchfile.csv`);
    tree.setBatch({ ...view, error: HOSTILE });
    assertVerbatim(tree.tooltip(batchNodeId(id)), HOSTILE);
  });

  test("an ended job's results (tree tooltip and row hover): problems read from an output stay text", () => {
    const results = { ...emptyResults(), finalEnergy: -1.5, problems: [HOSTILE, `${HOSTILE}\n# heading`] };
    const id = `/calcs/${FOLDER}/batchfile.csv`;
    const job = { ...notStartedJob({ basename: HOSTILE, directory: `/calcs/${FOLDER}`, program: 'xtb' }), status: 'failed' as const, jobId: '7' };
    const tree = new BatchTree();
    tree.setBatch({ id, label: 'b', batchfilePath: id, rootPath: `/calcs/${FOLDER}`, ledgerPath: null, record: null, live: 'idle', stale: null, error: null, jobs: [job] });
    const tooltip = tree.tooltip(jobNodeId(id, jobKey(`/calcs/${FOLDER}`, HOSTILE)), results);
    assertVerbatim(tooltip, HOSTILE, `${HOSTILE} # heading`, '-1.500000 Eh');
    const row = hover(model, { line: 2, character: 2 }, { results: () => results });
    assert.ok(row);
    assertVerbatim(row.contents.value, HOSTILE, `${HOSTILE} # heading`, '-1.500000 Eh');
  });

  test('notifications and the status bar', () => {
    const summary = summarise(['failed', 'succeeded']);
    const notices = noticesFor(
      { batchId: 'b', label: HOSTILE, ended: true, summary, transitions: [{ key: 'k', basename: HOSTILE, label: HOSTILE, from: 'running', to: 'failed', cause: HOSTILE }] },
      { jobFailed: 'always', batchEnded: 'always' },
    );
    assert.ok(notices.length > 0);
    for (const notice of notices) {
      const shown = notificationText(notice.message);
      assert.doesNotMatch(shown, /\]\(/);
      assert.ok(shown.replace(/\u200b/g, '').includes(HOSTILE));
    }
    assert.ok(statusBarText(HOSTILE, summary, false, false).includes(HOSTILE.replace('$(', '\\$(')));
  });
});
