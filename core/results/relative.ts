// Relative energies as a chemist compares them: within jobs of one program, one method and one formula (no Node imports).
import type { JobResults, ResultAtom } from './types.js';
import { HARTREE_TO_KCAL } from './types.js';

export interface ComparableJob {
  readonly program: string;
  readonly results: JobResults | null;
}

/** `C10H10`: carbon, then hydrogen, then the other elements alphabetically (Hill order); null without a geometry. */
export function formulaOf(geometry: readonly ResultAtom[] | null): string | null {
  if (!geometry || geometry.length === 0) return null;
  const counts = new Map<string, number>();
  for (const atom of geometry) {
    const element = atom.element.charAt(0).toUpperCase() + atom.element.slice(1).toLowerCase();
    counts.set(element, (counts.get(element) ?? 0) + 1);
  }
  const order = [...counts.keys()].sort((a, b) => hillRank(a) - hillRank(b) || a.localeCompare(b));
  return order.map((element) => `${element}${counts.get(element)! > 1 ? counts.get(element) : ''}`).join('');
}

function hillRank(element: string): number {
  return element === 'C' ? 0 : element === 'H' ? 1 : 2;
}

/**
 * Each job's final energy relative to the lowest final energy among the jobs it can be compared with — same program,
 * same method (as the output states it) and same formula (charge too: a cation is not an isomer of its neutral) — in
 * kcal/mol; null when the job has no final energy, no method or no geometry to compare by.
 */
export function relativeEnergiesKcal(jobs: readonly ComparableJob[]): (number | null)[] {
  const groups = jobs.map(groupOf);
  const lowest = new Map<string, number>();
  jobs.forEach((job, index) => {
    const group = groups[index];
    const energy = job.results?.finalEnergy;
    if (group === null || group === undefined || energy == null) return;
    const current = lowest.get(group);
    if (current === undefined || energy < current) lowest.set(group, energy);
  });
  return jobs.map((job, index) => {
    const group = groups[index];
    const energy = job.results?.finalEnergy;
    if (group === null || group === undefined || energy == null) return null;
    return (energy - lowest.get(group)!) * HARTREE_TO_KCAL;
  });
}

function groupOf(job: ComparableJob): string | null {
  const results = job.results;
  if (!results || results.finalEnergy === null || results.method === null) return null;
  const formula = formulaOf(results.geometry ?? results.conformers?.[0]?.geometry ?? null);
  if (formula === null) return null;
  const method = results.method.toLowerCase().replace(/\s+/g, ' ').trim();
  return [job.program, method, formula, results.charge ?? '?'].join('\u0000');
}
