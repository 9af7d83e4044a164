// Reads the newest batch record of a batchfile (`.batchman/batches/*.json` under the root), if any.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function latestBatchRecord(rootPath: string, batchfilePath: string): Promise<Record<string, unknown> | null> {
  const dir = join(rootPath, '.batchman', 'batches');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch {
    return null;
  }
  // Names start with the launch time in ms, so the last one that names this batchfile is the newest.
  for (const name of names.reverse()) {
    try {
      const record = JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;
      if (record.batchfile === undefined || record.batchfile === batchfilePath) return record;
    } catch {
      // a record being written or damaged: skip it, an older one may do
    }
  }
  return null;
}
