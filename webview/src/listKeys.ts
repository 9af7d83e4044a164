// Where a key moves the selection in a list of rows (the run table, the timeline): arrows, Page Up/Down, Home/End,
// clamped to the list. One rule, so every list in the dashboard moves alike.

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
