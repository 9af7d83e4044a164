// Last line of defence of the server process: an error nothing caught is logged and the server keeps serving, since
// Node would otherwise end the process (and every open editor's diagnostics with it) for one failure.
import { describeError } from './guard.js';

/** The part of `process` the guards attach to (an EventEmitter in tests). */
export interface ProcessEvents {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
}

export function installProcessGuards(target: ProcessEvents, log: (message: string) => void): void {
  const report = (what: string, error: unknown): void => {
    // A throw from here would end the process after all.
    try {
      log(`${what} (the server keeps serving): ${describeError(error)}`);
    } catch {
      // Nothing left to tell.
    }
  };
  target.on('unhandledRejection', (reason) => report('unhandled rejection', reason));
  target.on('uncaughtException', (error) => report('uncaught exception', error));
}
