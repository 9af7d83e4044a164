// The splitter between the dashboard's tabs (table, graph, timeline…) and the job detail pane below them: a focusable
// role="separator" whose value is the detail's share of the height, dragged with the mouse (pointer capture) or moved
// with the arrow keys, Page Up/Down, Home/End; a double click restores the default. It shows only while the pane does.
import './splitter.css';
import { DEFAULT_DETAIL_SHARE, clampShare, shareAfterKey, shareBounds } from '../../core/dashboard/page/split.js';
import { el } from './dom.js';

export interface SplitterOptions {
  /** The column holding the tabs, the splitter and the pane; its height is what they share. */
  container: HTMLElement;
  /** The pane below the splitter, whose height the splitter sets (through --detail-height on the container). */
  pane: HTMLElement;
  /** The saved share, or null for the default. */
  share: number | null;
  /** The reader moved the splitter (after a drag ends, or each key). */
  onChange(share: number): void;
}

export class Splitter {
  readonly element: HTMLDivElement;
  /** What the reader asked for; what shows is this clamped to the body's height now. */
  private share: number;
  private dragging: { pointerId: number } | null = null;

  constructor(private readonly options: SplitterOptions) {
    this.share = options.share ?? DEFAULT_DETAIL_SHARE;
    if (options.pane.id === '') options.pane.id = 'job-detail-pane';
    this.element = el('div', {
      className: 'splitter',
      attrs: {
        role: 'separator',
        tabindex: '0',
        'aria-orientation': 'horizontal',
        'aria-controls': options.pane.id,
        'aria-label': 'Resize the job detail',
        title: 'Drag (or focus and press ↑ ↓) to resize the job detail; double-click for the default size',
        'data-testid': 'detail-splitter',
      },
    });
    this.element.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.element.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.element.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.element.addEventListener('pointercancel', (event) => this.onPointerUp(event));
    this.element.addEventListener('keydown', (event) => this.onKey(event));
    this.element.addEventListener('dblclick', () => this.commit(DEFAULT_DETAIL_SHARE));
    // the splitter shows with the pane (detail.ts hides the pane when no job is chosen)
    new MutationObserver(() => this.apply()).observe(options.pane, { attributes: true, attributeFilter: ['hidden'] });
    new ResizeObserver(() => this.apply()).observe(options.container);
    this.apply();
  }

  /** The height the panes share: the container's, less the splitter's own. */
  private total(): number {
    return Math.max(0, this.options.container.clientHeight - this.element.offsetHeight);
  }

  /** Sizes the pane for the current share and body height, and says so to assistive technology. */
  private apply(): void {
    const hidden = this.options.pane.hidden;
    this.element.hidden = hidden;
    const total = this.total();
    const share = clampShare(this.share, total);
    this.options.container.style.setProperty('--detail-height', `${Math.round(share * total)}px`);
    const { min, max } = shareBounds(total);
    this.element.setAttribute('aria-valuemin', String(Math.round(min * 100)));
    this.element.setAttribute('aria-valuemax', String(Math.round(max * 100)));
    this.element.setAttribute('aria-valuenow', String(Math.round(share * 100)));
    this.element.setAttribute('aria-valuetext', `job detail ${Math.round(share * 100)}% of the height`);
  }

  private commit(share: number): void {
    this.share = clampShare(share, this.total());
    this.apply();
    this.options.onChange(this.share);
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) return;
    event.preventDefault(); // no text selection while dragging
    this.element.setPointerCapture(event.pointerId);
    this.dragging = { pointerId: event.pointerId };
    this.element.classList.add('dragging');
    this.element.focus();
  }

  private onPointerMove(event: PointerEvent): void {
    if (this.dragging?.pointerId !== event.pointerId) return;
    const bottom = this.options.container.getBoundingClientRect().bottom;
    const total = this.total();
    if (total <= 0) return;
    // the pointer is on the splitter's middle: the pane runs from below it to the container's bottom
    const height = bottom - event.clientY - this.element.offsetHeight / 2;
    this.share = clampShare(height / total, total);
    this.apply();
  }

  private onPointerUp(event: PointerEvent): void {
    if (this.dragging?.pointerId !== event.pointerId) return;
    this.dragging = null;
    this.element.classList.remove('dragging');
    if (this.element.hasPointerCapture(event.pointerId)) this.element.releasePointerCapture(event.pointerId);
    this.commit(this.share);
  }

  private onKey(event: KeyboardEvent): void {
    const total = this.total();
    const next = shareAfterKey(event.key, clampShare(this.share, total), total);
    if (next === undefined) return;
    event.preventDefault();
    this.commit(next);
  }
}
