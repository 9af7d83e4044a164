// Pieces several programs share: a single-run verdict, a geometry that is the input itself, a file
// copied as it is, the last frame of the XYZ files a run leaves behind.
import { readFile } from 'node:fs/promises';
import { basename as pathBasename, join } from 'node:path';
import { isErrno } from '../fsAtomic.js';
import { GeometryError } from './geometry/atoms.js';
import { parseXyzFrames } from './geometry/xyz.js';
import { CAUSES } from './markers.js';
import type { ProgramMarkers } from './markers.js';
import type { CountPlan, FoundGeometry, PipeInput } from './program.js';

/** A run that ends once: the success marker once is enough. */
export function finishedOnce(markers: ProgramMarkers): () => Promise<CountPlan> {
  const plan: CountPlan = { kind: 'run', requirements: [{ needle: markers.success, count: 1, cause: CAUSES.notFinished }] };
  return () => Promise.resolve(plan);
}

/** The piped file keeps its own name (FILE may name a sub-folder upstream). */
export function ownName(_jobBasename: string, pipedName: string): string {
  return pathBasename(pipedName);
}

/** The program reads the piped file itself: it is copied in as it is, nothing rewritten. */
export const COPIED_AS_IS: PipeInput = {
  fileName: ownName,
  plan: (piped, input) => Promise.resolve({ copies: [{ from: piped.path, to: ownName(input.basename, piped.fileName) }] }),
};

/**
 * The input is the geometry (`{basename}.xyz`): the piped file's first frame becomes it. The
 * upstream name is not copied: `xtbopt.xyz` in a downstream xTB folder would be mistaken for that
 * job's own result.
 */
export const GEOMETRY_IS_INPUT: PipeInput = {
  fileName: (jobBasename) => `${jobBasename}.xyz`,
  plan: async (piped, input) => ({ writes: [{ to: `${input.basename}.xyz`, text: (await piped.firstFrame()).text }] }),
};

/** An XYZ file a run writes, and whether its last frame (a trajectory) or its first is the geometry. */
export interface XyzCandidate {
  name: string;
  last: boolean;
}

/** The geometry of the first candidate in `directory` that exists and holds a complete frame. */
export async function geometryFromXyzFiles(directory: string, candidates: readonly XyzCandidate[]): Promise<FoundGeometry | undefined> {
  for (const candidate of candidates) {
    const source = join(directory, candidate.name);
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) continue;
      throw error;
    }
    try {
      const frames = parseXyzFrames(text, source, { truncatedTail: true });
      const frame = candidate.last ? frames.at(-1)! : frames[0]!;
      return { atoms: [...frame.atoms], source, xyz: frame.text };
    } catch (error) {
      if (error instanceof GeometryError) continue; // a half-written file: try the next one
      throw error;
    }
  }
  return undefined;
}

/** Files xTB and CREST read beside the geometry: charge, unpaired electrons, detailed input. */
export const XTB_SIDE_INPUTS: readonly string[] = ['.CHRG', '.UHF', 'xcontrol', '.xcontrol', '.xtbrc'];

/** xTB and CREST use OpenMP: one thread per core asked for, not one per core of the node. */
export function openMpThreads(cores: number): Record<string, string> {
  return { OMP_NUM_THREADS: String(cores), MKL_NUM_THREADS: String(cores) };
}
