import type { ChangeRecord } from './prompt-store.js';

/** Where the signal stands; only `listening` hears every commit (readiness checks it). */
export type SignalStatus = 'idle' | 'starting' | 'listening' | 'reconnecting' | 'closed';

/**
 * What a signal knows of a commit. In one process it hands over the change
 * itself; across replicas (PostgreSQL NOTIFY) only its revision; after a
 * reconnect nothing at all ("something may have committed meanwhile").
 */
export interface ChangeHint {
  revision?: number;
  change?: ChangeRecord;
}

export type HintListener = (hint: ChangeHint) => void;

/**
 * Tells the change feed that something committed, so it reads the change log.
 * A transport only: hints may come late, twice, out of order or not at all
 * (a dropped connection); the feed orders, dedupes and fills gaps from the
 * log, which is the source of truth. Both the type and the DI token;
 * `store.module.ts` picks it with the store, since a signal can only carry
 * what its store commits.
 */
export abstract class ChangeSignal {
  /** Begins listening; called once, after the store is ready. */
  abstract start(): Promise<void>;
  /** Stops and releases connections; called before the store closes. */
  abstract close(): Promise<void>;
  /** Announce a change that has already committed (the write path calls it). */
  abstract announce(change: ChangeRecord): void;
  /** Returns the function that unsubscribes. */
  abstract subscribe(listener: HintListener): () => void;
  abstract get status(): SignalStatus;
}
