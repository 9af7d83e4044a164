// A watchdog thread for synchronous fuzzing: if one case runs too long (a hang), it prints the case and kills the process.
import { Worker } from 'node:worker_threads';

/** Plain JavaScript run in the worker, so it needs no TypeScript loader. */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { beat, text, limitMs } = workerData;
const clock = new Float64Array(beat);
const length = new Int32Array(beat, 8, 1);
const chars = new Uint16Array(text);
setInterval(() => {
  const started = clock[0];
  if (started === 0 || Date.now() - started < limitMs) return;
  const shown = String.fromCharCode(...chars.subarray(0, Math.min(length[0], chars.length)));
  writeSync(2, '\\nfuzz watchdog: one case ran over ' + limitMs + ' ms (a hang?). Input:\\n' + JSON.stringify(shown) + '\\n');
  process.kill(process.pid, 'SIGKILL');
}, 100);
`;

export interface Watchdog {
  /** Call before each case: restarts the clock and records the input to show if it hangs. */
  enter(input: string): void;
  /** Call after each case. */
  leave(): void;
  stop(): Promise<void>;
}

export function startWatchdog(limitMs: number, maxShownChars = 4096): Watchdog {
  const beat = new SharedArrayBuffer(16);
  const text = new SharedArrayBuffer(maxShownChars * 2);
  const clock = new Float64Array(beat, 0, 1);
  const length = new Int32Array(beat, 8, 1);
  const chars = new Uint16Array(text);
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { beat, text, limitMs } });
  worker.unref();
  return {
    enter(input) {
      const shown = Math.min(input.length, chars.length);
      for (let i = 0; i < shown; i++) chars[i] = input.charCodeAt(i);
      length[0] = input.length;
      clock[0] = Date.now();
    },
    leave() {
      clock[0] = 0;
    },
    async stop() {
      await worker.terminate();
    },
  };
}
