// SLURM's memory and time-limit formats: parse what users write, give sbatch what it accepts, double them.

export type MemoryUnit = 'K' | 'M' | 'G' | 'T';

export interface Memory {
  readonly amount: number;
  readonly unit: MemoryUnit;
  /** The suffix as written (`GB`, `g`, `` for plain megabytes), kept when the value is doubled. */
  readonly suffix: string;
}

const UNIT_FACTOR: Readonly<Record<MemoryUnit, number>> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };

/** `4GB`, `4G`, `4000M`, `4000` (SLURM's default unit is MB), `1.5 gb`; undefined when not memory. */
export function parseMemory(text: string): Memory | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(([KMGT])B?)?\s*$/i.exec(text);
  if (!match) return undefined;
  const amount = Number(match[1]);
  if (!(amount > 0)) return undefined;
  return { amount, unit: (match[3]?.toUpperCase() ?? 'M') as MemoryUnit, suffix: match[2] ?? '' };
}

/** The `--mem` value sbatch accepts: a whole number with K/M/G/T (`1.5G` → `1536M`). */
export function slurmMemory(memory: Memory): string {
  let { amount } = memory;
  const units: MemoryUnit[] = ['T', 'G', 'M', 'K'];
  let index = units.indexOf(memory.unit);
  const whole = (value: number): boolean => Math.abs(value - Math.round(value)) < 1e-6;
  // Down to megabytes at most: a fraction of a megabyte is rounded up, not spelled in kilobytes.
  while (!whole(amount) && index < units.indexOf('M')) {
    amount *= 1024;
    index++;
  }
  return `${whole(amount) ? Math.round(amount) : Math.ceil(amount)}${units[index]}`;
}

/** Twice the memory, in the unit and spelling it was written in (`4GB` → `8GB`, `4000` → `8000`). */
export function doubleMemory(text: string): string | undefined {
  const memory = parseMemory(text);
  if (!memory) return undefined;
  return `${formatAmount(memory.amount * 2)}${memory.suffix}`;
}

/** Memory in megabytes, to compare values written in different units. */
export function memoryMegabytes(memory: Memory): number {
  return memory.amount * UNIT_FACTOR[memory.unit];
}

function formatAmount(amount: number): string {
  return Number.isInteger(amount) ? String(amount) : String(Number(amount.toFixed(6)));
}

/**
 * Seconds of a SLURM time limit: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`;
 * undefined when it is none of these (or `UNLIMITED`, which cannot be doubled).
 */
export function parseWalltime(text: string): number | undefined {
  const value = text.trim();
  const withDays = /^(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(value);
  if (withDays) {
    const [days, hours, minutes, seconds] = withDays.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number];
    if (minutes >= 60 || seconds >= 60) return undefined;
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  }
  const parts = /^\d+(?::\d+){0,2}$/.test(value) ? value.split(':').map(Number) : undefined;
  if (!parts) return undefined;
  if (parts.length === 1) return parts[0]! * 60;
  if (parts.slice(1).some((part) => part >= 60)) return undefined;
  if (parts.length === 2) return parts[0]! * 60 + parts[1]!;
  return (parts[0]! * 60 + parts[1]!) * 60 + parts[2]!;
}

/** `HH:MM:SS`, or `D-HH:MM:SS` when `withDays` (hours may pass 24 without days, as SLURM allows). */
export function formatWalltime(seconds: number, withDays: boolean): string {
  const total = Math.max(1, Math.round(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  const [s, m] = [total % 60, Math.floor(total / 60) % 60];
  const hours = Math.floor(total / 3600);
  if (!withDays) return `${two(hours)}:${two(m)}:${two(s)}`;
  return `${Math.floor(hours / 24)}-${two(hours % 24)}:${two(m)}:${two(s)}`;
}

/** Twice the time limit, written in the style it came in (`12:00:00` → `24:00:00`, `1-00:00:00` → `2-00:00:00`). */
export function doubleWalltime(text: string): string | undefined {
  const seconds = parseWalltime(text);
  if (seconds === undefined) return undefined;
  return formatWalltime(seconds * 2, text.includes('-'));
}
