import { backoffDelay } from '../protocol/backoff.js';

/** Reconnection schedule settings. */
export interface BackoffOptions {
  /** The first retry waits up to this long. Defaults to `500` ms. */
  initialMs?: number;
  /** No retry waits longer than this. Defaults to `30000` ms. */
  maxMs?: number;
  /** A connection that stayed up this long resets the schedule. Defaults to `60000` ms. */
  healthyAfterMs?: number;
}

export const BACKOFF_DEFAULTS: Required<BackoffOptions> = { initialMs: 500, maxMs: 30_000, healthyAfterMs: 60_000 };

/**
 * The client's reconnection schedule: the shared full-jitter delay
 * (`protocol/backoff.ts`) stepped one attempt per retry, and started over
 * after a connection that stayed healthy. Deterministic apart from the injected `random`.
 */
export class Backoff {
  private attempt = 0;
  private readonly options: Required<BackoffOptions>;

  constructor(
    options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = { ...BACKOFF_DEFAULTS, ...options };
  }

  /** The delay before the next retry; each call moves one step up the schedule. */
  next(): number {
    const delay = backoffDelay(this.attempt, this.options, this.random);
    this.attempt += 1;
    return delay;
  }

  /**
   * Called when a connection that opened at `openedAt` ends at `now`: a
   * connection that was healthy long enough starts the schedule over.
   */
  connectionEnded(openedAt: number, now: number): void {
    if (now - openedAt >= this.options.healthyAfterMs) this.attempt = 0;
  }

  /** How many retries in a row have been scheduled since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}
