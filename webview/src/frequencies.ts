// The job detail's vibrational frequencies: every mode in the output's order, imaginary ones marked, with their count.
import { formatFrequency, frequencyRows } from '../../core/dashboard/page/jobResults.js';
import { el, replaceChildren, setText } from './dom.js';

export class FrequencyList {
  readonly element: HTMLElement;
  private readonly summary = el('p', { className: 'detail-results-caption', attrs: { 'data-testid': 'frequency-summary' } });
  private readonly list = el('ol', { className: 'frequency-list', attrs: { 'data-testid': 'frequencies', 'aria-label': 'Vibrational frequencies, cm⁻¹' } });

  constructor() {
    this.element = el('section', { className: 'detail-results-block', attrs: { hidden: '' } }, el('h3', { text: 'Frequencies (cm⁻¹)' }), this.summary, this.list);
  }

  show(frequencies: readonly number[] | null): void {
    const read = frequencyRows(frequencies);
    this.element.hidden = read === null;
    if (!read) {
      replaceChildren(this.list);
      return;
    }
    const { rows, imaginary } = read;
    setText(this.summary, `${rows.length} mode${rows.length === 1 ? '' : 's'}, ${imaginary} imaginary`);
    this.summary.classList.toggle('has-imaginary', imaginary > 0);
    replaceChildren(
      this.list,
      ...rows.map((row) =>
        el('li', { className: row.imaginary ? 'imaginary' : '', attrs: { 'data-mode': String(row.mode), ...(row.imaginary ? { title: 'Imaginary mode' } : {}) }, text: formatFrequency(row) }),
      ),
    );
  }
}
