/** An opaque handle for a scheduled callback. */
export type TimerHandle = unknown;

/**
 * Time as the client sees it. Injected so tests can drive schedules without
 * sleeping; the default is the system clock.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * One named timer slot per purpose (reconnect, poll, stall, ready). Setting a
 * slot replaces its previous timer, and once `shutdown()` is called nothing is
 * ever scheduled again: that is what makes `close()` leave no timers behind.
 */
export class TimerSlots<Name extends string> {
  private readonly handles = new Map<Name, TimerHandle>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  set(name: Name, ms: number, callback: () => void): void {
    this.clear(name);
    if (this.closed) return;
    const handle = this.clock.setTimeout(
      () => {
        this.handles.delete(name);
        callback();
      },
      Math.max(0, ms),
    );
    this.handles.set(name, handle);
  }

  clear(name: Name): void {
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.handles.delete(name);
  }

  has(name: Name): boolean {
    return this.handles.has(name);
  }

  shutdown(): void {
    this.closed = true;
    for (const name of [...this.handles.keys()]) this.clear(name);
  }
}
