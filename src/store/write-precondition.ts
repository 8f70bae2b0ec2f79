import type { WriteOutcome } from './prompt-store.js';

/** What a store knows of a key inside its write transaction. */
export interface KeyState {
  version: number;
  live: boolean;
}

/**
 * The check every store makes before changing a live prompt, inside its write
 * transaction so it is atomic with the write: the key must exist and not be
 * deleted, and when the caller sent a version (`If-Match`) it must still be
 * the current one. Returns the refusal, or undefined when the write may go on.
 */
export function refuseChange(state: KeyState | undefined, ifVersion?: number): WriteOutcome | undefined {
  if (!state || !state.live) return { ok: false, reason: 'not_found' };
  if (ifVersion !== undefined && ifVersion !== state.version) {
    return { ok: false, reason: 'stale', currentVersion: state.version };
  }
  return undefined;
}
