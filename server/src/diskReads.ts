// What one document's rules asked of the disk, recorded while they ran, and whether a file event touches it: the server
// revalidates only the documents whose answers a change may have altered.
import { posix } from 'node:path';
import type { DiskChange, DiskView } from '../../core/batchfile/index.js';

export class DiskReads {
  /** Paths whose kind (file, folder, nothing) a rule asked. */
  readonly kinds = new Set<string>();
  /** Folders a rule listed. */
  readonly listings = new Set<string>();
  /** Files whose first bytes a rule read. */
  readonly heads = new Set<string>();
  private foldersAboveCache: Set<string> | undefined;

  /**
   * Whether `change` may alter an answer: a content change only matters to a file whose head was read; a created or
   * deleted path matters when it was asked about, listed, sits in a listed folder, or holds something asked about
   * (`rm -r mol` is one event for every job folder under `mol`).
   */
  touchedBy(change: DiskChange): boolean {
    const { path } = change;
    if (this.heads.has(path)) return true;
    if (change.type === 'changed') return false;
    return this.kinds.has(path) || this.listings.has(path) || this.listings.has(posix.dirname(path)) || this.foldersAbove().has(path);
  }

  /** Every path read, whatever was asked of it. */
  *paths(): IterableIterator<string> {
    yield* this.kinds;
    yield* this.listings;
    yield* this.heads;
  }

  /** Built on the first created or deleted path: most documents never see one between two validations. */
  private foldersAbove(): ReadonlySet<string> {
    if (this.foldersAboveCache) return this.foldersAboveCache;
    const folders = new Set<string>();
    for (const path of this.paths()) {
      for (let folder = posix.dirname(path); !folders.has(folder); folder = posix.dirname(folder)) {
        folders.add(folder);
        if (folder === posix.dirname(folder)) break;
      }
    }
    this.foldersAboveCache = folders;
    return folders;
  }
}

/** `disk` with every question written into `reads`; a disk that cannot read heads gives a view that cannot either. */
export function recordingDisk(disk: DiskView, reads: DiskReads): DiskView {
  const view: DiskView = {
    kind: (path) => {
      reads.kinds.add(path);
      return disk.kind(path);
    },
    list: (path) => {
      reads.listings.add(path);
      return disk.list(path);
    },
  };
  if (!disk.readHead) return view;
  const readHead = disk.readHead.bind(disk);
  return {
    ...view,
    readHead: (path, maxBytes) => {
      reads.heads.add(path);
      return readHead(path, maxBytes);
    },
  };
}
