// Test hook: BATCHMAN_TEST_CRASH_BEFORE_WRAPPER=N makes the local executor's Nth submission die like `kill -9`
// right after it published the job's spec and before it started the job's wrapper: the window a reader must
// then close by starting the job itself. Unset (always, outside the tests of that window) it changes nothing.

export const CRASH_BEFORE_WRAPPER_ENV = 'BATCHMAN_TEST_CRASH_BEFORE_WRAPPER';

/** Read once (per scheduler); returns what submit() calls between publishing and starting, or undefined. */
export function crashBeforeWrapperHook(env: NodeJS.ProcessEnv = process.env): (() => void) | undefined {
  const crashAt = Number(env[CRASH_BEFORE_WRAPPER_ENV]);
  if (!Number.isInteger(crashAt) || crashAt < 1) return undefined;
  let published = 0;
  return () => {
    if (++published === crashAt) process.kill(process.pid, 'SIGKILL');
  };
}
