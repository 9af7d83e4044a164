// A job's geometries step by step (the optimisation's trajectory, CREST's conformers), streamed and sampled so memory stays bounded whatever the file's size.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { elementSymbol } from '../geometry/atoms.js';
import { numberOf, scanLines, tokens } from './outputLines.js';
import { forEachXyzFrame } from './xyzFrames.js';

/** One geometry of the trajectory: its 1-based position among all the file holds, its energy when printed, x y z per atom (Å). */
export interface TrajectoryFrame {
  readonly step: number;
  readonly energy: number | null;
  readonly coords: readonly number[];
}

export interface Trajectory {
  /** Element symbols, one per atom, the same in every frame. */
  readonly elements: readonly string[];
  /** Sampled evenly when the file holds more than the cap; the last frame is always kept. */
  readonly frames: readonly TrajectoryFrame[];
  /** How many frames the file holds. */
  readonly total: number;
  /** The file the frames came from (its name only). */
  readonly source: string;
}

/** At most this many frames, and at most TRAJECTORY_MAX_COORDS atoms over all kept frames (a page message stays a few MB). */
export const TRAJECTORY_MAX_FRAMES = 500;
export const TRAJECTORY_MAX_ATOMS = 100_000;

interface RawFrame {
  elements: string[];
  coords: number[];
  energy: number | null;
}

/**
 * Keeps every stride-th frame; when the kept ones pass the cap, every other one is dropped and the stride doubles, so
 * at most cap frames (plus the last) are held, spread evenly over the file, whatever its length.
 */
export class FrameSampler {
  private kept: TrajectoryFrame[] = [];
  private stride = 1;
  private seen = 0;
  private last: TrajectoryFrame | undefined;
  private elements: string[] | undefined;
  private cap: number;
  /** A frame whose atoms differ from the first frame's ends the trajectory (another molecule, or a garbled block). */
  private stopped = false;

  constructor(private readonly maxFrames = TRAJECTORY_MAX_FRAMES, private readonly maxAtoms = TRAJECTORY_MAX_ATOMS) {
    this.cap = maxFrames;
  }

  push(frame: RawFrame): void {
    if (this.stopped || frame.elements.length === 0) return;
    if (!this.elements) {
      this.elements = frame.elements;
      this.cap = Math.max(2, Math.min(this.maxFrames, Math.floor(this.maxAtoms / frame.elements.length)));
    } else if (!sameElements(this.elements, frame.elements)) {
      this.stopped = true;
      return;
    }
    // Gaussian prints the converged geometry again after its last step: the same geometry twice is one frame.
    if (this.last && sameCoords(this.last.coords, frame.coords)) return;
    const kept: TrajectoryFrame = { step: ++this.seen, energy: frame.energy, coords: frame.coords };
    this.last = kept;
    if ((kept.step - 1) % this.stride !== 0) return;
    this.kept.push(kept);
    // cap - 1: room stays for the last frame when it is not a sampled one.
    if (this.kept.length > this.cap - 1) {
      this.kept = this.kept.filter((_, index) => index % 2 === 0);
      this.stride *= 2;
    }
  }

  result(source: string): Trajectory | null {
    if (!this.elements || !this.last) return null;
    const frames = this.kept.at(-1) === this.last ? this.kept : [...this.kept, this.last];
    return { elements: this.elements, frames, total: this.seen, source };
  }
}

function sameCoords(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function sameElements(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((element, index) => element === b[index]);
}

/** Where a program's frames are read from, and by which reader; undefined when the folder holds none. */
async function trajectorySource(program: string, directory: string, basename: string, outputPath: string): Promise<{ path: string; read: (path: string) => Promise<Trajectory | null> } | undefined> {
  switch (program) {
    case 'gaussian':
      return { path: outputPath, read: gaussianTrajectory };
    case 'orca': {
      const trj = await freshBeside(directory, `${basename}_trj.xyz`, outputPath);
      return trj ? { path: trj, read: (path) => xyzTrajectory(path, /\bE\s+(-?\d+\.\d+)/) } : { path: outputPath, read: orcaTrajectory };
    }
    case 'xtb': {
      const log = await freshBeside(directory, 'xtbopt.log', outputPath);
      return log ? { path: log, read: (path) => xyzTrajectory(path, /energy:\s*(-?\d+\.\d+)/) } : undefined;
    }
    case 'crest': {
      const conformers = await freshBeside(directory, 'crest_conformers.xyz', outputPath);
      return conformers ? { path: conformers, read: (path) => xyzTrajectory(path, /^\s*(-?\d+\.\d+)\s*$/) } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The last few trajectories read, by file, size and mtime: choosing a finished job again (or the detail read again
 * while it is chosen) does not scan a 200 MB log again. Few, as each may hold 100,000 atoms.
 */
const CACHE_ENTRIES = 4;
const cache = new Map<string, Trajectory | null>();

/** The trajectory a program's job folder holds, null when it holds none (a single point shows its final geometry alone). */
export async function readTrajectory(program: string, directory: string, basename: string, outputPath: string): Promise<Trajectory | null> {
  try {
    const source = await trajectorySource(program, directory, basename, outputPath);
    if (!source) return null;
    const stamp = await stat(source.path);
    const key = `${program}\0${source.path}\0${stamp.size}\0${stamp.mtimeMs}`;
    if (cache.has(key)) {
      const kept = cache.get(key)!;
      // Most recently used last.
      cache.delete(key);
      cache.set(key, kept);
      return kept;
    }
    const trajectory = await source.read(source.path);
    cache.set(key, trajectory);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return trajectory;
  } catch {
    // A file removed or unreadable mid-read: the detail shows the final geometry without frames.
    return null;
  }
}

/** A file the run wrote beside its output: one older than the output by more than a minute is an earlier run's. */
async function freshBeside(directory: string, name: string, outputPath: string): Promise<string | undefined> {
  const path = join(directory, name);
  try {
    const [file, output] = await Promise.all([stat(path), stat(outputPath)]);
    return file.isFile() && file.mtimeMs >= output.mtimeMs - 60_000 ? path : undefined;
  } catch {
    return undefined;
  }
}

async function xyzTrajectory(path: string, energyPattern: RegExp): Promise<Trajectory | null> {
  const sampler = new FrameSampler();
  await forEachXyzFrame(path, (frame) => {
    sampler.push({
      elements: frame.atoms.map((atom) => normalElement(atom.element)),
      coords: frame.atoms.flatMap((atom) => [atom.x, atom.y, atom.z]),
      energy: numberOf(energyPattern.exec(frame.comment)?.[1]),
    });
  });
  return sampler.result(path.slice(path.lastIndexOf('/') + 1));
}

/** `c` or `C1` as the element `C`. */
function normalElement(label: string): string {
  const letters = label.replace(/[^A-Za-z].*$/, '');
  return letters.charAt(0).toUpperCase() + letters.slice(1).toLowerCase();
}

const DASHES = /^\s*-{10,}\s*$/;
const ORIENTATION = /^\s*(Standard|Input|Z-Matrix) orientation:/;
const SCF_DONE = /SCF Done:\s+E\(\S+\)\s*=\s*(\S+)/;

/**
 * Gaussian prints each step's geometry as an orientation table, then its SCF energy. Standard orientation is used
 * when the log has it (Input orientation too in most logs), else Input or Z-Matrix (nosymm runs).
 */
async function gaussianTrajectory(path: string): Promise<Trajectory | null> {
  const standard = new FrameSampler();
  const other = new FrameSampler();
  let block: { standard: boolean; dashes: number; frame: RawFrame; broken: boolean } | undefined;
  const pending: { standard?: RawFrame; other?: RawFrame } = {};
  const flush = (): void => {
    if (pending.standard) standard.push(pending.standard);
    if (pending.other) other.push(pending.other);
    pending.standard = pending.other = undefined;
  };
  const onLine = (line: string): void => {
    if (block) {
      if (DASHES.test(line)) {
        if (++block.dashes === 3) {
          if (!block.broken && block.frame.elements.length > 0) {
            // A new step begins with its first table; the step before it is complete.
            if (block.standard ? pending.standard : pending.other) flush();
            if (block.standard) pending.standard = block.frame;
            else pending.other = block.frame;
          }
          block = undefined;
        }
        return;
      }
      if (block.dashes === 2 && !block.broken) {
        const parts = tokens(line);
        const [x, y, z] = parts.slice(-3).map(numberOf);
        const element = elementSymbol(Number(parts[1]));
        if ((parts.length !== 6 && parts.length !== 5) || x == null || y == null || z == null || element === undefined) block.broken = true;
        else {
          block.frame.elements.push(element);
          block.frame.coords.push(x, y, z);
        }
      }
      return;
    }
    const start = ORIENTATION.exec(line);
    if (start) {
      block = { standard: start[1] === 'Standard', dashes: 0, frame: { elements: [], coords: [], energy: null }, broken: false };
      return;
    }
    const energy = numberOf(SCF_DONE.exec(line)?.[1]);
    if (energy !== null) {
      if (pending.standard) pending.standard.energy = energy;
      if (pending.other) pending.other.energy = energy;
    }
  };
  await scanLines(path, { lineStarts: ['Standard orientation:', 'Input orientation:', 'Z-Matrix orientation:', 'SCF Done:'], onLine, everyLine: () => block !== undefined });
  flush();
  const name = path.slice(path.lastIndexOf('/') + 1);
  return standard.result(name) ?? other.result(name);
}

/** ORCA prints each cycle's geometry as CARTESIAN COORDINATES (ANGSTROEM), then FINAL SINGLE POINT ENERGY. */
async function orcaTrajectory(path: string): Promise<Trajectory | null> {
  const sampler = new FrameSampler();
  let block: { dashes: number; frame: RawFrame } | undefined;
  let pending: RawFrame | undefined;
  const onLine = (line: string): void => {
    if (block) {
      if (block.dashes === 0 && /^-+\s*$/.test(line.trim())) {
        block.dashes = 1;
        return;
      }
      const parts = tokens(line);
      const [x, y, z] = parts.slice(1).map(numberOf);
      if (parts.length === 4 && /^[A-Za-z]/.test(parts[0]!) && x != null && y != null && z != null) {
        block.frame.elements.push(normalElement(parts[0]!));
        block.frame.coords.push(x, y, z);
        return;
      }
      if (pending) sampler.push(pending);
      pending = block.frame.elements.length > 0 ? block.frame : undefined;
      block = undefined;
      return;
    }
    if (line.startsWith('CARTESIAN COORDINATES (ANGSTROEM)')) {
      block = { dashes: 0, frame: { elements: [], coords: [], energy: null } };
      return;
    }
    if (pending && line.startsWith('FINAL SINGLE POINT ENERGY')) pending.energy = numberOf(tokens(line).at(-1));
  };
  await scanLines(path, { lineStarts: ['CARTESIAN COORDINATES (ANGSTROEM)', 'FINAL SINGLE POINT ENERGY'], onLine, everyLine: () => block !== undefined });
  if (block && block.frame.elements.length > 0) {
    if (pending) sampler.push(pending);
    pending = block.frame;
  }
  if (pending) sampler.push(pending);
  return sampler.result(path.slice(path.lastIndexOf('/') + 1));
}
