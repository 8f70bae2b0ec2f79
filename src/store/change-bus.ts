import type { ChangeRecord } from './prompt-store.js';

export type ChangeListener = (change: ChangeRecord) => void;

/** Where delivery stands; only `listening` delivers changes (health's readiness checks it). */
export type BusStatus = 'idle' | 'starting' | 'listening' | 'reconnecting' | 'closed';

/**
 * Carries committed changes from the write path to the stream. It is both the
 * type and the DI token; `store.module.ts` picks the implementation together
 * with the store, since a bus can only carry what its store commits.
 *
 * Delivery is at-least-once and may arrive out of order across concurrent
 * writers, so subscribers order by revision and fill any gap from the change
 * log (the log, not the bus, is the source of truth).
 */
export abstract class ChangeBus {
  /** Begins delivery; called once, after the store is ready. */
  abstract start(): Promise<void>;
  /** Stops delivery and releases connections; called before the store closes. */
  abstract close(): Promise<void>;
  /** Announce a change that has already committed. */
  abstract publish(change: ChangeRecord): void;
  /** Returns the function that unsubscribes. */
  abstract subscribe(listener: ChangeListener): () => void;
  abstract get status(): BusStatus;
}
