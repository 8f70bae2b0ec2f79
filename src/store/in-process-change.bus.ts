import { Injectable } from '@nestjs/common';
import { ChangeBus, type BusStatus, type ChangeListener } from './change-bus.js';
import type { ChangeRecord } from './prompt-store.js';

/** The single-server bus: a synchronous fan-out to listeners in this process. */
@Injectable()
export class InProcessChangeBus extends ChangeBus {
  private readonly listeners = new Set<ChangeListener>();
  private state: BusStatus = 'idle';

  async start(): Promise<void> {
    this.state = 'listening';
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }

  get status(): BusStatus {
    return this.state;
  }

  publish(change: ChangeRecord): void {
    for (const listener of this.listeners) listener(change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of listeners, so tests can prove nothing is left subscribed. */
  get listenerCount(): number {
    return this.listeners.size;
  }
}
