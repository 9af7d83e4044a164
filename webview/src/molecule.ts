// The job detail's 3D geometry: atoms and bonds drawn by 3Dmol.js on a WebGL canvas (rotate by dragging or the arrow
// keys, zoom by scrolling or + and -, 0 resets), with a slider through the optimisation's frames. The library
// (dist/webview-3d.js) is imported on first use.
import type { GLViewer } from '3dmol';
import { clampIndex, frameLabel, frameXyz, initialFrame } from '../../core/dashboard/page/jobResults.js';
import type { ViewerFrames } from '../../core/dashboard/page/jobResults.js';
import { el, setText } from './dom.js';
import type * as MoleculeLibraryModule from './molecule3dLib.js';

type MoleculeLibrary = typeof MoleculeLibraryModule;
let library: Promise<MoleculeLibrary> | undefined;

/** The 3D library, beside this bundle; a failed load is tried again next time. */
function loadLibrary(): Promise<MoleculeLibrary> {
  library ??= (import(new URL('./webview-3d.js', import.meta.url).href) as Promise<MoleculeLibrary>).catch((error: unknown) => {
    library = undefined;
    throw error;
  });
  return library;
}

/** The editor's background, so the molecule sits on the theme's colour (3Dmol colours atoms by element, Jmol's scheme). */
function themeBackground(): string {
  return getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || 'white';
}

/** Degrees one arrow key turns the molecule. */
const KEY_ROTATION = 15;
/** How much one + or - zooms (3Dmol's zoom factor: above 1 closer). */
const KEY_ZOOM = 1.25;
const KEYS_HELP = 'arrow keys rotate, + and − zoom, 0 resets';

export class MoleculeView {
  readonly element: HTMLElement;
  private readonly canvasHost = el('div', { className: 'molecule-3d', attrs: { 'data-testid': 'molecule-3d', role: 'application', 'aria-roledescription': '3D view', tabindex: '0' } });
  private readonly slider = el('input', { className: 'molecule-slider', attrs: { type: 'range', min: '0', max: '0', step: '1', value: '0', 'aria-label': 'Frame' } });
  private readonly frameText = el('span', { className: 'molecule-frame', attrs: { 'data-testid': 'molecule-frame', 'aria-live': 'polite' } });
  private readonly sliderRow = el('div', { className: 'molecule-frames' }, this.slider, this.frameText);
  private readonly status = el('p', { className: 'detail-results-caption' });
  private viewer: GLViewer | null = null;
  private frames: ViewerFrames | null = null;
  /** The view as first fitted to this job's molecule: 0 returns to it. */
  private firstView: number[] | null = null;
  /** The camera was fitted to this job's molecule: a new answer for the same job (it is still running) keeps the reader's view. */
  private fitted = false;
  /** Which show() is current: an answer of the library for an earlier job is dropped. */
  private generation = 0;
  private readonly resize = new ResizeObserver(() => this.viewer?.resize());

  constructor() {
    this.element = el('section', { className: 'detail-results-block', attrs: { hidden: '' } }, el('h3', { text: 'Geometry' }), this.status, this.canvasHost, this.sliderRow);
    this.slider.addEventListener('input', () => this.renderFrame(Number(this.slider.value), false));
    this.canvasHost.addEventListener('keydown', (event) => this.onKey(event));
    this.resize.observe(this.canvasHost);
  }

  /** Shows the frames (the job's result first: the final geometry, CREST's lowest conformer); null hides the view. */
  show(frames: ViewerFrames | null): void {
    const generation = ++this.generation;
    this.frames = frames;
    if (!frames) this.fitted = false;
    this.element.hidden = frames === null;
    this.canvasHost.removeAttribute('data-atom-count');
    // Nothing is drawn while hidden: a canvas of no size has nothing to draw into.
    this.viewer?.removeAllModels();
    if (!frames) return;
    const first = initialFrame(frames);
    this.slider.max = String(frames.frames.length - 1);
    this.slider.value = String(first);
    this.sliderRow.hidden = frames.frames.length < 2;
    setText(this.status, `${frames.elements.length} atoms${frames.source ? ` · ${frames.total} geometries in ${frames.source}${frames.total > frames.frames.length ? ` (${frames.frames.length} shown)` : ''}` : ''}`);
    this.canvasHost.setAttribute('aria-label', `Geometry, ${frames.elements.length} atoms: ${KEYS_HELP}; or drag to rotate, scroll to zoom`);
    loadLibrary().then(
      (lib) => {
        if (generation !== this.generation) return;
        if (!this.viewer) {
          // No antialiasing: where VS Code has no GPU (remote desktops, VMs) WebGL is drawn in software, and
          // multisampling made each frame 5–7 times slower there (bench/molecule3d.ts).
          this.viewer = lib.createViewer(this.canvasHost, { backgroundColor: themeBackground(), antialias: false });
          // What draws the picture (3Dmol renders with WebGL off screen and shows the result on this canvas).
          const gl: unknown = this.viewer.getRenderer()?.getContext?.();
          this.canvasHost.setAttribute('data-webgl', typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext ? 'webgl2' : gl instanceof WebGLRenderingContext ? 'webgl' : 'none');
          // The camera as it is now, however it was moved (keys, mouse, a fit), for whoever reads the page.
          this.viewer.setViewChangeCallback((view: number[]) => this.canvasHost.setAttribute('data-view', view.map((n) => n.toFixed(4)).join(' ')));
        }
        this.renderFrame(first, !this.fitted);
        this.fitted = true;
      },
      (error: unknown) => {
        if (generation === this.generation) setText(this.status, `The 3D view could not load: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  }

  private renderFrame(index: number, fit: boolean): void {
    const viewer = this.viewer;
    const frames = this.frames;
    if (!viewer || !frames) return;
    const at = clampIndex(index, frames.frames.length);
    // One model at a time: a frame costs one small XYZ parse, and the camera stays where the reader turned it.
    viewer.removeAllModels();
    const model = viewer.addModel(frameXyz(frames.elements, frames.frames[at]!), 'xyz');
    viewer.setStyle({}, { stick: { radius: 0.14, colorscheme: 'Jmol' }, sphere: { scale: 0.25, colorscheme: 'Jmol' } });
    if (fit) {
      // The pane may have changed size while the library loaded: fit the molecule to the canvas as it is now, with a
      // margin (zoomTo fits atom centres; the spheres and the perspective need more room).
      viewer.resize();
      viewer.zoomTo();
      viewer.zoom(0.8);
      this.firstView = viewer.getView();
    }
    viewer.render();
    setText(this.frameText, frameLabel(frames, at));
    // The viewer's own model says how many atoms it holds.
    this.canvasHost.setAttribute('data-atom-count', String(model.selectedAtoms({}).length));
    this.canvasHost.setAttribute('data-frame', String(at));
  }

  /** The keys of the view (each one handled is the page's no more: the arrows do not scroll it); others pass. */
  private onKey(event: KeyboardEvent): void {
    const viewer = this.viewer;
    // Ctrl/Cmd with + or - is VS Code's own zoom, Alt its menus: theirs.
    if (!viewer || !this.frames || event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      // About the screen's axes ('vx', 'vy'), as a drag turns it, whichever way the molecule is turned already.
      case 'ArrowLeft':
      case 'ArrowRight':
        viewer.rotate(event.key === 'ArrowRight' ? KEY_ROTATION : -KEY_ROTATION, 'vy');
        break;
      case 'ArrowUp':
      case 'ArrowDown':
        // Up turns the near side up: about the screen's x axis, whose positive turn takes it down.
        viewer.rotate(event.key === 'ArrowUp' ? -KEY_ROTATION : KEY_ROTATION, 'vx');
        break;
      case '+':
      case '=':
        viewer.zoom(KEY_ZOOM);
        break;
      case '-':
        viewer.zoom(1 / KEY_ZOOM);
        break;
      case '0':
        if (this.firstView) viewer.setView(this.firstView);
        break;
      default:
        return;
    }
    event.preventDefault();
    viewer.render();
  }
}
