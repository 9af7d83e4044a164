// The input a job's own submit script gives its program (`crest h2o2.xyz …`), so validation checks that file.
import type { ProgramId } from '../programs/catalog.js';

/** The file a script's program line names, and whether it can be found without running the shell. */
export interface ScriptInput {
  readonly file: string;
  /** False when the name depends on the shell (`$VAR`, `~`, globs): it is trusted, not checked. */
  readonly checkable: boolean;
}

/**
 * How each program is invoked in scripts: the executable's file name, and for Gaussian the `< input` form.
 * CCBatchMan writes `PATH/crest FILE.xyz > NAME.out --gfn2 …`, `xtb FILE.xyz > NAME.out --gfn 2 --opt`,
 * `orca NAME.inp > NAME.out`, `g16 < NAME.gjf > NAME.log` and `python3 DRIVER.py FILE.xyz -o NAME.xyz …` (pyAroma).
 */
const EXECUTABLES: Readonly<Partial<Record<ProgramId, RegExp>>> = {
  crest: /^crest$/,
  xtb: /^xtb$/,
  orca: /^orca$/,
  gaussian: /^g(?:16|09|03|98)$/,
  pyaroma: /^python(?:\d+(?:\.\d+)?)?$/,
};

const COMMAND_BREAKS = new Set(['|', '||', '&&', ';', '&']);
/** Redirections whose target is the next word; `<` is Gaussian's input. */
const REDIRECTIONS = /^(?:\d*>>?|&>>?|>&|\d*<)$/;
const ATTACHED_REDIRECTION = /^(?:\d*>>?|&>>?|\d*>&)\S/;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
const SHELL_EXPANSION = /[$~*?`[]/;

/** Whether a script can name another input for this program (a shell job's script is its input). */
export function scriptMayNameInput(program: ProgramId): boolean {
  return EXECUTABLES[program] !== undefined;
}

/** Only the head of a script is read; program lines come after a few dozen lines of `#SBATCH` and setup. */
export const SCRIPT_HEAD_BYTES = 64 * 1024;

/**
 * The input the script's first line running `program` names, if any. A word counts as a file when it has a `.`, a
 * `/` or a shell expansion in it and is not a number (`--gfn 2`, `--alpb water` are options, not inputs).
 */
export function scriptInput(script: string, program: ProgramId): ScriptInput | undefined {
  const executable = EXECUTABLES[program];
  if (!executable) return undefined;
  for (const line of script.split(/\r\n|\r|\n/)) {
    const words = shellWords(line);
    const at = words.findIndex((word) => executable.test(baseName(word)));
    if (at === -1) continue;
    const file = inputAfter(words, at + 1, program);
    if (file !== undefined) return { file, checkable: !SHELL_EXPANSION.test(file) };
  }
  return undefined;
}

function inputAfter(words: readonly string[], from: number, program: ProgramId): string | undefined {
  for (let i = from; i < words.length; i++) {
    const word = words[i]!;
    if (COMMAND_BREAKS.has(word)) return undefined;
    if (REDIRECTIONS.test(word)) {
      const target = words[++i];
      if (word.endsWith('<') && program === 'gaussian' && target !== undefined) return target;
      continue;
    }
    if (word.startsWith('<')) {
      if (program === 'gaussian') return word.slice(1);
      continue;
    }
    if (ATTACHED_REDIRECTION.test(word) || word.startsWith('-')) continue;
    if (!NUMBER.test(word) && /[./$~]/.test(word)) return word;
  }
  return undefined;
}

/** Words of one shell line: comments dropped, simple quotes and backslashes undone; enough for program lines. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (char === '#' && !inWord) {
      break;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}
