// The one way the views write a time: `YYYY-MM-DD HH:MM:SS` in local time, in the tree's tooltips and on the dashboard
// alike (the ledger and records keep ISO 8601 UTC). DOM- and Node-free: the dashboard page uses it too.

/** `YYYY-MM-DD HH:MM:SS` in local time; '' when missing or unreadable. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  const date = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
