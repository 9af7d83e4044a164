// Temporary folders for tests, removed when the test, suite or file that made them ends, pass or fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** What runs a callback when it ends: a test's context `t`. */
export interface EndsWith {
  after(fn: () => unknown): void;
}

/**
 * Removes a temp folder and everything in it. Retries: a process the test started may still be writing
 * there as it exits, which makes a single pass fail with ENOTEMPTY.
 */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}

/** A fresh folder in the OS temp dir, removed when the test whose context is `t` ends. */
export function tempDir(t: EndsWith, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => removeTempDir(dir));
  return dir;
}

/**
 * For folders made in `before` hooks or in helpers that have no test context: call it at a file's top
 * level or in a `describe` body; every folder the returned function makes is removed when that file or
 * suite ends. (A suite's context has no `after`, and node:test's `after` called inside a `before` hook
 * fires as soon as that hook ends.) Suite `after` hooks run in the order they were registered: call this
 * after registering any hook that must stop processes still using the folders.
 */
export function tempDirs(): (prefix: string) => string {
  const made: string[] = [];
  after(() => {
    const failures: unknown[] = [];
    for (const dir of made.splice(0)) {
      try {
        removeTempDir(dir);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  });
  return (prefix) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
