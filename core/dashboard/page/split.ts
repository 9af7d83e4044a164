// The job detail pane's share of the dashboard's body (the splitter's value): its default, its bounds in pixels and the
// keyboard's steps. Pure and DOM-free, so the page and the unit tests share it.

/** The detail pane takes this much of the height below the header until the reader drags the splitter. */
export const DEFAULT_DETAIL_SHARE = 0.45;
/** Neither pane shrinks below these (px): the detail keeps its title and buttons, the table a few rows. */
export const MIN_DETAIL_PX = 120;
export const MIN_REST_PX = 160;
/** Arrow keys move the splitter by this share; Page Up/Down by the larger one. */
export const KEY_STEP = 0.05;
export const PAGE_STEP = 0.2;

/** The share the detail can take of `total` px: [min, max], both in 0…1 (min = max when the body is too small for both). */
export function shareBounds(total: number): { min: number; max: number } {
  if (!(total > 0)) return { min: 0, max: 1 };
  const max = Math.max(0, Math.min(1, (total - MIN_REST_PX) / total));
  const min = Math.min(max, MIN_DETAIL_PX / total);
  return { min, max };
}

/** `share` kept within the bounds for a body `total` px tall. */
export function clampShare(share: number, total: number): number {
  const { min, max } = shareBounds(total);
  if (!Number.isFinite(share)) return Math.min(max, Math.max(min, DEFAULT_DETAIL_SHARE));
  return Math.min(max, Math.max(min, share));
}

/** Where a key moves the splitter (the detail's share), or undefined for a key it ignores. Up grows the detail. */
export function shareAfterKey(key: string, share: number, total: number): number | undefined {
  const { min, max } = shareBounds(total);
  switch (key) {
    case 'ArrowUp':
      return clampShare(share + KEY_STEP, total);
    case 'ArrowDown':
      return clampShare(share - KEY_STEP, total);
    case 'PageUp':
      return clampShare(share + PAGE_STEP, total);
    case 'PageDown':
      return clampShare(share - PAGE_STEP, total);
    case 'Home':
      return min;
    case 'End':
      return max;
    default:
      return undefined;
  }
}
