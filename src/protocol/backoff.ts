/**
 * Exponential backoff with full jitter, shared by the PromptClient's
 * reconnects and the server's webhook retries. Pure: the randomness is passed
 * in, so a schedule can be replayed in a test.
 */

/** The wait before the first retry is drawn below `initialMs`; no wait is drawn below more than `maxMs`. */
export interface BackoffBounds {
  initialMs: number;
  maxMs: number;
}

/** The ceiling for retry number `attempt` (0-based): doubles from `initialMs` and stops at `maxMs`. */
export function backoffCeiling(attempt: number, bounds: BackoffBounds): number {
  // The exponent is clamped so a very long outage cannot overflow to Infinity × 0.
  return Math.min(bounds.maxMs, bounds.initialMs * 2 ** Math.min(attempt, 52));
}

/**
 * The wait before retry number `attempt` (0-based): uniform between 0 and the
 * ceiling ("full jitter"), so many callers that failed together do not come
 * back in lock-step. `random` returns [0, 1), as Math.random does.
 */
export function backoffDelay(attempt: number, bounds: BackoffBounds, random: () => number): number {
  return Math.floor(random() * backoffCeiling(attempt, bounds));
}
