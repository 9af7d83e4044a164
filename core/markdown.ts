// Markdown built from the user's values (job names, folders, messages): every value escaped so it shows as written.
// Hovers and tooltips are Markdown; a job named `<img src=x onerror=alert(1)>` or `[x](y)` must read as its name.

/** Escapes text so CommonMark shows it verbatim: ASCII punctuation backslash-escaped, lines joined. */
export function escapeMarkdown(text: string): string {
  // CommonMark lets any ASCII punctuation be escaped; escaping it leaves no construct to open (emphasis, links, HTML,
  // entities, code spans, VS Code's `$(icon)`; `/` and `.` break autolinks), and a line break could start a heading
  // or a list. `:` alone opens nothing, so `squeue failed: exit 1` stays readable in the raw text.
  return text.replace(/[!-/;-@[-`{-~]/g, '\\$&').replace(/\r\n|\r|\n/g, ' ');
}

/** A value as inline code (paths): a fence longer than any backtick run inside, so the value cannot close it. */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  if (flat === '') return '';
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // a code span strips one space from each end when both are there, so a value starting or ending with ` is padded
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A Markdown template whose interpolated values are escaped: md`**${name}** failed`. */
export function md(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += escapeMarkdown(String(values[i])) + strings[i + 1]!;
  return out;
}

/**
 * A notification's text with its links disarmed. VS Code's notifications are plain text except for links
 * (`[label](command:…)`, `https:`, `file:`), which a job or batch name could spell; a zero-width space between `]` and
 * `(` keeps the text as written and makes it no link.
 */
export function notificationText(text: string): string {
  return text.replace(/\]\(/g, ']\u200b(');
}

/** Text for a place that draws `$(name)` as an icon (the status bar, quick picks): a backslash keeps it as written. */
export function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
