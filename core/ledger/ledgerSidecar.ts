// Where a ledger's own files live: `<root>/.batchman/<prefix>-<hash>.<ext>`, the hash of the ledger's path keeping two
// ledgers of one root apart.
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

export function ledgerSidecarPath(rootPath: string, ledgerPath: string, prefix: string, extension: string): string {
  const hash = createHash('sha256').update(resolve(ledgerPath)).digest('hex').slice(0, 10);
  return join(resolve(rootPath), '.batchman', `${prefix}-${hash}.${extension}`);
}
