// Quoting for bash: user-written text inside generated scripts is always one single-quoted word.

/**
 * `value` as one bash word that expands to exactly `value`: wrapped in single quotes, each `'` written
 * as `'\''`. Nothing inside single quotes is special to bash (no `$`, backquote, `\` or newline
 * handling), so `$(touch pwned)`, `;rm -rf x` or a newline stay text. NUL cannot be passed to a
 * program at all, so it is refused.
 */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new RangeError('a NUL character cannot be passed to bash');
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** One line of a bash comment that cannot end the comment: control characters become `?`. */
export function commentSafe(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '?');
}
