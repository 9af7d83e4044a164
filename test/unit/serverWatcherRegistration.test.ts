// The server's file-watcher registration: registered only when the set changes, the newest set wins, the old
// registration goes after the new one is in place, and a client that refuses is told once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FileSystemWatcher } from 'vscode-languageserver';
import { WatcherRegistration } from '../../server/src/watcherRegistration.js';

const watching = (pattern: string): FileSystemWatcher[] => [{ globPattern: pattern, kind: 5 }];

function fakeClient(refuse = false): { registration: WatcherRegistration; log: string[] } {
  const log: string[] = [];
  let next = 0;
  const registration = new WatcherRegistration({
    register: async (watchers) => {
      if (refuse) throw new Error('registrations are not supported');
      const id = ++next;
      log.push(`register ${id} ${watchers.map((w) => String(w.globPattern)).join(',')}`);
      return { dispose: () => log.push(`unregister ${id}`) };
    },
    warn: (message) => log.push(`warn ${message}`),
  });
  return { registration, log };
}

describe('WatcherRegistration', () => {
  it('registers a changed set before taking the old one back, and nothing for an unchanged one', async () => {
    const { registration, log } = fakeClient();
    registration.update(watching('/a/**'));
    registration.update(watching('/a/**'));
    await registration.settled();
    registration.update(watching('/b/**'));
    await registration.settled();
    registration.update([]);
    await registration.settled();
    assert.deepEqual(log, ['register 1 /a/**', 'register 2 /b/**', 'unregister 1', 'unregister 2']);
  });

  it('only the newest of updates asked for in a row reaches the client', async () => {
    const { registration, log } = fakeClient();
    registration.update(watching('/a/**'));
    registration.update(watching('/b/**'));
    registration.update(watching('/c/**'));
    await registration.settled();
    assert.deepEqual(log, ['register 1 /c/**']);
  });

  it('a client that refuses is warned about once, and not asked again', async () => {
    const { registration, log } = fakeClient(true);
    registration.update(watching('/a/**'));
    await registration.settled();
    registration.update(watching('/b/**'));
    await registration.settled();
    assert.equal(log.length, 1);
    assert.match(log[0]!, /^warn could not register file watchers/);
  });
});
