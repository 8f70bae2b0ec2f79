import type { PromptStore } from '../store/prompt-store.js';
import { snapshotFrame } from './sse-frames.js';

/** A snapshot event, encoded for one key filter at one revision. */
export interface SnapshotFrame {
  revision: number;
  bytes: Buffer;
}

type Snapshots = Pick<PromptStore, 'revision' | 'snapshot'>;

/** Filters remembered at once; a filter beyond that evicts the least recently used. */
const MAX_FILTERS = 32;

/**
 * One encoded snapshot per key filter, shared by every connection that asks
 * for it at the same revision: a reconnect storm reads and serialises the
 * state once, and a large snapshot is held in memory once, not once per
 * connection. Only the newest revision is kept per filter; concurrent misses
 * share one read.
 */
export class SnapshotFrames {
  private readonly byFilter = new Map<string, Promise<SnapshotFrame>>();

  constructor(private readonly store: Snapshots) {}

  async frameFor(keys: ReadonlySet<string> | undefined, signature: string): Promise<SnapshotFrame> {
    const revision = await this.store.revision();
    const cached = this.byFilter.get(signature);
    if (cached) {
      const frame = await cached.catch(() => undefined);
      if (frame && frame.revision >= revision) return this.touch(signature, cached, frame);
    }
    const reading = this.read(keys);
    this.remember(signature, reading);
    return reading;
  }

  private async read(keys: ReadonlySet<string> | undefined): Promise<SnapshotFrame> {
    const snapshot = await this.store.snapshot();
    return { revision: snapshot.revision, bytes: snapshotFrame(snapshot, keys) };
  }

  private remember(signature: string, reading: Promise<SnapshotFrame>): void {
    this.byFilter.delete(signature);
    this.byFilter.set(signature, reading);
    // A failed read is not remembered: the next connection tries again.
    reading.catch(() => this.byFilter.get(signature) === reading && this.byFilter.delete(signature));
    for (const oldest of this.byFilter.keys()) {
      if (this.byFilter.size <= MAX_FILTERS) break;
      this.byFilter.delete(oldest);
    }
  }

  private touch(signature: string, cached: Promise<SnapshotFrame>, frame: SnapshotFrame): SnapshotFrame {
    this.byFilter.delete(signature);
    this.byFilter.set(signature, cached);
    return frame;
  }
}
