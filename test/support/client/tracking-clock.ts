import type { Clock, TimerHandle } from '../../../src/client/index.js';

/** The system clock, plus a record of the timers still pending, so tests can prove none is left. */
export class TrackingClock implements Clock {
  private readonly pending = new Map<TimerHandle, number>();

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      callback();
    }, ms);
    this.pending.set(handle, ms);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
    this.pending.delete(handle);
  }

  /** Delays (ms) of the timers scheduled and not yet fired or cleared. */
  get pendingDelays(): number[] {
    return [...this.pending.values()];
  }
}
