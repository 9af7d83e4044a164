// The job detail's convergence plot: each optimisation step's energy (kcal/mol relative to the last step) and its max
// force (log scale), drawn by uPlot on a canvas; redrawn at the pane's width.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { convergenceSeries } from '../../core/dashboard/page/jobResults.js';
import type { OptimizationResult } from '../../core/results/types.js';
import { el, setText } from './dom.js';

const HEIGHT = 180;

export class ConvergencePlot {
  readonly element: HTMLElement;
  private readonly caption = el('p', { className: 'detail-results-caption' });
  private readonly host = el('div', { className: 'convergence-plot', attrs: { 'data-testid': 'convergence-plot', role: 'img' } });
  private plot: uPlot | null = null;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor() {
    this.element = el('section', { className: 'detail-results-block', attrs: { hidden: '' } }, el('h3', { text: 'Optimisation' }), this.caption, this.host);
    this.resize.observe(this.host);
  }

  show(optimization: OptimizationResult | null): void {
    this.plot?.destroy();
    this.plot = null;
    this.host.removeAttribute('data-points');
    const series = convergenceSeries(optimization);
    this.element.hidden = series === null || optimization === null;
    if (!series || !optimization) return;
    setText(this.caption, `${optimization.steps} step${optimization.steps === 1 ? '' : 's'}, ${optimization.converged ? 'converged' : 'not converged'}`);
    this.host.setAttribute('aria-label', `Energy and max force over ${series.steps.length} optimisation steps`);
    const style = getComputedStyle(document.body);
    const color = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
    const text = color('--vscode-foreground', '#888');
    const grid = color('--vscode-panel-border', 'rgba(128,128,128,0.25)');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // A force of 0 has no place on a log scale: it is left out, as a step without one is.
    const force = series.maxForce.map((value) => (value !== null && value > 0 ? value : null));
    const options: uPlot.Options = {
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: false }, kcal: {}, force: { distr: 3 } },
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'step' },
        { label: 'ΔE (kcal/mol)', scale: 'kcal', stroke: color('--vscode-charts-blue', '#1a85ff'), width: 2, points: { show: true, size: 5 } },
        { label: 'max force (Eh/bohr)', scale: 'force', stroke: color('--vscode-charts-orange', '#d18616'), width: 1.5, dash: [4, 3], points: { show: true, size: 4 }, spanGaps: true },
      ],
      axes: [
        { ...axis, label: 'step', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
        { ...axis, scale: 'kcal', label: 'ΔE kcal/mol', size: 56 },
        { ...axis, scale: 'force', side: 1, label: 'max force', size: 64, grid: { show: false } },
      ],
    };
    this.plot = new uPlot(options, [series.steps, series.relativeKcal, force], this.host);
    // What the canvas plots, for a reader who cannot see it (and for tests): the points of the energy series.
    this.host.setAttribute('data-points', String(this.plot.data[0]!.length));
  }

  private width(): number {
    return Math.max(240, Math.floor(this.host.clientWidth || this.element.parentElement?.clientWidth || 340));
  }

  private fit(): void {
    if (!this.plot) return;
    const width = this.width();
    if (Math.abs(width - this.plot.width) > 2) this.plot.setSize({ width, height: HEIGHT });
  }
}
