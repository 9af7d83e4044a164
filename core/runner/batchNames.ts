// Generated batch names: an adjective-noun pair (`brave-orbital`) that people can say aloud and tell apart.

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'curious',
  'daring', 'deft', 'eager', 'early', 'fearless', 'fizzy', 'fluent', 'gentle', 'glassy', 'golden',
  'happy', 'humble', 'icy', 'jolly', 'keen', 'kind', 'lively', 'lucid', 'lucky', 'mellow',
  'mighty', 'misty', 'nimble', 'noble', 'patient', 'plucky', 'polar', 'proud', 'quick', 'quiet',
  'rapid', 'restless', 'rustic', 'serene', 'sharp', 'shiny', 'silent', 'sleek', 'snappy', 'solid',
  'sparkling', 'spry', 'stable', 'steady', 'stellar', 'sturdy', 'sunny', 'swift', 'tidy', 'tranquil',
  'vivid', 'volatile', 'warm', 'wise', 'witty', 'zesty',
] as const;

const NOUNS = [
  'aldehyde', 'alkene', 'alkyne', 'amide', 'anion', 'aromatic', 'benzene', 'borane', 'buckyball', 'carbene',
  'catalyst', 'cation', 'chelate', 'chiral', 'conformer', 'crystal', 'dimer', 'dipole', 'electron', 'enantiomer',
  'enolate', 'enzyme', 'ester', 'fullerene', 'graphene', 'helix', 'hydride', 'isomer', 'isotope', 'ketone',
  'lattice', 'ligand', 'micelle', 'molecule', 'monomer', 'neutron', 'nitrile', 'nucleus', 'orbital', 'oxide',
  'ozone', 'peptide', 'photon', 'polymer', 'proton', 'quartet', 'radical', 'reagent', 'rotamer', 'silane',
  'singlet', 'solvent', 'spinel', 'tautomer', 'toluene', 'triplet', 'valence', 'vortex', 'ylide', 'zeolite',
  'zwitterion',
] as const;

/** A random `adjective-noun` name; `random` returns numbers in [0, 1) like Math.random (injectable for tests). */
export function generateBatchName(random: () => number = Math.random): string {
  return `${pick(ADJECTIVES, random)}-${pick(NOUNS, random)}`;
}

/** How many different names `generateBatchName` can produce. */
export const BATCH_NAME_COUNT = ADJECTIVES.length * NOUNS.length;

function pick<T>(words: readonly T[], random: () => number): T {
  const index = Math.min(words.length - 1, Math.max(0, Math.floor(random() * words.length)));
  return words[index]!;
}
