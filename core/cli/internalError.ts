// How the CLI says a failure nobody planned for: one line, never a stack trace (unless a developer asks).
/**
 * What a user sees of a failure nobody planned for: one line with the message. The stack is for developers, printed
 * only when BATCHMAN_DEBUG is set.
 */
export function internalError(command: string, error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
  const stack = env.BATCHMAN_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `batchman ${command}: internal error: ${firstLine}${stack}`;
}
