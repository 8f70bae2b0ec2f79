import type { PromptApplier, SettledChange } from '../../../src/agent/prompt-applier.js';

/**
 * Resolves with the first `settled` event that matches; subscribe before the
 * write that causes it. Rejects after `timeoutMs` naming what it waited for.
 */
export function settledWhen(
  applier: PromptApplier, match: (change: SettledChange) => boolean, what: string, timeoutMs = 5000,
): Promise<SettledChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      applier.off('settled', listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const listener = (change: SettledChange): void => {
      if (!match(change)) return;
      clearTimeout(timer);
      applier.off('settled', listener);
      resolve(change);
    };
    applier.on('settled', listener);
  });
}
