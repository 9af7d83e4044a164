// Which batches a workspace holds: batchfiles by the language's name patterns or first line, the batchfiles beside
// ledgers, and the batchfiles batch records name. The client finds the candidate files (VS Code's file search);
// this decides what they mean, reading as little as it can.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_LEDGER_NAME } from '../ledger/ledger.js';

/** The language's file name patterns (package.json `filenamePatterns`), as globs for a workspace search. */
export const BATCHFILE_GLOBS: readonly string[] = ['**/batchfile*.csv', '**/*.batchfile'];
/** Where batch records live below a root. */
export const RECORD_GLOB = '**/.batchman/batches/*.json';

/** The language's `firstLine` rule (a UTF-8 byte order mark is ignored, as editors do). */
const FIRST_LINE = /^\uFEFF?(?:root_directory|run_root_directory)=/;

export function isBatchfileName(name: string): boolean {
  const base = basename(name);
  return (/^batchfile.*\.csv$/.test(base)) || (base.endsWith('.batchfile') && base.length > '.batchfile'.length);
}

export function looksLikeBatchfile(firstLine: string): boolean {
  return FIRST_LINE.test(firstLine);
}

/** How a batch was found (a batch found several ways lists each). */
export type FoundBy = 'name' | 'firstLine' | 'ledger' | 'record' | 'open';

export interface DiscoveredBatch {
  /** Absolute, with symlinks resolved when the file exists. */
  batchfilePath: string;
  ledgerPath: string;
  foundBy: FoundBy[];
}

export interface DiscoveryCandidates {
  /** Files matching BATCHFILE_GLOBS. */
  named?: readonly string[];
  /** Ledger files (the configured ledger name) found anywhere. */
  ledgers?: readonly string[];
  /** Batch record files (RECORD_GLOB). */
  records?: readonly string[];
  /** Files open in the batchfile language (their first line already said so). */
  open?: readonly string[];
}

/** The file access discovery needs; the default reads the real disk. */
export interface DiscoveryFs {
  /** The first line of a file, or undefined when it cannot be read. */
  firstLine(path: string): Promise<string | undefined>;
  /** Names in a folder ([] when it cannot be read). */
  list(dir: string): Promise<string[]>;
  /** The `batchfile` a record names, or undefined. */
  recordBatchfile(path: string): Promise<string | undefined>;
  isFile(path: string): Promise<boolean>;
  /** The real path (symlinks resolved), or the path itself when it does not exist. */
  canonical(path: string): Promise<string>;
}

export interface DiscoveryOptions {
  ledgerName?: string;
  fs?: DiscoveryFs;
  /** Most files of a ledger's folder whose first line is read (default 200). */
  maxSiblings?: number;
}

/** Batches among the candidates, one per batchfile, sorted by path. Never throws: unreadable files are skipped. */
export async function discoverBatches(candidates: DiscoveryCandidates, options: DiscoveryOptions = {}): Promise<DiscoveredBatch[]> {
  const fs = options.fs ?? nodeDiscoveryFs;
  const ledgerName = options.ledgerName ?? DEFAULT_LEDGER_NAME;
  const maxSiblings = options.maxSiblings ?? 200;
  const found = new Map<string, DiscoveredBatch>();
  const add = async (path: string, by: FoundBy): Promise<void> => {
    const canonical = await fs.canonical(resolve(path));
    const entry = found.get(canonical);
    if (entry) {
      if (!entry.foundBy.includes(by)) entry.foundBy.push(by);
      return;
    }
    found.set(canonical, { batchfilePath: canonical, ledgerPath: join(dirname(canonical), ledgerName), foundBy: [by] });
  };

  for (const path of candidates.named ?? []) if (isBatchfileName(path) && (await fs.isFile(path))) await add(path, 'name');
  for (const path of candidates.open ?? []) if (await fs.isFile(path)) await add(path, 'open');

  for (const record of candidates.records ?? []) {
    const batchfile = await fs.recordBatchfile(record);
    if (batchfile !== undefined && (await fs.isFile(batchfile))) await add(batchfile, 'record');
  }

  // A ledger's batchfile is beside it (ledgerPathFor), under any name: look at the folder's files' first lines.
  for (const ledger of candidates.ledgers ?? []) {
    const dir = dirname(resolve(ledger));
    const names = (await fs.list(dir)).filter((name) => name !== ledgerName && !name.startsWith('.') && !/\.(json|lock|log|out|xyz|gbw|sh)$/i.test(name));
    for (const name of names.slice(0, maxSiblings)) {
      const path = join(dir, name);
      if (isBatchfileName(name)) {
        if (await fs.isFile(path)) await add(path, 'ledger');
        continue;
      }
      const line = await fs.firstLine(path);
      if (line !== undefined && looksLikeBatchfile(line)) await add(path, 'ledger');
    }
  }
  return [...found.values()].sort((a, b) => (a.batchfilePath < b.batchfilePath ? -1 : a.batchfilePath > b.batchfilePath ? 1 : 0));
}

/** Reads at most this much of a file to find its first line. */
const FIRST_LINE_BYTES = 512;

export const nodeDiscoveryFs: DiscoveryFs = {
  async firstLine(path) {
    let handle;
    try {
      handle = await open(path, 'r');
      const buffer = Buffer.alloc(FIRST_LINE_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, FIRST_LINE_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString('utf8').split(/\r\n|\r|\n/, 1)[0] ?? '';
    } catch {
      return undefined;
    } finally {
      await handle?.close();
    }
  },
  async list(dir) {
    try {
      return await readdir(dir);
    } catch {
      return [];
    }
  },
  async recordBatchfile(path) {
    try {
      const record = JSON.parse(await readFile(path, 'utf8')) as { batchfile?: unknown };
      return typeof record.batchfile === 'string' && record.batchfile !== '' ? record.batchfile : undefined;
    } catch {
      return undefined;
    }
  },
  async isFile(path) {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
  async canonical(path) {
    try {
      return await realpath(path);
    } catch {
      return path;
    }
  },
};
