import { Injectable } from '@nestjs/common';
import { ChangeSignal, type HintListener, type SignalStatus } from './change-signal.js';
import type { ChangeRecord } from './prompt-store.js';

/** The single-process signal: hands each committed change straight to the listeners, synchronously. */
@Injectable()
export class InProcessChangeSignal extends ChangeSignal {
  private readonly listeners = new Set<HintListener>();
  private state: SignalStatus = 'idle';

  async start(): Promise<void> {
    this.state = 'listening';
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }

  get status(): SignalStatus {
    return this.state;
  }

  announce(change: ChangeRecord): void {
    for (const listener of this.listeners) listener({ revision: change.revision, change });
  }

  subscribe(listener: HintListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
