// The registry of the programs a batchfile may name: one module each, one line each here.
import { crest } from './crest.js';
import { gaussian } from './gaussian.js';
import { orca } from './orca.js';
import type { Program, ProgramId } from './program.js';
import { PROGRAM_IDS } from './program.js';
import { pyaroma } from './pyaroma.js';
import { shell } from './shell.js';
import { xtb } from './xtb.js';

export { PROGRAM_IDS } from './program.js';
export type { Program, ProgramId, ProgramInfo } from './program.js';

/** Every program by its id; the mapped type makes a missing program, or one filed under another id, a compile error. */
export const PROGRAMS: { readonly [Id in ProgramId]: Program<Id> } = {
  gaussian,
  orca,
  crest,
  xtb,
  pyaroma,
  shell,
};

/** Program names are case-insensitive in batchfiles. */
export function programById(name: string): Program | undefined {
  const id = name.trim().toLowerCase();
  return (PROGRAM_IDS as readonly string[]).includes(id) ? PROGRAMS[id as ProgramId] : undefined;
}
