import type { EventEmitter } from 'node:events';

/**
 * Resolves once `condition()` holds, checking after every turn of the event
 * loop's timers; rejects after `timeoutMs` naming what it waited for.
 */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** The next `name` event whose payload satisfies `match`, or a rejection after `timeoutMs`. */
export function nextEvent<T>(
  emitter: EventEmitter, name: string, match: (value: T) => boolean = () => true, timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (value: T) => {
      if (!match(value)) return;
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a "${name}" event`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      emitter.off(name, listener);
    };
    emitter.on(name, listener);
  });
}
