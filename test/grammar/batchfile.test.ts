// Tokenizes batchfile lines with the real TextMate engine and checks the scopes themes colour.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve, dirname } from 'node:path';
import fc from 'fast-check';
import type { IGrammar } from 'vscode-textmate';
import {
  GRAMMAR_PATH,
  PACKAGE_JSON_PATH,
  SCOPE_NAME,
  compileRegex,
  describe as describeTokens,
  initialState,
  loadBatchfileGrammar,
  tokenAt,
  tokenizeDocument,
  tokenizeLine,
} from './tokenizer.js';
import type { TokenizedLine } from './tokenizer.js';

let grammar: IGrammar;

before(async () => {
  grammar = await loadBatchfileGrammar();
});

function line(text: string): TokenizedLine {
  return tokenizeLine(grammar, text);
}

/** Asserts that `text` (its nth occurrence) is exactly one token and that it carries `scope`. */
function assertScope(tokenized: TokenizedLine, text: string, scope: string, occurrence = 0): void {
  const token = tokenAt(tokenized, text, occurrence);
  assert.equal(token.text, text, `token at "${text}" is ${JSON.stringify(token.text)}:\n${describeTokens(tokenized)}`);
  assert.ok(
    token.scopes.includes(scope),
    `"${text}" lacks ${scope}; has [${token.scopes.join(' ')}] in ${JSON.stringify(tokenized.line)}`,
  );
}

/** Asserts that no token starting at `text` carries a scope beginning with `prefix`. */
function assertNoScope(tokenized: TokenizedLine, text: string, prefix: string, occurrence = 0): void {
  const token = tokenAt(tokenized, text, occurrence);
  const found = token.scopes.find((scope) => scope.startsWith(prefix));
  assert.equal(found, undefined, `"${text}" unexpectedly has ${found} in ${JSON.stringify(tokenized.line)}`);
}

function innermost(tokenized: TokenizedLine, text: string, occurrence = 0): string {
  const scopes = tokenAt(tokenized, text, occurrence).scopes;
  return scopes[scopes.length - 1] ?? '';
}

describe('grammar file and contribution', () => {
  it('is valid JSON with the right scope name, and every regex compiles in oniguruma', async () => {
    const raw: unknown = JSON.parse(await readFile(GRAMMAR_PATH, 'utf8'));
    assert.ok(typeof raw === 'object' && raw !== null);
    assert.equal((raw as { scopeName?: unknown }).scopeName, SCOPE_NAME);

    const regexes: string[] = [];
    const names: string[] = [];
    const includes: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'match' || key === 'begin' || key === 'end') && typeof value === 'string') regexes.push(value);
        else if (key === 'name' && typeof value === 'string') names.push(value);
        else if (key === 'include' && typeof value === 'string') includes.push(value);
        else walk(value);
      }
    };
    walk((raw as { patterns?: unknown }).patterns);
    walk((raw as { repository?: unknown }).repository);

    assert.ok(regexes.length > 10, `only ${regexes.length} regexes found`);
    for (const regex of regexes) {
      await assert.doesNotReject(compileRegex(regex), `regex does not compile: ${regex}`);
    }
    for (const name of names) assert.match(name, /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.batchfile$/, `scope ${name}`);
    const repository = (raw as { repository: Record<string, unknown> }).repository;
    for (const include of includes) {
      assert.ok(include.startsWith('#') && include.slice(1) in repository, `dangling include ${include}`);
    }
  });

  it('is contributed by package.json for the batchfile language', async () => {
    const pkg = JSON.parse(await readFile(PACKAGE_JSON_PATH, 'utf8')) as {
      contributes: { grammars: { language?: string; scopeName: string; path: string }[]; languages: { id: string }[] };
    };
    const grammars = pkg.contributes.grammars.filter((entry) => entry.scopeName === SCOPE_NAME);
    assert.equal(grammars.length, 1);
    const [entry] = grammars;
    assert.ok(entry);
    assert.equal(entry.language, 'batchfile');
    assert.equal(resolve(dirname(PACKAGE_JSON_PATH), entry.path), GRAMMAR_PATH);
    assert.ok(pkg.contributes.languages.some((language) => language.id === 'batchfile'));
  });
});

describe('root line', () => {
  it('scopes root_directory as a known key with its path', () => {
    const tokens = line('root_directory=/scratch/me/calcs');
    assertScope(tokens, 'root_directory', 'keyword.other.key.root-directory.batchfile');
    assertScope(tokens, '=', 'keyword.operator.assignment.batchfile');
    assertScope(tokens, '/scratch/me/calcs', 'string.unquoted.path.directory.batchfile');
  });

  it('scopes run_root_directory the same, and keeps = inside the value', () => {
    const tokens = line('run_root_directory=/data/a=b/c');
    assertScope(tokens, 'run_root_directory', 'keyword.other.key.root-directory.batchfile');
    assertScope(tokens, '=', 'keyword.operator.assignment.batchfile');
    assertScope(tokens, '/data/a=b/c', 'string.unquoted.path.directory.batchfile');
  });

  it('scopes an unknown key as a plain key, not as an error', () => {
    const tokens = line('root_dir=/scratch');
    assertScope(tokens, 'root_dir', 'variable.other.key.batchfile');
    assertScope(tokens, '/scratch', 'string.unquoted.value.batchfile');
    for (const token of tokens.tokens) {
      assert.ok(!token.scopes.some((scope) => scope.startsWith('invalid')), describeTokens(tokens));
      assert.ok(!token.scopes.some((scope) => scope.startsWith('keyword.other.key')), describeTokens(tokens));
    }
  });
});

describe('header line', () => {
  it('scopes known column names in the usual order', () => {
    const tokens = line('job_basename|job_directory|program|pipe');
    for (const column of ['job_basename', 'job_directory', 'program', 'pipe']) {
      assertScope(tokens, column, 'support.type.property-name.column.batchfile');
      assertScope(tokens, column, 'meta.header.batchfile');
    }
    assertScope(tokens, '|', 'punctuation.separator.cell.batchfile', 2);
  });

  it('recognises the header in any column order, with SLURM and unknown columns', () => {
    const tokens = line('job_directory|job_basename|pipe|program|cores|memory|walltime|partition|notes');
    for (const column of ['job_directory', 'job_basename', 'pipe', 'program', 'cores', 'memory', 'walltime', 'partition']) {
      assertScope(tokens, column, 'support.type.property-name.column.batchfile');
    }
    assertScope(tokens, 'notes', 'variable.other.column.batchfile');
    assertNoScope(tokens, 'notes', 'support.type.property-name');
  });

  it('does not take a column name that is only part of a word for a known column', () => {
    const tokens = line('job_basename|my_program|pipe_x');
    assertScope(tokens, 'my_program', 'variable.other.column.batchfile');
    assertScope(tokens, 'pipe_x', 'variable.other.column.batchfile');
  });

  it('does not take rows for headers', () => {
    for (const row of ['pipe|mol1/pipe|xtb|', 'program|program|shell|', 'memory|memory|xtb|coords{../a,b.xyz}']) {
      const tokens = line(row);
      assertNoScope(tokens, row.split('|')[0] ?? '', 'meta.header');
      assertScope(tokens, '|', 'meta.row.batchfile');
    }
  });
});

describe('comments', () => {
  it('scopes a line starting with #, after optional whitespace', () => {
    for (const text of ['# a comment', '   #indented|with|cells{a,b}', '\t# tab']) {
      const tokens = line(text);
      assertScope(tokens, '#', 'punctuation.definition.comment.batchfile');
      for (const token of tokens.tokens) {
        assert.ok(token.scopes.includes('comment.line.number-sign.batchfile'), describeTokens(tokens));
      }
    }
  });

  it('does not treat a # inside a row as a comment', () => {
    const tokens = line('opt#1|mol1/opt|xtb|');
    assertNoScope(tokens, 'opt#1', 'comment');
    assertScope(tokens, 'xtb', 'support.function.program.batchfile');
  });
});

describe('job rows', () => {
  it('scopes cell separators and a program that fills a cell, case-insensitively', () => {
    const tokens = line('opt|mol1/opt|XTB|');
    assertScope(tokens, '|', 'punctuation.separator.cell.batchfile', 0);
    assertScope(tokens, '|', 'punctuation.separator.cell.batchfile', 2);
    assertScope(tokens, 'XTB', 'support.function.program.batchfile');
    assertScope(tokens, 'opt', 'meta.row.batchfile');
    assertNoScope(tokens, 'mol1/opt', 'support');
  });

  it('knows every program and only as a whole cell', () => {
    for (const program of ['gaussian', 'Orca', 'CREST', 'xtb', 'pyAroma', 'shell']) {
      assertScope(line(`job|dir|${program}|`), program, 'support.function.program.batchfile');
    }
    const tokens = line('job|dir|xtb2|orca_opt');
    assertNoScope(tokens, 'xtb2', 'support.function.program');
    assertNoScope(tokens, 'orca_opt', 'support.function.program');
  });

  it('scopes a brace pipe command part by part', () => {
    const tokens = line('freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}');
    assertScope(tokens, 'coords', 'keyword.other.pipe.coords.batchfile');
    assertScope(tokens, 'coords', 'meta.pipe.command.batchfile');
    assertScope(tokens, '{', 'punctuation.definition.pipe.begin.batchfile');
    assertScope(tokens, '../opt', 'string.unquoted.path.directory.batchfile');
    assertScope(tokens, ',', 'punctuation.separator.pipe.batchfile');
    assertScope(tokens, 'xtbopt.xyz', 'string.unquoted.path.file.batchfile');
    assertScope(tokens, '}', 'punctuation.definition.pipe.end.batchfile');
  });

  it('scopes an angle pipe command and a second command after ;', () => {
    const tokens = line('sp|mol1/sp|orca|coords<../opt,xtbopt.xyz>;ORBITALS{../guess,guess.gbw}');
    assertScope(tokens, 'coords', 'keyword.other.pipe.coords.batchfile');
    assertScope(tokens, '<', 'punctuation.definition.pipe.begin.batchfile');
    assertScope(tokens, '>', 'punctuation.definition.pipe.end.batchfile');
    assertScope(tokens, ';', 'punctuation.separator.pipe-command.batchfile');
    assertScope(tokens, 'ORBITALS', 'keyword.other.pipe.orbitals.batchfile');
    assertScope(tokens, '../guess', 'string.unquoted.path.directory.batchfile');
    assertScope(tokens, 'guess.gbw', 'string.unquoted.path.file.batchfile');
    assertScope(tokens, '}', 'punctuation.definition.pipe.end.batchfile');
  });

  it('scopes an unknown pipe name as a function name and an empty FILE as nothing', () => {
    const tokens = line('a|b|xtb|hessian{../freq,}');
    assertScope(tokens, 'hessian', 'entity.name.function.pipe.batchfile');
    assertNoScope(tokens, 'hessian', 'keyword');
    assertScope(tokens, '../freq', 'string.unquoted.path.directory.batchfile');
    assertScope(tokens, ',', 'punctuation.separator.pipe.batchfile');
    assertScope(tokens, '}', 'punctuation.definition.pipe.end.batchfile');
  });

  it('does not take a name ending in coords for the coords keyword', () => {
    const tokens = line('a|b|xtb|mycoords{../a,b.xyz}');
    assertScope(tokens, 'mycoords', 'entity.name.function.pipe.batchfile');
  });

  it('scopes numbers in SLURM cells', () => {
    const tokens = line('opt|mol1|orca||8|16GB|1-02:00:00|short');
    assertScope(tokens, '8', 'constant.numeric.batchfile');
    assertScope(tokens, '16', 'constant.numeric.batchfile');
    assertScope(tokens, 'GB', 'keyword.other.unit.batchfile');
    assertScope(tokens, '1-02:00:00', 'constant.numeric.time.batchfile');
    assertNoScope(tokens, 'short', 'constant');
    assertNoScope(line('job1|mol1/opt|xtb|'), 'job1', 'constant');
  });
});

describe('mistakes stay on their line', () => {
  const document = [
    'root_directory=/scratch/me/calcs',
    'job_basename|job_directory|program|pipe',
    'broken|mol1/b|xtb|coords{../opt,xtbopt.xyz',
    'after|mol1/after|orca|coords<../opt,xtbopt.xyz>',
    'mixed|mol1/m|xtb|coords<../opt,xtbopt.xyz}',
    'open|mol1/o|xtb|coords{',
    '# still a comment',
    'sp|mol1/sp|orca|orbitals{../guess,guess.gbw}',
  ];

  it('scopes what an unclosed pipe has, and the next line as if the mistake were not there', () => {
    const { lines } = tokenizeDocument(grammar, document);
    const [, , broken, after, mixed, open, comment, sp] = lines;
    assert.ok(broken && after && mixed && open && comment && sp);

    assertScope(broken, 'coords', 'keyword.other.pipe.coords.batchfile');
    assertScope(broken, '{', 'punctuation.definition.pipe.begin.batchfile');
    assertScope(broken, '../opt', 'string.unquoted.path.directory.batchfile');

    assertScope(after, 'after', 'meta.row.batchfile');
    assertNoScope(after, 'after', 'string');
    assertScope(after, 'orca', 'support.function.program.batchfile');
    assertScope(after, '>', 'punctuation.definition.pipe.end.batchfile');
    assertScope(after, '>', 'meta.pipe.command.batchfile');

    // A closing bracket of the other style does not close the command.
    assertNoScope(mixed, '}', 'punctuation.definition.pipe.end');

    assertScope(comment, '#', 'punctuation.definition.comment.batchfile');
    assertScope(sp, 'orbitals', 'keyword.other.pipe.orbitals.batchfile');
    assertScope(sp, '}', 'punctuation.definition.pipe.end.batchfile');
  });

  it('leaves the root state after every line', () => {
    const { states } = tokenizeDocument(grammar, document);
    for (const [index, state] of states.entries()) {
      assert.equal(state.depth, initialState.depth, `state after line ${index + 1} is pushed: ${document[index]}`);
    }
  });

  it('tokenizes any document line by line exactly as each line alone (property)', () => {
    const piece = fc.constantFrom(
      '|', '|', '{', '}', '<', '>', ',', ';', '#', '=', ' ', '/', '..', 'coords', 'orbitals', 'xtb', 'orca',
      'root_directory', 'job_basename', 'pipe', 'opt', 'a.xyz', '12', '1-02:00', 'GB',
    );
    const lineArb = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 8 }), (lines) => {
        const { lines: inOrder, states } = tokenizeDocument(grammar, lines);
        lines.forEach((text, index) => {
          assert.deepEqual(inOrder[index], tokenizeLine(grammar, text));
          assert.equal(states[index]?.depth, initialState.depth);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('a whole example batchfile', () => {
  it('scopes each kind of line', () => {
    const { lines } = tokenizeDocument(grammar, [
      'root_directory=/scratch/me/calcs',
      'job_basename|job_directory|program|pipe',
      'opt|mol1/opt|xtb|',
      'freq|mol1/freq|xtb|coords{../opt,xtbopt.xyz}',
      'sp|mol1/sp|orca|coords<../opt,xtbopt.xyz>;orbitals{../guess,guess.gbw}',
      '# a comment',
      '',
    ]);
    const kinds = lines.map((tokenized) => (tokenized.tokens[0]?.scopes[1] ?? '').replace(/\.batchfile$/, ''));
    assert.deepEqual(kinds, [
      'meta.assignment.root-directory',
      'meta.header',
      'meta.row',
      'meta.row',
      'meta.row',
      'comment.line.number-sign',
      '',
    ]);
    const sp = lines[4];
    assert.ok(sp);
    assert.equal(innermost(sp, 'orbitals'), 'keyword.other.pipe.orbitals.batchfile');
    assert.equal(innermost(sp, 'xtbopt.xyz'), 'string.unquoted.path.file.batchfile');
  });
});
