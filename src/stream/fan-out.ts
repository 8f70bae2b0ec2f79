import { ConnectionRegistry } from './connection-registry.js';
import { FrameBatch } from './frame-batch.js';
import type { Frame } from './sse-frames.js';

/**
 * Coalesces the changes of one burst into one write per subscriber: frames
 * pushed during an event-loop turn go out together on the next `setImmediate`.
 */
export class FanOut {
  private pending: Frame[] = [];
  private scheduled = false;

  /** `onFlushed` hears of each burst once it is written, with the number of events delivered. */
  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly onFlushed: (frames: readonly Frame[], delivered: number) => void = () => undefined,
  ) {}

  push(frame: Frame): void {
    this.pending.push(frame);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = new FrameBatch(this.pending);
    this.pending = [];
    let delivered = 0;
    for (const session of this.registry.all()) delivered += session.deliver(batch);
    this.onFlushed(batch.frames, delivered);
  }
}
