import { labelView } from '../store/label-view.js';
import type { PromptStore } from '../store/prompt-store.js';
import { snapshotFrame } from './sse-frames.js';

/** A snapshot event, encoded for one view (label and keys). */
export interface SnapshotFrame {
  /** The view's revision: the event's id, what the stream has delivered once it is written. */
  revision: number;
  /** The global revision the read saw: every change up to it is in the snapshot. */
  at: number;
  bytes: Buffer;
}

type Snapshots = Pick<PromptStore, 'revision' | 'labelSnapshot'>;

/** Views remembered at once; one more evicts the least recently used. */
const MAX_VIEWS = 32;

/**
 * One encoded snapshot per view (label and key filter), shared by every
 * connection that asks for it while the store has not moved on: a reconnect
 * storm reads and serialises the state once, and a large snapshot is held in
 * memory once, not once per connection. Concurrent misses share one read.
 */
export class SnapshotFrames {
  private readonly byView = new Map<string, Promise<SnapshotFrame>>();

  constructor(private readonly store: Snapshots) {}

  async frameFor(label: string, keys: ReadonlySet<string> | undefined, signature: string): Promise<SnapshotFrame> {
    const revision = await this.store.revision();
    const cached = this.byView.get(signature);
    if (cached) {
      const frame = await cached.catch(() => undefined);
      if (frame && frame.at >= revision) return this.touch(signature, cached, frame);
    }
    const reading = this.read(label, keys);
    this.remember(signature, reading);
    return reading;
  }

  private async read(label: string, keys: ReadonlySet<string> | undefined): Promise<SnapshotFrame> {
    const snapshot = await this.store.labelSnapshot(label);
    const view = labelView(snapshot, keys);
    return { revision: view.revision, at: snapshot.at, bytes: snapshotFrame(view) };
  }

  private remember(signature: string, reading: Promise<SnapshotFrame>): void {
    this.byView.delete(signature);
    this.byView.set(signature, reading);
    // A failed read is not remembered: the next connection tries again.
    reading.catch(() => this.byView.get(signature) === reading && this.byView.delete(signature));
    for (const oldest of this.byView.keys()) {
      if (this.byView.size <= MAX_VIEWS) break;
      this.byView.delete(oldest);
    }
  }

  private touch(signature: string, cached: Promise<SnapshotFrame>, frame: SnapshotFrame): SnapshotFrame {
    this.byView.delete(signature);
    this.byView.set(signature, cached);
    return frame;
  }
}
