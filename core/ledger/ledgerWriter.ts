// The runner's ledger writer: the ledger's text kept as one rendered line per row, so a pass renders again only the
// rows it may have changed, and writes the file (atomically) only when its text changed or someone else wrote it.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { writeFileAtomic, writeFileAtomicIfChanged } from '../fsAtomic.js';
import { ledgerHeaderLine, ledgerRowLine, writtenExtraColumns } from './ledger.js';
import type { Ledger, LedgerRow } from './ledger.js';

export class LedgerWriter {
  private header = '';
  private extraColumns: string[] = [];
  private lines: string[] = [];
  /** The rows the lines were rendered from, in the ledger's order, and where each stands. */
  private renderedRows: LedgerRow[] = [];
  private readonly lineOf = new Map<LedgerRow, number>();
  private text: string | undefined;
  /** What this writer last wrote, and the file's identity right after: a file changed since is written again. */
  private written: { text: string; stamp: string } | undefined;

  constructor(
    private readonly path: string,
    private readonly ledger: Ledger,
  ) {
    this.renderAll();
  }

  /** Renders these rows again (the ones a pass may have changed); every other row keeps its line. */
  update(rows: Iterable<LedgerRow>): void {
    if (!this.sameShape()) return this.renderAll();
    for (const row of rows) {
      const index = this.lineOf.get(row);
      if (index === undefined) return this.renderAll();
      const line = ledgerRowLine(row, this.extraColumns);
      if (line === this.lines[index]) continue;
      this.lines[index] = line;
      this.text = undefined;
    }
  }

  /** The ledger's text as serializeLedger writes it. */
  serialized(): string {
    if (!this.sameShape()) this.renderAll();
    this.text ??= this.header + this.lines.join('');
    return this.text;
  }

  /** Writes the file atomically unless it already holds this text; true when it wrote. */
  async write(): Promise<boolean> {
    const text = this.serialized();
    const now = await stat(this.path).catch(() => undefined);
    if (this.written !== undefined && now !== undefined && stampOf(now) === this.written.stamp && this.written.text === text) return false;
    // Not written by this writer yet, or written by someone else since: the file decides whether it differs.
    const wrote = this.written === undefined || now === undefined || stampOf(now) !== this.written.stamp ? await writeFileAtomicIfChanged(this.path, text) : (await writeFileAtomic(this.path, text), true);
    const after = await stat(this.path).catch(() => undefined);
    this.written = after === undefined ? undefined : { text, stamp: stampOf(after) };
    return wrote;
  }

  /** The ledger still has the rows and columns the lines were rendered for. */
  private sameShape(): boolean {
    const rows = this.ledger.rows;
    if (rows.length !== this.renderedRows.length || writtenExtraColumns(this.ledger).join('\n') !== this.extraColumns.join('\n')) return false;
    // the same rows at both ends: a replaced or reordered ledger renders afresh
    return rows.length === 0 || (rows[0] === this.renderedRows[0] && rows.at(-1) === this.renderedRows.at(-1));
  }

  private renderAll(): void {
    this.extraColumns = writtenExtraColumns(this.ledger);
    this.header = ledgerHeaderLine(this.extraColumns);
    this.renderedRows = [...this.ledger.rows];
    this.lines = this.renderedRows.map((row) => ledgerRowLine(row, this.extraColumns));
    this.lineOf.clear();
    this.renderedRows.forEach((row, index) => this.lineOf.set(row, index));
    this.text = undefined;
  }
}

function stampOf(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
