// The dashboard's virtualised row lists (the run table, the timeline) alike: which rows a scroll position shows, and
// where a key moves the selection (arrows, Page Up/Down, Home/End, clamped to the list).

/** The rows to have in the DOM: those in view plus `overscan` either side, so a fast scroll shows no blank band. */
export function visibleRows(count: number, top: number, viewHeight: number, rowHeight: number, overscan: number): { first: number; needed: number } {
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + viewHeight) / rowHeight) + overscan);
  return { first, needed: Math.max(0, last - first) };
}

/** The new position for `key`, or undefined when the key is not a list movement. `current` is -1 for none. */
export function listKeyTarget(key: string, current: number, count: number, page: number): number | undefined {
  let next: number;
  switch (key) {
    case 'ArrowDown':
      next = current + 1;
      break;
    case 'ArrowUp':
      next = current < 0 ? 0 : current - 1;
      break;
    case 'PageDown':
      next = current + page;
      break;
    case 'PageUp':
      next = current - page;
      break;
    case 'Home':
      next = 0;
      break;
    case 'End':
      next = count - 1;
      break;
    default:
      return undefined;
  }
  return Math.min(count - 1, Math.max(0, next));
}
