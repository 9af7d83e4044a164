// The one way the server runs a handler: a failure is logged and answered, a cancelled request is answered as
// cancelled, and nothing thrown or rejected escapes to the connection or the process.
import type { CancellationToken } from 'vscode-languageserver';
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';

export interface GuardLog {
  error(message: string): void;
}

/**
 * What a failed request answers: a neutral result (no hover, no items), or an InternalError with the data the
 * protocol defines for the request (initialize's `{ retry }`) where an answer without a result would be a lie.
 */
export type FailureAnswer<R, E> = { readonly neutral: R } | { readonly errorData: E };

export type GuardedRequest<P, R, E> = (params: P, token: CancellationToken) => Promise<R | ResponseError<E>>;

export interface Guard {
  /**
   * A request handler. A request cancelled before it runs, or while it ran, is answered with RequestCancelled (what
   * LSP asks for); one that throws or rejects is logged and answered with `onFailure`.
   */
  request<P, R, E = void>(
    method: string,
    onFailure: FailureAnswer<R, E>,
    handler: (params: P, token: CancellationToken) => R | Promise<R>,
  ): GuardedRequest<P, R, E>;
  /** A notification or event handler: a failure is logged. */
  notification<P>(name: string, handler: (params: P) => void | Promise<void>): (params: P) => void;
  /** Starts work nobody awaits (a publication): a failure is logged instead of becoming an unhandled rejection. */
  run(name: string, work: () => Promise<void>): void;
}

export function createGuard(log: GuardLog): Guard {
  const report = (name: string, error: unknown): void => {
    // Logging must not be what fails next: a broken log leaves nothing to report to.
    try {
      log.error(`${name} failed: ${describeError(error)}`);
    } catch {
      // Nothing left to tell.
    }
  };
  return {
    request: <P, R, E>(method: string, onFailure: FailureAnswer<R, E>, handler: (params: P, token: CancellationToken) => R | Promise<R>) => async (params: P, token: CancellationToken) => {
      const cancelled = (): ResponseError<E> => new ResponseError<E>(LSPErrorCodes.RequestCancelled, `${method} was cancelled`);
      if (token.isCancellationRequested) return cancelled();
      try {
        const result = await handler(params, token);
        // An answer computed for a request the client gave up on is stale: say so rather than send it.
        return token.isCancellationRequested ? cancelled() : result;
      } catch (error) {
        report(method, error);
        if (token.isCancellationRequested) return cancelled();
        return 'neutral' in onFailure ? onFailure.neutral : new ResponseError<E>(ErrorCodes.InternalError, `${method} failed: ${messageOf(error)}`, onFailure.errorData);
      }
    },
    notification: (name, handler) => (params) => {
      try {
        const done = handler(params);
        if (done) done.catch((error: unknown) => report(name, error));
      } catch (error) {
        report(name, error);
      }
    },
    run: (name, work) => {
      try {
        work().catch((error: unknown) => report(name, error));
      } catch (error) {
        report(name, error);
      }
    },
  };
}

/** The stack when there is one (where it failed is what a bug report needs), else the message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
