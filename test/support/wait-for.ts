import { setTimeout as sleep } from 'node:timers/promises';

/** The first re-check comes this soon, so a condition that is nearly true costs almost nothing. */
const FIRST_INTERVAL_MS = 2;
/** Checks slow down to this, so a long wait (often an HTTP round trip per check) does not load the machine. */
const MAX_INTERVAL_MS = 50;

/**
 * Resolves once `cond()` holds, re-checking at intervals that double from
 * 2 ms to 50 ms; rejects after `timeoutMs` (default 10000) naming `what`.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let interval = FIRST_INTERVAL_MS;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(interval);
    interval = Math.min(interval * 2, MAX_INTERVAL_MS);
  }
}
