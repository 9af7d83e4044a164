// A manual clock for poller tests: time moves only when a test advances it, timers fire in order.
import type { Clock, TimerHandle } from '../../../core/slurm/clock.js';

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets every promise chain started by a timer (with instantly resolving fakes) run to its end. */
export function flushAsync(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + Math.max(0, ms), seq: id, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /** When the earliest pending timer fires, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.earliest()?.[1].at;
  }

  get pendingTimerCount(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting their async work finish. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const next = this.earliest();
      if (!next || next[1].at > target) break;
      const [id, timer] = next;
      this.timers.delete(id);
      this.time = timer.at;
      timer.callback();
      await flushAsync();
    }
    this.time = target;
    await flushAsync();
  }

  /** Jumps to the next timer and fires it; returns its time (undefined when nothing was pending). */
  async runNext(): Promise<number | undefined> {
    const at = this.nextTimerAt();
    if (at === undefined) return undefined;
    await this.advance(at - this.time);
    return at;
  }

  private earliest(): [number, FakeTimer] | undefined {
    let best: [number, FakeTimer] | undefined;
    for (const entry of this.timers) {
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].seq < best[1].seq)) best = entry;
    }
    return best;
  }
}
