// Rules on the root line and the header: the frame every row depends on.
import { KNOWN_COLUMNS, REQUIRED_COLUMNS, ROOT_KEYS, isKnownColumn } from '../columns.js';
import { nearestWord } from '../nearest.js';
import { Severity, lineRange } from '../types.js';
import type { Rule } from './context.js';

export const rootRule: Rule = ({ model }, report) => {
  const { document } = model;
  const root = document.root;
  if (!root) {
    const line = document.rootProblemLine ?? 0;
    const length = document.lines[line]?.text.length ?? 0;
    report('root-missing', Severity.Error, lineRange(line, 0, length), 'The first line must set the root folder: `root_directory=FOLDER` (or `run_root_directory=FOLDER`).');
    return;
  }
  if (root.key.text === '') {
    report('root-malformed', Severity.Error, root.range, 'The root line has no key before `=`: write `root_directory=FOLDER`.');
  } else if (!(ROOT_KEYS as readonly string[]).includes(root.key.text)) {
    const suggestion = nearestWord(root.key.text, ROOT_KEYS, 6);
    report(
      'root-unknown-key',
      Severity.Error,
      root.key.range,
      `Unknown root key \`${root.key.text}\`: expected \`root_directory\` or \`run_root_directory\`.`,
      suggestion ? { suggestion } : undefined,
    );
  }
  if (!root.value || root.value.text === '') {
    report('root-malformed', Severity.Error, root.equals?.range ?? root.range, 'The root folder is empty: write the folder after `=`.');
  }
};

export const headerRule: Rule = ({ model }, report) => {
  const { document } = model;
  const header = document.header;
  if (!header) {
    const line = document.root?.line ?? document.rootProblemLine ?? 0;
    const length = document.lines[line]?.text.length ?? 0;
    report('header-missing', Severity.Error, lineRange(line, 0, length), `The header line is missing: after the root line comes \`${REQUIRED_COLUMNS.join('|')}\`.`);
    return;
  }
  for (const required of REQUIRED_COLUMNS) {
    if (!header.indexOf.has(required)) {
      report('header-missing-column', Severity.Error, header.range, `The header has no \`${required}\` column (required: ${REQUIRED_COLUMNS.join(', ')}).`);
    }
  }
  const seen = new Set<string>();
  for (const column of header.columns) {
    const name = column.name.text;
    if (name === '') {
      report('header-empty-column', Severity.Error, column.name.range, 'Empty column name in the header (a stray `|`?).');
      continue;
    }
    if (seen.has(name)) {
      report('header-duplicate-column', Severity.Error, column.name.range, `The column \`${name}\` appears twice in the header.`);
      continue;
    }
    seen.add(name);
    if (!isKnownColumn(name)) {
      const suggestion = nearestWord(name, KNOWN_COLUMNS);
      report(
        'header-unknown-column',
        Severity.Warning,
        column.name.range,
        `Unknown column \`${name}\`; it is ignored.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`,
        suggestion ? { suggestion } : undefined,
      );
    }
  }
};
