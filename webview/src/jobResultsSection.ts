// The job detail's results: the energies the output gives, what went wrong, the convergence plot, the frequencies and
// the geometry in 3D. Every value is inserted as text.
import './jobResults.css';
import { energyFacts, viewerFrames } from '../../core/dashboard/page/jobResults.js';
import { formatTime } from '../../core/view/timeFormat.js';
import type { DashboardJobResults } from '../../core/dashboard/jobResultsMessage.js';
import { ConvergencePlot } from './convergencePlot.js';
import { el, replaceChildren, setText } from './dom.js';
import { FrequencyList } from './frequencies.js';
import { MoleculeView } from './molecule.js';

export class JobResultsSection {
  readonly element: HTMLElement;
  private readonly facts = el('dl', { className: 'facts detail-results-facts', attrs: { 'data-testid': 'result-facts' } });
  /** A running job's results from an earlier read of its output, which has grown since: when they were read. */
  private readonly age = el('p', { className: 'detail-results-age', attrs: { 'data-testid': 'results-age', hidden: '' } });
  private readonly problems = el('ul', { className: 'detail-results-problems', attrs: { 'data-testid': 'result-problems' } });
  private readonly plot = new ConvergencePlot();
  private readonly frequencies = new FrequencyList();
  private readonly molecule = new MoleculeView();

  constructor() {
    this.element = el(
      'section',
      { className: 'job-results', attrs: { 'data-testid': 'job-results', 'aria-label': 'Results', hidden: '' } },
      el('h3', { text: 'Results' }),
      this.age,
      // Side by side when the pane is wide (the detail below the table), one under another when narrow.
      el('div', { className: 'detail-results-grid' }, el('section', { className: 'detail-results-block' }, this.facts, this.problems), this.molecule.element, this.plot.element, this.frequencies.element),
    );
  }

  /** Null or undefined (nothing read yet, or nothing to read) hides the section; `readAt` is the detail's `resultsAt`. */
  show(results: DashboardJobResults | null | undefined, readAt?: string): void {
    this.element.hidden = !results;
    const when = results && readAt !== undefined ? formatTime(readAt) : '';
    this.age.hidden = when === '';
    setText(this.age, when === '' ? '' : `As of ${when}: the output has grown since; it is read again as the job runs.`);
    replaceChildren(this.facts, ...(results ? energyFacts(results).flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { text: value })]) : []));
    replaceChildren(this.problems, ...(results?.problems ?? []).map((problem) => el('li', { text: problem })));
    this.plot.show(results?.optimization ?? null);
    this.frequencies.show(results?.frequencies ?? null);
    this.molecule.show(viewerFrames(results));
  }
}
